package mds2

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	c := LoadCatalogue()
	if got := len(c.Sections); got != 23 {
		t.Errorf("sections = %d, want 23", got)
	}
	if got := len(c.Questions); got < 200 {
		t.Errorf("questions = %d, want the whole form", got)
	}
	// Questions appear section by section, in the sections' order, and
	// every ID starts with its section's code.
	last := -1
	for _, q := range c.Questions {
		i := c.bySection[q.Section]
		if i < last {
			t.Errorf("%s: section %s out of form order", q.ID, q.Section)
		}
		last = i
		if !strings.HasPrefix(q.ID, q.Section+"-") {
			t.Errorf("%s: not in section %s", q.ID, q.Section)
		}
		if q.Parent != "" && !strings.HasPrefix(q.ID, q.Parent+".") {
			t.Errorf("%s: parent %s is not its prefix", q.ID, q.Parent)
		}
		if id, ok := CanonicalID(q.ID); !ok || id != q.ID {
			t.Errorf("%s: CanonicalID = %q, %v", q.ID, id, ok)
		}
		if q.Kind != KindYesNo && q.Kind != KindText {
			t.Errorf("%s: kind %q", q.ID, q.Kind)
		}
		if q.Text == "" {
			t.Errorf("%s: no text", q.ID)
		}
	}
	for _, id := range []string{"DOC-1", "MPII-2.1", "AUDT-2.8.1", "SBOM-1", "RDMP-4", "CONN-1.1.1", "RMOT-3", "SAHD-15"} {
		if _, ok := c.Question(id); !ok {
			t.Errorf("catalogue lacks %s", id)
		}
	}
	if q, _ := c.Question("AUDT-2.8.1"); q.Parent != "AUDT-2.8" {
		t.Errorf("AUDT-2.8.1 parent = %q", q.Parent)
	}
	if q, _ := c.Question("DOC-1"); q.Kind != KindText {
		t.Errorf("DOC-1 kind = %q", q.Kind)
	}
}

func TestCanonicalID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"AUDT-2.8.1", "AUDT-2.8.1", true},
		{" mpii-2.1 ", "MPII-2.1", true},
		{"SHAD-15", "SAHD-15", true},
		{"SBOM – 1", "SBOM-1", true},
		{"DOC-11.4", "DOC-11.4", true},
		{"Yes", "", false},
		{"AUDT", "", false},
		{"AUDT-2.8.1.1.1", "", false},
		{"ISO-27002", "", false},
	}
	for _, tt := range tests {
		got, ok := CanonicalID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
