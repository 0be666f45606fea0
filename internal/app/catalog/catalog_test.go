package catalog_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/catalog"
)

func TestCreateProductValidation(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	tests := []struct {
		name       string
		in         vigil.ProductInput
		wantFields []string
	}{
		{"ok, trimmed", vigil.ProductInput{Name: " Pump ", Manufacturer: " Acme ", DeviceModels: []string{" A ", ""}}, nil},
		{"everything missing", vigil.ProductInput{}, []string{"name", "manufacturer"}},
		{"control character", vigil.ProductInput{Name: "Pump\x1b[31m", Manufacturer: "Acme"}, []string{"name"}},
		{"duplicate model", vigil.ProductInput{Name: "P2", Manufacturer: "Acme", DeviceModels: []string{"A", "A"}}, []string{"device_models"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.Catalog.CreateProduct(t.Context(), sc, tt.in)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatal(err)
				}
				if p.Name != "Pump" || p.Manufacturer != "Acme" || !cmp.Equal(p.DeviceModels, []string{"A"}) {
					t.Errorf("not normalised: %+v", p)
				}
				return
			}
			var ve *vigil.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, vigil.ErrInvalid) {
				t.Fatalf("error = %v, want a validation error", err)
			}
			var fields []string
			for _, f := range ve.Fields {
				fields = append(fields, f.Field)
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReleasePhaseFollowsMilestones(t *testing.T) {
	svc, c := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	p, err := svc.Catalog.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Catalog.CreateRelease(t.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{
		ReleasedOn: apptest.Date("2026-12-01"), EOLNoticeOn: apptest.Date("2027-06-01"), EndOfSupportOn: apptest.Date("2028-06-01"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		day  string
		want vigil.Phase
	}{
		{"2026-11-30", vigil.PhaseDevelopment},
		{"2026-12-01", vigil.PhaseSupport},
		{"2027-05-31", vigil.PhaseSupport},
		{"2027-06-01", vigil.PhaseLimitedSupport},
		{"2028-06-01", vigil.PhaseEndOfSupport},
	} {
		c.Time = apptest.Date(step.day).Time().Add(10 * time.Hour)
		got, err := svc.Catalog.Release(t.Context(), sc, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phase != step.want {
			t.Errorf("on %s phase = %s, want %s", step.day, got.Phase, step.want)
		}
	}
}

func TestSetReleasePhase(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	p, _ := svc.Catalog.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	r, err := svc.Catalog.CreateRelease(t.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2020-01-01")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      catalog.PhaseChangeInput
		want    vigil.Phase
		wantErr error
	}{
		{"needs a reason", catalog.PhaseChangeInput{Phase: vigil.PhaseLimitedSupport}, "", vigil.ErrInvalid},
		{"unknown phase", catalog.PhaseChangeInput{Phase: "retired", Reason: "x"}, "", vigil.ErrInvalid},
		{"forward", catalog.PhaseChangeInput{Phase: vigil.PhaseLimitedSupport, Reason: "EOL announced"}, vigil.PhaseLimitedSupport, nil},
		{"back without force", catalog.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "undo"}, "", vigil.ErrConflict},
		{"back with force", catalog.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "undo", Force: true}, vigil.PhaseSupport, nil},
		{"phase and follow", catalog.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "x", FollowMilestones: true}, "", vigil.ErrInvalid},
		{"follow milestones", catalog.PhaseChangeInput{Reason: "automatic again", FollowMilestones: true}, vigil.PhaseSupport, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.Catalog.SetReleasePhase(t.Context(), sc, r.ID, tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Phase != tt.want || got.PhaseExplicit == tt.in.FollowMilestones {
				t.Errorf("phase = %s explicit=%v, want %s explicit=%v", got.Phase, got.PhaseExplicit, tt.want, !tt.in.FollowMilestones)
			}
		})
	}
	detail, err := svc.Catalog.Release(t.Context(), sc, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, h := range detail.History {
		reasons = append(reasons, h.Reason+" by "+h.Actor)
	}
	want := []string{"release created by tester", "EOL announced by tester", "undo by tester", "automatic again by tester"}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}
