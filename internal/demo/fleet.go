package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

// ExposureCVE is the real CVE of a component of the demo SBOM (jQuery
// 3.4.1) whose exposure across the hospital's fleet the quickstart shows;
// AdvisoryCVE is one a device advisory names (the demo's VIGIL-DEMO-2022-001
// about BD Pyxis stations, after CISA's ICSMA-22-062-01), reaching devices
// of which vigil has no SBOM.
const (
	ExposureCVE      = "CVE-2020-11022"
	AdvisoryCVE      = "CVE-2022-22766"
	AdvisoryID       = "VIGIL-DEMO-2022-001"
	KEVCVE           = "CVE-2020-11023"
	CompensatedAsset = "BME-100232"
)

// IdentRows are CMMS rows written the way CMMS exports write them, for the
// device-identification step: vendor spellings and legal suffixes,
// firmware in the model field, and a vague row (no model number) a person
// has to look at. They join the fleet with the CMMS import, so every run of
// the demo counts them alike.
var IdentRows = []vigil.Asset{
	{AssetTag: "QS-ID-1", Manufacturer: "BECTON DICKINSON & CO", Model: "PYXIS MEDSTATION 4000 (FW 1.7)", Criticality: vigil.CriticalityTherapeutic, Zone: "pharmacy"},
	{AssetTag: "QS-ID-2", Manufacturer: "CareFusion Inc.", Model: "Pyxis Anesthesia Station ES", Criticality: vigil.CriticalityTherapeutic, Zone: "surgery"},
	{AssetTag: "QS-ID-3", Manufacturer: "BD Medical", Model: "Pyxis MedStation", Criticality: vigil.CriticalityTherapeutic, Zone: "pharmacy"},
}

// FleetStep is the hospital part of the demo: the manufacturer shares its
// releases with the hospital, which imports its CMMS export (demo data in
// a CMMS's layout), maps it and sees its exposure.
type FleetStep struct {
	Share    string                 `json:"share"`
	Import   *assets.AssetImport    `json:"import"`
	Mapping  *assets.MappingSummary `json:"mapping"`
	Unmapped int                    `json:"unmapped"`
	// Exposure is the fleet's exposure to ExposureCVE.
	Exposure *assets.Exposure `json:"exposure"`
	// AdvisoryExposure is the exposure to AdvisoryCVE.
	AdvisoryExposure *assets.Exposure `json:"advisory_exposure"`
	// Worklist is the top of the hospital's worklist.
	Worklist []*assets.ExposedAsset `json:"worklist"`
	// Events counts the fleet's events; EventsByKind by kind.
	Events       int                          `json:"events"`
	EventsByKind map[vigil.AssetEventKind]int `json:"events_by_kind"`
}

// loadFleet shares the manufacturer's releases with the hospital and
// imports the hospital's fleet, before the feeds come in, so that the feed
// import records the newly exposed assets as events.
func loadFleet(ctx context.Context, svc *app.App, mdm, hdo vigil.Scope) (*FleetStep, error) {
	step := &FleetStep{}
	sh, err := svc.Access.Share(ctx, mdm, access.ShareInput{Grantee: Hospital})
	switch {
	case err == nil:
		step.Share = "created: " + sh.Covers()
	case errors.Is(err, vigil.ErrConflict):
		step.Share = "exists: every product"
	default:
		return nil, fmt.Errorf("demo share: %w", err)
	}
	raw, err := data.ReadFile("data/st-elsewhere-cmms-mapping.yaml")
	if err != nil {
		return nil, err
	}
	m, err := assetfile.ParseMapping(raw)
	if err != nil {
		return nil, err
	}
	csv, err := data.ReadFile("data/st-elsewhere-cmms-export.csv")
	if err != nil {
		return nil, err
	}
	if step.Import, err = svc.Assets.ImportAssets(ctx, hdo, bytes.NewReader(csv), assets.AssetImportOptions{Mapping: m}); err != nil {
		return nil, fmt.Errorf("demo fleet import: %w", err)
	}
	for _, a := range IdentRows {
		if _, err := svc.Assets.CreateAsset(ctx, hdo, a); err != nil && !errors.Is(err, vigil.ErrConflict) {
			return nil, fmt.Errorf("demo asset %s: %w", a.AssetTag, err)
		}
	}
	// The CMMS writes "ACME Med" on one pump: the hospital teaches vigil
	// the name.
	if step.Mapping, err = svc.Assets.AddManufacturerAlias(ctx, hdo, vigil.ManufacturerAlias{Alias: "ACME Med", Canonical: "Acme Medical Devices"}); err != nil {
		return nil, err
	}
	return step, nil
}

// fleetExposure fills in what the hospital sees once the feeds are in.
func fleetExposure(ctx context.Context, svc *app.App, hdo vigil.Scope, step *FleetStep) error {
	un, err := svc.Assets.UnmappedAssets(ctx, hdo)
	if err != nil {
		return err
	}
	step.Unmapped = len(un)
	// A compensating control on one pump, so the worklist shows its factor.
	if _, err := svc.Assets.SetRemediation(ctx, hdo, CompensatedAsset, ExposureCVE, vigil.WorkItemInput{
		State: vigil.RemediationCompensating, Detail: "moved to the isolated infusion VLAN 499; no route to the jQuery web console"}); err != nil {
		return err
	}
	if step.Exposure, err = svc.Assets.Exposure(ctx, hdo, ExposureCVE); err != nil {
		return err
	}
	if step.AdvisoryExposure, err = svc.Assets.Exposure(ctx, hdo, AdvisoryCVE); err != nil {
		return err
	}
	if step.Worklist, err = svc.Assets.Worklist(ctx, hdo, assets.WorklistOptions{Limit: 5}); err != nil {
		return err
	}
	// The hourly pass, run now: what the feed import could not see (the
	// manufacturer's triage decisions, the risk acceptance's end).
	if _, err := svc.Assets.RefreshOrgEvents(ctx, hdo); err != nil {
		return err
	}
	evs, err := svc.Assets.AssetEvents(ctx, hdo, vigil.AssetEventFilter{})
	if err != nil {
		return err
	}
	step.Events = len(evs)
	step.EventsByKind = map[vigil.AssetEventKind]int{}
	for _, e := range evs {
		step.EventsByKind[e.Kind]++
	}
	return nil
}
