package match

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// Key is a reverse-index key: the same kinds index components and
// knowledge-base records, so that either side finds the other without a
// scan. Kinds are the Key* constants.
type Key struct {
	Kind  string
	Value string
}

// Key kinds.
const (
	// KeyPURL is a lower-cased purl without version, qualifiers or subpath.
	KeyPURL = "purl"
	// KeyPackageName is a lower-cased package name as OSV names packages
	// (Maven "group:artifact", Go module path, npm "@scope/name"), for
	// components without a package URL.
	KeyPackageName = "package"
	// KeyEcoPackage is "Ecosystem|name": an OSV ecosystem and a
	// normalised, lower-cased package name. Components with a purl are found
	// by it, so that a name shared by packages of several ecosystems does
	// not pull in the others' advisories.
	KeyEcoPackage = "ecopkg"
	// KeyCPE is a lower-cased CPE "vendor:product".
	KeyCPE = "cpe"
	// KeyName is a normalised product or component name (NormalizeName).
	KeyName = "name"
	// KeyHash is a lower-cased hex digest.
	KeyHash = "hash"
)

// ComponentKeys are the keys a component is indexed under.
func ComponentKeys(c *vigil.Component) []Key {
	var keys []Key
	seen := map[Key]bool{}
	add := func(kind, value string) {
		k := Key{kind, value}
		if value != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if c.PURL != "" {
		add(KeyPURL, PURLIdentity(c.PURL))
	}
	if c.Name != "" {
		if c.PURL == "" {
			add(KeyPackageName, strings.ToLower(c.Name))
		}
		if c.Group != "" && c.PURL == "" {
			add(KeyPackageName, strings.ToLower(c.Group+":"+c.Name))
			add(KeyPackageName, strings.ToLower(c.Group+"/"+c.Name))
		}
		add(KeyName, NormalizeName(c.Name))
		for _, maker := range []string{c.Supplier, c.Manufacturer, c.Publisher} {
			if maker != "" {
				add(KeyName, NormalizeName(maker+" "+c.Name))
			}
		}
	}
	for _, cpe := range c.CPEs {
		if _, vendor, product, ok := SplitCPE(cpe); ok {
			add(KeyCPE, vendor+":"+product)
		}
	}
	for _, h := range c.Hashes {
		add(KeyHash, strings.ToLower(h.Value))
	}
	return keys
}

// EcoPackageKey is the KeyEcoPackage key of a package of an OSV ecosystem;
// name must already be normalised the way the ecosystem compares names.
func EcoPackageKey(ecosystem, name string) Key {
	return Key{KeyEcoPackage, ecosystem + "|" + strings.ToLower(name)}
}

// PackageName is a purl's package name as OSV writes it: Maven
// "group:artifact", npm "@scope/name", other namespaced types
// "namespace/name".
func PackageName(p packageurl.PackageURL) string {
	switch {
	case p.Namespace == "":
		return p.Name
	case p.Type == packageurl.TypeMaven:
		return p.Namespace + ":" + p.Name
	default:
		return p.Namespace + "/" + p.Name
	}
}

// PURLIdentity cuts "@version", qualifiers and subpath off a purl and lower-cases
// it: the identity of a package across its versions.
func PURLIdentity(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.LastIndex(p, "@"); i > strings.LastIndex(p, "/") {
		p = p[:i]
	}
	return strings.ToLower(p)
}

// SplitCPE reads part, vendor and product from a CPE 2.3 formatted string
// (cpe:2.3:a:vendor:product:…) or a CPE 2.2 URI (cpe:/a:vendor:product…),
// honouring backslash-escaped colons; all lower-cased.
func SplitCPE(cpe string) (part, vendor, product string, ok bool) {
	var fields []string
	switch {
	case strings.HasPrefix(cpe, "cpe:2.3:"):
		fields = splitEscaped(cpe[len("cpe:2.3:"):])
	case strings.HasPrefix(cpe, "cpe:/"):
		fields = strings.Split(cpe[len("cpe:/"):], ":")
	default:
		return "", "", "", false
	}
	if len(fields) < 3 || fields[1] == "" || fields[2] == "" {
		return "", "", "", false
	}
	return strings.ToLower(fields[0]), strings.ToLower(fields[1]), strings.ToLower(fields[2]), true
}

func splitEscaped(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			b.WriteByte(s[i])
			b.WriteByte(s[i+1])
			i++
		case s[i] == ':':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	return append(out, b.String())
}

// NormalizeName folds a vendor or product name for comparison: lower case,
// punctuation to spaces, runs of spaces to one.
func NormalizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r > 127:
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		default:
			return ' '
		}
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// ComponentIdentity identifies a component across releases: its purl
// without version, else type, group and name.
func ComponentIdentity(c *vigil.Component) string {
	if c.PURL != "" {
		return PURLIdentity(c.PURL)
	}
	return strings.ToLower(string(c.Type) + "/" + c.Group + "/" + c.Name)
}
