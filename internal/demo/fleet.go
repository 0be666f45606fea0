package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet/assetfile"
	"github.com/vigil/vigil/internal/service"
	"github.com/vigil/vigil/internal/store"
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

// FleetStep is the hospital part of the demo: the manufacturer shares its
// releases with the hospital, which imports its CMMS export (demo data in
// a CMMS's layout), maps it and sees its exposure.
type FleetStep struct {
	Share    string                  `json:"share"`
	Import   *service.AssetImport    `json:"import"`
	Mapping  *service.MappingSummary `json:"mapping"`
	Unmapped int                     `json:"unmapped"`
	// Exposure is the fleet's exposure to ExposureCVE.
	Exposure *service.Exposure `json:"exposure"`
	// AdvisoryExposure is the exposure to AdvisoryCVE.
	AdvisoryExposure *service.Exposure `json:"advisory_exposure"`
	// Worklist is the top of the hospital's worklist.
	Worklist []*service.ExposedAsset `json:"worklist"`
	Events   int                     `json:"events"`
}

// loadFleet shares the manufacturer's releases with the hospital and
// imports the hospital's fleet, before the feeds come in, so that the feed
// import records the newly exposed assets as events.
func loadFleet(ctx context.Context, svc *service.Service, mdm, hdo vigil.Scope) (*FleetStep, error) {
	step := &FleetStep{}
	sh, err := svc.Share(ctx, mdm, service.ShareInput{Grantee: Hospital})
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
	if step.Import, err = svc.ImportAssets(ctx, hdo, bytes.NewReader(csv), service.AssetImportOptions{Mapping: m}); err != nil {
		return nil, fmt.Errorf("demo fleet import: %w", err)
	}
	// The CMMS writes "ACME Med" on one pump: the hospital teaches vigil
	// the name.
	if step.Mapping, err = svc.AddManufacturerAlias(ctx, hdo, vigil.ManufacturerAlias{Alias: "ACME Med", Canonical: "Acme Medical Devices"}); err != nil {
		return nil, err
	}
	return step, nil
}

// fleetExposure fills in what the hospital sees once the feeds are in.
func fleetExposure(ctx context.Context, svc *service.Service, hdo vigil.Scope, step *FleetStep) error {
	un, err := svc.UnmappedAssets(ctx, hdo)
	if err != nil {
		return err
	}
	step.Unmapped = len(un)
	// A compensating control on one pump, so the worklist shows its factor.
	if _, err := svc.SetRemediation(ctx, hdo, CompensatedAsset, ExposureCVE, vigil.WorkItemInput{
		State: vigil.RemediationCompensating, Detail: "moved to the isolated infusion VLAN 499; no route to the jQuery web console"}); err != nil {
		return err
	}
	if step.Exposure, err = svc.Exposure(ctx, hdo, ExposureCVE); err != nil {
		return err
	}
	if step.AdvisoryExposure, err = svc.Exposure(ctx, hdo, AdvisoryCVE); err != nil {
		return err
	}
	if step.Worklist, err = svc.Worklist(ctx, hdo, service.WorklistOptions{Limit: 5}); err != nil {
		return err
	}
	evs, err := svc.AssetEvents(ctx, hdo, store.AssetEventFilter{})
	if err != nil {
		return err
	}
	step.Events = len(evs)
	return nil
}
