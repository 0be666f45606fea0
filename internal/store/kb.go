package store

import (
	"context"
	"time"

	"github.com/vigil/vigil"
)

// KBTx stores the vulnerability knowledge base. It is public reference
// data: global, with no organization scope; organizations only read it, and
// only feed imports write it. Records are kept whole (Doc, the record's JSON)
// beside index rows the service derives from them, so the store holds no
// knowledge of the formats.
type KBTx interface {
	// FindKBVulnMeta returns what decides whether a source record changed:
	// its digest and modified time. found is false for a new record.
	FindKBVulnMeta(ctx context.Context, source vigil.Source, sourceID string) (meta KBMeta, found bool, err error)
	// PutKBVuln inserts or replaces a source record and its index rows.
	PutKBVuln(ctx context.Context, r *KBVuln) error
	// FindKBVulns returns every source record known by id, as its own id or
	// as an alias, oldest source first.
	FindKBVulns(ctx context.Context, id string) ([]*vigil.Vulnerability, error)

	FindKEVMeta(ctx context.Context, cveID string) (meta KBMeta, found bool, err error)
	PutKEV(ctx context.Context, e *vigil.KEVEntry, digest string, doc []byte) error
	FindKEV(ctx context.Context, cveID string) (*vigil.KEVEntry, error)

	// PutEPSS stores a score for its date; stored is false when that CVE
	// already had exactly this score on that date.
	PutEPSS(ctx context.Context, s *vigil.EPSSScore) (stored bool, err error)
	// FindEPSS returns a CVE's scores, newest first.
	FindEPSS(ctx context.Context, cveID string) ([]*vigil.EPSSScore, error)

	FindAdvisoryMeta(ctx context.Context, sourceID string) (meta KBMeta, found bool, err error)
	PutAdvisory(ctx context.Context, a *KBAdvisory) error
	// FindAdvisoriesByVuln returns the CSAF advisories about a
	// vulnerability, newest first.
	FindAdvisoriesByVuln(ctx context.Context, vulnID string) ([]*vigil.Advisory, error)

	// EachKBDoc calls fn with the stored JSON of every record of one kind
	// (KBVulns, KBKEV, KBAdvisories), in a stable order, for bundles.
	EachKBDoc(ctx context.Context, kind KBKind, fn func(doc []byte) error) error
	// EachEPSS calls fn with every stored EPSS score.
	EachEPSS(ctx context.Context, fn func(*vigil.EPSSScore) error) error

	// KBStats counts what the knowledge base holds per source.
	KBStats(ctx context.Context) ([]KBSourceStats, error)
	// SetFeedState records a feed's last import report and sync state
	// (both JSON, opaque to the store).
	SetFeedState(ctx context.Context, source vigil.Source, report, syncState []byte) error
	FindFeedStates(ctx context.Context) ([]FeedState, error)
}

// KBKind names a kind of knowledge-base record kept as JSON.
type KBKind string

const (
	KBVulns      KBKind = "vulns"
	KBKEV        KBKind = "kev"
	KBAdvisories KBKind = "advisories"
)

// KBMeta is what the store knows about a record without reading it.
type KBMeta struct {
	SHA256   string
	Modified time.Time
}

// KBVuln is one source record with its derived index rows.
type KBVuln struct {
	Vuln *vigil.Vulnerability
	// Doc is the record's canonical JSON and SHA256 its digest.
	Doc    []byte
	SHA256 string
	// Aliases are every id the record is known by, its own included.
	Aliases  []string
	Packages []PackageKey
	CPEs     []CPEKey
}

// PackageKey indexes a record under a package.
type PackageKey struct {
	Ecosystem string
	Name      string
	PURL      string
	// Affected is what the service derived from the record to decide a
	// match on this package without reading the record whole; opaque to
	// the store. nil means the record has to be read whole to decide
	// (KBMatchTx).
	Affected []byte
}

// CPEKey indexes a record under a CPE vendor and product.
type CPEKey struct {
	Part, Vendor, Product string
	Vulnerable            bool
}

// KBAdvisory is one CSAF advisory with its derived index rows.
type KBAdvisory struct {
	Advisory *vigil.Advisory
	Doc      []byte
	SHA256   string
	// Vulns are the CVE ids and other ids the advisory is about.
	Vulns    []string
	Products []ProductKey
}

// ProductKey indexes an advisory under one identifier of a product.
type ProductKey struct {
	ProductID string
	// Kind is purl, cpe, model, sku, serial, hash or name.
	Kind  string
	Value string
}

// KBSourceStats counts one source's records.
type KBSourceStats struct {
	Source    vigil.Source `json:"source"`
	Records   int          `json:"records"`
	Withdrawn int          `json:"withdrawn,omitempty"`
	// LastModified is the newest modified time among the records.
	LastModified time.Time `json:"last_modified,omitzero"`
}

// FeedState is what a feed last did.
type FeedState struct {
	Source       vigil.Source `json:"source"`
	LastImportAt time.Time    `json:"last_import_at"`
	LastReport   []byte       `json:"-"`
	SyncState    []byte       `json:"-"`
}

// KBWriter is what a knowledge-base import writes through: the digest
// lookups that decide whether a record changed, and the writes. A Tx is one;
// so is a KBStage.
type KBWriter interface {
	FindKBVulnMeta(ctx context.Context, source vigil.Source, sourceID string) (meta KBMeta, found bool, err error)
	PutKBVuln(ctx context.Context, r *KBVuln) error
	FindKEVMeta(ctx context.Context, cveID string) (meta KBMeta, found bool, err error)
	PutKEV(ctx context.Context, e *vigil.KEVEntry, digest string, doc []byte) error
	PutEPSS(ctx context.Context, s *vigil.EPSSScore) (stored bool, err error)
	FindAdvisoryMeta(ctx context.Context, sourceID string) (meta KBMeta, found bool, err error)
	PutAdvisory(ctx context.Context, a *KBAdvisory) error
}

// KBStager is a store whose writers lock each other out (SQLite: one
// writer per database file), so that a long import must not write the live
// tables in one long transaction. StageKB opens a stage: the import writes
// there, apart from the live knowledge base and without the database's
// write lock, and Publish moves what it holds into the live tables in one
// short write transaction, so readers see all of the import or none of it.
// Stores without it (PostgreSQL, whose writers do not block each other)
// import in one transaction.
type KBStager interface {
	StageKB(ctx context.Context) (KBStage, error)
}

// KBStage holds one import's records until Publish.
type KBStage interface {
	KBWriter
	// Publish moves every staged record into the live knowledge base and
	// runs fn, both in one write transaction: a staged record the live one
	// has meanwhile equalled or overtaken (same digest, newer modified) is
	// left out. The stage is spent afterwards.
	Publish(ctx context.Context, fn func(Tx) error) error
	// Close discards the stage and whatever it still holds.
	Close() error
}
