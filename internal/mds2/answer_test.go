package mds2

import (
	"testing"

	"github.com/vigil/vigil"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		in     string
		answer vigil.MDS2Answer
		note   string
		ok     bool
	}{
		{"Yes", vigil.MDS2Yes, "", true},
		{"yes.", vigil.MDS2Yes, "", true},
		{" NO ", vigil.MDS2No, "", true},
		{"N/A", vigil.MDS2NA, "", true},
		{"n.a.", vigil.MDS2NA, "", true},
		{"Not applicable", vigil.MDS2NA, "", true},
		{"See Note", vigil.MDS2SeeNote, "", true},
		{"See notes 3", vigil.MDS2SeeNote, "3", true},
		{"Yes, see IFU", vigil.MDS2Yes, "see IFU", true},
		{"Yes,optional", vigil.MDS2Yes, "optional", true},
		{"No: No end-of-life components", vigil.MDS2No, "No end-of-life components", true},
		{"N/A: No default accounts", vigil.MDS2NA, "No default accounts", true},
		{"Yes (LDAP)", vigil.MDS2Yes, "LDAP", true},
		{"Yes – HTTPS only", vigil.MDS2Yes, "HTTPS only", true},
		{"None", "", "", false},
		{"Yesterday", "", "", false},
		{"Nope", "", "", false},
		{"Maybe", "", "", false},
		{"", "", "", false},
		{"n/ab", "", "", false},
	}
	for _, tt := range tests {
		a, note, ok := ParseAnswer(tt.in)
		if a != tt.answer || note != tt.note || ok != tt.ok {
			t.Errorf("ParseAnswer(%q) = %q, %q, %v; want %q, %q, %v", tt.in, a, note, ok, tt.answer, tt.note, tt.ok)
		}
	}
}
