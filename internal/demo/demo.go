// Package demo loads the quickstart's demo portfolio through the service
// layer, as a user would: a manufacturer with products whose releases sit in
// each of the four lifecycle phases, and a hospital. Loading is idempotent:
// what exists already is left alone and reported as such.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/service"
)

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
	// Token is a fresh API token for the manufacturer, for trying the API.
	Token string `json:"token"`
}

// Item is one thing Load created or found.
type Item struct {
	Name    string `json:"name"`
	Detail  string `json:"detail"`
	Created bool   `json:"created"`
}

// Load creates the demo organizations, products and releases that do not
// exist yet, and a fresh API token named "quickstart".
func Load(ctx context.Context, svc *service.Service, actor string) (*Summary, error) {
	var sum Summary
	var mdm vigil.Scope
	for _, o := range []vigil.OrgInput{
		{Slug: Manufacturer, Name: "Acme Medical Devices", Kind: vigil.Manufacturer},
		{Slug: Hospital, Name: "St. Elsewhere General Hospital", Kind: vigil.HealthcareProvider},
	} {
		created := true
		if _, err := svc.CreateOrg(ctx, o); errors.Is(err, vigil.ErrConflict) {
			created = false
		} else if err != nil {
			return nil, fmt.Errorf("demo organization %s: %w", o.Slug, err)
		}
		sc, _, err := svc.ScopeFor(ctx, o.Slug, actor)
		if err != nil {
			return nil, err
		}
		if o.Kind == vigil.Manufacturer {
			mdm = sc
		}
		sum.Orgs = append(sum.Orgs, Item{Name: o.Slug, Detail: string(o.Kind), Created: created})
	}
	for _, p := range portfolio() {
		prod, err := svc.CreateProduct(ctx, mdm, p.in)
		created := err == nil
		if errors.Is(err, vigil.ErrConflict) {
			prod, err = svc.ResolveProduct(ctx, mdm, p.in.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("demo product %s: %w", p.in.Name, err)
		}
		sum.Products = append(sum.Products, Item{Name: prod.Name, Detail: prod.ClinicalFunction, Created: created})
		for _, r := range p.releases {
			rel, err := svc.CreateRelease(ctx, mdm, prod.ID, r)
			created := err == nil
			if errors.Is(err, vigil.ErrConflict) {
				var d *service.ReleaseDetail
				d, err = svc.ReleaseByVersion(ctx, mdm, prod.Name, r.Version)
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
	if err := replaceToken(ctx, svc, mdm, &sum); err != nil {
		return nil, err
	}
	return &sum, nil
}

// replaceToken revokes an earlier quickstart token and makes a new one:
// secrets are shown only once, so a rerun needs a fresh one to print.
func replaceToken(ctx context.Context, svc *service.Service, sc vigil.Scope, sum *Summary) error {
	toks, err := svc.Tokens(ctx, sc)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if t.Name == "quickstart" {
			if err := svc.RevokeToken(ctx, sc, t.ID); err != nil {
				return err
			}
		}
	}
	_, secret, err := svc.CreateToken(ctx, sc, vigil.TokenInput{Name: "quickstart"})
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	sum.Token = secret
	return nil
}
