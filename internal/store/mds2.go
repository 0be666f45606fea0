package store

import (
	"context"

	"github.com/vigil/vigil"
)

// MDS2Tx stores MDS2 forms, their question-level answers, and the ports a
// release declares. A form belongs either to a release (the manufacturer's
// own statement) or to a named candidate (a device a hospital evaluates);
// each has at most one current form, and older ones stay for diffs.
type MDS2Tx interface {
	// SupersedeMDS2Forms retires the current form of the release
	// (releaseID > 0) or else of the candidate.
	SupersedeMDS2Forms(ctx context.Context, sc vigil.Scope, releaseID int64, candidate string) error
	// CreateMDS2Form inserts f as current, with its entries in the order
	// given (form order), and sets its ID, OrgID, CreatedAt and Answers.
	CreateMDS2Form(ctx context.Context, sc vigil.Scope, f *vigil.MDS2Form, entries []vigil.MDS2Entry) error
	FindMDS2FormByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.MDS2Form, error)
	// FindMDS2Forms lists forms, newest first.
	FindMDS2Forms(ctx context.Context, sc vigil.Scope, f vigil.MDS2Filter) ([]*vigil.MDS2Form, error)
	// FindMDS2Entries returns a form's answers in the order stored.
	FindMDS2Entries(ctx context.Context, sc vigil.Scope, formID int64) ([]vigil.MDS2Entry, error)
	DeleteMDS2Form(ctx context.Context, sc vigil.Scope, id int64) error

	// SetReleasePorts replaces the release's declared ports.
	SetReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64, ports []vigil.ReleasePort) error
	// FindReleasePorts lists them by protocol, then port.
	FindReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64) ([]vigil.ReleasePort, error)
}
