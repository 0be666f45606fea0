package match

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// ComponentKeys are the keys a component is indexed under.
func ComponentKeys(c *vigil.Component) []vigil.IndexKey {
	var keys []vigil.IndexKey
	seen := map[vigil.IndexKey]bool{}
	add := func(kind vigil.KeyKind, value string) {
		k := vigil.IndexKey{Kind: kind, Value: value}
		if value != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if c.PURL != "" {
		add(vigil.KeyPURL, PURLIdentity(c.PURL))
	}
	if c.Name != "" {
		if c.PURL == "" {
			add(vigil.KeyPackageName, strings.ToLower(c.Name))
		}
		if c.Group != "" && c.PURL == "" {
			add(vigil.KeyPackageName, strings.ToLower(c.Group+":"+c.Name))
			add(vigil.KeyPackageName, strings.ToLower(c.Group+"/"+c.Name))
		}
		add(vigil.KeyName, NormalizeName(c.Name))
		for _, maker := range []string{c.Supplier, c.Manufacturer, c.Publisher} {
			if maker != "" {
				add(vigil.KeyName, NormalizeName(maker+" "+c.Name))
			}
		}
	}
	for _, cpe := range c.CPEs {
		if _, vendor, product, ok := SplitCPE(cpe); ok {
			add(vigil.KeyCPE, vendor+":"+product)
		}
	}
	for _, h := range c.Hashes {
		add(vigil.KeyHash, strings.ToLower(h.Value))
	}
	return keys
}

// EcoPackageKey is the vigil.KeyEcoPackage key of a package of an OSV ecosystem;
// name must already be normalised the way the ecosystem compares names.
func EcoPackageKey(ecosystem, name string) vigil.IndexKey {
	return vigil.IndexKey{Kind: vigil.KeyEcoPackage, Value: ecosystem + "|" + strings.ToLower(name)}
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
