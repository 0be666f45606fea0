package support

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/lifecycle/sanitize"
)

// SanitizationRecord is a stored record with the rules' warnings.
type SanitizationRecord struct {
	*vigil.Sanitization
	// Complete is true when the record passes every rule and its
	// verification passed.
	Complete bool     `json:"complete"`
	Warnings []string `json:"warnings"`
}

// RecordSanitization records the NIST SP 800-88 sanitization of one
// storage medium of an asset (one record per medium). The record must
// pass sanitize.Check; its warnings come back with it. A decommissioned
// asset takes no more records.
func (s *Service) RecordSanitization(ctx context.Context, sc vigil.Scope, assetRef string, rec vigil.Sanitization) (*SanitizationRecord, error) {
	today := s.today()
	rec.RecordedBy = sc.Who()
	trimPerson := func(p *vigil.Person) {
		p.Name, p.Title, p.Organization = strings.TrimSpace(p.Name), strings.TrimSpace(p.Title), strings.TrimSpace(p.Organization)
	}
	trimPerson(&rec.PerformedBy)
	trimPerson(&rec.VerifiedBy)
	rec.Tool = strings.TrimSpace(rec.Tool)
	warnings, err := sanitize.Check(&rec, today)
	if err != nil {
		return nil, err
	}
	var out *SanitizationRecord
	err = s.store.Update(ctx, func(tx Tx) error {
		a, err := assets.ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		if a.Status == vigil.AssetDecommissioned {
			return fmt.Errorf("asset %s is decommissioned: its sanitization records are closed: %w", a.Label(), vigil.ErrConflict)
		}
		rec.AssetID = a.ID
		if err := tx.CreateSanitization(ctx, sc, &rec); err != nil {
			return err
		}
		out = &SanitizationRecord{Sanitization: &rec, Complete: rec.Completed(), Warnings: orNoStrings(warnings)}
		return nil
	})
	return out, err
}

func orNoStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Sanitizations lists an asset's sanitization records, each with whether
// it is complete and its warnings.
func (s *Service) Sanitizations(ctx context.Context, sc vigil.Scope, assetRef string) ([]*SanitizationRecord, error) {
	out := []*SanitizationRecord{}
	err := s.store.View(ctx, func(tx Tx) error {
		a, err := assets.ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		recs, err := tx.FindSanitizations(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		for _, r := range recs {
			ws, cerr := sanitize.Check(r, vigil.DateOf(r.CreatedAt))
			if cerr != nil {
				ws = append(ws, "the record no longer passes the rules: "+cerr.Error())
			}
			out = append(out, &SanitizationRecord{Sanitization: r, Complete: cerr == nil && r.Completed(), Warnings: orNoStrings(ws)})
		}
		return nil
	})
	return out, err
}

// DecommissionResult is a decommissioned asset with its certificate.
type DecommissionResult struct {
	Decommission *vigil.Decommission   `json:"decommission"`
	Asset        *vigil.Asset          `json:"asset"`
	Certificate  *sanitize.Certificate `json:"certificate"`
}

// DecommissionAsset retires an asset for good: its status becomes
// decommissioned (exposure and worklists leave it out; its history stays
// and remains searchable), the decommissioning is recorded, and the
// certificate of sanitization is produced. An asset that stored patient
// data (PHI) cannot be decommissioned without at least one complete
// sanitization record (verified, passed), and none of its records may
// have failed verification without a later complete one for the same
// medium kind. Only healthcare providers have assets to decommission.
func (s *Service) DecommissionAsset(ctx context.Context, sc vigil.Scope, assetRef string, in vigil.DecommissionInput) (*DecommissionResult, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.On.IsZero() {
		in.On = s.today()
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.On.After(s.today()) {
		return nil, &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "on", Message: in.On.String() + " is in the future"}}}
	}
	var out *DecommissionResult
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := assets.ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		if a.Status == vigil.AssetDecommissioned {
			return fmt.Errorf("asset %s is decommissioned already: %w", a.Label(), vigil.ErrConflict)
		}
		recs, err := tx.FindSanitizations(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		if err := sanitize.Decommissionable(a, recs, in.On); err != nil {
			return err
		}
		prev := a.Status
		d := &vigil.Decommission{AssetID: a.ID, DecommissionedOn: in.On, Reason: in.Reason, PreviousStatus: prev, PHI: a.PHI,
			CertificateNumber: sanitize.Number(sc.OrgID, a.ID, in.On), DecommissionedBy: sc.Who()}
		// The certificate is issued now, from the asset as it is before
		// it freezes, and stored with its SHA-256: what it certifies never
		// changes afterwards, whatever a later import or edit tries.
		cert, err := certificate(ctx, tx, sc, a, d, recs, s.today())
		if err != nil {
			return err
		}
		if d.Certificate, err = cert.Canonical(); err != nil {
			return err
		}
		d.CertificateSHA256 = sanitize.Fingerprint(d.Certificate)
		cert.SHA256 = d.CertificateSHA256
		a.Status = vigil.AssetDecommissioned
		if err := tx.UpdateAsset(ctx, sc, a); err != nil {
			return err
		}
		if err := tx.CreateDecommission(ctx, sc, d); err != nil {
			return err
		}
		out = &DecommissionResult{Decommission: d, Asset: a, Certificate: cert}
		return nil
	})
	return out, err
}

// certificate builds the certificate of a decommissioning issued on day
// issued.
func certificate(ctx context.Context, tx Tx, sc vigil.Scope, a *vigil.Asset, d *vigil.Decommission, recs []*vigil.Sanitization, issued vigil.Date) (*sanitize.Certificate, error) {
	org, err := tx.FindOrgByID(ctx, sc.OrgID)
	if err != nil {
		return nil, err
	}
	c := &sanitize.Certificate{
		Number: d.CertificateNumber, IssuedOn: issued, Organization: org.Name,
		Device: sanitize.Device{AssetTag: a.AssetTag, Serial: a.Serial, Manufacturer: a.Manufacturer, Model: a.Model,
			Version: a.Version, DeviceType: a.DeviceType, Location: a.Location(), PHI: d.PHI},
		DecommissionedOn: d.DecommissionedOn, DecommissionedBy: d.DecommissionedBy, Reason: d.Reason,
		Records: []vigil.Sanitization{},
	}
	if c.Organization == "" {
		c.Organization = org.Slug
	}
	if a.Mapping.Mapped() {
		c.Device.Release = a.Mapping.Product + " " + a.Mapping.ReleaseVersion
	}
	for _, r := range recs {
		c.Records = append(c.Records, *r)
	}
	c.Review(c.IssuedOn)
	return c, nil
}

// Certificate returns the certificate of sanitization of a decommissioned
// asset as it was issued: the snapshot stored at decommissioning, checked
// against its SHA-256 (sanitize.ErrTampered when it no longer matches).
// A decommissioning recorded before certificates were stored is rendered
// from its records, issued on the day it was recorded.
func (s *Service) Certificate(ctx context.Context, sc vigil.Scope, assetRef string) (*sanitize.Certificate, error) {
	var out *sanitize.Certificate
	err := s.store.View(ctx, func(tx Tx) error {
		a, d, err := decommissionOf(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		if len(d.Certificate) > 0 {
			out, err = sanitize.Load(d.Certificate, d.CertificateSHA256)
			if err != nil {
				return fmt.Errorf("asset %s: %w", a.Label(), err)
			}
			return nil
		}
		recs, err := tx.FindSanitizations(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		out, err = certificate(ctx, tx, sc, a, d, recs, vigil.DateOf(d.CreatedAt.UTC()))
		return err
	})
	return out, err
}

func decommissionOf(ctx context.Context, tx Tx, sc vigil.Scope, assetRef string) (*vigil.Asset, *vigil.Decommission, error) {
	a, err := assets.ResolveAsset(ctx, tx, sc, assetRef)
	if err != nil {
		return nil, nil, err
	}
	ds, err := tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{AssetID: &a.ID})
	if err != nil {
		return nil, nil, err
	}
	if len(ds) == 0 {
		return nil, nil, fmt.Errorf("asset %s is not decommissioned: no certificate yet (vigil asset decommission): %w", a.Label(), vigil.ErrNotFound)
	}
	return a, ds[0], nil
}

// CertificateCheck is what verifying a stored certificate found.
type CertificateCheck struct {
	Number string `json:"number"`
	// SHA256 is the hash recorded at decommissioning; Computed the hash of
	// the stored bytes now.
	SHA256   string `json:"sha256"`
	Computed string `json:"computed"`
	// Valid is true when they agree.
	Valid bool `json:"valid"`
	// Stored is false for a decommissioning from before certificates were
	// stored: there is nothing to verify.
	Stored bool `json:"stored"`
	// File, when a file was given, says whether its bytes are the stored
	// certificate's canonical JSON (FileSHA256 its hash).
	FileSHA256 string `json:"file_sha256,omitempty"`
	FileValid  *bool  `json:"file_valid,omitempty"`
}

// VerifyCertificate recomputes the SHA-256 of an asset's stored
// certificate and compares it with the one recorded at decommissioning;
// given file (the certificate's JSON as exported), it also says whether
// that file is the stored certificate.
func (s *Service) VerifyCertificate(ctx context.Context, sc vigil.Scope, assetRef string, file []byte) (*CertificateCheck, error) {
	var out *CertificateCheck
	err := s.store.View(ctx, func(tx Tx) error {
		_, d, err := decommissionOf(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		out = &CertificateCheck{Number: d.CertificateNumber, SHA256: d.CertificateSHA256, Stored: len(d.Certificate) > 0}
		if !out.Stored {
			return nil
		}
		out.Computed = sanitize.Fingerprint(d.Certificate)
		out.Valid = out.Computed == d.CertificateSHA256
		if file != nil {
			var c sanitize.Certificate
			if err := json.Unmarshal(file, &c); err != nil {
				return fmt.Errorf("certificate file: not a certificate's JSON: %w: %w", err, vigil.ErrInvalid)
			}
			canon, err := c.Canonical()
			if err != nil {
				return err
			}
			out.FileSHA256 = sanitize.Fingerprint(canon)
			ok := out.FileSHA256 == d.CertificateSHA256 && (c.SHA256 == "" || c.SHA256 == d.CertificateSHA256)
			out.FileValid = &ok
		}
		return nil
	})
	return out, err
}

// Decommissions lists the scope's decommissioned assets, newest first;
// query searches asset tag, serial, manufacturer, model, reason and
// certificate number.
func (s *Service) Decommissions(ctx context.Context, sc vigil.Scope, query string) ([]*vigil.Decommission, error) {
	var out []*vigil.Decommission
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{Query: query})
		return err
	})
	if out == nil {
		out = []*vigil.Decommission{}
	}
	return out, err
}

// SanitizationState is where a retired asset stands on the way to being
// decommissioned (sanitize.StateOf decides it).
type SanitizationState = sanitize.State

// The sanitization states of a retired asset.
const (
	SanitizationPending   = sanitize.Pending
	SanitizationComplete  = sanitize.Done
	SanitizationNotNeeded = sanitize.NotNeeded
)

// PendingDecommission is a retired asset not yet decommissioned: the
// decommissioning worklist. It is still in exposure (it may still hold
// data and sit on a network) until it is decommissioned.
type PendingDecommission struct {
	AssetID      int64             `json:"asset_id"`
	Label        string            `json:"label"`
	Manufacturer string            `json:"manufacturer"`
	Model        string            `json:"model"`
	Location     string            `json:"location,omitempty"`
	PHI          bool              `json:"phi"`
	Sanitization SanitizationState `json:"sanitization" enum:"pending,complete,not_needed"`
	// Records counts its sanitization records.
	Records int `json:"records"`
}

// PendingDecommissions lists the scope's retired assets, the
// decommissioning worklist: those whose sanitization is pending first,
// then those ready to decommission, then those that stored no PHI; by
// label within each. A decommissioned asset leaves the list.
func (s *Service) PendingDecommissions(ctx context.Context, sc vigil.Scope) ([]*PendingDecommission, error) {
	out := []*PendingDecommission{}
	err := s.store.View(ctx, func(tx Tx) error {
		retired := vigil.AssetRetired
		assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{Status: &retired})
		if err != nil {
			return err
		}
		for _, a := range assets {
			recs, err := tx.FindSanitizations(ctx, sc, a.ID)
			if err != nil {
				return err
			}
			p := &PendingDecommission{AssetID: a.ID, Label: a.Label(), Manufacturer: a.Manufacturer, Model: a.Model,
				Location: a.Location(), PHI: a.PHI, Records: len(recs), Sanitization: sanitize.StateOf(a, recs, s.today())}
			out = append(out, p)
		}
		return nil
	})
	slices.SortStableFunc(out, func(x, y *PendingDecommission) int {
		if c := x.Sanitization.Rank() - y.Sanitization.Rank(); c != 0 {
			return c
		}
		return strings.Compare(x.Label, y.Label)
	})
	return out, err
}

// Horizon is the scope's lifecycle horizon over months months: its assets
// by phase now and, quarter by quarter, which reach Limited Support or End
// of Support (the phases of the releases they are mapped to, own or
// shared).
func (s *Service) Horizon(ctx context.Context, sc vigil.Scope, months int) (*lifecycle.Horizon, error) {
	if months < 1 || months > 120 {
		return nil, fmt.Errorf("horizon of %d months: want 1 to 120: %w", months, vigil.ErrInvalid)
	}
	var out *lifecycle.Horizon
	err := s.store.View(ctx, func(tx Tx) error {
		assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{})
		if err != nil {
			return err
		}
		var ids []int64
		for _, a := range assets {
			if a.Mapping.Mapped() {
				ids = append(ids, a.Mapping.ReleaseID)
			}
		}
		rels := map[int64]*vigil.Release{}
		if ids = slices.Compact(slices.Sorted(slices.Values(ids))); len(ids) > 0 {
			cat, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{ReleaseIDs: ids})
			if err != nil {
				return err
			}
			for _, c := range cat {
				rels[c.ID] = &c.Release
			}
		}
		out = lifecycle.BuildHorizon(s.today(), months, assets, rels)
		return nil
	})
	return out, err
}

// AssetNotice is a manufacturer's notice as a hospital receives it: with
// the hospital's assets that run the release.
type AssetNotice struct {
	*vigil.Notice
	// Manufacturer is the slug of the organization that issued it.
	Manufacturer string             `json:"manufacturer"`
	Assets       []AssetNoticeAsset `json:"assets"`
}

// AssetNoticeAsset is one asset a notice concerns.
type AssetNoticeAsset struct {
	ID          int64             `json:"id"`
	Label       string            `json:"label"`
	Location    string            `json:"location,omitempty"`
	Criticality vigil.Criticality `json:"criticality"`
	PHI         bool              `json:"phi"`
	Status      vigil.AssetStatus `json:"status"`
}

// AssetNotices lists the end-of-life and end-of-support notices that reach
// the scope: those of releases its assets are mapped to, from the
// manufacturers that share them with it, each with those assets; newest
// first. Decommissioned assets are left out, and a notice that concerns
// only decommissioned assets with them.
func (s *Service) AssetNotices(ctx context.Context, sc vigil.Scope) ([]*AssetNotice, error) {
	out := []*AssetNotice{}
	err := s.store.View(ctx, func(tx Tx) error {
		ns, err := tx.FindAssetNotices(ctx, sc)
		if err != nil || len(ns) == 0 {
			return err
		}
		ids := make([]int64, 0, len(ns))
		for _, n := range ns {
			ids = append(ids, n.ReleaseID)
		}
		assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{ReleaseIDs: ids})
		if err != nil {
			return err
		}
		byRelease := map[int64][]AssetNoticeAsset{}
		for _, a := range assets {
			if !a.Status.Active() {
				continue
			}
			byRelease[a.Mapping.ReleaseID] = append(byRelease[a.Mapping.ReleaseID], AssetNoticeAsset{
				ID: a.ID, Label: a.Label(), Location: a.Location(), Criticality: a.Criticality, PHI: a.PHI, Status: a.Status})
		}
		slugs := map[int64]string{}
		for _, n := range ns {
			as := byRelease[n.ReleaseID]
			if len(as) == 0 {
				continue
			}
			if _, ok := slugs[n.OrgID]; !ok {
				o, err := tx.FindOrgByID(ctx, n.OrgID)
				if err != nil {
					return err
				}
				slugs[n.OrgID] = o.Slug
			}
			out = append(out, &AssetNotice{Notice: n, Manufacturer: slugs[n.OrgID], Assets: as})
		}
		return nil
	})
	return out, err
}

// AssetTransfers lists the transfers of responsibility of the releases the
// scope's assets run, own or shared by their manufacturer: what the
// hospital takes over at end of support.
func (s *Service) AssetTransfers(ctx context.Context, sc vigil.Scope) ([]*vigil.Transfer, error) {
	var out []*vigil.Transfer
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindAssetTransfers(ctx, sc)
		return err
	})
	if out == nil {
		out = []*vigil.Transfer{}
	}
	return out, err
}
