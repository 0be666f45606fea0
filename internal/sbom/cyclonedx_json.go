package sbom

import (
	"fmt"
	"io"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// cyclonedxJSON streams a CycloneDX JSON document: top-level keys are
// walked as tokens, each element of "components" and "dependencies" is
// decoded on its own with cyclonedx-go's types, and other sections
// (services, vulnerabilities, …) are skipped without being kept.
func (s *state) cyclonedxJSON(r io.Reader) error {
	j := newJSONStream(r, s.limits)
	s.doc.Version = 1
	var sawFormat, sawSpec bool
	err := j.keys("", func(key string) error {
		switch key {
		case "bomFormat":
			var v string
			if err := j.decode(key, &v); err != nil {
				return err
			}
			if v != "CycloneDX" {
				return &Error{Path: key, Offset: -1, Msg: fmt.Sprintf("bomFormat is %q, want \"CycloneDX\"", v)}
			}
			sawFormat = true
		case "specVersion":
			var v string
			if err := j.decode(key, &v); err != nil {
				return err
			}
			sawSpec = true
			return s.cdxSpecVersion(v, key)
		case "serialNumber":
			var v string
			if err := j.decode(key, &v); err != nil {
				return err
			}
			return s.cdxSerial(v, key)
		case "version":
			var v int
			if err := j.decode(key, &v); err != nil {
				return err
			}
			s.doc.Version = v
		case "metadata":
			var m cdxMetadata
			if err := j.decode(key, &m); err != nil {
				return err
			}
			return s.cdxMetadata(&m, key)
		case "components":
			return j.elements(key, func(_ int, path string) error {
				var c cdxComponent
				if err := j.decode(path, &c); err != nil {
					return err
				}
				return s.cdxComponent(&c, path, "", 0)
			})
		case "dependencies":
			return j.elements(key, func(_ int, path string) error {
				var d cdx.Dependency
				if err := j.decode(path, &d); err != nil {
					return err
				}
				return s.cdxDependency(&d, path)
			})
		case "services":
			return j.elements(key, func(_ int, path string) error {
				var sv cdxServiceJSON
				if err := j.decode(path, &sv); err != nil {
					return err
				}
				v := sv.service()
				return s.cdxCheckService(&v, path, 0)
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
	if !sawFormat {
		return &Error{Offset: -1, Msg: "no bomFormat: not a CycloneDX document"}
	}
	if !sawSpec {
		return &Error{Offset: -1, Msg: "no specVersion"}
	}
	s.cleanDoc()
	return nil
}
