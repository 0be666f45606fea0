package assets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/store"
)

// ExposureStatement is a manufacturer's (or a CSAF publisher's) word that a device
// is not affected by a vulnerability, or is fixed: shown where it removes
// an asset from an exposure.
type ExposureStatement struct {
	// Source is where it came from: "sbom" (a VEX or advisory statement
	// matched to the release's component), "advisory" (a device
	// advisory's product status), "triage" (the manufacturer's triage
	// decision on the finding).
	Source string `json:"source"`
	// Status is not_affected or fixed (in CSAF terms known_not_affected,
	// fixed, first_fixed).
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
	Detail        string `json:"detail,omitempty"`
	// By names the document or person: an advisory's tracking id, a
	// record's source.
	By string `json:"by,omitempty"`
}

// ExposedAsset is one asset's exposure to one vulnerability.
type ExposedAsset struct {
	AssetID         int64             `json:"asset_id"`
	AssetTag        string            `json:"asset_tag,omitempty"`
	Serial          string            `json:"serial,omitempty"`
	Manufacturer    string            `json:"manufacturer"`
	Model           string            `json:"model"`
	Version         string            `json:"version,omitempty"`
	Location        string            `json:"location"`
	Zone            string            `json:"zone,omitempty"`
	IP              string            `json:"ip,omitempty"`
	InternetExposed bool              `json:"internet_exposed"`
	PHI             bool              `json:"phi"`
	Status          vigil.AssetStatus `json:"status"`
	Criticality     vigil.Criticality `json:"criticality"`
	VulnID          string            `json:"vuln_id"`
	// Via lists how the exposure was found: "sbom" (a finding of the
	// mapped release's SBOM), "advisory" (a device advisory naming the
	// asset).
	Via []string `json:"via"`
	// Release is the mapped release ("Infusion Pump 3.0").
	Release   string                  `json:"release,omitempty"`
	ReleaseID int64                   `json:"release_id,omitempty"`
	Mapping   vigil.MappingConfidence `json:"mapping_confidence,omitempty"`
	// Evidence says what was found: components with their finding status,
	// advisory products with their CSAF status.
	Evidence []string `json:"evidence"`
	// Statements are the not-affected statements, which (when nothing
	// else says affected) remove the asset.
	Statements []ExposureStatement `json:"statements,omitempty"`
	// Patches are the fixes an advisory names for the device.
	Patches []string `json:"patches,omitempty"`
	// Remediation is the work item's effective state; RiskExpired is set
	// when a risk acceptance ran out and the item is open again.
	Remediation vigil.RemediationState `json:"remediation"`
	WorkItemID  int64                  `json:"work_item_id,omitempty"`
	RiskExpired bool                   `json:"risk_acceptance_expired,omitempty"`
	Priority    *fleet.AssetPriority   `json:"priority,omitempty"`

	harm    vigil.Harm
	control string
	exposed bool
}

// Exposure answers "which of my devices does this vulnerability touch?".
type Exposure struct {
	VulnID string `json:"vuln_id"`
	// IDs are the ids searched: the one asked for and its aliases.
	IDs     []string `json:"ids"`
	Summary string   `json:"summary,omitempty"`
	// Exposed are the affected assets, highest priority first;
	// NotAffected those a manufacturer's statement removed.
	Exposed     []*ExposedAsset `json:"exposed"`
	NotAffected []*ExposedAsset `json:"not_affected"`
}

// statementKey names one component of one release for one vulnerability.
type statementKey struct {
	release, component int64
	vuln               string
}

// statementSource yields the not-affected statements about the components
// of findings, by component. Matching's own evidence (a CSAF VEX or
// advisory known_not_affected matched to the component) is one source;
// the manufacturer's triage decisions are another.
type statementSource func(ctx context.Context, tx Tx, sc vigil.Scope, fs []*vigil.Finding) (map[statementKey][]ExposureStatement, error)

// statementSources are the sources exposure consults.
func statementSources() []statementSource {
	return []statementSource{matchStatements, triageStatements}
}

// ownerScopes groups findings by the organization that owns them. The
// findings come from FindVisibleFindings, whose SQL applies the share
// rule: the caller may see them. Their owner's triage and assessments are
// read under the owner's scope for exactly those findings, never more.
func ownerScopes(fs []*vigil.Finding) map[int64][]int64 {
	out := map[int64][]int64{}
	for _, f := range fs {
		out[f.OrgID] = append(out[f.OrgID], f.ID)
	}
	return out
}

// triageStatements reads the manufacturer's triage decisions on the
// findings (a person's decision, or an imported VEX statement applied as
// one): not_affected, false_positive and fixed remove the component.
func triageStatements(ctx context.Context, tx Tx, _ vigil.Scope, fs []*vigil.Finding) (map[statementKey][]ExposureStatement, error) {
	byID := map[int64]*vigil.Finding{}
	for _, f := range fs {
		byID[f.ID] = f
	}
	out := map[statementKey][]ExposureStatement{}
	for org, ids := range ownerScopes(fs) {
		ds, err := tx.FindTriageDecisions(ctx, vigil.Scope{OrgID: org, Actor: "system:exposure"}, ids)
		if err != nil {
			return nil, err
		}
		for id, d := range ds {
			f := byID[id]
			if f == nil || !f.Status.IsFinding() {
				continue
			}
			switch d.State {
			case vigil.TriageNotAffected, vigil.TriageFalsePositive, vigil.TriageFixed:
			default:
				continue
			}
			by := d.Actor
			if d.Source == vigil.DecisionVEX && d.SourceRef != "" {
				by = d.SourceRef
			}
			k := statementKey{f.ReleaseID, f.ComponentID, fleet.VulnKey(f.VulnID, f.Aliases)}
			out[k] = append(out[k], ExposureStatement{Source: "triage", Status: string(d.State), Justification: string(d.Justification),
				Detail: strings.TrimSpace(f.ComponentName + " " + f.ComponentVersion + " — " + d.Detail), By: by})
		}
	}
	return out, nil
}

// findingHarms reads the manufacturer's patient-harm assessment (ISO
// 14971) of each finding that has one.
func findingHarms(ctx context.Context, tx Tx, fs []*vigil.Finding) (map[int64]vigil.Harm, error) {
	out := map[int64]vigil.Harm{}
	for org, ids := range ownerScopes(fs) {
		as, err := tx.FindCurrentRiskAssessments(ctx, vigil.Scope{OrgID: org, Actor: "system:exposure"}, ids)
		if err != nil {
			return nil, err
		}
		for id, a := range as {
			out[id] = a.Harm
		}
	}
	return out, nil
}

// matchStatements reads the findings matching kept as evidence that a
// component is not vulnerable: status not_affected or fixed.
func matchStatements(_ context.Context, _ Tx, _ vigil.Scope, fs []*vigil.Finding) (map[statementKey][]ExposureStatement, error) {
	out := map[statementKey][]ExposureStatement{}
	for _, f := range fs {
		if f.Status.IsFinding() {
			continue
		}
		k := statementKey{f.ReleaseID, f.ComponentID, fleet.VulnKey(f.VulnID, f.Aliases)}
		detail := f.Evidence.Criterion
		if f.Evidence.Detail != "" {
			detail += ": " + f.Evidence.Detail
		}
		out[k] = append(out[k], ExposureStatement{Source: "sbom", Status: string(f.Status), Detail: f.ComponentName + " " + f.ComponentVersion + " — " + detail,
			By: f.Evidence.Source.SourceID})
	}
	return out, nil
}

// idBatch bounds the ids of one exposure query.
const exposureBatch = 500

// exposures computes the exposures of the organization's assets to the
// vulnerabilities ids (all of them when ids is nil), through the reverse
// indexes: findings by vulnerability, assets by release, advisory products
// by the advisories' vulnerabilities. It never reads the whole fleet.
//
// With force set, every entry is keyed by that id: the ids are one
// vulnerability's aliases.
func exposures(ctx context.Context, tx Tx, sc vigil.Scope, ids []string, force string) ([]*ExposedAsset, error) {
	keyOf := func(id string, aliases []string) string {
		if force != "" {
			return force
		}
		return fleet.VulnKey(id, aliases)
	}
	var fs []*vigil.Finding
	var aps []vigil.AdvisoryProduct
	if ids == nil {
		var err error
		if fs, err = tx.FindVisibleFindings(ctx, sc, vigil.VisibleFindingFilter{MappedOnly: true}); err != nil {
			return nil, err
		}
		if aps, err = tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{}); err != nil {
			return nil, err
		}
	}
	for i := 0; i < len(ids); i += exposureBatch {
		batch := ids[i:min(i+exposureBatch, len(ids))]
		more, err := tx.FindVisibleFindings(ctx, sc, vigil.VisibleFindingFilter{VulnIDs: batch, MappedOnly: true})
		if err != nil {
			return nil, err
		}
		fs = append(fs, more...)
		moreAP, err := tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{VulnIDs: batch})
		if err != nil {
			return nil, err
		}
		aps = append(aps, moreAP...)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}

	harms, err := findingHarms(ctx, tx, fs)
	if err != nil {
		return nil, err
	}

	// The SBOM path: per release and vulnerability, the affected
	// components no statement covers.
	stmts := map[statementKey][]ExposureStatement{}
	for _, src := range statementSources() {
		m, err := src(ctx, tx, sc, fs)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			stmts[k] = append(stmts[k], v...)
		}
	}
	type relVuln = relVulnKey
	byRel := map[relVuln]*relExposure{}
	var order []relVuln
	get := func(k relVuln) *relExposure {
		e := byRel[k]
		if e == nil {
			e = &relExposure{}
			byRel[k] = e
			order = append(order, k)
		}
		return e
	}
	seenStmt := map[statementKey]bool{}
	for _, f := range fs {
		vk := keyOf(f.VulnID, f.Aliases)
		sk := statementKey{f.ReleaseID, f.ComponentID, fleet.VulnKey(f.VulnID, f.Aliases)}
		e := get(relVuln{f.ReleaseID, vk})
		if ss := stmts[sk]; len(ss) > 0 {
			if !seenStmt[sk] {
				seenStmt[sk] = true
				e.statements = append(e.statements, ss...)
			}
			continue
		}
		if !f.Status.IsFinding() {
			continue
		}
		e.exposed = true
		e.evidence = append(e.evidence, fmt.Sprintf("%s %s: %s (%s, %s via %s)", f.ComponentName, f.ComponentVersion, f.VulnID,
			f.Status, f.Confidence, f.Evidence.Matcher))
		if h := harms[f.ID]; h.Rank() > e.harm.Rank() {
			e.harm = h
		}
	}
	releases := map[int64]bool{}
	for _, k := range order {
		releases[k.release] = true
	}
	relIDs := make([]int64, 0, len(releases))
	for id := range releases {
		relIDs = append(relIDs, id)
	}
	slices.Sort(relIDs)
	relInfo := map[int64]*vigil.CatalogRelease{}
	if len(relIDs) > 0 {
		cat, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{ReleaseIDs: relIDs})
		if err != nil {
			return nil, err
		}
		for _, c := range cat {
			relInfo[c.ID] = c
		}
	}
	fixedIn, err := newerReleasesWithout(ctx, tx, sc, byRelExposed(byRel, func(e *relExposure) bool { return e.exposed }), relInfo, ids)
	if err != nil {
		return nil, err
	}
	assetsByRel := map[int64][]*vigil.Asset{}
	as, err := tx.FindAssetsOfReleases(ctx, sc, relIDs)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if c := relInfo[a.Mapping.ReleaseID]; c != nil {
			a.Mapping.Product, a.Mapping.ReleaseVersion = c.Product, c.Version
		}
		assetsByRel[a.Mapping.ReleaseID] = append(assetsByRel[a.Mapping.ReleaseID], a)
	}
	type assetVuln struct {
		asset int64
		vuln  string
	}
	out := map[assetVuln]*ExposedAsset{}
	var outOrder []assetVuln
	entry := func(a *vigil.Asset, vuln string) *ExposedAsset {
		k := assetVuln{a.ID, vuln}
		if e := out[k]; e != nil {
			return e
		}
		e := &ExposedAsset{
			AssetID: a.ID, AssetTag: a.AssetTag, Serial: a.Serial, Manufacturer: a.Manufacturer, Model: a.Model,
			Version: a.Version, Location: a.Location(), Zone: a.Zone, IP: a.IP, InternetExposed: a.InternetExposed, PHI: a.PHI,
			Status: a.Status, Criticality: a.Criticality, VulnID: vuln, Evidence: []string{}, Remediation: vigil.RemediationOpen,
		}
		if a.Mapping.Mapped() {
			e.Release, e.ReleaseID, e.Mapping = a.Mapping.Product+" "+a.Mapping.ReleaseVersion, a.Mapping.ReleaseID, a.Mapping.Confidence
		}
		out[k] = e
		outOrder = append(outOrder, k)
		return e
	}
	for _, k := range order {
		re := byRel[k]
		for _, a := range assetsByRel[k.release] {
			if !a.Status.Active() {
				continue
			}
			e := entry(a, k.vuln)
			e.Via = appendOnce(e.Via, "sbom")
			e.Evidence = append(e.Evidence, re.evidence...)
			if re.exposed {
				for _, r := range fixedIn[k] {
					e.Patches = appendOnce(e.Patches, r)
				}
			}
			e.Statements = append(e.Statements, re.statements...)
			e.exposed = e.exposed || re.exposed
			if re.harm.Rank() > e.harm.Rank() {
				e.harm = re.harm
			}
		}
	}

	// The device-advisory path: the CSAF status of the product that names
	// the asset, per vulnerability of the advisory.
	if len(aps) > 0 {
		assetIDs := map[int64]bool{}
		for _, p := range aps {
			assetIDs[p.AssetID] = true
		}
		idList := make([]int64, 0, len(assetIDs))
		for id := range assetIDs {
			idList = append(idList, id)
		}
		slices.Sort(idList)
		assets := map[int64]*vigil.Asset{}
		for i := 0; i < len(idList); i += exposureBatch {
			as, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{IDs: idList[i:min(i+exposureBatch, len(idList))]})
			if err != nil {
				return nil, err
			}
			for _, a := range as {
				assets[a.ID] = a
			}
		}
		advs := map[int64]*vigil.Advisory{}
		for _, p := range aps {
			a := assets[p.AssetID]
			if a == nil || !a.Status.Active() {
				continue
			}
			if p.Confidence == vigil.MappingPossible {
				// Below the organization's threshold: listed by `asset
				// link list` for a person to confirm, not an exposure.
				continue
			}
			adv := advs[p.AdvisoryID]
			if adv == nil {
				var err error
				if adv, err = tx.FindAdvisoryByID(ctx, p.AdvisoryID); err != nil {
					return nil, err
				}
				advs[p.AdvisoryID] = adv
			}
			for i := range adv.Vulnerabilities {
				v := &adv.Vulnerabilities[i]
				vid := fleet.AdvisoryVulnID(v)
				if vid == "" || (ids != nil && !want[vid] && !fleet.Names(v, want)) {
					continue
				}
				ps, ok := fleet.StatementOf(adv, v, p.ProductID)
				if !ok {
					continue
				}
				e := entry(a, keyOf(vid, nil))
				e.Via = appendOnce(e.Via, "advisory")
				if ps.Affected {
					e.exposed = true
					e.Evidence = append(e.Evidence, fmt.Sprintf("%s: %s %q (%s; mapping %s)", adv.ID, ps.Status, p.Name, p.ProductID, p.Confidence))
					e.Patches = append(e.Patches, ps.Patches...)
					continue
				}
				st := ExposureStatement{Source: "advisory", Status: ps.Status, By: adv.ID, Detail: fmt.Sprintf("%q (%s)", p.Name, p.ProductID),
					Justification: ps.Justification}
				for _, im := range ps.Impacts {
					st.Detail += ": " + im
				}
				e.Statements = append(e.Statements, st)
			}
		}
	}
	res := make([]*ExposedAsset, 0, len(outOrder))
	for _, k := range outOrder {
		res = append(res, out[k])
	}
	return res, nil
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// fleetSignals caches what the knowledge base says of each vulnerability.
type fleetSignals struct {
	tx    Tx
	cache map[string]fleet.Signals
}

func (g *fleetSignals) of(ctx context.Context, id string) (fleet.Signals, error) {
	if s, ok := g.cache[id]; ok {
		return s, nil
	}
	var out fleet.Signals
	recs, err := g.tx.FindKBVulns(ctx, id)
	if err != nil {
		return out, err
	}
	// The best vector: a device advisory's own (its publisher scored the
	// vulnerability for the device), then NVD's primary assessment, then
	// a CNA's or CISA's ADP container of the CVE record; CVSS 3.1 and 4.0
	// before 3.0 before 2.0.
	var best *vigil.Severity
	var bestSource string
	var bestRank int
	consider := func(s *vigil.Severity, rank int, source string) {
		if s.Version == "" || s.BaseScore <= 0 {
			return
		}
		switch s.Version {
		case vigil.CVSS31, vigil.CVSS40:
			rank += 2
		case vigil.CVSS30:
			rank++
		}
		if best == nil || rank > bestRank || (rank == bestRank && s.BaseScore > best.BaseScore) {
			best, bestSource, bestRank = s, source, rank
		}
	}
	advs, err := g.tx.FindAdvisoriesByVuln(ctx, id)
	if err != nil {
		return out, err
	}
	for _, a := range advs {
		for i := range a.Vulnerabilities {
			v := &a.Vulnerabilities[i]
			if v.CVE != id && !slices.ContainsFunc(v.IDs, func(x vigil.VulnerabilityID) bool { return x.Text == id }) {
				continue
			}
			for j := range v.Scores {
				for k := range v.Scores[j].Severities {
					consider(&v.Scores[j].Severities[k], 8, "advisory "+a.ID)
				}
			}
		}
	}
	for _, r := range recs {
		for i := range r.Severities {
			s := &r.Severities[i]
			rank, source := 0, string(r.Source)
			if s.Primary {
				rank, source = 4, "NVD"
			}
			if s.Source != "" {
				source = s.Source
			}
			consider(s, rank, source)
		}
	}
	if best != nil {
		out.BaseScore, out.Vector, out.Source = best.BaseScore, best.Vector, bestSource
	}
	if vigil.IsCVE(id) {
		kev, err := g.tx.FindKEV(ctx, id)
		switch {
		case err == nil:
			out.KEV, out.KEVRansomware = true, kev.RansomwareUse == vigil.RansomwareKnown
		case !errors.Is(err, vigil.ErrNotFound):
			return out, err
		}
		scores, err := g.tx.FindEPSS(ctx, id)
		if err != nil {
			return out, err
		}
		if len(scores) > 0 {
			out.EPSS, out.HasEPSS = scores[0].Score, true
		}
	}
	g.cache[id] = out
	return out, nil
}

// enrich adds work-item state and priority to exposed entries.
func enrich(ctx context.Context, tx Tx, sc vigil.Scope, today vigil.Date, es []*ExposedAsset, items []*vigil.WorkItem) error {
	type key struct {
		asset int64
		vuln  string
	}
	work := map[key]*vigil.WorkItem{}
	for _, w := range items {
		work[key{w.AssetID, w.VulnID}] = w
	}
	sig := &fleetSignals{tx: tx, cache: map[string]fleet.Signals{}}
	rs, err := triage.RiskSettingsOf(ctx, tx, sc)
	if err != nil {
		return err
	}
	assets := map[int64]*vigil.Asset{}
	relIDs := make([]int64, 0, len(es))
	for _, e := range es {
		relIDs = append(relIDs, e.ReleaseID)
	}
	phases, err := releasePhases(ctx, tx, sc, today, relIDs)
	if err != nil {
		return err
	}
	for _, e := range es {
		if w := work[key{e.AssetID, e.VulnID}]; w != nil {
			e.WorkItemID, e.Remediation, e.RiskExpired = w.ID, w.Effective(today), w.Expired(today)
			if w.State == vigil.RemediationCompensating {
				e.control = w.Detail
			}
		} else if len(e.Patches) > 0 {
			e.Remediation = vigil.RemediationPatchAvailable
		}
		if !e.exposed {
			continue
		}
		sg, err := sig.of(ctx, e.VulnID)
		if err != nil {
			return err
		}
		a := assets[e.AssetID]
		if a == nil {
			a = &vigil.Asset{ID: e.AssetID, Zone: e.Zone, IP: e.IP, InternetExposed: e.InternetExposed, PHI: e.PHI, Criticality: e.Criticality}
			assets[e.AssetID] = a
		}
		p := fleet.Prioritize(sg, fleet.Context{Asset: a, Harm: e.harm, Remediation: e.Remediation, Control: e.control,
			Phase: phases[e.ReleaseID], FixAvailable: len(e.Patches) > 0, UnscoredBase: rs.UnscoredCVSS})
		e.Priority = &p
	}
	return nil
}

// Exposure lists the organization's assets a vulnerability touches — by
// the SBOM findings of their mapped releases and by the device advisories
// that name them — with location, zone and status, highest priority first;
// and, apart, the assets a not-affected statement removed.
func (s *Service) Exposure(ctx context.Context, sc vigil.Scope, vulnID string) (*Exposure, error) {
	vulnID = strings.TrimSpace(vulnID)
	if vulnID == "" || len(vulnID) > 200 {
		return nil, fmt.Errorf("vulnerability id %q: %w", vulnID, vigil.ErrInvalid)
	}
	ex := &Exposure{VulnID: vulnID, IDs: []string{vulnID}, Exposed: []*ExposedAsset{}, NotAffected: []*ExposedAsset{}}
	aliases, summary, err := s.vuln(ctx, vulnID)
	switch {
	case err == nil:
		ex.IDs, ex.Summary = append(ex.IDs, aliases...), summary
	case !errors.Is(err, vigil.ErrNotFound):
		return nil, err
	}
	key := fleet.VulnKey(vulnID, ex.IDs)
	err = s.store.View(ctx, func(tx Tx) error {
		if err := store.RequireScope(sc); err != nil {
			return err
		}
		es, err := exposures(ctx, tx, sc, ex.IDs, key)
		if err != nil {
			return err
		}
		items, err := tx.FindWorkItems(ctx, sc, vigil.WorkItemFilter{VulnID: &key})
		if err != nil {
			return err
		}
		if err := enrich(ctx, tx, sc, s.today(), es, items); err != nil {
			return err
		}
		for _, e := range es {
			if e.exposed {
				ex.Exposed = append(ex.Exposed, e)
			} else {
				ex.NotAffected = append(ex.NotAffected, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ex.VulnID = key
	sortByPriority(ex.Exposed)
	return ex, nil
}

func sortByPriority(es []*ExposedAsset) {
	slices.SortStableFunc(es, func(a, b *ExposedAsset) int {
		var pa, pb float64
		if a.Priority != nil {
			pa = a.Priority.Score
		}
		if b.Priority != nil {
			pb = b.Priority.Score
		}
		if d := cmp.Compare(pb, pa); d != 0 {
			return d
		}
		if d := cmp.Compare(a.AssetTag, b.AssetTag); d != 0 {
			return d
		}
		return cmp.Compare(a.AssetID, b.AssetID)
	})
}

// relVulnKey is one vulnerability on one release.
type relVulnKey struct {
	release int64
	vuln    string
}

// relExposure is what the SBOM path found for one release and
// vulnerability.
type relExposure struct {
	evidence   []string
	statements []ExposureStatement
	exposed    bool
	harm       vigil.Harm
}

func byRelExposed(m map[relVulnKey]*relExposure, keep func(*relExposure) bool) []relVulnKey {
	var out []relVulnKey
	for k, e := range m {
		if keep(e) {
			out = append(out, k)
		}
	}
	return out
}

// newerReleasesWithout finds, for each exposed release and vulnerability,
// the later releases of the same product (visible to sc, with an SBOM)
// whose findings do not include the vulnerability: the manufacturer's fix,
// as far as its SBOMs tell. ids restricts the findings read (nil: all).
func newerReleasesWithout(ctx context.Context, tx Tx, sc vigil.Scope, exposed []relVulnKey, relInfo map[int64]*vigil.CatalogRelease, ids []string) (map[relVulnKey][]string, error) {
	if len(exposed) == 0 {
		return nil, nil
	}
	products := map[int64]bool{}
	for _, k := range exposed {
		if c := relInfo[k.release]; c != nil {
			products[c.ProductID] = true
		}
	}
	pids := make([]int64, 0, len(products))
	for id := range products {
		pids = append(pids, id)
	}
	slices.Sort(pids)
	cat, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{ProductIDs: pids})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*vigil.CatalogRelease{}
	byProduct := map[int64][]*vigil.CatalogRelease{}
	for _, c := range cat {
		byID[c.ID] = c
		byProduct[c.ProductID] = append(byProduct[c.ProductID], c)
	}
	later := map[int64][]*vigil.CatalogRelease{}
	candidates := map[int64]bool{}
	for _, k := range exposed {
		r := byID[k.release]
		if r == nil || later[r.ID] != nil {
			continue
		}
		for _, c := range byProduct[r.ProductID] {
			if c.ID != r.ID && c.HasSBOM && (c.CreatedAt.After(r.CreatedAt) || c.CreatedAt.Equal(r.CreatedAt) && c.ID > r.ID) {
				later[r.ID] = append(later[r.ID], c)
				candidates[c.ID] = true
			}
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	cids := make([]int64, 0, len(candidates))
	for id := range candidates {
		cids = append(cids, id)
	}
	slices.Sort(cids)
	has := map[relVulnKey]bool{}
	for i := 0; i < len(cids); i += exposureBatch {
		f := vigil.VisibleFindingFilter{ReleaseIDs: cids[i:min(i+exposureBatch, len(cids))]}
		if ids != nil && len(ids) <= exposureBatch {
			f.VulnIDs = ids
		}
		fs, err := tx.FindVisibleFindings(ctx, sc, f)
		if err != nil {
			return nil, err
		}
		for _, x := range fs {
			if x.Status.IsFinding() {
				has[relVulnKey{x.ReleaseID, fleet.VulnKey(x.VulnID, x.Aliases)}] = true
				for _, a := range x.Aliases {
					has[relVulnKey{x.ReleaseID, a}] = true
				}
				has[relVulnKey{x.ReleaseID, x.VulnID}] = true
			}
		}
	}
	out := map[relVulnKey][]string{}
	for _, k := range exposed {
		for _, c := range later[k.release] {
			if !has[relVulnKey{c.ID, k.vuln}] {
				out[k] = append(out[k], fmt.Sprintf("%s %s (%s): its SBOM has no finding for %s", c.Product, c.Version, c.Owner, k.vuln))
			}
		}
	}
	return out, nil
}

// releasePhases maps the ids of releases visible to sc (own or shared)
// to their phase on day today, for priorities that weigh the lifecycle.
func releasePhases(ctx context.Context, tx Tx, sc vigil.Scope, today vigil.Date, ids []int64) (map[int64]vigil.Phase, error) {
	ids = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(ids))), func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return map[int64]vigil.Phase{}, nil
	}
	cat, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{ReleaseIDs: ids})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]vigil.Phase, len(cat))
	for _, c := range cat {
		out[c.ID] = c.Refresh(today)
	}
	return out, nil
}
