// Package demo loads the quickstart's demo portfolio through the service
// layer, as a user would: a manufacturer with products whose releases sit in
// each of the four lifecycle phases, and a hospital. Loading is idempotent:
// what exists already is left alone and reported as such.
package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/knowledge"
)

//go:embed data/*.json data/*.csv data/*.yaml data/feeds
var data embed.FS

// Manufacturer and Hospital are the demo organizations' slugs.
const (
	Manufacturer = "acme-medical"
	Hospital     = "st-elsewhere"
)

type product struct {
	in       vigil.ProductInput
	releases []vigil.ReleaseInput
}

func date(y int, m time.Month, d int) vigil.Date { return vigil.Date{Year: y, Month: m, Day: d} }

func portfolio() []product {
	return []product{
		{
			in: vigil.ProductInput{
				Name: "Infusion Pump", Manufacturer: "Acme Medical Devices",
				DeviceModels:     []string{"IP-3000", "IP-3000W"},
				IntendedUse:      "Controlled delivery of fluids and medications to patients in hospital care.",
				ClinicalFunction: "infusion therapy",
			},
			releases: []vigil.ReleaseInput{
				{Version: "2.1", Milestones: vigil.Milestones{ReleasedOn: date(2021, 3, 1), EOLNoticeOn: date(2025, 6, 30), EndOfSupportOn: date(2027, 6, 30)}},
				{Version: "3.0", Milestones: vigil.Milestones{ReleasedOn: date(2024, 9, 15)}},
				{Version: "3.1"},
			},
		},
		{
			in: vigil.ProductInput{
				Name: "Patient Monitor", Manufacturer: "Acme Medical Devices",
				DeviceModels:     []string{"PM-12"},
				IntendedUse:      "Continuous monitoring of vital signs at the bedside.",
				ClinicalFunction: "patient monitoring",
			},
			releases: []vigil.ReleaseInput{
				{Version: "5.4", Milestones: vigil.Milestones{ReleasedOn: date(2018, 1, 10), EOLNoticeOn: date(2022, 1, 1), EndOfSupportOn: date(2024, 12, 31)}},
				{Version: "6.0", Milestones: vigil.Milestones{ReleasedOn: date(2023, 5, 1)}},
			},
		},
	}
}

// Summary says what Load did.
type Summary struct {
	Orgs     []Item `json:"orgs"`
	Products []Item `json:"products"`
	Releases []Item `json:"releases"`
	// SBOM is what the demo did with the demo pump's SBOM.
	SBOM *SBOMStep `json:"sbom"`
	// Feeds is what the demo imported into the knowledge base.
	Feeds *FeedStep `json:"feeds"`
	// Findings are the release's findings after the feeds were imported
	// (incremental matching found them).
	Findings []*vigil.Finding `json:"findings"`
	// Fleet is the hospital's fleet, its mapping and exposure.
	Fleet *FleetStep `json:"fleet"`
	// Lifecycle is the demo's end of life: notice, transfer, support
	// roll-up, horizon and a decommissioned asset with its certificate.
	Lifecycle *LifecycleStep `json:"lifecycle"`
	// Triage is the demo's postmarket triage: a finding assessed, the queue.
	Triage *TriageStep `json:"triage"`
	// VEX is the demo release's CSAF VEX, as exported.
	VEX *VEXStep `json:"vex"`
	// Token is a fresh API token for the manufacturer, for trying the API;
	// HospitalToken is one for the hospital.
	Token         string `json:"token"`
	HospitalToken string `json:"hospital_token"`
	// MDS2 is the demo release's MDS2 form and a hospital's evaluation.
	MDS2 *MDS2Step `json:"mds2"`
}

// SBOMStep is the SBOM part of the demo: the demo device's SBOM (written
// for the demo: a fictional pump, real components) imported into a
// release, its support addendum applied and its conformance checked.
type SBOMStep struct {
	Release    string                   `json:"release"`
	Import     *inventory.SBOMImport    `json:"import"`
	Support    *inventory.SupportImport `json:"support"`
	Components int                      `json:"components"`
	Complete   int                      `json:"complete"`
	// Missing counts the components that lack each element.
	Missing map[string]int `json:"missing"`
	NTIAOK  bool           `json:"ntia_ok"`
}

// Item is one thing Load created or found.
type Item struct {
	Name    string `json:"name"`
	Detail  string `json:"detail"`
	Created bool   `json:"created"`
}

// Options change what Load does.
type Options struct {
	// FeedsDir, when set, is imported instead of the demo feeds embedded
	// in the binary: any file or folder `vigil feed import` takes (a feed
	// sync mirror, NVD/OSV/CSAF/KEV/EPSS downloads).
	FeedsDir string
}

// Load creates the demo organizations, products and releases that do not
// exist yet, and a fresh API token named "quickstart" for each
// organization.
func Load(ctx context.Context, svc *app.App, actor string, opt Options) (*Summary, error) {
	var sum Summary
	var mdm, hdo vigil.Scope
	for _, o := range []vigil.OrgInput{
		{Slug: Manufacturer, Name: "Acme Medical Devices", Kind: vigil.Manufacturer},
		{Slug: Hospital, Name: "St. Elsewhere General Hospital", Kind: vigil.HealthcareProvider},
	} {
		created := true
		if _, err := svc.Access.CreateOrg(ctx, o); errors.Is(err, vigil.ErrConflict) {
			created = false
		} else if err != nil {
			return nil, fmt.Errorf("demo organization %s: %w", o.Slug, err)
		}
		sc, _, err := svc.Access.ScopeFor(ctx, o.Slug, actor)
		if err != nil {
			return nil, err
		}
		if o.Kind == vigil.Manufacturer {
			mdm = sc
		} else {
			hdo = sc
		}
		sum.Orgs = append(sum.Orgs, Item{Name: o.Slug, Detail: string(o.Kind), Created: created})
	}
	for _, p := range portfolio() {
		prod, err := svc.Catalog.CreateProduct(ctx, mdm, p.in)
		created := err == nil
		if errors.Is(err, vigil.ErrConflict) {
			prod, err = svc.Catalog.ResolveProduct(ctx, mdm, p.in.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("demo product %s: %w", p.in.Name, err)
		}
		sum.Products = append(sum.Products, Item{Name: prod.Name, Detail: prod.ClinicalFunction, Created: created})
		for _, r := range p.releases {
			rel, err := svc.Catalog.CreateRelease(ctx, mdm, prod.ID, r)
			created := err == nil
			if errors.Is(err, vigil.ErrConflict) {
				var d *catalog.ReleaseDetail
				d, err = svc.Catalog.ReleaseByVersion(ctx, mdm, prod.Name, r.Version)
				if d != nil {
					rel = &d.Release
				}
			}
			if err != nil {
				return nil, fmt.Errorf("demo release %s %s: %w", prod.Name, r.Version, err)
			}
			sum.Releases = append(sum.Releases, Item{Name: prod.Name + " " + rel.Version, Detail: string(rel.Phase), Created: created})
		}
	}
	step, err := loadSBOM(ctx, svc, mdm)
	if err != nil {
		return nil, err
	}
	sum.SBOM = step
	if sum.Fleet, err = loadFleet(ctx, svc, mdm, hdo); err != nil {
		return nil, err
	}
	if sum.Feeds, err = loadFeeds(ctx, svc, opt.FeedsDir); err != nil {
		return nil, err
	}
	// The feed import matched its new records against the stored SBOMs;
	// a full match of the release finds the same and proves it.
	rel, err := svc.Catalog.ReleaseByVersion(ctx, mdm, SBOMProduct, SBOMRelease)
	if err != nil {
		return nil, err
	}
	if _, err := svc.Knowledge.MatchRelease(ctx, mdm, rel.ID, nil); err != nil {
		return nil, err
	}
	if sum.Findings, err = svc.Knowledge.Findings(ctx, mdm, rel.ID, false); err != nil {
		return nil, err
	}
	if sum.Triage, err = loadTriage(ctx, svc, mdm, &rel.Release, sum.Findings, opt.FeedsDir == ""); err != nil {
		return nil, err
	}
	if sum.MDS2, err = loadMDS2(ctx, svc, mdm, hdo); err != nil {
		return nil, err
	}
	// A VEX document states something about findings: other feeds may
	// leave the release none.
	if len(sum.Findings) > 0 || opt.FeedsDir == "" {
		if sum.VEX, err = loadVEX(ctx, svc, mdm, "vigil"); err != nil {
			return nil, err
		}
	}
	// The hospital's view comes last: it sees the manufacturer's triage.
	if err := fleetExposure(ctx, svc, hdo, sum.Fleet); err != nil {
		return nil, err
	}
	// The end of life comes after: it decommissions one of the fleet's
	// monitors.
	if sum.Lifecycle, err = loadLifecycle(ctx, svc, mdm, hdo); err != nil {
		return nil, err
	}
	if sum.Token, err = replaceToken(ctx, svc, mdm); err != nil {
		return nil, err
	}
	if sum.HospitalToken, err = replaceToken(ctx, svc, hdo); err != nil {
		return nil, err
	}
	return &sum, nil
}

// replaceToken revokes an earlier quickstart token and makes a new one:
// secrets are shown only once, so a rerun needs a fresh one to print.
func replaceToken(ctx context.Context, svc *app.App, sc vigil.Scope) (string, error) {
	toks, err := svc.Access.Tokens(ctx, sc)
	if err != nil {
		return "", err
	}
	for _, t := range toks {
		if t.Name == "quickstart" {
			if err := svc.Access.RevokeToken(ctx, sc, t.ID); err != nil {
				return "", err
			}
		}
	}
	_, secret, err := svc.Access.CreateToken(ctx, sc, vigil.TokenInput{Name: "quickstart"})
	if err != nil {
		return "", fmt.Errorf("demo token: %w", err)
	}
	return secret, nil
}

// SBOMProduct and SBOMRelease name the release that gets the demo SBOM.
const (
	SBOMProduct = "Infusion Pump"
	SBOMRelease = "3.0"
)

func loadSBOM(ctx context.Context, svc *app.App, sc vigil.Scope) (*SBOMStep, error) {
	rel, err := svc.Catalog.ReleaseByVersion(ctx, sc, SBOMProduct, SBOMRelease)
	if err != nil {
		return nil, err
	}
	doc, err := data.ReadFile("data/infusion-pump-3.0.cdx.json")
	if err != nil {
		return nil, err
	}
	imp, err := svc.Inventory.ImportSBOM(ctx, sc, rel.ID, bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("demo SBOM: %w", err)
	}
	csv, err := data.ReadFile("data/infusion-pump-3.0-support.csv")
	if err != nil {
		return nil, err
	}
	sup, err := svc.Inventory.ImportSupport(ctx, sc, rel.ID, bytes.NewReader(csv))
	if err != nil {
		return nil, fmt.Errorf("demo support addendum: %w", err)
	}
	_, rep, err := svc.Inventory.CheckRelease(ctx, sc, rel.ID)
	if err != nil {
		return nil, err
	}
	step := &SBOMStep{
		Release: SBOMProduct + " " + SBOMRelease, Import: imp, Support: sup,
		Components: rep.Components, Complete: rep.Complete, Missing: map[string]int{}, NTIAOK: rep.NTIAOK(),
	}
	for _, e := range rep.Elements {
		step.Missing[string(e.Element)] = e.Missing
	}
	return step, nil
}

// FeedStep is the knowledge-base part of the demo: the demo feeds embedded
// in the binary (written for the demo, citing real CVEs with their
// published scores), or the folder given with Options.FeedsDir.
type FeedStep struct {
	// Dir is Options.FeedsDir; empty for the embedded demo feeds.
	Dir       string              `json:"dir,omitempty"`
	Files     int                 `json:"files"`
	Accepted  int                 `json:"accepted"`
	Unchanged int                 `json:"unchanged"`
	Rejected  int                 `json:"rejected"`
	Sources   []app.KBSourceStats `json:"sources"`
}

func loadFeeds(ctx context.Context, svc *app.App, dir string) (*FeedStep, error) {
	step := &FeedStep{Dir: dir}
	if dir != "" {
		rep, err := svc.Knowledge.ImportFeeds(ctx, []string{dir}, knowledge.FeedOptions{})
		if err != nil {
			return nil, fmt.Errorf("feeds %s: %w", dir, err)
		}
		step.Files, step.Accepted, step.Unchanged, step.Rejected = rep.Files, rep.Accepted, rep.Unchanged, rep.Rejected
		return step, kbSources(ctx, svc, step)
	}
	// The signals come last, as they do in the world: EPSS scores and KEV
	// entries for CVEs already known, so the hospital's fleet sees the
	// crossing and the KEV addition as events.
	var paths []string
	err := fs.WalkDir(data, "data/feeds", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	signal := func(p string) bool { return strings.Contains(p, "/epss/") || strings.Contains(p, "/kev/") }
	slices.SortStableFunc(paths, func(a, b string) int {
		if signal(a) != signal(b) {
			if signal(a) {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, p := range paths {
		if err := importDemoFeed(ctx, svc, p, step); err != nil {
			return nil, err
		}
	}
	return step, kbSources(ctx, svc, step)
}

func importDemoFeed(ctx context.Context, svc *app.App, p string, step *FeedStep) error {
	f, err := data.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := svc.Knowledge.ImportFeedReader(ctx, path.Base(p), f, knowledge.FeedOptions{})
	if err != nil {
		return fmt.Errorf("demo feed %s: %w", p, err)
	}
	step.Files++
	step.Accepted += rep.Accepted
	step.Unchanged += rep.Unchanged
	step.Rejected += rep.Rejected
	return nil
}

func kbSources(ctx context.Context, svc *app.App, step *FeedStep) error {
	st, err := svc.Knowledge.KnowledgeBaseStatus(ctx)
	if err != nil {
		return err
	}
	step.Sources = st.Sources
	return nil
}
