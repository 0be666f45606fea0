package source_test

import (
	"testing"

	"github.com/vigil/vigil/internal/feed/source"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://services.nvd.nist.gov/rest/json/cves/2.0?startIndex=0": "https://services.nvd.nist.gov/rest/json/cves/2.0?startIndex=0",
		"https://x.example/a?apiKey=abc&b=1":                            "https://x.example/a?apiKey=REDACTED&b=1",
		"https://user:pw@x.example/a":                                   "https://REDACTED@x.example/a",
	} {
		if got := source.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
