package store

import (
	"context"

	"github.com/vigil/vigil"
)

// KBMatchTx reads the knowledge base the way matching does: first the
// index rows a component set reaches, with the slim data derived at import
// for deciding a package match (PackageKey.Affected), then whole records
// only for those worth matching.
type KBMatchTx interface {
	// FindKBCandidateRows returns what the reverse index connects to any of
	// the keys. Package rows reached by KeyPackage (their purl) or
	// KeyEcoPackage (their ecosystem and name) come back as rows, each once;
	// every other way to a record (KeyPackageName, KeyCPE) and to a CSAF
	// advisory (KeyPackage, KeyCPE, KeyName, KeyHash on its product
	// identifiers) as store ids. Rows of withdrawn records are included:
	// the rows do not know, and FindKBVulnsByID leaves those out.
	FindKBCandidateRows(ctx context.Context, keys []vigil.IndexKey) (*KBCandidates, error)
	// FindKBVulnsByID returns the records with these store ids, in id
	// order, leaving out withdrawn ones and ids that do not exist.
	FindKBVulnsByID(ctx context.Context, ids []int64) ([]*vigil.Vulnerability, error)
	// FindAdvisoriesByID returns the CSAF advisories with these store ids,
	// in id order, leaving out ids that do not exist.
	FindAdvisoriesByID(ctx context.Context, ids []int64) ([]*vigil.Advisory, error)
	// FindKEVs returns the KEV entries of those of the CVEs that have one,
	// by CVE id.
	FindKEVs(ctx context.Context, cveIDs []string) (map[string]*vigil.KEVEntry, error)
	// FindLatestEPSS returns the newest EPSS score of those of the CVEs
	// that have one, by CVE id.
	FindLatestEPSS(ctx context.Context, cveIDs []string) (map[string]*vigil.EPSSScore, error)
}

// KBCandidates is what the reverse index connects to a key set.
type KBCandidates struct {
	// Packages are the package rows reached by purl or by ecosystem and
	// name, in record id order. Rows of one record with the same Affected
	// may come back once.
	Packages []KBPackageRow
	// Vulns are store ids of records reached another way, each once, in
	// id order; a record may also have rows in Packages.
	Vulns []int64
	// Advisories are store ids of CSAF advisories, each once, in id order.
	Advisories []int64
}

// KBPackageRow is one package index row of a record: what matching needs
// of it.
type KBPackageRow struct {
	RecordID int64
	// Affected is the row's PackageKey.Affected as stored; nil when the
	// record must be read whole to decide.
	Affected []byte
}
