package store

import (
	"context"

	"github.com/vigil/vigil"
)

// VEXTx stores imported VEX documents, their bytes and their statements,
// with what applying each did.
type VEXTx interface {
	// CreateVEXDocument stores an imported document and its bytes, and sets
	// its ID, OrgID and ImportedAt (the transaction's time).
	CreateVEXDocument(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument, content []byte) error
	// UpdateVEXDocumentCounts writes a document's statement and outcome
	// counts.
	UpdateVEXDocumentCounts(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument) error
	FindVEXDocumentByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.VEXDocument, error)
	// FindVEXDocuments lists imported documents, newest import first.
	FindVEXDocuments(ctx context.Context, sc vigil.Scope, f vigil.VEXDocumentFilter) ([]*vigil.VEXDocument, int, error)
	// FindVEXDocumentContent returns a document's bytes as received.
	FindVEXDocumentContent(ctx context.Context, sc vigil.Scope, id int64) ([]byte, error)
	// AddVEXStatements stores statements of a document and sets their IDs.
	AddVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64, sts []*vigil.VEXStatement) error
	// FindVEXStatements returns a document's statements in document order.
	FindVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64) ([]*vigil.VEXStatement, error)
}
