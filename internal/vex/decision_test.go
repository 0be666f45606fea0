package vex

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

func TestPrecedes(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	tests := []struct {
		name string
		a, b Statement
		want bool
	}{
		{"component beats product", Statement{Component: "c", Timestamp: t0}, Statement{Timestamp: t1}, true},
		{"product loses to component", Statement{Timestamp: t1}, Statement{Component: "c", Timestamp: t0}, false},
		{"later wins", Statement{Timestamp: t1}, Statement{Timestamp: t0}, true},
		{"earlier loses", Statement{Component: "c", Timestamp: t0}, Statement{Component: "c", Timestamp: t1}, false},
		{"equal: the later in the document", Statement{Timestamp: t0}, Statement{Timestamp: t0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Precedes(tt.a, tt.b); got != tt.want {
				t.Errorf("Precedes = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecision(t *testing.T) {
	issued := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	updated := issued.Add(48 * time.Hour)
	stated := updated.Add(time.Hour)
	long := strings.Repeat("x", vigil.MaxTriageDetail+10)
	tests := []struct {
		name string
		st   Statement
		doc  Document
		ref  string
		want vigil.TriageInput
	}{
		{
			name: "not_affected keeps its justification, drops a response",
			st:   Statement{Status: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath, Response: vigil.ResponseUpdate, Detail: "not compiled in", Timestamp: stated},
			doc:  Document{Issued: issued, Updated: updated},
			ref:  "vex_documents/7#0 DOC-1",
			want: vigil.TriageInput{State: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "not compiled in",
				Source: vigil.DecisionVEX, SourceRef: "vex_documents/7#0 DOC-1", SourceTime: stated},
		},
		{
			name: "affected keeps its response and joins the action to the detail; time falls back to the update",
			st:   Statement{Status: vigil.TriageAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath, Response: vigil.ResponseUpdate, Detail: "reachable", Action: "update to 2.1"},
			doc:  Document{Issued: issued, Updated: updated},
			ref:  "r",
			want: vigil.TriageInput{State: vigil.TriageAffected, Response: vigil.ResponseUpdate, Detail: "reachable\nAction: update to 2.1",
				Source: vigil.DecisionVEX, SourceRef: "r", SourceTime: updated},
		},
		{
			name: "false positive takes no response; text is cut; time falls back to the issue",
			st:   Statement{Status: vigil.TriageFalsePositive, Response: vigil.ResponseUpdate, Detail: long},
			doc:  Document{Issued: issued},
			ref:  strings.Repeat("r", vigil.MaxTriageSourceRef+5),
			want: vigil.TriageInput{State: vigil.TriageFalsePositive, Detail: long[:vigil.MaxTriageDetail],
				Source: vigil.DecisionVEX, SourceRef: strings.Repeat("r", vigil.MaxTriageSourceRef), SourceTime: issued},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decision(tt.st, &tt.doc, tt.ref, false)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Decision (-want +got):\n%s", d)
			}
		})
	}
}

func TestFilename(t *testing.T) {
	got := Filename("Infusion Pump/X", "3.0 (beta)", vigil.VEXCSAF)
	if want := "Infusion-Pump-X-3.0--beta--vex.csaf.json"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
}
