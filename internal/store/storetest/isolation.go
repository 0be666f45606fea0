package storetest

import (
	"errors"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// testIsolation is the organization-isolation matrix: for every kind of
// organization row, organization B can neither read, list, update nor
// delete organization A's, and a call without a scope is refused. Rows of
// another organization must look absent (ErrNotFound), so B cannot even
// learn that they exist.
func testIsolation(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	a := MustCreateOrg(t, s, "org-a", vigil.Manufacturer)
	b := MustCreateOrg(t, s, "org-b", vigil.HealthcareProvider)
	pa := mustCreateProduct(t, s, a, "A's Pump", "AP-1")
	ra := mustCreateRelease(t, s, a, pa.ID, "1.0")
	ta := &vigil.APIToken{Name: "a-token", Hint: "vgl_a"}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateToken(ctx, a, ta, []byte("hash-of-a")); err != nil {
			return err
		}
		return tx.AddPhaseChange(ctx, a, &vigil.PhaseChange{ReleaseID: ra.ID, To: vigil.PhaseSupport, Actor: "a", Reason: "launch"})
	})
	// B gets rows of its own so "list" returning nothing is not trivially true.
	docA := &vigil.SBOMDocument{ReleaseID: ra.ID, Format: vigil.FormatSPDX, SpecVersion: "2.3", Encoding: vigil.EncodingJSON, SHA256: "aa"}
	var compA int64
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateSBOM(ctx, a, docA); err != nil {
			return err
		}
		if err := tx.AddComponents(ctx, a, docA, sampleComponents()); err != nil {
			return err
		}
		if err := tx.AddDependencies(ctx, a, docA.ID, []*vigil.Dependency{{Ref: "fw", DependsOn: []string{"x"}}}); err != nil {
			return err
		}
		if err := tx.AddSBOMContent(ctx, a, docA.ID, 0, []byte("secret bytes")); err != nil {
			return err
		}
		return tx.EachComponent(ctx, a, docA.ID, func(c *vigil.Component) error {
			compA = c.ID
			return nil
		})
	})
	pb := mustCreateProduct(t, s, b, "B's Catalogue Entry")
	mustCreateRelease(t, s, b, pb.ID, "9.9")

	type op struct {
		name     string
		readOnly bool
		run      func(tx store.Tx, sc vigil.Scope) error
	}
	ops := []op{
		{"FindProductByID", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindProductByID(ctx, sc, pa.ID)
			return err
		}},
		{"FindProductByName", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindProductByName(ctx, sc, pa.Name)
			return err
		}},
		{"FindProducts", true, func(tx store.Tx, sc vigil.Scope) error {
			return notListed(tx.FindProducts(ctx, sc, vigil.ProductFilter{}))(func(p *vigil.Product) bool { return p.ID == pa.ID })
		}},
		{"UpdateProduct", false, func(tx store.Tx, sc vigil.Scope) error {
			p := *pa
			p.Manufacturer = "hijacked"
			return tx.UpdateProduct(ctx, sc, &p)
		}},
		{"DeleteProduct", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteProduct(ctx, sc, pa.ID) }},
		{"CreateRelease(of A's product)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateRelease(ctx, sc, &vigil.Release{ProductID: pa.ID, Version: "6.6.6", Phase: vigil.PhaseSupport})
		}},
		{"FindReleaseByID", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindReleaseByID(ctx, sc, ra.ID)
			return err
		}},
		{"FindReleaseByVersion", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindReleaseByVersion(ctx, sc, pa.ID, ra.Version)
			return err
		}},
		{"FindReleases", true, func(tx store.Tx, sc vigil.Scope) error {
			return notListed(tx.FindReleases(ctx, sc, vigil.ReleaseFilter{}))(func(r *vigil.Release) bool { return r.ID == ra.ID })
		}},
		{"FindReleases(product filter)", true, func(tx store.Tx, sc vigil.Scope) error {
			return notListed(tx.FindReleases(ctx, sc, vigil.ReleaseFilter{ProductID: &pa.ID}))(func(r *vigil.Release) bool { return r.ID == ra.ID })
		}},
		{"UpdateRelease", false, func(tx store.Tx, sc vigil.Scope) error {
			r := *ra
			r.Phase = vigil.PhaseEndOfSupport
			return tx.UpdateRelease(ctx, sc, &r)
		}},
		{"DeleteRelease", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteRelease(ctx, sc, ra.ID) }},
		{"AddPhaseChange", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{ReleaseID: ra.ID, To: vigil.PhaseEndOfSupport, Actor: "b", Reason: "x"})
		}},
		{"FindPhaseChanges", true, func(tx store.Tx, sc vigil.Scope) error {
			hist, err := tx.FindPhaseChanges(ctx, sc, ra.ID)
			if err != nil {
				return err
			}
			if len(hist) > 0 {
				return errLeak
			}
			return vigil.ErrNotFound
		}},
		{"FindTokens", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindTokens(ctx, sc)
			if err != nil {
				return err
			}
			for _, tok := range list {
				if tok.ID == ta.ID {
					return errLeak
				}
			}
			return vigil.ErrNotFound
		}},
		{"TouchToken", false, func(tx store.Tx, sc vigil.Scope) error { return tx.TouchToken(ctx, sc, ta.ID) }},
		{"DeleteToken", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteToken(ctx, sc, ta.ID) }},
		{"FindSBOMByID", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindSBOMByID(ctx, sc, docA.ID)
			return err
		}},
		{"FindSBOMs", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &ra.ID})
			return notListed(list, 0, err)(func(d *vigil.SBOMDocument) bool { return d.ID == docA.ID })
		}},
		{"EachComponent", true, func(tx store.Tx, sc vigil.Scope) error {
			return eachFound(tx.EachComponent(ctx, sc, docA.ID, func(*vigil.Component) error { return errLeak }))
		}},
		{"EachDependency", true, func(tx store.Tx, sc vigil.Scope) error {
			return eachFound(tx.EachDependency(ctx, sc, docA.ID, func(*vigil.Dependency) error { return errLeak }))
		}},
		{"EachSBOMContent", true, func(tx store.Tx, sc vigil.Scope) error {
			return eachFound(tx.EachSBOMContent(ctx, sc, docA.ID, func([]byte) error { return errLeak }))
		}},
		{"CreateSBOM(for A's release)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateSBOM(ctx, sc, &vigil.SBOMDocument{ReleaseID: ra.ID, Format: vigil.FormatSPDX, SpecVersion: "2.3", Encoding: vigil.EncodingJSON})
		}},
		{"AddComponents(to A's SBOM)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.AddComponents(ctx, sc, docA, []*vigil.Component{{Ref: "evil", Type: vigil.ComponentLibrary, Name: "evil"}})
		}},
		{"AddSBOMContent(to A's SBOM)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.AddSBOMContent(ctx, sc, docA.ID, 1, []byte("evil"))
		}},
		{"FinishSBOM", false, func(tx store.Tx, sc vigil.Scope) error {
			d := *docA
			d.Name = "hijacked"
			return tx.FinishSBOM(ctx, sc, &d)
		}},
		{"UpdateComponentSupport", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.UpdateComponentSupport(ctx, sc, compA, vigil.SupportAbandoned, vigil.Date{})
		}},
		{"DeleteSBOM", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteSBOM(ctx, sc, docA.ID) }},
	}
	for _, o := range ops {
		t.Run(o.name+"/other org", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, b) })
			// Writes that reference A's rows by foreign key may be refused
			// as invalid rather than absent; both mean "not done".
			if !errors.Is(err, vigil.ErrNotFound) && !(errors.Is(err, vigil.ErrInvalid) && !o.readOnly) {
				t.Errorf("as org B: error = %v, want not found", err)
			}
		})
		t.Run(o.name+"/no scope", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, vigil.Scope{}) })
			if !errors.Is(err, vigil.ErrForbidden) {
				t.Errorf("without scope: error = %v, want forbidden", err)
			}
		})
		if o.readOnly {
			// A itself must find the row, which proves the operation can
			// see it at all and B's "not found" is the scope at work.
			t.Run(o.name+"/own org", func(t *testing.T) {
				err := s.View(ctx, func(tx store.Tx) error { return o.run(tx, a) })
				if err != nil && !errors.Is(err, errLeak) {
					t.Errorf("as org A: error = %v, want A's row found", err)
				}
			})
		}
	}
	// SupersedeSBOMs is not in the matrix: by design it touches no row of
	// another organization and says nothing, so A's document must simply
	// still be current afterwards.
	update(t, s, func(tx store.Tx) error { return tx.SupersedeSBOMs(ctx, b, ra.ID) })
	// After all of B's attempts A's rows are untouched.
	view(t, s, func(tx store.Tx) error {
		p, err := tx.FindProductByID(ctx, a, pa.ID)
		if err != nil {
			return err
		}
		if p.Manufacturer != pa.Manufacturer {
			t.Errorf("A's product manufacturer = %q, changed by B", p.Manufacturer)
		}
		r, err := tx.FindReleaseByID(ctx, a, ra.ID)
		if err != nil {
			return err
		}
		if r.Phase != ra.Phase {
			t.Errorf("A's release phase = %q, changed by B", r.Phase)
		}
		if _, err := tx.FindReleaseByVersion(ctx, a, pa.ID, "6.6.6"); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("B created a release under A's product: %v", err)
		}
		hist, err := tx.FindPhaseChanges(ctx, a, ra.ID)
		if err != nil {
			return err
		}
		if len(hist) != 1 {
			t.Errorf("A's release has %d phase changes, want 1", len(hist))
		}
		cur, err := tx.FindSBOMs(ctx, a, vigil.SBOMFilter{ReleaseID: &ra.ID, CurrentOnly: true})
		if err != nil {
			return err
		}
		if len(cur) != 1 || cur[0].Name != "" {
			t.Errorf("A's current SBOMs = %v, changed by B", cur)
		}
		if _, err := tx.FindTokenByHash(ctx, []byte("hash-of-a")); err != nil {
			t.Errorf("A's token: %v", err)
		}
		return nil
	})
}

// eachFound turns an Each* walk whose callback returns errLeak on the first
// item into errLeak when it saw an item and ErrNotFound when it saw none.
func eachFound(err error) error {
	if err == nil {
		return vigil.ErrNotFound
	}
	return err
}

// errLeak marks an operation that returned another organization's row.
var errLeak = errors.New("returned another organization's row")

// notListed turns a listing into ErrNotFound when it does not hold the row
// that is looked for, and errLeak when it does.
func notListed[T any](items []T, _ int, err error) func(func(T) bool) error {
	return func(is func(T) bool) error {
		if err != nil {
			return err
		}
		for _, it := range items {
			if is(it) {
				return errLeak
			}
		}
		return vigil.ErrNotFound
	}
}

// runIsolated runs fn in a transaction that is always rolled back, so that
// one operation's success (a bug) does not change what the next one sees.
func runIsolated(t *testing.T, s store.Store, readOnly bool, fn func(store.Tx) error) error {
	t.Helper()
	var got error
	rollback := errors.New("rollback")
	do := s.Update
	if readOnly {
		do = s.View
	}
	err := do(t.Context(), func(tx store.Tx) error {
		got = fn(tx)
		return rollback
	})
	if !errors.Is(err, rollback) {
		return err
	}
	return got
}
