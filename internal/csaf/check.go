package csaf

import (
	"bytes"
	"fmt"
	"strings"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Config selects the checks.
type Config struct {
	// Strict rejects documents with properties the standard does not
	// define (the official schema allows them; CSAF optional test 6.2.20
	// only warns, and so does this package without Strict).
	Strict bool
	// SkipSchema turns the JSON schema check off (not recommended).
	SkipSchema bool
	// SkipMandatory turns the mandatory tests off.
	SkipMandatory bool
}

// Problem is one failed check of a document.
type Problem struct {
	// Test is the CSAF section of the check: "schema", or "6.1.1" and so on.
	Test string
	// Path is a JSON path into the document.
	Path   string
	Reason string
	// Warning is true for a problem that does not reject the document.
	Warning bool
}

func (p Problem) String() string { return p.Test + " " + p.Path + ": " + p.Reason }

// Rejects reports whether problems hold one that rejects the document.
func Rejects(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Decode reads a whole JSON document into the generic form Check takes
// (maps, slices, strings, json.Number).
func Decode(b []byte) (any, error) {
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// Check runs the schema and the mandatory tests on a decoded document
// (as Decode returns it) and returns every problem. The schema is
// compiled once per process, on first use.
func Check(doc any, cfg Config) ([]Problem, error) {
	var out []Problem
	if !cfg.SkipSchema {
		msgs, err := gocsaf.ValidateCSAF(doc)
		if err != nil {
			return nil, fmt.Errorf("csaf schema: %w", err)
		}
		for _, m := range msgs {
			path, reason, _ := strings.Cut(m, ": ")
			p := Problem{Test: "schema", Path: pointerToPath(path), Reason: reason}
			if !cfg.Strict && strings.HasPrefix(reason, "additional properties") {
				p.Test, p.Warning = "6.2.20", true
			}
			out = append(out, p)
		}
		if Rejects(out) {
			// The mandatory tests assume a document of the right shape.
			return out, nil
		}
	}
	if !cfg.SkipMandatory {
		out = append(out, Mandatory(doc)...)
	}
	return out, nil
}

// pointerToPath turns "/document/tracking" into "$.document.tracking".
func pointerToPath(p string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, part := range strings.Split(p, "/") {
		if part == "" {
			continue
		}
		if isDigits(part) {
			b.WriteString("[" + part + "]")
		} else {
			b.WriteString("." + part)
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
