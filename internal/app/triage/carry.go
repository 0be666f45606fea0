package triage

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
)

// CarryRequest asks to carry triage decisions to the other releases of
// the same product that contain the same component version with the same
// vulnerability.
type CarryRequest struct {
	// FindingIDs are the findings whose decisions to carry; or, with
	// ReleaseID, every finding of that release a person decided.
	FindingIDs []int64 `json:"finding_ids,omitempty"`
	ReleaseID  int64   `json:"release_id,omitempty"`
	// Apply records the carried decisions; without it the plan is only
	// previewed.
	Apply bool `json:"apply"`
}

// CarryAction says what carrying does to one target finding.
type CarryAction string

const (
	CarryApply CarryAction = "carry" // the decision is (or would be) carried
	CarrySame  CarryAction = "same"  // the target already has this decision
	CarrySkip  CarryAction = "skip"  // the target has its own decision: left alone
)

// CarryItem is one target of a carry.
type CarryItem struct {
	FromFindingID int64               `json:"from_finding_id"`
	FindingID     int64               `json:"finding_id"`
	Release       string              `json:"release"`
	Component     string              `json:"component"`
	VulnID        string              `json:"vuln_id"`
	Current       vigil.TriageState   `json:"current_state"`
	CurrentSource string              `json:"current_source,omitempty"`
	Decision      vigil.TriageState   `json:"decision"`
	Justification vigil.Justification `json:"justification,omitempty"`
	Action        CarryAction         `json:"action"`
	Reason        string              `json:"reason"`
}

// CarryPlan is what a carry does (or did, when Applied).
type CarryPlan struct {
	Applied bool        `json:"applied"`
	Items   []CarryItem `json:"items"`
	Carried int         `json:"carried"`
}

// CarryTriage carries decisions to the same component version's findings
// on the product's other releases, previewed unless req.Apply, in one
// transaction. A target without a decision, or with a decision carried
// from elsewhere, takes the carried one (Source carried, CarriedFromID
// set); a target a person decided, or a VEX statement decided, is left
// alone and listed. Resolved findings are not targets.
func (s *Service) CarryTriage(ctx context.Context, sc vigil.Scope, req CarryRequest) (*CarryPlan, error) {
	if (len(req.FindingIDs) == 0) == (req.ReleaseID == 0) {
		return nil, fmt.Errorf("carry: give finding ids or a release, not both or neither: %w", vigil.ErrInvalid)
	}
	plan := &CarryPlan{Applied: req.Apply, Items: []CarryItem{}}
	run := s.store.View
	if req.Apply {
		run = s.store.Update
	}
	err := run(ctx, func(tx Tx) error {
		var sources []*vigil.Finding
		if req.ReleaseID != 0 {
			if _, err := tx.FindReleaseByID(ctx, sc, req.ReleaseID); err != nil {
				return err
			}
			fs, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &req.ReleaseID})
			if err != nil {
				return err
			}
			for _, f := range fs {
				if f.Triage != nil && f.Triage.Source == vigil.DecisionHuman {
					sources = append(sources, f)
				}
			}
		}
		for _, id := range req.FindingIDs {
			f, err := findFinding(ctx, tx, sc, id)
			if err != nil {
				return err
			}
			if f.Triage == nil {
				return fmt.Errorf("finding %d has no decision to carry: %w", id, vigil.ErrInvalid)
			}
			sources = append(sources, f)
		}
		rels := map[int64]*vigil.Release{}
		releaseOf := func(id int64) (*vigil.Release, error) {
			if r, ok := rels[id]; ok {
				return r, nil
			}
			r, err := tx.FindReleaseByID(ctx, sc, id)
			rels[id] = r
			return r, err
		}
		for _, src := range sources {
			rel, err := releaseOf(src.ReleaseID)
			if err != nil {
				return err
			}
			siblings, _, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{ProductID: &rel.ProductID})
			if err != nil {
				return err
			}
			for _, sib := range siblings {
				if sib.ID == src.ReleaseID {
					continue
				}
				rels[sib.ID] = sib
				targets, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &sib.ID, ComponentKey: &src.ComponentKey, VulnID: &src.VulnID})
				if err != nil {
					return err
				}
				for _, t := range targets {
					if t.ComponentVersion != src.ComponentVersion {
						continue
					}
					item, in := planCarry(src, rel, t, sib)
					if item.Action == CarryApply {
						plan.Carried++
						if req.Apply {
							if _, err := Decide(ctx, tx, sc, t, in, src.ID); err != nil {
								return err
							}
						}
					}
					plan.Items = append(plan.Items, item)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

func planCarry(src *vigil.Finding, srcRel *vigil.Release, t *vigil.Finding, rel *vigil.Release) (CarryItem, vigil.TriageInput) {
	d := src.Triage
	item := CarryItem{FromFindingID: src.ID, FindingID: t.ID, Release: rel.Product + " " + rel.Version,
		Component: t.ComponentName + " " + t.ComponentVersion, VulnID: t.VulnID, Current: t.TriageState(),
		Decision: d.State, Justification: d.Justification}
	in := vigil.TriageInput{State: d.State, Justification: d.Justification, Response: d.Response, Detail: d.Detail,
		Source: vigil.DecisionCarried, SourceRef: fmt.Sprintf("finding %d on %s %s", src.ID, srcRel.Product, srcRel.Version)}
	cur := t.Triage
	switch {
	case cur == nil:
		item.Action, item.Reason = CarryApply, "no decision yet"
	case !cur.Differs(in) && cur.Detail == in.Detail:
		item.CurrentSource = string(cur.Source)
		item.Action, item.Reason = CarrySame, "already decided alike"
	case cur.Source == vigil.DecisionCarried:
		item.CurrentSource = string(cur.Source)
		item.Action, item.Reason = CarryApply, "replaces a decision carried from finding "+fmt.Sprint(cur.CarriedFromID)
	default:
		item.CurrentSource = string(cur.Source)
		item.Action = CarrySkip
		item.Reason = fmt.Sprintf("decided %s by %s (%s): never overridden by a carried decision", cur.State, cur.Actor, cur.Source)
	}
	return item, in
}
