package csaf

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/*.json
var schemaFS embed.FS

// The schemas by the URL documents and schemas refer to them by; nothing
// is fetched.
var schemaFiles = map[string]string{
	"https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json": "schema/csaf_json_schema.json",
	"https://www.first.org/cvss/cvss-v2.0.json":                        "schema/cvss-v2.0.json",
	"https://www.first.org/cvss/cvss-v3.0.json":                        "schema/cvss-v3.0.json",
	"https://www.first.org/cvss/cvss-v3.1.json":                        "schema/cvss-v3.1.json",
}

const csafSchemaURL = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"

type embeddedLoader struct{}

func (embeddedLoader) Load(url string) (any, error) {
	name, ok := schemaFiles[url]
	if !ok {
		return nil, fmt.Errorf("schema %s is not embedded", url)
	}
	b, err := schemaFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// schema is the CSAF 2.0 schema, compiled once, on first use.
var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(embeddedLoader{})
	return c.Compile(csafSchemaURL)
})

// validateSchema checks doc against the CSAF 2.0 schema and returns one
// message per failure, "JSON-POINTER: REASON", deepest first within a
// location and otherwise in location order.
func validateSchema(doc any) ([]string, error) {
	s, err := schema()
	if err != nil {
		return nil, err
	}
	err = s.Validate(doc)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	out := ve.BasicOutput()
	if out.Valid {
		return nil, nil
	}
	units := out.Errors
	slices.SortFunc(units, func(a, b jsonschema.OutputUnit) int {
		pa, pb := a.InstanceLocation, b.InstanceLocation
		if strings.HasPrefix(pb, pa) {
			return -1
		}
		if strings.HasPrefix(pa, pb) {
			return +1
		}
		if d := cmp.Compare(pa, pb); d != 0 {
			return d
		}
		return cmp.Compare(a.Error.String(), b.Error.String())
	})
	msgs := make([]string, 0, len(units))
	for i := range units {
		u := &units[i]
		if u.Error == nil {
			continue
		}
		loc := u.InstanceLocation
		if loc == "" {
			loc = u.AbsoluteKeywordLocation
		}
		msgs = append(msgs, loc+": "+u.Error.String())
	}
	return msgs, nil
}
