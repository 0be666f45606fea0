package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/assetfile"
	"github.com/vigil/vigil/internal/store"
)

// requireProvider refuses fleet operations for an organization that is not
// a healthcare provider: assets belong to hospitals.
func requireProvider(ctx context.Context, tx store.Tx, sc vigil.Scope) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	org, err := tx.FindOrgByID(ctx, sc.OrgID)
	if err != nil {
		return err
	}
	if org.Kind != vigil.HealthcareProvider {
		return fmt.Errorf("organization %s is a %s; assets belong to healthcare providers: %w", org.Slug, org.Kind, vigil.ErrInvalid)
	}
	return nil
}

// CreateAsset adds one asset to a healthcare provider's fleet and maps it.
func (s *Service) CreateAsset(ctx context.Context, sc vigil.Scope, a vigil.Asset) (*vigil.Asset, error) {
	if a.Status == "" {
		a.Status = vigil.AssetInService
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		if err := tx.CreateAsset(ctx, sc, &a); err != nil {
			return err
		}
		m, err := s.newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		return m.mapAsset(ctx, tx, &a, nil)
	})
	if err != nil {
		return nil, err
	}
	return s.assetByID(ctx, sc, a.ID)
}

func (s *Service) assetByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Asset, error) {
	var a *vigil.Asset
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		a, err = tx.FindAssetByID(ctx, sc, id)
		return err
	})
	return a, err
}

// Assets lists the fleet.
func (s *Service) Assets(ctx context.Context, sc vigil.Scope, f store.AssetFilter) ([]*vigil.Asset, int, error) {
	var out []*vigil.Asset
	var total int
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, total, err = tx.FindAssets(ctx, sc, f)
		return err
	})
	return out, total, err
}

// resolveAsset finds an asset by the handle a person types: its asset
// tag, its serial number, or its numeric id.
func resolveAsset(ctx context.Context, tx store.Tx, sc vigil.Scope, ref string) (*vigil.Asset, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("asset: empty reference: %w", vigil.ErrInvalid)
	}
	a, err := tx.FindAssetByTag(ctx, sc, ref, ref)
	if errors.Is(err, vigil.ErrNotFound) {
		if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
			if byID, err2 := tx.FindAssetByID(ctx, sc, id); err2 == nil {
				return byID, nil
			}
		}
		return nil, fmt.Errorf("asset %q: %w", ref, vigil.ErrNotFound)
	}
	return a, err
}

// AssetDetail is one asset with what vigil knows about it.
type AssetDetail struct {
	vigil.Asset
	// AdvisoryProducts are the device-advisory products that name it.
	AdvisoryProducts []vigil.AdvisoryProduct `json:"advisory_products"`
	// Candidates are the closest releases when it is not mapped.
	Candidates []fleet.Candidate `json:"candidates,omitempty"`
	WorkItems  []*vigil.WorkItem `json:"work_items"`
}

// Asset returns one asset by tag, serial or id, with its advisory
// products, work items and, when unmapped, the closest candidates.
func (s *Service) Asset(ctx context.Context, sc vigil.Scope, ref string) (*AssetDetail, error) {
	var d AssetDetail
	err := s.store.View(ctx, func(tx store.Tx) error {
		a, err := resolveAsset(ctx, tx, sc, ref)
		if err != nil {
			return err
		}
		d.Asset = *a
		if d.AdvisoryProducts, err = tx.FindAdvisoryProducts(ctx, sc, store.AdvisoryProductFilter{AssetID: &a.ID}); err != nil {
			return err
		}
		if d.WorkItems, err = tx.FindWorkItems(ctx, sc, store.WorkItemFilter{AssetID: &a.ID}); err != nil {
			return err
		}
		if !a.Mapping.Mapped() {
			m, err := s.newMapper(ctx, tx, sc)
			if err != nil {
				return err
			}
			d.Candidates = m.catalog.Candidates(a, m.aliases)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.AdvisoryProducts == nil {
		d.AdvisoryProducts = []vigil.AdvisoryProduct{}
	}
	if d.WorkItems == nil {
		d.WorkItems = []*vigil.WorkItem{}
	}
	return &d, nil
}

// DeleteAsset deletes an asset with its history. Retiring an asset (status
// retired or decommissioned) keeps it; deleting is for rows imported by
// mistake.
func (s *Service) DeleteAsset(ctx context.Context, sc vigil.Scope, ref string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		a, err := resolveAsset(ctx, tx, sc, ref)
		if err != nil {
			return err
		}
		return tx.DeleteAsset(ctx, sc, a.ID)
	})
}

// AssetImportOptions control an import.
type AssetImportOptions struct {
	Mapping assetfile.Mapping
	// DryRun checks every row and reports what would change, writing
	// nothing.
	DryRun bool
	// Limits bound the file; zero means assetfile.DefaultLimits.
	Limits assetfile.Limits
}

// AssetImport says what an import did (or, dry, would do).
type AssetImport struct {
	DryRun bool `json:"dry_run"`
	Rows   int  `json:"rows"`
	// Columns maps each field to the file's header it was read from;
	// Unmapped are the file's other headers.
	Columns   map[string]string `json:"columns"`
	Unmapped  []string          `json:"unmapped_columns"`
	Created   int               `json:"created"`
	Updated   int               `json:"updated"`
	Unchanged int               `json:"unchanged"`
	// Problems lists every problem of every row; an import with problems
	// writes nothing.
	Problems []assetfile.RowProblem `json:"problems"`
	// Mapping is what mapping the imported assets did.
	Mapping *MappingSummary `json:"mapping,omitempty"`
}

// ErrUnreadableFile marks an import file vigil cannot read at all (not
// CSV or XLSX, over a limit, no header row); it wraps vigil.ErrInvalid.
var ErrUnreadableFile = errors.New("unreadable file")

// ErrImportProblems is returned (wrapping vigil.ErrInvalid) when an import
// found problems and so wrote nothing; the report lists them.
var ErrImportProblems = fmt.Errorf("the file has problems; nothing was imported: %w", vigil.ErrInvalid)

// ImportAssets reads a CMMS export (CSV or XLSX) and upserts its rows into
// the fleet in one transaction: a row updates the asset with its asset tag
// (else its serial number) and creates one otherwise; a row equal to the
// stored asset changes nothing, so importing the same file twice is a no-op.
// Any problem in any row — or two rows naming one asset — imports nothing.
// Imported assets are then mapped to releases and device advisories.
func (s *Service) ImportAssets(ctx context.Context, sc vigil.Scope, r io.Reader, opt AssetImportOptions) (*AssetImport, error) {
	limits := opt.Limits
	if limits == (assetfile.Limits{}) {
		limits = assetfile.DefaultLimits()
	}
	tab, err := assetfile.Read(r, opt.Mapping, limits)
	if err != nil {
		return nil, fmt.Errorf("asset import: %w: %w: %w", err, ErrUnreadableFile, vigil.ErrInvalid)
	}
	rep := &AssetImport{DryRun: opt.DryRun, Rows: len(tab.Rows), Columns: tab.Columns, Unmapped: tab.Unmapped, Problems: []assetfile.RowProblem{}}
	if rep.Unmapped == nil {
		rep.Unmapped = []string{}
	}
	type parsed struct {
		row   assetfile.Row
		asset *vigil.Asset
	}
	var rows []parsed
	tags, serials := map[string]int{}, map[string]int{}
	for _, row := range tab.Rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, probs := tab.Asset(row, opt.Mapping)
		rep.Problems = append(rep.Problems, probs...)
		if a == nil {
			continue
		}
		if a.AssetTag != "" {
			if first, dup := tags[a.AssetTag]; dup {
				rep.Problems = append(rep.Problems, assetfile.RowProblem{Row: row.Number, Column: tab.Columns["asset_tag"], Field: "asset_tag",
					Message: fmt.Sprintf("asset tag %q is also on row %d", a.AssetTag, first)})
				continue
			}
			tags[a.AssetTag] = row.Number
		} else if a.Serial != "" {
			if first, dup := serials[a.Serial]; dup {
				rep.Problems = append(rep.Problems, assetfile.RowProblem{Row: row.Number, Column: tab.Columns["serial"], Field: "serial",
					Message: fmt.Sprintf("serial number %q is also on row %d (and neither row has an asset tag)", a.Serial, first)})
				continue
			}
			serials[a.Serial] = row.Number
		}
		rows = append(rows, parsed{row, a})
	}
	// A file with problems is checked like a dry run: all or nothing.
	write := !opt.DryRun && len(rep.Problems) == 0
	do := s.store.View
	if write {
		do = s.store.Update
	}
	err = do(ctx, func(tx store.Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		var touched []*vigil.Asset
		for _, p := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			cur, err := tx.FindAssetByTag(ctx, sc, p.asset.AssetTag, p.asset.Serial)
			switch {
			case errors.Is(err, vigil.ErrNotFound):
				rep.Created++
				if write {
					if err := tx.CreateAsset(ctx, sc, p.asset); err != nil {
						return fmt.Errorf("row %d: %w", p.row.Number, err)
					}
					touched = append(touched, p.asset)
				}
				continue
			case err != nil:
				return err
			}
			if cur.Status == vigil.AssetDecommissioned {
				// Decommissioning is final (vigil asset decommission): a
				// CMMS export that still lists the device does not bring
				// it back into exposure and worklists.
				p.asset.Status = vigil.AssetDecommissioned
			}
			switch {
			case cur.SameFields(p.asset):
				rep.Unchanged++
			default:
				rep.Updated++
				p.asset.ID, p.asset.Mapping = cur.ID, cur.Mapping
				if write {
					if err := tx.UpdateAsset(ctx, sc, p.asset); err != nil {
						return fmt.Errorf("row %d: %w", p.row.Number, err)
					}
					touched = append(touched, p.asset)
				}
			}
		}
		if !write {
			return nil
		}
		m, err := s.newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		sum := &MappingSummary{}
		for _, a := range touched {
			if err := m.mapAsset(ctx, tx, a, sum); err != nil {
				return err
			}
		}
		rep.Mapping = sum
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rep.Problems) > 0 && !opt.DryRun {
		return rep, ErrImportProblems
	}
	return rep, nil
}

// ExportAssets writes the fleet as CSV or XLSX, with formula-safe cells.
func (s *Service) ExportAssets(ctx context.Context, sc vigil.Scope, format assetfile.Format, w io.Writer) error {
	assets, _, err := s.Assets(ctx, sc, store.AssetFilter{})
	if err != nil {
		return err
	}
	switch format {
	case assetfile.XLSX:
		return assetfile.WriteXLSX(w, assets)
	case assetfile.CSV:
		return assetfile.WriteCSV(w, assets)
	}
	return fmt.Errorf("asset export format %q: want csv or xlsx: %w", format, vigil.ErrInvalid)
}

// ManufacturerAliases lists the organization's own aliases and the
// built-in table.
func (s *Service) ManufacturerAliases(ctx context.Context, sc vigil.Scope) ([]vigil.ManufacturerAlias, []fleet.AliasGroup, error) {
	var own []vigil.ManufacturerAlias
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		own, err = tx.FindManufacturerAliases(ctx, sc)
		return err
	})
	if own == nil {
		own = []vigil.ManufacturerAlias{}
	}
	return own, fleet.BuiltinAliases(), err
}

// AddManufacturerAlias makes alias another name of canonical for the
// organization's mapping, then remaps its fleet.
func (s *Service) AddManufacturerAlias(ctx context.Context, sc vigil.Scope, a vigil.ManufacturerAlias) (*MappingSummary, error) {
	a.Alias, a.Canonical = strings.TrimSpace(a.Alias), strings.TrimSpace(a.Canonical)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.Update(ctx, func(tx store.Tx) error { return tx.PutManufacturerAlias(ctx, sc, a) }); err != nil {
		return nil, err
	}
	return s.MapAssets(ctx, sc)
}

// DeleteManufacturerAlias removes one of the organization's aliases.
func (s *Service) DeleteManufacturerAlias(ctx context.Context, sc vigil.Scope, alias string) error {
	return s.store.Update(ctx, func(tx store.Tx) error { return tx.DeleteManufacturerAlias(ctx, sc, strings.TrimSpace(alias)) })
}
