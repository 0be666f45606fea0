package storetest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func sampleMDS2Entries() []vigil.MDS2Entry {
	return []vigil.MDS2Entry{
		{QuestionID: "DOC-1", Text: "Acme Medical", Sheet: "MDS2", Row: 6},
		{QuestionID: "SBOM-1", Answer: vigil.MDS2Yes, Note: "see IFU", Sheet: "MDS2", Row: 200},
		{QuestionID: "CONN-2", Answer: vigil.MDS2SeeNote, Note: "443/tcp, 104/tcp", Sheet: "MDS2", Row: 150},
		{QuestionID: "AUDT-2.8.1", Text: "Maybe", Sheet: "Part 2", Row: 12},
	}
}

func testMDS2(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open(t, fixedClock())
	a := MustCreateOrg(t, s, "mdm", vigil.Manufacturer)
	p := mustCreateProduct(t, s, a, "Pump", "P-1")
	r1 := mustCreateRelease(t, s, a, p.ID, "1.0")
	issues := []vigil.MDS2Issue{{Kind: vigil.MDS2BadAnswer, Sheet: "Part 2", Row: 12, QuestionID: "AUDT-2.8.1", Message: "answer \"Maybe\""}}

	first := &vigil.MDS2Form{ReleaseID: r1.ID, Filename: "mds2.xlsx", Format: "xlsx", SHA256: "aa", Issues: issues}
	update(t, s, func(tx store.Tx) error { return tx.CreateMDS2Form(ctx, a, first, sampleMDS2Entries()) })
	if first.ID == 0 || first.OrgID != a.OrgID || first.Answers != 4 || !first.CreatedAt.Equal(fixedClock()()) {
		t.Errorf("created form = %+v", first)
	}
	t.Run("ReadBack", func(t *testing.T) {
		view(t, s, func(tx store.Tx) error {
			got, err := tx.FindMDS2FormByID(ctx, a, first.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(first, got); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
			es, err := tx.FindMDS2Entries(ctx, a, first.ID)
			if err != nil {
				return err
			}
			want := sampleMDS2Entries()
			for i := range want {
				want[i].FormID = first.ID
			}
			if diff := cmp.Diff(want, es); diff != "" {
				t.Errorf("entries, in stored order (-want +got):\n%s", diff)
			}
			return nil
		})
	})
	t.Run("OneCurrent", func(t *testing.T) {
		err := s.Update(ctx, func(tx store.Tx) error {
			return tx.CreateMDS2Form(ctx, a, &vigil.MDS2Form{ReleaseID: r1.ID, Format: "csv", SHA256: "bb"}, nil)
		})
		wantErr(t, "second current form", err, vigil.ErrConflict)
	})
	second := &vigil.MDS2Form{ReleaseID: r1.ID, Format: "csv", SHA256: "bb"}
	cand := &vigil.MDS2Form{Candidate: "Globex Flow 7", Format: "xlsx", SHA256: "cc"}
	update(t, s, func(tx store.Tx) error {
		if err := tx.SupersedeMDS2Forms(ctx, a, r1.ID, ""); err != nil {
			return err
		}
		if err := tx.CreateMDS2Form(ctx, a, second, sampleMDS2Entries()[:1]); err != nil {
			return err
		}
		return tx.CreateMDS2Form(ctx, a, cand, sampleMDS2Entries()[1:2])
	})
	t.Run("Filters", func(t *testing.T) {
		view(t, s, func(tx store.Tx) error {
			ids := func(f vigil.MDS2Filter) []int64 {
				forms, err := tx.FindMDS2Forms(ctx, a, f)
				if err != nil {
					t.Fatal(err)
				}
				var out []int64
				for _, f := range forms {
					out = append(out, f.ID)
				}
				return out
			}
			name := cand.Candidate
			for _, tt := range []struct {
				name string
				f    vigil.MDS2Filter
				want []int64
			}{
				{"All", vigil.MDS2Filter{}, []int64{cand.ID, second.ID, first.ID}},
				{"Release", vigil.MDS2Filter{ReleaseID: &r1.ID}, []int64{second.ID, first.ID}},
				{"Current", vigil.MDS2Filter{ReleaseID: &r1.ID, CurrentOnly: true}, []int64{second.ID}},
				{"Candidate", vigil.MDS2Filter{Candidate: &name}, []int64{cand.ID}},
				{"Candidates", vigil.MDS2Filter{CandidatesOnly: true, CurrentOnly: true}, []int64{cand.ID}},
			} {
				if diff := cmp.Diff(tt.want, ids(tt.f)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
			old, err := tx.FindMDS2FormByID(ctx, a, first.ID)
			if err != nil {
				return err
			}
			if !old.SupersededAt.Equal(fixedClock()()) {
				t.Errorf("superseded at %v", old.SupersededAt)
			}
			return nil
		})
	})
	t.Run("Constraints", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			f    *vigil.MDS2Form
			es   []vigil.MDS2Entry
			want error
		}{
			{"BadAnswer", &vigil.MDS2Form{Candidate: "x", Format: "csv", SHA256: "x"}, []vigil.MDS2Entry{{QuestionID: "SBOM-1", Answer: "Maybe"}}, vigil.ErrInvalid},
			{"TwiceAQuestion", &vigil.MDS2Form{Candidate: "y", Format: "csv", SHA256: "x"}, []vigil.MDS2Entry{{QuestionID: "SBOM-1"}, {QuestionID: "SBOM-1"}}, vigil.ErrConflict},
			{"NeitherReleaseNorCandidate", &vigil.MDS2Form{Format: "csv", SHA256: "x"}, nil, vigil.ErrInvalid},
			{"BadFormat", &vigil.MDS2Form{Candidate: "z", Format: "pdf", SHA256: "x"}, nil, vigil.ErrInvalid},
		} {
			err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateMDS2Form(ctx, a, tt.f, tt.es) })
			wantErr(t, tt.name, err, tt.want)
		}
	})
	t.Run("Ports", func(t *testing.T) {
		ports := []vigil.ReleasePort{{Port: 443, Protocol: "tcp", Service: "HTTPS"}, {Port: 123, Protocol: "udp", Service: "NTP"}, {Port: 104, Protocol: "tcp", Service: "DICOM"}}
		update(t, s, func(tx store.Tx) error { return tx.SetReleasePorts(ctx, a, r1.ID, ports) })
		update(t, s, func(tx store.Tx) error { return tx.SetReleasePorts(ctx, a, r1.ID, ports) }) // replaces, no conflict
		view(t, s, func(tx store.Tx) error {
			got, err := tx.FindReleasePorts(ctx, a, r1.ID)
			if err != nil {
				return err
			}
			want := []vigil.ReleasePort{ports[2], ports[0], ports[1]}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ports (-want +got):\n%s", diff)
			}
			return nil
		})
		err := s.Update(ctx, func(tx store.Tx) error {
			return tx.SetReleasePorts(ctx, a, r1.ID, []vigil.ReleasePort{{Port: 70000, Protocol: "tcp"}})
		})
		wantErr(t, "port out of range", err, vigil.ErrInvalid)
	})
	t.Run("Isolation", func(t *testing.T) {
		b := MustCreateOrg(t, s, "hdo", vigil.HealthcareProvider)
		// B has a candidate of the same name, so that filters by name
		// cannot pass by returning nothing.
		update(t, s, func(tx store.Tx) error {
			return tx.CreateMDS2Form(ctx, b, &vigil.MDS2Form{Candidate: cand.Candidate, Format: "csv", SHA256: "dd"}, nil)
		})
		name := cand.Candidate
		for _, tt := range []struct {
			name     string
			readOnly bool
			run      func(tx store.Tx, sc vigil.Scope) error
		}{
			{"FindMDS2FormByID", true, func(tx store.Tx, sc vigil.Scope) error {
				_, err := tx.FindMDS2FormByID(ctx, sc, first.ID)
				return err
			}},
			{"FindMDS2Forms", true, func(tx store.Tx, sc vigil.Scope) error {
				forms, err := tx.FindMDS2Forms(ctx, sc, vigil.MDS2Filter{})
				return notListed(forms, 0, err)(func(f *vigil.MDS2Form) bool { return f.OrgID == a.OrgID })
			}},
			{"FindMDS2FormsByCandidate", true, func(tx store.Tx, sc vigil.Scope) error {
				forms, err := tx.FindMDS2Forms(ctx, sc, vigil.MDS2Filter{Candidate: &name})
				return notListed(forms, 0, err)(func(f *vigil.MDS2Form) bool { return f.ID == cand.ID })
			}},
			{"FindMDS2FormsByRelease", true, func(tx store.Tx, sc vigil.Scope) error {
				forms, err := tx.FindMDS2Forms(ctx, sc, vigil.MDS2Filter{ReleaseID: &r1.ID})
				return notListed(forms, 0, err)(func(*vigil.MDS2Form) bool { return true })
			}},
			{"FindMDS2Entries", true, func(tx store.Tx, sc vigil.Scope) error {
				es, err := tx.FindMDS2Entries(ctx, sc, first.ID)
				return notListed(es, 0, err)(func(vigil.MDS2Entry) bool { return true })
			}},
			{"DeleteMDS2Form", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteMDS2Form(ctx, sc, first.ID) }},
			{"SupersedeMDS2Forms", false, func(tx store.Tx, sc vigil.Scope) error {
				if err := tx.SupersedeMDS2Forms(ctx, sc, r1.ID, ""); err != nil {
					return err
				}
				got, err := tx.FindMDS2FormByID(ctx, a, second.ID)
				if err != nil {
					return err
				}
				if !got.SupersededAt.IsZero() {
					return errLeak
				}
				return vigil.ErrNotFound
			}},
			{"CreateMDS2FormOnOthersRelease", false, func(tx store.Tx, sc vigil.Scope) error {
				return tx.CreateMDS2Form(ctx, sc, &vigil.MDS2Form{ReleaseID: r1.ID, Format: "csv", SHA256: "ee"}, nil)
			}},
			{"SetReleasePorts", false, func(tx store.Tx, sc vigil.Scope) error { return tx.SetReleasePorts(ctx, sc, r1.ID, nil) }},
			{"FindReleasePorts", true, func(tx store.Tx, sc vigil.Scope) error {
				ps, err := tx.FindReleasePorts(ctx, sc, r1.ID)
				return notListed(ps, 0, err)(func(vigil.ReleasePort) bool { return true })
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := runIsolated(t, s, tt.readOnly, func(tx store.Tx) error { return tt.run(tx, b) }); !errors.Is(err, vigil.ErrNotFound) {
					t.Errorf("as B: %v, want not found", err)
				}
				if err := runIsolated(t, s, tt.readOnly, func(tx store.Tx) error { return tt.run(tx, vigil.Scope{}) }); !errors.Is(err, vigil.ErrForbidden) {
					t.Errorf("without scope: %v, want forbidden", err)
				}
			})
		}
		view(t, s, func(tx store.Tx) error {
			es, err := tx.FindMDS2Entries(ctx, a, first.ID)
			if err != nil || len(es) != 4 {
				t.Errorf("A's entries after B's attempts: %d, %v", len(es), err)
			}
			return nil
		})
	})
	t.Run("CascadeWithRelease", func(t *testing.T) {
		update(t, s, func(tx store.Tx) error { return tx.DeleteRelease(ctx, a, r1.ID) })
		view(t, s, func(tx store.Tx) error {
			forms, err := tx.FindMDS2Forms(ctx, a, vigil.MDS2Filter{ReleaseID: &r1.ID})
			if err != nil || len(forms) != 0 {
				t.Errorf("forms of a deleted release: %d, %v", len(forms), err)
			}
			es, err := tx.FindMDS2Entries(ctx, a, first.ID)
			if err != nil || len(es) != 0 {
				t.Errorf("answers of a deleted release: %d, %v", len(es), err)
			}
			return nil
		})
	})
}
