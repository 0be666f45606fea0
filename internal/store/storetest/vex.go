package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func testVEX(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	other := MustCreateOrg(t, s, "other", vigil.HealthcareProvider)

	issued := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	content := []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x"}` + "\x00\xff")
	doc := &vigil.VEXDocument{Format: vigil.VEXOpenVEX, DocumentID: "https://openvex.dev/docs/x", Version: "3", Title: "t",
		Publisher: "Supplier Inc.", Issued: issued, SHA256: "ab12", Size: int64(len(content)), ImportedBy: "cli:test"}
	sts := []*vigil.VEXStatement{
		{Index: 0, VulnID: "CVE-2024-0001", Aliases: []string{"GHSA-1"}, Product: "pkg:npm/left-pad@1.3.0", Status: vigil.TriageNotAffected,
			Justification: vigil.JustVulnerableCodeNotPresent, Detail: "not compiled in", StatedAt: issued, Matched: 2, Applied: 1, Conflicts: 1},
		{Index: 1, VulnID: "CVE-2024-0002", Product: "device", Component: "pkg:npm/a@1", Status: vigil.TriageAffected,
			Response: vigil.ResponseUpdate, Action: "update to 2"},
	}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateVEXDocument(ctx, sc, doc, content); err != nil {
			return err
		}
		if err := tx.AddVEXStatements(ctx, sc, doc.ID, sts); err != nil {
			return err
		}
		doc.Statements, doc.Applied, doc.Conflicts, doc.Unmatched = 2, 1, 1, 1
		return tx.UpdateVEXDocumentCounts(ctx, sc, doc)
	})
	if doc.ID == 0 || doc.OrgID != sc.OrgID || !doc.ImportedAt.Equal(fixedClock()()) || sts[1].ID == 0 || sts[1].DocumentID != doc.ID {
		t.Fatalf("ids and times not set: %+v %+v", doc, sts[1])
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindVEXDocumentByID(ctx, sc, doc.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(doc, got); diff != "" {
			t.Errorf("FindVEXDocumentByID (-want +got):\n%s", diff)
		}
		b, err := tx.FindVEXDocumentContent(ctx, sc, doc.ID)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, content) {
			t.Errorf("content %q, want %q", b, content)
		}
		gotSts, err := tx.FindVEXStatements(ctx, sc, doc.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(sts, gotSts); diff != "" {
			t.Errorf("FindVEXStatements (-want +got):\n%s", diff)
		}
		sha := "ab12"
		list, n, err := tx.FindVEXDocuments(ctx, sc, vigil.VEXDocumentFilter{SHA256: &sha})
		if err != nil {
			return err
		}
		if n != 1 || len(list) != 1 || list[0].ID != doc.ID {
			t.Errorf("FindVEXDocuments by sha256: %d, %v", n, list)
		}
		none := "cd"
		if list, n, err = tx.FindVEXDocuments(ctx, sc, vigil.VEXDocumentFilter{SHA256: &none}); err != nil || n != 0 || len(list) != 0 {
			t.Errorf("FindVEXDocuments of another sha256: %d, %v, %v", n, list, err)
		}
		return nil
	})

	// A second import of the same bytes is its own row; the listing is
	// newest first and pages.
	second := *doc
	second.ID = 0
	update(t, s, func(tx store.Tx) error { return tx.CreateVEXDocument(ctx, sc, &second, content) })
	view(t, s, func(tx store.Tx) error {
		list, n, err := tx.FindVEXDocuments(ctx, sc, vigil.VEXDocumentFilter{Page: vigil.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if n != 2 || len(list) != 1 || list[0].ID != second.ID {
			t.Errorf("page 1: total %d, %d rows, first %d; want 2, 1, %d", n, len(list), list[0].ID, second.ID)
		}
		return nil
	})

	// Isolation: another organization sees none of it and cannot write to it.
	view(t, s, func(tx store.Tx) error {
		if _, err := tx.FindVEXDocumentByID(ctx, other, doc.ID); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("other org FindVEXDocumentByID: %v, want ErrNotFound", err)
		}
		if _, err := tx.FindVEXDocumentContent(ctx, other, doc.ID); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("other org FindVEXDocumentContent: %v, want ErrNotFound", err)
		}
		if list, n, err := tx.FindVEXDocuments(ctx, other, vigil.VEXDocumentFilter{}); err != nil || n != 0 || len(list) != 0 {
			t.Errorf("other org FindVEXDocuments: %d, %v, %v", n, list, err)
		}
		if list, err := tx.FindVEXStatements(ctx, other, doc.ID); err != nil || len(list) != 0 {
			t.Errorf("other org FindVEXStatements: %v, %v", list, err)
		}
		for name, fn := range map[string]func() error{
			"FindVEXDocumentByID": func() error { _, err := tx.FindVEXDocumentByID(ctx, vigil.Scope{}, doc.ID); return err },
			"FindVEXDocuments": func() error {
				_, _, err := tx.FindVEXDocuments(ctx, vigil.Scope{}, vigil.VEXDocumentFilter{})
				return err
			},
			"FindVEXStatements":      func() error { _, err := tx.FindVEXStatements(ctx, vigil.Scope{}, doc.ID); return err },
			"FindVEXDocumentContent": func() error { _, err := tx.FindVEXDocumentContent(ctx, vigil.Scope{}, doc.ID); return err },
		} {
			if err := fn(); !errors.Is(err, vigil.ErrForbidden) {
				t.Errorf("%s without scope: %v, want ErrForbidden", name, err)
			}
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		d := *doc
		return tx.UpdateVEXDocumentCounts(ctx, other, &d)
	})
	if !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org UpdateVEXDocumentCounts: %v, want ErrNotFound", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.AddVEXStatements(ctx, other, doc.ID, []*vigil.VEXStatement{{Index: 9, VulnID: "CVE-1", Product: "p", Status: vigil.TriageFixed}})
	})
	if !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("other org AddVEXStatements to a foreign document: %v, want ErrInvalid (no such document)", err)
	}
	// Constraints: a bad status, a duplicate index.
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.AddVEXStatements(ctx, sc, doc.ID, []*vigil.VEXStatement{{Index: 7, VulnID: "CVE-1", Product: "p", Status: "maybe"}})
	})
	if !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("bad status: %v, want ErrInvalid", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.AddVEXStatements(ctx, sc, doc.ID, []*vigil.VEXStatement{{Index: 0, VulnID: "CVE-1", Product: "p", Status: vigil.TriageFixed}})
	})
	if !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("duplicate index: %v, want ErrConflict", err)
	}
}
