package vigil

// IndexKey is a reverse-index key: the same kinds index components and
// knowledge-base records, so that either side finds the other without a
// scan.
type IndexKey struct {
	Kind  KeyKind
	Value string
}

// KeyKind says what an IndexKey's value is.
type KeyKind string

// Index key kinds. The strings are stored in the reverse-index tables.
const (
	// KeyPURL is a lower-cased purl without version, qualifiers or subpath.
	KeyPURL KeyKind = "purl"
	// KeyPackageName is a lower-cased package name as OSV names packages
	// (Maven "group:artifact", Go module path, npm "@scope/name"), for
	// components without a package URL.
	KeyPackageName KeyKind = "package"
	// KeyEcoPackage is "Ecosystem|name": an OSV ecosystem and a
	// normalised, lower-cased package name. Components with a purl are found
	// by it, so that a name shared by packages of several ecosystems does
	// not pull in the others' advisories.
	KeyEcoPackage KeyKind = "ecopkg"
	// KeyCPE is a lower-cased CPE "vendor:product".
	KeyCPE KeyKind = "cpe"
	// KeyName is a normalised product or component name.
	KeyName KeyKind = "name"
	// KeyHash is a lower-cased hex digest.
	KeyHash KeyKind = "hash"
)
