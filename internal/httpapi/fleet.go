package httpapi

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

// Fleet operation tags.
const (
	tagFleet   = "fleet"
	tagSharing = "sharing"
)

// fleetRoutes registers the hospital fleet and sharing operations.
func (s *Server) fleetRoutes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
		put  = http.MethodPut
		del  = http.MethodDelete
	)
	const (
		notFound   = http.StatusNotFound
		conflict   = http.StatusConflict
		invalid    = http.StatusBadRequest
		tooLarge   = http.StatusRequestEntityTooLarge
		unreadable = http.StatusUnprocessableEntity
	)
	huma.Register(api, s.authed(get, "/api/v1/assets", "list-assets", tagFleet,
		"List the fleet's assets, by asset tag.", invalid), s.listAssets)
	huma.Register(api, created(s.authed(post, "/api/v1/assets", "create-asset", tagFleet,
		"Add one asset to the fleet and map it to a release.", conflict, invalid, tooLarge)), s.createAsset)

	op := s.authed(post, "/api/v1/assets/import", "import-assets", tagFleet,
		"Import a CMMS export (CSV or XLSX): upsert by asset tag or serial, then map.", invalid, tooLarge, unreadable,
		http.StatusTooManyRequests, http.StatusServiceUnavailable)
	op.Description = "The body is the file (or the field file of a multipart/form-data body), up to " + byteSize(s.cfg.MaxSBOMBytes) +
		". Columns are found by field names and common CMMS headers; the mapping query parameter takes a column mapping as " +
		"JSON (columns, values, defaults, date_format, sheet, header_row — docs/fleet.md), column=FIELD=HEADER overrides " +
		"one column. With dry_run=true nothing is written. A file with any problem imports nothing: 422, one error per " +
		"problem located at body.row[N] and the column. Importing the same file again changes nothing."
	op.MaxBodyBytes = s.cfg.MaxSBOMBytes
	registerUpload(api, op, uploadBody("The CMMS export, CSV (UTF-8) or XLSX.", "text/csv", "text/plain",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"), s.importAssets)

	op = s.authed(get, "/api/v1/assets/export", "export-assets", tagFleet, "Export the fleet as CSV or XLSX, with formula-safe cells.")
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The file.",
		Headers:     map[string]*huma.Param{"Content-Disposition": {Description: "attachment, with the file name.", Schema: textSchema()}},
		Content: map[string]*huma.MediaType{
			"text/csv": {Schema: binarySchema()},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: binarySchema()},
		},
	}}
	huma.Register(api, op, s.exportAssets)

	huma.Register(api, s.authed(get, "/api/v1/assets/unmapped", "list-unmapped-assets", tagFleet,
		"Assets mapped to no release, with the closest candidates and the device-advisory products that name them."), s.listUnmapped)
	huma.Register(api, s.authed(post, "/api/v1/assets/remap", "remap-assets", tagFleet,
		"Map every asset again (confirmed mappings are kept)."), s.remapAssets)
	huma.Register(api, s.authed(get, "/api/v1/assets/{ref}", "get-asset", tagFleet,
		"An asset by asset tag, serial or id, with its advisory products, work items and, when unmapped, candidates.", notFound), s.getAsset)
	huma.Register(api, s.authed(del, "/api/v1/assets/{ref}", "delete-asset", tagFleet,
		"Delete an asset (retire devices through their status instead).", notFound), s.deleteAsset)
	huma.Register(api, s.authed(put, "/api/v1/assets/{ref}/mapping", "map-asset", tagFleet,
		"Confirm or fix an asset's release: a person's decision, which automatic mapping keeps.", notFound, invalid), s.mapAsset)
	huma.Register(api, s.authed(del, "/api/v1/assets/{ref}/mapping", "unmap-asset", tagFleet,
		"Remove an asset's release mapping.", notFound), s.unmapAsset)
	huma.Register(api, s.authed(get, "/api/v1/asset-links", "list-asset-links", tagFleet,
		"Links device identification made between assets and device-advisory products, with confidence, score and evidence; "+
			"possible=true lists only the undecided ones below the organization's threshold.", notFound), s.listAssetLinks)
	huma.Register(api, s.authed(put, "/api/v1/assets/{ref}/links/{advisory}/{product}", "decide-asset-link", tagFleet,
		"Confirm or reject a link between an asset and a device-advisory product: a confirmed link counts in exposure whatever "+
			"its score; a rejected one leaves it and does not return for the advisory's revision.", notFound, invalid), s.decideAssetLink)
	huma.Register(api, s.authed(get, "/api/v1/assets/{ref}/work/{vuln}", "get-work-item", tagFleet,
		"The remediation of a vulnerability on an asset, with its history.", notFound, invalid), s.getWorkItem)
	huma.Register(api, s.authed(put, "/api/v1/assets/{ref}/work/{vuln}", "set-work-item", tagFleet,
		"Record where a remediation stands: patch available or applied, compensating control, risk accepted (approver, reason, expiry).",
		notFound, invalid, tooLarge), s.setWorkItem)
	huma.Register(api, s.authed(get, "/api/v1/exposure/{vuln}", "get-exposure", tagFleet,
		"Which assets a vulnerability touches, through SBOM findings of their releases and device advisories; those a not-affected statement removes, apart.",
		invalid), s.getExposure)
	huma.Register(api, s.authed(get, "/api/v1/worklist", "get-worklist", tagFleet,
		"Open asset × vulnerability items by contextual priority, each factor explained."), s.getWorklist)
	huma.Register(api, s.authed(get, "/api/v1/asset-events", "list-asset-events", tagFleet,
		"Fleet events, newest first: assets newly exposed, exposures a statement removed or restored, device advisories published or revised, KEV additions, EPSS crossings of the organization's threshold, expired risk acceptances."), s.listAssetEvents)
	huma.Register(api, s.authed(post, "/api/v1/asset-events/refresh", "refresh-asset-events", tagFleet,
		"Reconsider the whole fleet now for events imports do not see (triage decisions, VEX, mappings, expired risk acceptances), as the hourly background pass does; returns the events recorded."), s.refreshAssetEvents)
	huma.Register(api, s.authed(get, "/api/v1/catalog", "list-catalog", tagSharing,
		"The releases the caller can map assets to: its own and those shared with it."), s.listCatalog)
	huma.Register(api, s.authed(get, "/api/v1/manufacturer-aliases", "list-manufacturer-aliases", tagFleet,
		"The organization's manufacturer aliases and the built-in table."), s.listAliases)
	huma.Register(api, s.authed(post, "/api/v1/manufacturer-aliases", "add-manufacturer-alias", tagFleet,
		"Make a name another name of a manufacturer, then remap the fleet.", invalid, tooLarge), s.addAlias)
	huma.Register(api, s.authed(del, "/api/v1/manufacturer-aliases/{alias}", "delete-manufacturer-alias", tagFleet,
		"Remove one of the organization's aliases.", notFound), s.deleteAlias)
	huma.Register(api, s.authed(get, "/api/v1/shares", "list-shares", tagSharing,
		"The shares the caller's organization granted and received."), s.listShares)
	huma.Register(api, created(s.authed(post, "/api/v1/shares", "create-share", tagSharing,
		"Share the caller's releases (all, a product's, or one) with a healthcare provider.", notFound, conflict, invalid, tooLarge)), s.createShare)
	huma.Register(api, s.authed(del, "/api/v1/shares/{id}", "delete-share", tagSharing,
		"Revoke a share the caller granted.", notFound), s.deleteShare)
}

type AssetRefPath struct {
	Ref string `path:"ref" maxLength:"200" doc:"The asset's tag, serial number or numeric id."`
}

type assetOutput struct{ Body *vigil.Asset }

type assetDetailOutput struct{ Body *assets.AssetDetail }

type assetList struct {
	Items []*vigil.Asset `json:"items"`
	Total int            `json:"total" doc:"How many assets match in all, across pages."`
}

type listAssetsInput struct {
	Status   string `query:"status" doc:"Only assets in this status."`
	Unmapped bool   `query:"unmapped" doc:"Only assets mapped to no release."`
	PageQuery
}

func (s *Server) listAssets(ctx context.Context, in *listAssetsInput) (*struct{ Body assetList }, error) {
	f := vigil.AssetFilter{Unmapped: in.Unmapped, Page: in.page()}
	if in.Status != "" {
		st := vigil.AssetStatus(in.Status)
		if !st.Valid() {
			return nil, huma.Error400BadRequest("unknown status", &huma.ErrorDetail{Location: "query.status",
				Message: fmt.Sprintf("must be one of %v", vigil.AssetStatuses), Value: in.Status})
		}
		f.Status = &st
	}
	as, total, err := s.svc.Assets.List(ctx, scopeFrom(ctx), f)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body assetList }{assetList{Items: orEmpty(as), Total: total}}, nil
}

// assetBody is an asset's inventory fields as a request sends them.
type assetBody struct {
	AssetTag         string            `json:"asset_tag,omitempty" maxLength:"100"`
	Serial           string            `json:"serial,omitempty" maxLength:"100"`
	Manufacturer     string            `json:"manufacturer" maxLength:"200"`
	Model            string            `json:"model" maxLength:"200"`
	Version          string            `json:"version,omitempty" maxLength:"100"`
	DeviceType       string            `json:"device_type,omitempty" maxLength:"200"`
	ClinicalFunction string            `json:"clinical_function,omitempty" maxLength:"200"`
	Criticality      vigil.Criticality `json:"criticality"`
	PHI              bool              `json:"phi,omitempty"`
	Site             string            `json:"site,omitempty" maxLength:"200"`
	Building         string            `json:"building,omitempty" maxLength:"200"`
	Unit             string            `json:"unit,omitempty" maxLength:"200"`
	IP               string            `json:"ip,omitempty" maxLength:"64"`
	MAC              string            `json:"mac,omitempty" maxLength:"32"`
	VLAN             string            `json:"vlan,omitempty" maxLength:"200"`
	Zone             string            `json:"zone,omitempty" maxLength:"200"`
	InternetExposed  bool              `json:"internet_exposed,omitempty"`
	Owner            string            `json:"owner,omitempty" maxLength:"200"`
	Status           vigil.AssetStatus `json:"status,omitempty" doc:"Default in_service."`
	PurchasedOn      vigil.Date        `json:"purchased_on,omitzero"`
	WarrantyUntil    vigil.Date        `json:"warranty_until,omitzero"`
}

func (b assetBody) asset() vigil.Asset {
	return vigil.Asset{AssetTag: b.AssetTag, Serial: b.Serial, Manufacturer: b.Manufacturer, Model: b.Model, Version: b.Version,
		DeviceType: b.DeviceType, ClinicalFunction: b.ClinicalFunction, Criticality: b.Criticality, PHI: b.PHI, Site: b.Site,
		Building: b.Building, Unit: b.Unit, IP: b.IP, MAC: b.MAC, VLAN: b.VLAN, Zone: b.Zone, InternetExposed: b.InternetExposed,
		Owner: b.Owner, Status: b.Status, PurchasedOn: b.PurchasedOn, WarrantyUntil: b.WarrantyUntil}
}

type createAssetInput struct{ Body assetBody }

func (s *Server) createAsset(ctx context.Context, in *createAssetInput) (*assetOutput, error) {
	a, err := s.svc.Assets.CreateAsset(ctx, scopeFrom(ctx), in.Body.asset())
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &assetOutput{Body: a}, nil
}

type importAssetsInput struct {
	upload
	DryRun     bool     `query:"dry_run" doc:"Check every row and report what would change; write nothing."`
	Mapping    string   `query:"mapping" maxLength:"65536" doc:"A column mapping as JSON (see docs/fleet.md)."`
	Column     []string `query:"column" doc:"FIELD=HEADER: read FIELD from the column with this header."`
	Sheet      string   `query:"sheet" doc:"XLSX worksheet (default: the first)."`
	HeaderRow  int      `query:"header_row" minimum:"0" maximum:"100" doc:"Row holding the headers (default 1)."`
	DateFormat string   `query:"date_format" doc:"Layout of date cells as Go writes it, e.g. 02/01/2006."`
	Encoding   string   `query:"encoding" enum:"utf-8,windows-1252,iso-8859-1" doc:"CSV character encoding (default: detect UTF-8 or Windows-1252)."`
	TagsReused bool     `query:"tags_reused" doc:"A row giving a decommissioned asset's tag to another device creates a new asset."`
}

func (s *Server) importAssets(ctx context.Context, in *importAssetsInput) (*struct{ Body *assets.AssetImport }, error) {
	var m assetfile.Mapping
	if in.Mapping != "" {
		var err error
		if m, err = assetfile.ParseMapping([]byte(in.Mapping)); err != nil {
			return nil, huma.Error400BadRequest("column mapping", &huma.ErrorDetail{Location: "query.mapping", Message: err.Error()})
		}
	}
	for _, c := range in.Column {
		k, v, ok := strings.Cut(c, "=")
		if !ok {
			return nil, huma.Error400BadRequest("column", &huma.ErrorDetail{Location: "query.column", Message: "want FIELD=HEADER", Value: c})
		}
		if m.Columns == nil {
			m.Columns = map[string]string{}
		}
		m.Columns[k] = v
	}
	if in.Sheet != "" {
		m.Sheet = in.Sheet
	}
	if in.HeaderRow != 0 {
		m.HeaderRow = in.HeaderRow
	}
	if in.DateFormat != "" {
		m.DateFormat = in.DateFormat
	}
	if in.Encoding != "" {
		m.Encoding = in.Encoding
	}
	if in.TagsReused {
		m.TagsReused = true
	}
	if err := m.Validate(); err != nil {
		return nil, huma.Error400BadRequest("column mapping", &huma.ErrorDetail{Location: "query", Message: err.Error()})
	}
	release, err := s.uploads.acquire(ctx, scopeFrom(ctx).OrgID)
	if err != nil {
		return nil, err
	}
	defer func() { release(in.body.n) }()
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	lim := assetfile.DefaultLimits()
	lim.MaxBytes = in.body.limit
	rep, err := s.svc.Assets.ImportAssets(ctx, scopeFrom(ctx), doc, assets.AssetImportOptions{Mapping: m, DryRun: in.DryRun, Limits: lim})
	switch {
	case errors.Is(err, assets.ErrImportProblems):
		details := make([]error, 0, len(rep.Problems))
		for _, p := range rep.Problems {
			loc := "body.row[" + strconv.Itoa(p.Row) + "]"
			if p.Column != "" {
				loc += "." + p.Column
			}
			details = append(details, &huma.ErrorDetail{Location: loc, Message: p.Message})
		}
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%d problems; nothing was imported", len(rep.Problems)), details...)
	case errors.Is(err, assetfile.ErrTooLarge) || in.body.exceeded:
		return nil, huma.Error413RequestEntityTooLarge(err.Error())
	case errors.Is(err, assets.ErrUnreadableFile):
		return nil, huma.Error422UnprocessableEntity(err.Error())
	case err != nil:
		return nil, in.problem(ctx, err)
	}
	return &struct{ Body *assets.AssetImport }{rep}, nil
}

type exportAssetsInput struct {
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv or xlsx."`
}

func (s *Server) exportAssets(ctx context.Context, in *exportAssetsInput) (*huma.StreamResponse, error) {
	sc := scopeFrom(ctx)
	ct := "text/csv; charset=utf-8"
	if in.Format == string(assetfile.XLSX) {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		w := &deferredWriter{hc: hc, header: map[string]string{
			"Content-Type":        ct,
			"Content-Disposition": mime.FormatMediaType("attachment", map[string]string{"filename": "assets." + in.Format}),
		}}
		err := s.svc.Assets.ExportAssets(hc.Context(), sc, assetfile.Format(in.Format), w)
		switch {
		case err == nil:
			w.start()
		case !w.started:
			s.writeHumaProblem(hc, err)
		default:
			infoFrom(hc.Context()).err = err
			panic(http.ErrAbortHandler)
		}
	}}, nil
}

func (s *Server) listUnmapped(ctx context.Context, _ *struct{}) (*struct{ Body []assets.UnmappedAsset }, error) {
	un, err := s.svc.Assets.UnmappedAssets(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []assets.UnmappedAsset }{orEmpty(un)}, nil
}

func (s *Server) remapAssets(ctx context.Context, _ *struct{}) (*struct{ Body *assets.MappingSummary }, error) {
	sum, err := s.svc.Assets.MapAssets(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body *assets.MappingSummary }{sum}, nil
}

func (s *Server) getAsset(ctx context.Context, in *AssetRefPath) (*assetDetailOutput, error) {
	d, err := s.svc.Assets.Asset(ctx, scopeFrom(ctx), in.Ref)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &assetDetailOutput{Body: d}, nil
}

func (s *Server) deleteAsset(ctx context.Context, in *AssetRefPath) (*struct{}, error) {
	if err := s.svc.Assets.DeleteAsset(ctx, scopeFrom(ctx), in.Ref); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}

type mapAssetInput struct {
	AssetRefPath
	Body struct {
		Release string `json:"release" maxLength:"300" doc:"The release: its id, or PRODUCT@VERSION."`
		Owner   string `json:"owner,omitempty" maxLength:"63" doc:"The organization the release belongs to, when several have PRODUCT@VERSION."`
		Note    string `json:"note,omitempty" maxLength:"1000" doc:"Why; kept with the mapping."`
	}
}

func (s *Server) mapAsset(ctx context.Context, in *mapAssetInput) (*assetOutput, error) {
	if strings.TrimSpace(in.Body.Release) == "" {
		return nil, huma.Error400BadRequest("release is required", &huma.ErrorDetail{Location: "body.release", Message: "is required"})
	}
	a, err := s.svc.Assets.MapAsset(ctx, scopeFrom(ctx), in.Ref, assets.ReleaseRef{Ref: in.Body.Release, Owner: in.Body.Owner}, in.Body.Note)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &assetOutput{Body: a}, nil
}

func (s *Server) unmapAsset(ctx context.Context, in *AssetRefPath) (*assetOutput, error) {
	a, err := s.svc.Assets.MapAsset(ctx, scopeFrom(ctx), in.Ref, assets.ReleaseRef{}, "")
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &assetOutput{Body: a}, nil
}

type listAssetLinksInput struct {
	Asset    string `query:"asset" maxLength:"200" doc:"One asset: tag, serial or id."`
	Possible bool   `query:"possible" doc:"Only the undecided links below the threshold."`
}

func (s *Server) listAssetLinks(ctx context.Context, in *listAssetLinksInput) (*struct{ Body []assets.AdvisoryLink }, error) {
	ls, err := s.svc.Assets.AdvisoryLinks(ctx, scopeFrom(ctx), assets.LinkFilter{Asset: in.Asset, Possible: in.Possible})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []assets.AdvisoryLink }{orEmpty(ls)}, nil
}

type decideAssetLinkInput struct {
	AssetRefPath
	Advisory string `path:"advisory" maxLength:"200" doc:"The advisory's tracking id (ICSMA-22-251-01)."`
	Product  string `path:"product" maxLength:"200" doc:"The CSAF product id (CSAFPID-0003)."`
	Body     struct {
		Decision vigil.LinkDecision `json:"decision" enum:"confirmed,rejected" doc:"confirmed or rejected."`
		Note     string             `json:"note,omitempty" maxLength:"2000" doc:"Why; kept with the decision."`
	}
}

func (s *Server) decideAssetLink(ctx context.Context, in *decideAssetLinkInput) (*struct{ Body *assets.AdvisoryLink }, error) {
	l, err := s.svc.Assets.DecideAdvisoryLink(ctx, scopeFrom(ctx), assets.LinkDecisionInput{Asset: in.Ref, Advisory: in.Advisory,
		ProductID: in.Product, Decision: in.Body.Decision, Note: in.Body.Note})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body *assets.AdvisoryLink }{l}, nil
}

type WorkItemPath struct {
	AssetRefPath
	Vuln string `path:"vuln" maxLength:"200" doc:"The vulnerability id (a CVE or any alias)."`
}

type workItemOutput struct{ Body *assets.WorkItemDetail }

func (s *Server) getWorkItem(ctx context.Context, in *WorkItemPath) (*workItemOutput, error) {
	d, err := s.svc.Assets.WorkItem(ctx, scopeFrom(ctx), in.Ref, in.Vuln)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &workItemOutput{Body: d}, nil
}

type setWorkItemInput struct {
	WorkItemPath
	Body vigil.WorkItemInput
}

func (s *Server) setWorkItem(ctx context.Context, in *setWorkItemInput) (*workItemOutput, error) {
	d, err := s.svc.Assets.SetRemediation(ctx, scopeFrom(ctx), in.Ref, in.Vuln, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &workItemOutput{Body: d}, nil
}

type exposureVulnPath struct {
	Vuln string `path:"vuln" maxLength:"200" doc:"The vulnerability id (a CVE, GHSA, OSV or other id)."`
}

func (s *Server) getExposure(ctx context.Context, in *exposureVulnPath) (*struct{ Body *assets.Exposure }, error) {
	ex, err := s.svc.Assets.Exposure(ctx, scopeFrom(ctx), in.Vuln)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body *assets.Exposure }{ex}, nil
}

type worklistInput struct {
	Limit   int  `query:"limit" minimum:"0" maximum:"10000" default:"20" doc:"The top N (0: all)."`
	All     bool `query:"all" doc:"Include items patched or under an unexpired risk acceptance."`
	Expired bool `query:"expired" doc:"Only items whose risk acceptance expired."`
}

func (s *Server) getWorklist(ctx context.Context, in *worklistInput) (*struct{ Body []*assets.ExposedAsset }, error) {
	list, err := s.svc.Assets.Worklist(ctx, scopeFrom(ctx), assets.WorklistOptions{Limit: in.Limit, IncludeDone: in.All, ExpiredOnly: in.Expired})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []*assets.ExposedAsset }{list}, nil
}

type assetEventsInput struct {
	Vuln    string   `query:"vuln" doc:"Only events of this vulnerability."`
	AssetID int64    `query:"asset_id" minimum:"0" doc:"Only events of this asset."`
	Kind    []string `query:"kind,explode" enum:"exposed,advisory,kev_added,epss_crossed,exposure_removed,exposure_restored,risk_acceptance_expired" doc:"Only events of these kinds."`
	PageQuery
}

func (s *Server) listAssetEvents(ctx context.Context, in *assetEventsInput) (*struct{ Body []*vigil.AssetEvent }, error) {
	f := vigil.AssetEventFilter{VulnID: optional(in.Vuln), Page: in.page()}
	if in.AssetID != 0 {
		f.AssetID = &in.AssetID
	}
	for _, k := range in.Kind {
		f.Kinds = append(f.Kinds, vigil.AssetEventKind(k))
	}
	evs, err := s.svc.Assets.AssetEvents(ctx, scopeFrom(ctx), f)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []*vigil.AssetEvent }{evs}, nil
}

func (s *Server) refreshAssetEvents(ctx context.Context, _ *struct{}) (*struct{ Body []*vigil.AssetEvent }, error) {
	evs, err := s.svc.Assets.RefreshOrgEvents(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []*vigil.AssetEvent }{evs}, nil
}

func (s *Server) listCatalog(ctx context.Context, _ *struct{}) (*struct{ Body []*vigil.CatalogRelease }, error) {
	cs, err := s.svc.Assets.Catalog(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body []*vigil.CatalogRelease }{cs}, nil
}

type aliasesBody struct {
	Organization []vigil.ManufacturerAlias `json:"organization"`
	Builtin      []fleet.AliasGroup        `json:"builtin"`
}

func (s *Server) listAliases(ctx context.Context, _ *struct{}) (*struct{ Body aliasesBody }, error) {
	own, builtin, err := s.svc.Assets.ManufacturerAliases(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body aliasesBody }{aliasesBody{own, builtin}}, nil
}

type addAliasInput struct{ Body vigil.ManufacturerAlias }

func (s *Server) addAlias(ctx context.Context, in *addAliasInput) (*struct{ Body *assets.MappingSummary }, error) {
	sum, err := s.svc.Assets.AddManufacturerAlias(ctx, scopeFrom(ctx), in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body *assets.MappingSummary }{sum}, nil
}

type aliasPath struct {
	Alias string `path:"alias" maxLength:"200" doc:"The alias."`
}

func (s *Server) deleteAlias(ctx context.Context, in *aliasPath) (*struct{}, error) {
	if err := s.svc.Assets.DeleteManufacturerAlias(ctx, scopeFrom(ctx), in.Alias); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}

type sharesBody struct {
	Granted  []*vigil.Share `json:"granted"`
	Received []*vigil.Share `json:"received"`
}

func (s *Server) listShares(ctx context.Context, _ *struct{}) (*struct{ Body sharesBody }, error) {
	g, r, err := s.svc.Access.Shares(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body sharesBody }{sharesBody{g, r}}, nil
}

type createShareInput struct{ Body access.ShareInput }

func (s *Server) createShare(ctx context.Context, in *createShareInput) (*struct{ Body *vigil.Share }, error) {
	sh, err := s.svc.Access.Share(ctx, scopeFrom(ctx), in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &struct{ Body *vigil.Share }{sh}, nil
}

func (s *Server) deleteShare(ctx context.Context, in *IDPath) (*struct{}, error) {
	if err := s.svc.Access.Unshare(ctx, scopeFrom(ctx), in.ID); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}
