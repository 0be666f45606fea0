package assets

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/fleet"
)

// EventInput says what changed, for RecordFleetEvents to find the fleet
// events it makes in one healthcare provider.
type EventInput struct {
	// VulnIDs are the vulnerabilities whose records changed (an import's
	// records, a statement's vulnerability); All reconsiders every
	// exposure of the fleet instead.
	VulnIDs []string
	All     bool
	// Advisories are device advisories an import stored, new or revised:
	// the fleet's assets are linked to their products, and every asset
	// they name gets an "advisory" event per revision.
	Advisories []*vigil.Advisory
	// KEV are the CVEs an import newly added to the KEV catalog.
	KEV []*vigil.KEVEntry
	// EPSS is set after an import stored EPSS scores: every exposure's
	// vulnerability is checked for a crossing of the organization's
	// threshold.
	EPSS bool
	// Today decides which risk acceptances ran out (zero: none checked).
	Today vigil.Date
}

// RecordFleetEvents runs in one healthcare provider's transaction and
// records the events in: exposure transitions (exposed, removed by a
// statement, restored), advisories published or revised, KEV additions,
// EPSS crossings and expired risk acceptances. Facts are recorded once
// (an advisory revision, a KEV entry, an EPSS day, an acceptance's end)
// and transitions only when they differ from the last recorded one, so a
// repeat records nothing. It returns the events it recorded.
func RecordFleetEvents(ctx context.Context, tx Tx, sc vigil.Scope, in EventInput) ([]*vigil.AssetEvent, error) {
	if len(in.Advisories) > 0 {
		if err := linkNewAdvisories(ctx, tx, sc, in.Advisories); err != nil {
			return nil, err
		}
	}
	ids := slices.Clone(in.VulnIDs)
	for _, k := range in.KEV {
		ids = append(ids, k.CVEID)
	}
	var evs []*vigil.AssetEvent
	if in.All || in.EPSS || len(ids) > 0 {
		var want []string
		if !in.All && !in.EPSS {
			want = vigil.UniqueSorted(ids)
		}
		es, err := exposures(ctx, tx, sc, want, "")
		if err != nil {
			return nil, err
		}
		more, err := exposureEvents(ctx, tx, sc, es, in)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	if !in.Today.IsZero() {
		more, err := expiryEvents(ctx, tx, sc, in.Today)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	return tx.AddAssetEvents(ctx, sc, evs)
}

// exposureEvents compares the exposures es with what the events recorded
// last, and adds the facts of in that touch them.
func exposureEvents(ctx context.Context, tx Tx, sc vigil.Scope, es []*ExposedAsset, in EventInput) ([]*vigil.AssetEvent, error) {
	type subject struct {
		asset int64
		vuln  string
	}
	last := map[subject]vigil.AssetEventKind{}
	recorded, err := tx.FindAssetEvents(ctx, sc, vigil.AssetEventFilter{Kinds: fleet.TransitionKinds})
	if err != nil {
		return nil, err
	}
	for _, e := range recorded { // newest first: the first seen is the last recorded
		k := subject{e.AssetID, e.VulnID}
		if _, ok := last[k]; !ok {
			last[k] = e.Kind
		}
	}
	kev := map[string]*vigil.KEVEntry{}
	for _, k := range in.KEV {
		kev[k.CVEID] = k
	}
	epss, err := epssCrossings(ctx, tx, sc, es, in.EPSS)
	if err != nil {
		return nil, err
	}
	advisoryEvents, err := advisoryRevisions(ctx, tx, sc, es, in.Advisories)
	if err != nil {
		return nil, err
	}
	var out []*vigil.AssetEvent
	for _, e := range es {
		now := fleet.NotNamed
		switch {
		case e.exposed:
			now = fleet.Exposed
		case len(e.Statements) > 0:
			now = fleet.Removed
		}
		via := strings.Join(e.Via, "+")
		event := func(kind vigil.AssetEventKind, before, after, source, dedupe, detail string) {
			if len(detail) > 2000 {
				detail = detail[:2000] + "…"
			}
			out = append(out, &vigil.AssetEvent{AssetID: e.AssetID, AssetTag: e.AssetTag, VulnID: e.VulnID, Kind: kind, Via: via,
				Detail: detail, Before: before, After: after, Source: source, Dedupe: dedupe})
		}
		if kind, ok := fleet.Transition(last[subject{e.AssetID, e.VulnID}], now); ok {
			switch kind {
			case vigil.EventExposed:
				event(kind, "", "exposed", "", "exposed", exposureDetail(e))
			case vigil.EventExposureRestored:
				event(kind, "not_affected", "exposed", "", "", exposureDetail(e))
			case vigil.EventExposureRemoved:
				st := e.Statements[0]
				detail := st.Source + " statement: " + st.Status
				if st.Justification != "" {
					detail += " (" + st.Justification + ")"
				}
				if st.Detail != "" {
					detail += ": " + st.Detail
				}
				event(kind, "exposed", st.Status, st.By, "", detail)
			}
		}
		if !e.exposed {
			continue
		}
		if k := kev[e.VulnID]; k != nil {
			event(vigil.EventKEVAdded, "", k.DateAdded.String(), "CISA KEV", "kev", fmt.Sprintf("%s: %s (due %s)",
				k.VulnerabilityName, k.RequiredAction, k.DueDate))
		}
		if c := epss[e.VulnID]; c != nil {
			event(vigil.EventEPSSCrossed, c.before, fleet.FormatScore(c.cur.Score), "EPSS "+c.cur.Date.String(), "epss@"+c.cur.Date.String(),
				fmt.Sprintf("EPSS %s (percentile %.3f); the organization's threshold is %s", fleet.FormatScore(c.cur.Score),
					c.cur.Percentile, fleet.FormatScore(c.threshold)))
		}
		for _, a := range advisoryEvents[subject{e.AssetID, e.VulnID}] {
			event(vigil.EventAdvisory, a.before, a.after, a.id, a.id+"@"+a.after, a.title)
		}
	}
	return out, nil
}

func exposureDetail(e *ExposedAsset) string {
	detail := strings.Join(e.Evidence, "; ")
	if e.Release != "" {
		detail = e.Release + ": " + detail
	}
	return detail
}

type epssCrossing struct {
	cur       *vigil.EPSSScore
	before    string
	threshold float64
}

// epssCrossings finds, per vulnerability of an exposure, whether its
// latest EPSS score crossed the organization's threshold (its "high"
// exploitability level) from the score before it.
func epssCrossings(ctx context.Context, tx Tx, sc vigil.Scope, es []*ExposedAsset, check bool) (map[string]*epssCrossing, error) {
	out := map[string]*epssCrossing{}
	if !check {
		return out, nil
	}
	settings, err := triage.RiskSettingsOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range es {
		if !e.exposed || seen[e.VulnID] || !strings.HasPrefix(e.VulnID, "CVE-") {
			continue
		}
		seen[e.VulnID] = true
		scores, err := tx.FindEPSS(ctx, e.VulnID) // newest first
		if err != nil {
			return nil, err
		}
		if len(scores) == 0 {
			continue
		}
		var prev *float64
		before := ""
		if len(scores) > 1 {
			prev = &scores[1].Score
			before = fleet.FormatScore(*prev)
		}
		if fleet.EPSSCrossed(prev, scores[0].Score, settings.EPSSHigh) {
			out[e.VulnID] = &epssCrossing{cur: scores[0], before: before, threshold: settings.EPSSHigh}
		}
	}
	return out, nil
}

type advisoryRevision struct {
	id, title, before, after string
}

// advisoryRevisions finds the stored advisories' links to the exposed
// assets: each (asset, vulnerability) an advisory names gets its revision,
// with the revision recorded before it.
func advisoryRevisions(ctx context.Context, tx Tx, sc vigil.Scope, es []*ExposedAsset, advs []*vigil.Advisory) (map[struct {
	asset int64
	vuln  string
}][]advisoryRevision, error) {
	type subject = struct {
		asset int64
		vuln  string
	}
	out := map[subject][]advisoryRevision{}
	if len(advs) == 0 {
		return out, nil
	}
	stored := map[string]*vigil.Advisory{}
	var vulns []string
	for _, a := range advs {
		stored[a.ID] = a
		for i := range a.Vulnerabilities {
			if id := fleet.AdvisoryVulnID(&a.Vulnerabilities[i]); id != "" {
				vulns = append(vulns, id)
			}
		}
	}
	exposed := map[subject]bool{}
	for _, e := range es {
		if e.exposed && slices.Contains(e.Via, "advisory") {
			exposed[subject{e.AssetID, e.VulnID}] = true
		}
	}
	if len(exposed) == 0 {
		return out, nil
	}
	links, err := tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{VulnIDs: vigil.UniqueSorted(vulns)})
	if err != nil {
		return nil, err
	}
	seen := map[subject]map[string]bool{}
	for _, l := range links {
		a := stored[l.Advisory]
		if a == nil || l.Confidence == vigil.MappingPossible {
			continue
		}
		for i := range a.Vulnerabilities {
			k := subject{l.AssetID, fleet.AdvisoryVulnID(&a.Vulnerabilities[i])}
			if !exposed[k] || seen[k][a.ID] {
				continue
			}
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][a.ID] = true
			before, err := lastRevision(ctx, tx, sc, k.asset, k.vuln, a.ID)
			if err != nil {
				return nil, err
			}
			if before == a.Version {
				continue
			}
			out[k] = append(out[k], advisoryRevision{id: a.ID, title: a.Title, before: before, after: a.Version})
		}
	}
	return out, nil
}

// lastRevision is the advisory's revision the asset's last "advisory"
// event recorded, "" when none did.
func lastRevision(ctx context.Context, tx Tx, sc vigil.Scope, asset int64, vuln, advisory string) (string, error) {
	evs, err := tx.FindAssetEvents(ctx, sc, vigil.AssetEventFilter{AssetID: &asset, VulnID: &vuln,
		Kinds: []vigil.AssetEventKind{vigil.EventAdvisory}})
	if err != nil {
		return "", err
	}
	for _, e := range evs {
		if e.Source == advisory {
			return e.After, nil
		}
	}
	return "", nil
}

// expiryEvents records each risk acceptance that ran out by today, once
// per acceptance (its work item and end date).
func expiryEvents(ctx context.Context, tx Tx, sc vigil.Scope, today vigil.Date) ([]*vigil.AssetEvent, error) {
	items, err := tx.FindWorkItems(ctx, sc, vigil.WorkItemFilter{})
	if err != nil {
		return nil, err
	}
	var out []*vigil.AssetEvent
	for _, w := range items {
		if !w.Expired(today) {
			continue
		}
		detail := fmt.Sprintf("risk accepted by %s until %s", w.Approver, w.ExpiresOn)
		if w.Reason != "" {
			detail += ": " + w.Reason
		}
		out = append(out, &vigil.AssetEvent{AssetID: w.AssetID, VulnID: w.VulnID, Kind: vigil.EventRiskAcceptanceExpired,
			Via: "remediation", Before: string(vigil.RemediationRiskAccepted), After: string(vigil.RemediationOpen),
			Source: fmt.Sprintf("work item %d", w.ID), Dedupe: fmt.Sprintf("work-item-%d@%s", w.ID, w.ExpiresOn), Detail: detail})
	}
	return out, nil
}

// RefreshEvents reconsiders every healthcare provider's fleet: exposure
// transitions the last imports did not see (a triage decision, a VEX
// import, a carried decision, a mapping) and risk acceptances that ran
// out. The background runner calls it; so do `vigil asset events
// --refresh` and the API. It returns the events recorded per organization.
func (s *Service) RefreshEvents(ctx context.Context) (map[string][]*vigil.AssetEvent, error) {
	var orgs []*vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		orgs, _, err = tx.FindOrgs(ctx, vigil.OrgFilter{})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]*vigil.AssetEvent{}
	today := s.today()
	for _, org := range orgs {
		if org.Kind != vigil.HealthcareProvider {
			continue
		}
		sc := vigil.Scope{OrgID: org.ID, Actor: "system:fleet-events"}
		err := s.store.Update(ctx, func(tx Tx) error {
			evs, err := RecordFleetEvents(ctx, tx, sc, EventInput{All: true, Today: today})
			out[org.Slug] = evs
			return err
		})
		if err != nil {
			return out, fmt.Errorf("fleet events for %s: %w", org.Slug, err)
		}
	}
	return out, nil
}

// RefreshOrgEvents is RefreshEvents for the one organization of sc.
func (s *Service) RefreshOrgEvents(ctx context.Context, sc vigil.Scope) ([]*vigil.AssetEvent, error) {
	var out []*vigil.AssetEvent
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		out, err = RecordFleetEvents(ctx, tx, sc, EventInput{All: true, Today: s.today()})
		return err
	})
	if out == nil {
		out = []*vigil.AssetEvent{}
	}
	return out, err
}
