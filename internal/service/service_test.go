package service_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/service"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// clock is a settable clock for the service and its store.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newService(t *testing.T) (*service.Service, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = c.Now
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return service.New(db).WithClock(c.Now), c
}

func mustOrg(t *testing.T, svc *service.Service, slug string) vigil.Scope {
	t.Helper()
	if _, err := svc.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Kind: vigil.Manufacturer}); err != nil {
		t.Fatal(err)
	}
	sc, _, err := svc.ScopeFor(t.Context(), slug, "tester")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func d(s string) vigil.Date {
	v, err := vigil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestCreateProductValidation(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
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
			p, err := svc.CreateProduct(t.Context(), sc, tt.in)
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
	svc, c := newService(t)
	sc := mustOrg(t, svc, "acme")
	p, err := svc.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.CreateRelease(t.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{
		ReleasedOn: d("2026-12-01"), EOLNoticeOn: d("2027-06-01"), EndOfSupportOn: d("2028-06-01"),
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
		c.now = d(step.day).Time().Add(10 * time.Hour)
		got, err := svc.Release(t.Context(), sc, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phase != step.want {
			t.Errorf("on %s phase = %s, want %s", step.day, got.Phase, step.want)
		}
	}
}

func TestSetReleasePhase(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	p, _ := svc.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	r, err := svc.CreateRelease(t.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{ReleasedOn: d("2020-01-01")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      service.PhaseChangeInput
		want    vigil.Phase
		wantErr error
	}{
		{"needs a reason", service.PhaseChangeInput{Phase: vigil.PhaseLimitedSupport}, "", vigil.ErrInvalid},
		{"unknown phase", service.PhaseChangeInput{Phase: "retired", Reason: "x"}, "", vigil.ErrInvalid},
		{"forward", service.PhaseChangeInput{Phase: vigil.PhaseLimitedSupport, Reason: "EOL announced"}, vigil.PhaseLimitedSupport, nil},
		{"back without force", service.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "undo"}, "", vigil.ErrConflict},
		{"back with force", service.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "undo", Force: true}, vigil.PhaseSupport, nil},
		{"phase and follow", service.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "x", FollowMilestones: true}, "", vigil.ErrInvalid},
		{"follow milestones", service.PhaseChangeInput{Reason: "automatic again", FollowMilestones: true}, vigil.PhaseSupport, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.SetReleasePhase(t.Context(), sc, r.ID, tt.in)
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
	detail, err := svc.Release(t.Context(), sc, r.ID)
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

func TestTokens(t *testing.T) {
	svc, c := newService(t)
	sc := mustOrg(t, svc, "acme")
	tok, secret, err := svc.CreateToken(t.Context(), sc, vigil.TokenInput{Name: "ci", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Authenticate(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrgID != sc.OrgID || got.Actor != "token:ci" {
		t.Errorf("Authenticate = %+v", got)
	}
	list, err := svc.Tokens(t.Context(), sc)
	if err != nil || len(list) != 1 || list[0].LastUsedAt.IsZero() {
		t.Errorf("Tokens = %v, %v; want one, used", list, err)
	}
	for name, bad := range map[string]string{
		"empty":     "",
		"no prefix": "abc",
		"unknown":   "vgl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"too long":  "vgl_" + string(make([]byte, 200)),
	} {
		if _, err := svc.Authenticate(t.Context(), bad); !errors.Is(err, vigil.ErrUnauthorized) {
			t.Errorf("Authenticate(%s) = %v, want unauthorized", name, err)
		}
	}
	c.now = c.now.Add(2 * time.Hour)
	if _, err := svc.Authenticate(t.Context(), secret); !errors.Is(err, vigil.ErrUnauthorized) {
		t.Errorf("expired token: %v, want unauthorized", err)
	}
	if err := svc.RevokeToken(t.Context(), sc, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(t.Context(), secret); !errors.Is(err, vigil.ErrUnauthorized) {
		t.Errorf("revoked token: %v, want unauthorized", err)
	}
}

func TestScopeFor(t *testing.T) {
	svc, _ := newService(t)
	if _, _, err := svc.ScopeFor(t.Context(), "", "x"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("no orgs: %v", err)
	}
	a := mustOrg(t, svc, "a")
	sc, org, err := svc.ScopeFor(t.Context(), "", "x")
	if err != nil || sc.OrgID != a.OrgID || org.Slug != "a" {
		t.Errorf("one org: %+v %v %v", sc, org, err)
	}
	mustOrg(t, svc, "b")
	if _, _, err := svc.ScopeFor(t.Context(), "", "x"); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("two orgs without slug: %v", err)
	}
	if _, _, err := svc.ScopeFor(t.Context(), "c", "x"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
}
