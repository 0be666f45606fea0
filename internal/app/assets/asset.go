package assets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/assetfile"
	"github.com/vigil/vigil/internal/store"
)

// requireProvider refuses fleet operations for an organization that is not
// a healthcare provider: assets belong to hospitals.
func requireProvider(ctx context.Context, tx Tx, sc vigil.Scope) error {
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
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		if err := tx.CreateAsset(ctx, sc, &a); err != nil {
			return err
		}
		m, err := newMapper(ctx, tx, sc)
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
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		a, err = tx.FindAssetByID(ctx, sc, id)
		return err
	})
	return a, err
}

// List lists the fleet.
func (s *Service) List(ctx context.Context, sc vigil.Scope, f vigil.AssetFilter) ([]*vigil.Asset, int, error) {
	var out []*vigil.Asset
	var total int
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, total, err = tx.FindAssets(ctx, sc, f)
		return err
	})
	return out, total, err
}

// AssetFinder finds assets by tag, serial or id, as ResolveAsset needs.
type AssetFinder interface {
	FindAssetByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Asset, error)
	FindAssetByTag(ctx context.Context, sc vigil.Scope, tag, serial string) (*vigil.Asset, error)
}

// ResolveAsset finds an asset by the handle a person types: its asset
// tag, its serial number, or its numeric id.
func ResolveAsset(ctx context.Context, tx AssetFinder, sc vigil.Scope, ref string) (*vigil.Asset, error) {
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
	err := s.store.View(ctx, func(tx Tx) error {
		a, err := ResolveAsset(ctx, tx, sc, ref)
		if err != nil {
			return err
		}
		d.Asset = *a
		if d.AdvisoryProducts, err = tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{AssetID: &a.ID}); err != nil {
			return err
		}
		if d.WorkItems, err = tx.FindWorkItems(ctx, sc, vigil.WorkItemFilter{AssetID: &a.ID}); err != nil {
			return err
		}
		if !a.Mapping.Mapped() {
			m, err := newMapper(ctx, tx, sc)
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
	return s.store.Update(ctx, func(tx Tx) error {
		a, err := ResolveAsset(ctx, tx, sc, ref)
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
	// Frozen counts rows that name a decommissioned asset: a decommissioned
	// asset is never edited, so they change nothing (each has a warning).
	Frozen int `json:"frozen"`
	// Problems lists every problem of every row; an import with problems
	// writes nothing.
	Problems []assetfile.RowProblem `json:"problems"`
	// Warnings are facts about rows that do not stop the import: a
	// formula cell read as its cached value, a CMMS "Disposed" imported as
	// retired, a row naming a decommissioned asset.
	Warnings []assetfile.RowProblem `json:"warnings"`
	// Mapping is what mapping the imported assets did.
	Mapping *MappingSummary `json:"mapping,omitempty"`
	// UnmappedAssets counts the fleet's active assets mapped to no release
	// after the import: what vigil asset unmapped lists.
	UnmappedAssets int `json:"unmapped_assets"`
	// Encoding is the CSV's character encoding as read (utf-8,
	// windows-1252); empty for XLSX.
	Encoding string `json:"encoding,omitempty"`
}

// ErrUnreadableFile marks an import file vigil cannot read at all (not
// CSV or XLSX, over a limit, no header row); it wraps vigil.ErrInvalid.
var ErrUnreadableFile = errors.New("unreadable file")

// ErrImportProblems is returned (wrapping vigil.ErrInvalid) when an import
// found problems and so wrote nothing; the report lists them.
var ErrImportProblems = fmt.Errorf("the file has problems; nothing was imported: %w", vigil.ErrInvalid)

// errRollback undoes an import's transaction when the store turned up a
// row problem (a decommissioned asset's tag on another device).
var errRollback = errors.New("import has problems")

// sameDevice reports whether a row describes the device a stored asset
// is: the same serial number when both have one, else the same maker and
// model. It tells a CMMS that still lists a decommissioned device from one
// that gave its tag to another.
func sameDevice(cur, row *vigil.Asset) bool {
	if cur.Serial != "" && row.Serial != "" {
		return strings.EqualFold(cur.Serial, row.Serial)
	}
	return strings.EqualFold(strings.TrimSpace(cur.Manufacturer), strings.TrimSpace(row.Manufacturer)) &&
		strings.EqualFold(strings.TrimSpace(cur.Model), strings.TrimSpace(row.Model))
}

// rowKey is the tag and serial a row names, read from its cells when the
// row had problems and so gave no asset: duplicates are reported on every
// row, whatever else is wrong with it.
func rowKey(row assetfile.Row, a *vigil.Asset, m assetfile.Mapping) (tag, serial string) {
	if a != nil {
		return a.AssetTag, a.Serial
	}
	get := func(f string) string {
		if v, ok := row.Cells[f]; ok {
			return v
		}
		return strings.TrimSpace(m.Defaults[f])
	}
	return get("asset_tag"), get("serial")
}

// ImportAssets reads a CMMS export (CSV or XLSX) and upserts its rows into
// the fleet in one transaction: a row updates the asset with its asset tag
// (else its serial number) and creates one otherwise; a row equal to the
// stored asset changes nothing, so importing the same file twice is a no-op.
// Any problem in any row — or two rows naming one asset — imports nothing,
// and every problem of every row is reported in one pass.
//
// A decommissioned asset is frozen: a row that still lists it changes
// nothing (a warning says so); a row that gives its tag to another device
// is a problem, unless the mapping says the hospital reuses tags
// (tags_reused), when it creates a new asset. An import never
// decommissions: a CMMS status such as Disposed becomes retired, and an
// asset that stored PHI stays on the decommissioning worklist, sanitization
// pending, until vigil asset decommission retires it with its certificate.
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
	rep := &AssetImport{DryRun: opt.DryRun, Rows: len(tab.Rows), Columns: tab.Columns, Unmapped: tab.Unmapped,
		Problems: []assetfile.RowProblem{}, Warnings: append([]assetfile.RowProblem{}, tab.Warnings...), Encoding: tab.Encoding}
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
		dup := false
		switch tag, serial := rowKey(row, a, opt.Mapping); {
		case tag != "":
			if first, seen := tags[tag]; seen {
				rep.Problems = append(rep.Problems, assetfile.RowProblem{Row: row.Number, Column: tab.Columns["asset_tag"], Field: "asset_tag",
					Message: fmt.Sprintf("asset tag %q is also on row %d", tag, first)})
				dup = true
			} else {
				tags[tag] = row.Number
			}
		case serial != "":
			if first, seen := serials[serial]; seen {
				rep.Problems = append(rep.Problems, assetfile.RowProblem{Row: row.Number, Column: tab.Columns["serial"], Field: "serial",
					Message: fmt.Sprintf("serial number %q is also on row %d (and neither row has an asset tag)", serial, first)})
				dup = true
			} else {
				serials[serial] = row.Number
			}
		}
		if a == nil || dup {
			continue
		}
		if a.Status == vigil.AssetDecommissioned {
			// Only vigil asset decommission decommissions: it checks the
			// sanitization and issues the certificate.
			a.Status = vigil.AssetRetired
			msg := fmt.Sprintf("status %q: imported as retired; decommission it with vigil asset decommission", row.Cells["status"])
			if a.PHI {
				msg += " once its storage is sanitized (it stored PHI: sanitization pending)"
			}
			rep.Warnings = append(rep.Warnings, assetfile.RowProblem{Row: row.Number, Column: tab.Columns["status"], Field: "status", Message: msg})
		}
		rows = append(rows, parsed{row, a})
	}
	// A file with problems is checked like a dry run: all or nothing.
	write := !opt.DryRun && len(rep.Problems) == 0
	do := s.store.View
	if write {
		do = s.store.Update
	}
	err = do(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		var touched []*vigil.Asset
		create := func(p parsed) error {
			rep.Created++
			if !write {
				return nil
			}
			if err := tx.CreateAsset(ctx, sc, p.asset); err != nil {
				return fmt.Errorf("row %d: %w", p.row.Number, err)
			}
			touched = append(touched, p.asset)
			return nil
		}
		problems := len(rep.Problems)
		for _, p := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			cur, err := tx.FindAssetByTag(ctx, sc, p.asset.AssetTag, p.asset.Serial)
			switch {
			case errors.Is(err, vigil.ErrNotFound):
				if err := create(p); err != nil {
					return err
				}
				continue
			case err != nil:
				return err
			}
			if cur.Status == vigil.AssetDecommissioned {
				switch {
				case sameDevice(cur, p.asset):
					rep.Frozen++
					rep.Warnings = append(rep.Warnings, assetfile.RowProblem{Row: p.row.Number, Column: tab.Columns["asset_tag"], Field: "asset_tag",
						Message: fmt.Sprintf("asset %s is decommissioned: frozen, the row changes nothing", cur.Label())})
				case opt.Mapping.TagsReused && p.asset.AssetTag != "" && p.asset.AssetTag == cur.AssetTag:
					if err := create(p); err != nil {
						return err
					}
				default:
					field := "asset_tag"
					if p.asset.AssetTag == "" || p.asset.AssetTag != cur.AssetTag {
						field = "serial"
					}
					rep.Problems = append(rep.Problems, assetfile.RowProblem{Row: p.row.Number, Column: tab.Columns[field], Field: field,
						Message: fmt.Sprintf("%s names decommissioned asset %s (%s %s, serial %q), but the row describes another device "+
							"(%s %s, serial %q): a decommissioned asset is never edited; give the new device its own tag, "+
							"or set tags_reused: true in the column mapping to create a new asset",
							field, cur.Label(), cur.Manufacturer, cur.Model, cur.Serial, p.asset.Manufacturer, p.asset.Model, p.asset.Serial)})
				}
				continue
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
		if len(rep.Problems) > problems {
			slices.SortStableFunc(rep.Problems, func(x, y assetfile.RowProblem) int { return x.Row - y.Row })
			if write {
				return errRollback
			}
		}
		if write {
			m, err := newMapper(ctx, tx, sc)
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
		}
		n, err := countUnmapped(ctx, tx, sc)
		rep.UnmappedAssets = n
		return err
	})
	slices.SortStableFunc(rep.Warnings, func(x, y assetfile.RowProblem) int { return x.Row - y.Row })
	if errors.Is(err, errRollback) {
		rep.Created, rep.Updated, rep.Unchanged, rep.Frozen = 0, 0, 0, 0
		return rep, ErrImportProblems
	}
	if err != nil {
		return nil, err
	}
	if len(rep.Problems) > 0 && !opt.DryRun {
		return rep, ErrImportProblems
	}
	return rep, nil
}

// countUnmapped counts the active assets mapped to no release, as
// UnmappedAssets lists them.
func countUnmapped(ctx context.Context, tx Tx, sc vigil.Scope) (int, error) {
	assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{Unmapped: true})
	n := 0
	for _, a := range assets {
		if a.Status.Active() {
			n++
		}
	}
	return n, err
}

// ExportAssets writes the fleet as CSV or XLSX, with formula-safe cells.
func (s *Service) ExportAssets(ctx context.Context, sc vigil.Scope, format assetfile.Format, w io.Writer) error {
	assets, _, err := s.List(ctx, sc, vigil.AssetFilter{})
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
	err := s.store.View(ctx, func(tx Tx) error {
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
	if err := s.store.Update(ctx, func(tx Tx) error { return tx.PutManufacturerAlias(ctx, sc, a) }); err != nil {
		return nil, err
	}
	return s.MapAssets(ctx, sc)
}

// DeleteManufacturerAlias removes one of the organization's aliases.
func (s *Service) DeleteManufacturerAlias(ctx context.Context, sc vigil.Scope, alias string) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteManufacturerAlias(ctx, sc, strings.TrimSpace(alias)) })
}
