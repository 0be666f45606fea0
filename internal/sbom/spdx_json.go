package sbom

import (
	"io"
)

// spdxJSON streams an SPDX 2.x JSON document: each element of "packages"
// and "relationships" is decoded on its own; files, snippets and extracted
// licenses are skipped without being kept.
func (s *state) spdxJSON(r io.Reader) error {
	j := newJSONStream(r, s.limits)
	var sawVersion bool
	err := j.keys("", func(key string) error {
		switch key {
		case "spdxVersion":
			var v string
			if err := j.decode(key, &v); err != nil {
				return err
			}
			sawVersion = true
			return s.spdxVersion(v, key)
		case "dataLicense":
			return j.decode(key, &s.doc.DataLicense)
		case "name":
			return j.decode(key, &s.doc.Name)
		case "documentNamespace":
			return j.decode(key, &s.doc.SerialNumber)
		case "creationInfo":
			var ci spdxCreationInfo
			if err := j.decode(key, &ci); err != nil {
				return err
			}
			if ci.Created != "" {
				if err := s.spdxCreated(ci.Created, "creationInfo.created"); err != nil {
					return err
				}
			}
			for _, c := range ci.Creators {
				s.spdxCreator(c)
			}
		case "documentDescribes":
			var v []string
			if err := j.decode(key, &v); err != nil {
				return err
			}
			s.doc.Describes = append(s.doc.Describes, v...)
		case "packages":
			return j.elements(key, func(_ int, path string) error {
				var p spdxPackage
				if err := j.decode(path, &p); err != nil {
					return err
				}
				c, err := s.spdxMap(&p, path)
				if err != nil {
					return err
				}
				return s.emit(c, path)
			})
		case "relationships":
			return j.elements(key, func(_ int, path string) error {
				var r spdxRelationship
				if err := j.decode(path, &r); err != nil {
					return err
				}
				return s.spdxRelationship(&r, path)
			})
		default:
			return j.skip(key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := j.end(); err != nil {
		return err
	}
	if !sawVersion {
		return &Error{Offset: -1, Msg: "no spdxVersion: not an SPDX document"}
	}
	s.doc.Describes = dedupe(s.doc.Describes)
	s.cleanDoc()
	return nil
}

// dedupe removes repeated strings, keeping the first of each.
func dedupe(v []string) []string {
	seen := make(map[string]bool, len(v))
	out := v[:0]
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
