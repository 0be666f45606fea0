package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// sampleComponents are two components with every field set, and one bare.
func sampleComponents() []*vigil.Component {
	return []*vigil.Component{
		{
			Ref: "pkg:npm/left-pad@1.3.0", Type: vigil.ComponentLibrary, Group: "", Name: "left-pad", Version: "1.3.0",
			Supplier: "npm", Manufacturer: "Azer", Author: "Azer Koçulu", Publisher: "npm", PURL: "pkg:npm/left-pad@1.3.0",
			CPEs: []string{"cpe:2.3:a:left-pad_project:left-pad:1.3.0:*:*:*:*:node.js:*:*"}, SWIDTagID: "swid-1",
			Hashes:   []vigil.Hash{{Alg: vigil.HashSHA256, Value: "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"}},
			Licenses: []string{"WTFPL"}, Copyright: "(c) 2014", Description: "pads left", Scope: vigil.ScopeRequired,
			DownloadLocation: "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
			ExternalRefs:     []vigil.ExternalRef{{Type: "website", URL: "https://github.com/left-pad/left-pad"}},
			SupportLevel:     vigil.SupportNone, EndOfSupport: vigil.Date{Year: 2020, Month: 1, Day: 1},
			Properties: []vigil.Property{{Name: "internal:team", Value: "ui"}},
		},
		{Ref: "fw", Type: vigil.ComponentFirmware, Name: "pump-firmware", Version: "2.1.0", ParentRef: "pkg:npm/left-pad@1.3.0"},
	}
}

func testSBOMs(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Pump")
	r := mustCreateRelease(t, s, sc, p.ID, "1.0")

	importDoc := func(sha string, comps []*vigil.Component) *vigil.SBOMDocument {
		t.Helper()
		doc := &vigil.SBOMDocument{ReleaseID: r.ID, Format: vigil.FormatCycloneDX, SpecVersion: "1.6", Encoding: vigil.EncodingJSON}
		update(t, s, func(tx store.Tx) error {
			if err := tx.SupersedeSBOMs(ctx, sc, r.ID); err != nil {
				return err
			}
			if err := tx.CreateSBOM(ctx, sc, doc); err != nil {
				return err
			}
			if err := tx.AddComponents(ctx, sc, doc, comps); err != nil {
				return err
			}
			if err := tx.AddDependencies(ctx, sc, doc.ID, []*vigil.Dependency{
				{Ref: "pkg:npm/left-pad@1.3.0", DependsOn: []string{"fw"}},
				{Ref: "pkg:npm/left-pad@1.3.0", DependsOn: []string{"fw"}}, // repeated edge
				{Ref: "fw"}, // known to depend on nothing
			}); err != nil {
				return err
			}
			for i, chunk := range []string{"first", "second"} {
				if err := tx.AddSBOMContent(ctx, sc, doc.ID, i, []byte(chunk)); err != nil {
					return err
				}
			}
			doc.SerialNumber, doc.Version, doc.Name = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", 1, "Pump 1.0"
			doc.Authors, doc.Tools, doc.Describes = []string{"Acme PSIRT"}, []string{"syft 1.0"}, []string{"fw"}
			doc.Supplier, doc.Timestamp, doc.DataLicense = "Acme", fixedClock()(), ""
			doc.Warnings, doc.WarningsDropped = []string{"components[0].name: control character removed"}, 0
			doc.SHA256, doc.Size, doc.Components, doc.Dependencies = sha, 11, len(comps), 1
			return tx.FinishSBOM(ctx, sc, doc)
		})
		return doc
	}
	first := importDoc("aa", sampleComponents())

	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindSBOMByID(ctx, sc, first.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("FindSBOMByID (-want +got):\n%s", diff)
		}
		var comps []*vigil.Component
		if err := tx.EachComponent(ctx, sc, first.ID, func(c *vigil.Component) error {
			comps = append(comps, c)
			return nil
		}); err != nil {
			return err
		}
		want := sampleComponents()
		for _, c := range want {
			c.OrgID, c.ReleaseID, c.SBOMID = sc.OrgID, r.ID, first.ID
		}
		// ref order: "fw" < "pkg:…"
		want[0], want[1] = want[1], want[0]
		if diff := cmp.Diff(want, comps, cmpopts.IgnoreFields(vigil.Component{}, "ID")); diff != "" {
			t.Errorf("EachComponent (-want +got):\n%s", diff)
		}
		for _, c := range comps {
			if c.ID == 0 {
				t.Errorf("component %s has no ID", c.Ref)
			}
		}
		var deps []*vigil.Dependency
		if err := tx.EachDependency(ctx, sc, first.ID, func(d *vigil.Dependency) error {
			deps = append(deps, d)
			return nil
		}); err != nil {
			return err
		}
		wantDeps := []*vigil.Dependency{
			{SBOMID: first.ID, Ref: "fw", DependsOn: []string{}},
			{SBOMID: first.ID, Ref: "pkg:npm/left-pad@1.3.0", DependsOn: []string{"fw"}},
		}
		if diff := cmp.Diff(wantDeps, deps); diff != "" {
			t.Errorf("EachDependency (-want +got):\n%s", diff)
		}
		var content string
		if err := tx.EachSBOMContent(ctx, sc, first.ID, func(b []byte) error {
			content += string(b)
			return nil
		}); err != nil {
			return err
		}
		if content != "firstsecond" {
			t.Errorf("content = %q", content)
		}
		return nil
	})

	second := importDoc("bb", sampleComponents()[1:])
	view(t, s, func(tx store.Tx) error {
		cur, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &r.ID, CurrentOnly: true})
		if err != nil {
			return err
		}
		if len(cur) != 1 || cur[0].ID != second.ID {
			t.Errorf("current SBOMs = %v, want only the second", cur)
		}
		all, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &r.ID})
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != second.ID || all[1].SupersededAt.IsZero() {
			t.Errorf("all SBOMs = %v, want second then superseded first", all)
		}
		return nil
	})

	var fwID int64
	view(t, s, func(tx store.Tx) error {
		return tx.EachComponent(ctx, sc, second.ID, func(c *vigil.Component) error {
			fwID = c.ID
			return nil
		})
	})
	eos := vigil.Date{Year: 2030, Month: 6, Day: 30}
	update(t, s, func(tx store.Tx) error { return tx.UpdateComponentSupport(ctx, sc, fwID, vigil.SupportActive, eos) })
	view(t, s, func(tx store.Tx) error {
		return tx.EachComponent(ctx, sc, second.ID, func(c *vigil.Component) error {
			if c.SupportLevel != vigil.SupportActive || c.EndOfSupport != eos {
				t.Errorf("after UpdateComponentSupport: %s %v", c.SupportLevel, c.EndOfSupport)
			}
			return nil
		})
	})

	update(t, s, func(tx store.Tx) error { return tx.DeleteRelease(ctx, sc, r.ID) })
	err := s.View(ctx, func(tx store.Tx) error {
		_, err := tx.FindSBOMByID(ctx, sc, first.ID)
		return err
	})
	wantErr(t, "FindSBOMByID after its release was deleted", err, vigil.ErrNotFound)
}
