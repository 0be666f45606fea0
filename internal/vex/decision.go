package vex

import (
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// Precedes reports whether statement a should apply rather than b to a
// finding both are about: a statement about a component beats one about
// the whole product, then the later statement wins, and between equals
// the one later in the document (a, when the caller walks in order).
func Precedes(a, b Statement) bool {
	if (a.Component != "") != (b.Component != "") {
		return a.Component != ""
	}
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.After(b.Timestamp)
	}
	return true
}

// Decision is the triage decision a statement of doc makes, recorded as
// coming from the VEX document sourceRef names. A justification is kept
// only for not_affected and a response only where something is to be
// done, as vigil's triage rules have it; the action statement joins the
// detail, and text is cut to what a triage decision holds.
func Decision(st Statement, doc *Document, sourceRef string, force bool) vigil.TriageInput {
	in := vigil.TriageInput{State: st.Status, Detail: st.Detail, Source: vigil.DecisionVEX, Force: force}
	if st.Status == vigil.TriageNotAffected {
		in.Justification = st.Justification
	}
	if st.Status != vigil.TriageNotAffected && st.Status != vigil.TriageFalsePositive {
		in.Response = st.Response
	}
	if st.Action != "" {
		if in.Detail != "" {
			in.Detail += "\n"
		}
		in.Detail += "Action: " + st.Action
	}
	if len(in.Detail) > vigil.MaxTriageDetail {
		in.Detail = in.Detail[:vigil.MaxTriageDetail]
	}
	if len(sourceRef) > vigil.MaxTriageSourceRef {
		sourceRef = sourceRef[:vigil.MaxTriageSourceRef]
	}
	in.SourceRef = sourceRef
	in.SourceTime = StatedAt(st, doc)
	return in
}

// StatedAt is when a statement was made: its own timestamp, else the
// document's last update, else its first issue.
func StatedAt(st Statement, doc *Document) time.Time {
	for _, t := range []time.Time{st.Timestamp, doc.Updated, doc.Issued} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Record is the i-th statement of doc as vigil keeps it, with its product
// and component described through idx (products by ID).
func Record(doc *Document, idx map[string]Product, i int, st Statement) vigil.VEXStatement {
	r := vigil.VEXStatement{Index: i, VulnID: st.Vulnerability, Aliases: st.Aliases, Status: st.Status, Justification: st.Justification,
		Response: st.Response, Detail: st.Detail, Action: st.Action, StatedAt: StatedAt(st, doc)}
	if p, ok := idx[st.Product]; ok {
		r.Product = p.Describe()
	}
	if c, ok := idx[st.Component]; ok && st.Component != "" {
		r.Component = c.Describe()
	}
	return r
}

// Filename is the name an export of product's version in format is saved
// under: letters, digits, dots and hyphens only, and the format's suffix.
func Filename(product, version string, format vigil.VEXFormat) string {
	ext := map[vigil.VEXFormat]string{vigil.VEXCSAF: ".csaf.json", vigil.VEXOpenVEX: ".openvex.json", vigil.VEXCycloneDX: ".cdx.json"}[format]
	return fileSlug(product) + "-" + fileSlug(version) + "-vex" + ext
}

func fileSlug(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '.', r == '-':
			return r
		}
		return '-'
	}, s)
}
