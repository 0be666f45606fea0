package triage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cvss"
	"github.com/vigil/vigil/internal/risk"
)

// FindingRisk is a finding with its patient-safety view: the knowledge
// base's severity and exploitation signals, the current assessment and
// rubric answers, the release's CVSS environment, the evaluation
// (scores, exploitability, FDA classification, clocks) and the priority.
type FindingRisk struct {
	Finding  *vigil.Finding   `json:"finding"`
	Release  string           `json:"release"`
	Severity *vigil.Severity  `json:"severity,omitempty"`
	KEV      *vigil.KEVEntry  `json:"kev,omitempty"`
	EPSS     *vigil.EPSSScore `json:"epss,omitempty"`
	// SSVC is CISA's SSVC decision on the vulnerability (CVE 5 CISA-ADP).
	SSVC        *vigil.SSVC            `json:"ssvc,omitempty"`
	Assessment  *vigil.RiskAssessment  `json:"assessment,omitempty"`
	Rubric      *vigil.RubricAnswers   `json:"rubric,omitempty"`
	Environment *vigil.CVSSEnvironment `json:"environment,omitempty"`
	// Overlays are the metrics added to the vector, in order: the
	// release's environment, the KEV threat metric, the finding's own.
	Overlays   []string        `json:"overlays,omitempty"`
	Evaluation risk.Evaluation `json:"evaluation"`
	Priority   risk.Priority   `json:"priority"`
	// CarryFrom is, for an undecided finding, the finding of the same
	// component version and vulnerability on the product's previous
	// release when that one is decided: its decision can be carried.
	CarryFrom *vigil.Finding `json:"carry_from,omitempty"`
}

// RiskSettingsOf returns the organization's settings, the defaults when it
// set none, inside the caller's transaction.
func RiskSettingsOf(ctx context.Context, tx SettingsReader, sc vigil.Scope) (vigil.RiskSettings, error) {
	s, err := tx.FindRiskSettings(ctx, sc)
	if errors.Is(err, vigil.ErrNotFound) {
		return vigil.DefaultRiskSettings(), nil
	}
	if err != nil {
		return vigil.RiskSettings{}, err
	}
	return s.WithDefaults(), nil
}

// RiskSettings returns the organization's risk settings (the defaults
// when it set none).
func (s *Service) RiskSettings(ctx context.Context, sc vigil.Scope) (vigil.RiskSettings, error) {
	var out vigil.RiskSettings
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := tx.FindOrgByID(ctx, sc.OrgID); err != nil {
			return err
		}
		var err error
		out, err = RiskSettingsOf(ctx, tx, sc)
		return err
	})
	return out, err
}

// SetRiskSettings replaces the organization's risk settings after
// checking them whole.
func (s *Service) SetRiskSettings(ctx context.Context, sc vigil.Scope, in vigil.RiskSettings) (vigil.RiskSettings, error) {
	in.Actor = sc.Who()
	if err := in.Validate(); err != nil {
		return vigil.RiskSettings{}, err
	}
	err := s.store.Update(ctx, func(tx Tx) error { return tx.PutRiskSettings(ctx, sc, &in) })
	return in, err
}

// CVSSEnvironment returns a release's CVSS environment; a release
// without one has an empty environment.
func (s *Service) CVSSEnvironment(ctx context.Context, sc vigil.Scope, releaseID int64) (*vigil.CVSSEnvironment, error) {
	var out *vigil.CVSSEnvironment
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindCVSSEnvironment(ctx, sc, releaseID)
		if errors.Is(err, vigil.ErrNotFound) {
			out, err = &vigil.CVSSEnvironment{ReleaseID: releaseID}, nil
		}
		return err
	})
	return out, err
}

// SetCVSSEnvironment sets a release's CVSS environment: per version, the
// threat/temporal and environmental metrics added to its findings'
// vectors (e.g. "MAV:A/CR:H/IR:H/AR:H" for a device on an isolated
// clinical network that holds patient data).
func (s *Service) SetCVSSEnvironment(ctx context.Context, sc vigil.Scope, releaseID int64, in vigil.CVSSEnvironment) (*vigil.CVSSEnvironment, error) {
	in.ReleaseID, in.Actor = releaseID, sc.Who()
	in.CVSS2, in.CVSS3, in.CVSS4 = strings.TrimSpace(in.CVSS2), strings.TrimSpace(in.CVSS3), strings.TrimSpace(in.CVSS4)
	in.Rationale = strings.TrimSpace(in.Rationale)
	if err := in.ValidateText(); err != nil {
		return nil, err
	}
	var v vigil.ValidationError
	for field, o := range map[string]struct {
		ver     vigil.CVSSVersion
		overlay string
	}{"cvss2": {vigil.CVSS20, in.CVSS2}, "cvss3": {vigil.CVSS31, in.CVSS3}, "cvss4": {vigil.CVSS40, in.CVSS4}} {
		if o.overlay == "" {
			continue
		}
		if err := checkOverlayValues(o.ver, o.overlay); err != nil {
			v.Add(field, "%v", err)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		return tx.PutCVSSEnvironment(ctx, sc, &in)
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// referenceVectors are vectors of each version the overlays are tried on,
// so that a bad value is refused when it is set, not when it is used.
var referenceVectors = map[vigil.CVSSVersion]string{
	vigil.CVSS20: "AV:N/AC:L/Au:N/C:C/I:C/A:C",
	vigil.CVSS30: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	vigil.CVSS31: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	vigil.CVSS40: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
}

func checkOverlayValues(ver vigil.CVSSVersion, overlay string) error {
	if err := cvss.CheckOverlay(ver, overlay); err != nil {
		return err
	}
	_, err := cvss.Apply(referenceVectors[ver], overlay)
	return err
}

// riskLoader gathers what evaluating findings needs, each thing once.
type riskLoader struct {
	ctx      context.Context
	tx       Tx
	sc       vigil.Scope
	settings vigil.RiskSettings
	today    vigil.Date
	releases map[int64]*vigil.Release
	envs     map[int64]*vigil.CVSSEnvironment
	vulns    map[string]*vulnSignals
	// kevs and epss hold the KEV entries and newest EPSS scores of every
	// CVE the findings being evaluated go by, read in one query each.
	kevs map[string]*vigil.KEVEntry
	epss map[string]*vigil.EPSSScore
}

type vulnSignals struct {
	severity *vigil.Severity
	source   string
	kev      *vigil.KEVEntry
	epss     *vigil.EPSSScore
	ssvc     *vigil.SSVC
}

func (s *Service) newRiskLoader(ctx context.Context, tx Tx, sc vigil.Scope) (*riskLoader, error) {
	set, err := RiskSettingsOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	return &riskLoader{ctx: ctx, tx: tx, sc: sc, settings: set, today: s.today(),
		releases: map[int64]*vigil.Release{}, envs: map[int64]*vigil.CVSSEnvironment{}, vulns: map[string]*vulnSignals{}}, nil
}

func (l *riskLoader) release(id int64) (*vigil.Release, *vigil.CVSSEnvironment, error) {
	if r, ok := l.releases[id]; ok {
		return r, l.envs[id], nil
	}
	r, err := l.tx.FindReleaseByID(l.ctx, l.sc, id)
	if err != nil {
		return nil, nil, err
	}
	env, err := l.tx.FindCVSSEnvironment(l.ctx, l.sc, id)
	if errors.Is(err, vigil.ErrNotFound) {
		env, err = nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	l.releases[id], l.envs[id] = r, env
	return r, env, nil
}

// signals finds a vulnerability's best CVSS severity across the records
// that carry its id or aliases, its KEV entry and newest EPSS score.
func (l *riskLoader) signals(f *vigil.Finding) (*vulnSignals, error) {
	if v, ok := l.vulns[f.VulnID]; ok {
		return v, nil
	}
	sg := &vulnSignals{}
	ids := append([]string{f.VulnID}, f.Aliases...)
	seen := map[string]bool{}
	for _, id := range ids {
		recs, err := l.tx.FindKBVulns(l.ctx, id)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			key := string(r.Source) + "\x00" + r.SourceID
			if seen[key] {
				continue
			}
			seen[key] = true
			if x := CISASSVC(r); x != nil && (sg.ssvc == nil || x.Timestamp.After(sg.ssvc.Timestamp)) {
				sg.ssvc = x
			}
			for i := range r.Severities {
				if sev := &r.Severities[i]; sev.Vector != "" && sev.Outranks(sg.severity) {
					sg.severity, sg.source = sev, severitySource(r, sev)
				}
			}
		}
		if sg.kev == nil {
			sg.kev = l.kevs[id]
		}
		if sg.epss == nil {
			sg.epss = l.epss[id]
		}
	}
	l.vulns[f.VulnID] = sg
	return sg, nil
}

// CISASSVC is the SSVC decision CISA's ADP container of a CVE 5 record
// carries, nil when it has none.
func CISASSVC(r *vigil.Vulnerability) *vigil.SSVC {
	var out *vigil.SSVC
	for _, a := range r.ADP {
		if a.SSVC != nil && strings.EqualFold(a.Provider, "CISA-ADP") && (out == nil || a.SSVC.Timestamp.After(out.Timestamp)) {
			out = a.SSVC
		}
	}
	return out
}

func severitySource(r *vigil.Vulnerability, sev *vigil.Severity) string {
	who := sev.Source
	if who == "" {
		who = string(r.Source)
	}
	return fmt.Sprintf("%s (%s %s)", who, r.Source, r.SourceID)
}

// kevThreat is the threat metric a KEV listing means for a vector's
// version: exploitation in the wild is CVSS 4.0 E:A (attacked) and, in
// v3.x and v2.0, E:H (the highest exploit code maturity).
func kevThreat(ver vigil.CVSSVersion) string {
	if ver == vigil.CVSS40 {
		return "E:A"
	}
	return "E:H"
}

// evaluate builds the patient-safety view of findings.
func (l *riskLoader) evaluate(fs []*vigil.Finding) ([]*FindingRisk, error) {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	assessments, err := l.tx.FindCurrentRiskAssessments(l.ctx, l.sc, ids)
	if err != nil {
		return nil, err
	}
	rubrics, err := l.tx.FindCurrentRubricAnswers(l.ctx, l.sc, ids)
	if err != nil {
		return nil, err
	}
	var cves []string
	for _, f := range fs {
		for _, id := range append([]string{f.VulnID}, f.Aliases...) {
			if vigil.IsCVE(id) {
				cves = append(cves, id)
			}
		}
	}
	cves = uniqueSorted(cves)
	if l.kevs, err = l.tx.FindKEVs(l.ctx, cves); err != nil {
		return nil, err
	}
	if l.epss, err = l.tx.FindLatestEPSS(l.ctx, cves); err != nil {
		return nil, err
	}
	out := make([]*FindingRisk, 0, len(fs))
	for _, f := range fs {
		if err := l.ctx.Err(); err != nil {
			return nil, err
		}
		rel, env, err := l.release(f.ReleaseID)
		if err != nil {
			return nil, err
		}
		sg, err := l.signals(f)
		if err != nil {
			return nil, err
		}
		fr := &FindingRisk{Finding: f, Release: rel.Product + " " + rel.Version, Severity: sg.severity, KEV: sg.kev, EPSS: sg.epss, SSVC: sg.ssvc,
			Assessment: assessments[f.ID], Rubric: rubrics[f.ID], Environment: env}
		in := risk.Input{State: f.TriageState(), KEV: sg.kev, EPSS: sg.epss, SSVC: sg.ssvc, Assessment: fr.Assessment, FirstSeen: f.FirstSeenAt,
			Confidence: f.Confidence, Settings: l.settings, Today: l.today, Phase: rel.Refresh(l.today)}
		if f.Triage != nil {
			in.Response, in.DecidedAt = f.Triage.Response, f.Triage.At
		}
		switch {
		case fr.Rubric != nil:
			in.Vector, in.VectorSource = fr.Rubric.Vector, fmt.Sprintf("rubric (%s, %s)", fr.Rubric.Actor, fr.Rubric.At.Format("2006-01-02"))
		case sg.severity != nil:
			in.Vector, in.VectorSource = sg.severity.Vector, sg.source
		}
		if in.Vector != "" {
			if sc, err := cvss.Parse(in.Vector); err == nil {
				if o := env.Overlay(sc.Version); o != "" {
					fr.Overlays = append(fr.Overlays, o)
				}
				if sg.kev != nil {
					fr.Overlays = append(fr.Overlays, kevThreat(sc.Version))
				}
			}
			if fr.Assessment != nil && fr.Assessment.CVSSOverlay != "" {
				fr.Overlays = append(fr.Overlays, fr.Assessment.CVSSOverlay)
			}
			in.Overlays = fr.Overlays
		}
		fr.Evaluation = risk.Evaluate(in)
		fr.Priority = risk.Prioritize(in, fr.Evaluation)
		if f.Triage == nil && f.PreviousID != 0 {
			if fr.CarryFrom, err = l.carrySource(f); err != nil {
				return nil, err
			}
		}
		out = append(out, fr)
	}
	return out, nil
}

// carrySource is f's predecessor when it is decided and has the same
// component version.
func (l *riskLoader) carrySource(f *vigil.Finding) (*vigil.Finding, error) {
	prev, err := findFinding(l.ctx, l.tx, l.sc, f.PreviousID)
	if errors.Is(err, vigil.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if prev.Triage == nil || prev.ComponentVersion != f.ComponentVersion {
		return nil, nil
	}
	return prev, nil
}

// FindingRisk returns one finding's patient-safety view.
func (s *Service) FindingRisk(ctx context.Context, sc vigil.Scope, id int64) (*FindingRisk, error) {
	var out *FindingRisk
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = s.findingRisk(ctx, tx, sc, id)
		return err
	})
	return out, err
}

func (s *Service) findingRisk(ctx context.Context, tx Tx, sc vigil.Scope, id int64) (*FindingRisk, error) {
	f, err := findFinding(ctx, tx, sc, id)
	if err != nil {
		return nil, err
	}
	l, err := s.newRiskLoader(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	rs, err := l.evaluate([]*vigil.Finding{f})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// AssessFinding records a patient-safety assessment of a finding (a new
// one; earlier ones stay as history) and returns the finding's view. The
// CVSS overlay must fit the finding's vector.
func (s *Service) AssessFinding(ctx context.Context, sc vigil.Scope, id int64, in vigil.RiskAssessmentInput) (*FindingRisk, error) {
	in.HarmRationale = strings.TrimSpace(in.HarmRationale)
	in.ExploitabilityRationale = strings.TrimSpace(in.ExploitabilityRationale)
	in.CompensatingControls = strings.TrimSpace(in.CompensatingControls)
	in.CVSSOverlay = strings.TrimSpace(in.CVSSOverlay)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *FindingRisk
	err := s.store.Update(ctx, func(tx Tx) error {
		cur, err := s.findingRisk(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if in.CVSSOverlay != "" {
			ver := cur.Evaluation.Scores.Version
			if ver == "" {
				return &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "cvss_overlay",
					Message: "the finding has no CVSS vector to add it to (answer the rubric first)"}}}
			}
			if err := checkOverlayValues(ver, in.CVSSOverlay); err != nil {
				return &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "cvss_overlay", Message: err.Error()}}}
			}
		}
		a := &vigil.RiskAssessment{FindingID: id, RiskAssessmentInput: in, Actor: sc.Who()}
		if err := tx.AddRiskAssessment(ctx, sc, a); err != nil {
			return err
		}
		out, err = s.findingRisk(ctx, tx, sc, id)
		return err
	})
	return out, err
}

// RiskAssessments returns a finding's assessments, oldest first.
func (s *Service) RiskAssessments(ctx context.Context, sc vigil.Scope, id int64) ([]*vigil.RiskAssessment, error) {
	var out []*vigil.RiskAssessment
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := findFinding(ctx, tx, sc, id); err != nil {
			return err
		}
		var err error
		out, err = tx.FindRiskAssessments(ctx, sc, id)
		return err
	})
	if out == nil {
		out = []*vigil.RiskAssessment{}
	}
	return out, err
}

// Rubric returns the medical-device CVSS rubric.
func (s *Service) Rubric() (*risk.Rubric, error) { return risk.MITRE() }

// RubricResult is a finding's stored rubric answers with the vector they
// give, explained question by question.
type RubricResult struct {
	Answers    *vigil.RubricAnswers `json:"answers"`
	Derivation *risk.Derivation     `json:"derivation"`
}

// AnswerRubric derives a CVSS 3.1 vector from answers to the rubric,
// stores the answers (a new pass; earlier ones stay) and returns the
// derivation. From then on the rubric's vector is the finding's.
func (s *Service) AnswerRubric(ctx context.Context, sc vigil.Scope, id int64, answers, notes map[string]string) (*RubricResult, error) {
	r, err := risk.MITRE()
	if err != nil {
		return nil, err
	}
	clean := make(map[string]string, len(notes))
	for k, n := range notes {
		if n = strings.TrimSpace(n); n != "" {
			clean[k] = n
		}
	}
	a := &vigil.RubricAnswers{FindingID: id, Rubric: r.Name(), Answers: answers, Notes: clean, Actor: sc.Who()}
	if err := a.ValidateText(); err != nil {
		return nil, err
	}
	d, err := r.Derive(answers, clean)
	if err != nil {
		return nil, err
	}
	a.Vector = d.Vector
	err = s.store.Update(ctx, func(tx Tx) error {
		if _, err := findFinding(ctx, tx, sc, id); err != nil {
			return err
		}
		return tx.AddRubricAnswers(ctx, sc, a)
	})
	if err != nil {
		return nil, err
	}
	return &RubricResult{Answers: a, Derivation: d}, nil
}

// RubricAnswers returns a finding's current rubric answers, derived again
// for the explanation; not found when nobody answered.
func (s *Service) RubricAnswers(ctx context.Context, sc vigil.Scope, id int64) (*RubricResult, error) {
	var cur *vigil.RubricAnswers
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := findFinding(ctx, tx, sc, id); err != nil {
			return err
		}
		m, err := tx.FindCurrentRubricAnswers(ctx, sc, []int64{id})
		cur = m[id]
		return err
	})
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, fmt.Errorf("rubric answers of finding %d: %w", id, vigil.ErrNotFound)
	}
	r, err := risk.MITRE()
	if err != nil {
		return nil, err
	}
	res := &RubricResult{Answers: cur}
	if cur.Rubric == r.Name() {
		if res.Derivation, err = r.Derive(cur.Answers, cur.Notes); err != nil {
			return nil, fmt.Errorf("stored answers %d: %w", cur.ID, err)
		}
	}
	return res, nil
}

// QueueFilter selects the findings of the prioritised queue.
type QueueFilter struct {
	// ReleaseID limits the queue to one release; nil means every release.
	ReleaseID *int64
	// IncludeClosed also lists not affected, false positive and fixed
	// findings (after the open ones).
	IncludeClosed bool
	// OverdueOnly lists only findings with an FDA clock run out.
	OverdueOnly bool
}

// Queue returns the findings in priority order, each with its explained
// priority (see risk.Prioritize) under the organization's weights.
func (s *Service) Queue(ctx context.Context, sc vigil.Scope, f QueueFilter) ([]*FindingRisk, error) {
	var out []*FindingRisk
	err := s.store.View(ctx, func(tx Tx) error {
		if f.ReleaseID != nil {
			if _, err := tx.FindReleaseByID(ctx, sc, *f.ReleaseID); err != nil {
				return err
			}
		}
		fs, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: f.ReleaseID})
		if err != nil {
			return err
		}
		l, err := s.newRiskLoader(ctx, tx, sc)
		if err != nil {
			return err
		}
		all, err := l.evaluate(fs)
		if err != nil {
			return err
		}
		for _, fr := range all {
			if !f.IncludeClosed && !fr.Priority.Open {
				continue
			}
			if f.OverdueOnly && !fr.Evaluation.Overdue {
				continue
			}
			out = append(out, fr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ranked := make([]risk.Ranked, len(out))
	byID := make(map[int64]*FindingRisk, len(out))
	for i, fr := range out {
		ranked[i] = risk.Ranked{ID: fr.Finding.ID, KEV: fr.KEV != nil, CVSS: fr.Evaluation.Scores.Effective, Priority: fr.Priority}
		byID[fr.Finding.ID] = fr
	}
	risk.Sort(ranked)
	sorted := make([]*FindingRisk, len(ranked))
	for i, r := range ranked {
		sorted[i] = byID[r.ID]
	}
	return sorted, nil
}

// uniqueSorted drops empty and repeated strings and sorts the rest.
func uniqueSorted(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
