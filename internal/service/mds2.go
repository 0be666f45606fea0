package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/store"
)

// MDS2Ref names a form: a form ID, or the current form of a release or of
// a candidate. Exactly one is set.
type MDS2Ref struct {
	FormID    int64  `json:"form_id,omitempty"`
	ReleaseID int64  `json:"release_id,omitempty"`
	Candidate string `json:"candidate,omitempty"`
}

func (r MDS2Ref) validate() error {
	n := 0
	for _, set := range []bool{r.FormID != 0, r.ReleaseID != 0, r.Candidate != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("name an MDS2 form by exactly one of form ID, release or candidate: %w", vigil.ErrInvalid)
	}
	return nil
}

// MDS2ImportInput is a form to import, for a release or a candidate.
type MDS2ImportInput struct {
	ReleaseID int64
	Candidate string
	Filename  string
	Data      io.Reader
}

// MDS2Import is the outcome of an import.
type MDS2Import struct {
	Form *vigil.MDS2Form `json:"form"`
	// Unchanged is true when the current form already had these bytes.
	Unchanged  bool            `json:"unchanged"`
	Superseded *vigil.MDS2Form `json:"superseded,omitempty"`
	// Missing lists the catalogue's questions the form does not answer.
	Missing []string      `json:"missing"`
	Layouts []mds2.Layout `json:"layouts"`
}

// MDS2Detail is a form with its answers.
type MDS2Detail struct {
	Form *vigil.MDS2Form `json:"form"`
	// Subject names what the form describes: "Product Version" or the
	// candidate.
	Subject string            `json:"subject"`
	Entries []vigil.MDS2Entry `json:"entries"`
	Missing []string          `json:"missing"`
}

// maxCandidate bounds a candidate's name.
const maxCandidate = 200

var errMDS2Unchanged = errors.New("MDS2 form unchanged")

// ImportMDS2 reads an MDS2 form (xlsx or CSV, told apart by content) and
// stores its answers as the current form of a release or a candidate, in
// one transaction. Unknown question IDs, duplicates, answers outside the
// vocabulary, unanswered questions and missing notes are kept with the form
// as issues, with their sheet and row.
func (s *Service) ImportMDS2(ctx context.Context, sc vigil.Scope, in MDS2ImportInput) (*MDS2Import, error) {
	in.Candidate = strings.TrimSpace(in.Candidate)
	if (in.ReleaseID == 0) == (in.Candidate == "") {
		return nil, fmt.Errorf("import MDS2: give a release or a candidate name, not both: %w", vigil.ErrInvalid)
	}
	if len(in.Candidate) > maxCandidate || strings.ContainsAny(in.Candidate, "\x00\n\r") {
		return nil, fmt.Errorf("import MDS2: candidate name must be one line of at most %d bytes: %w", maxCandidate, vigil.ErrInvalid)
	}
	cat := mds2.LoadCatalogue()
	h := sha256.New()
	res, err := mds2.Read(ctx, cat, io.TeeReader(in.Data, h))
	if err != nil {
		return nil, fmt.Errorf("import MDS2: %w", err)
	}
	form := &vigil.MDS2Form{ReleaseID: in.ReleaseID, Candidate: in.Candidate, Filename: baseName(in.Filename),
		Format: res.Format, SHA256: hex.EncodeToString(h.Sum(nil)), Issues: res.Issues}
	out := &MDS2Import{Form: form, Missing: mds2.Missing(cat, res.Entries), Layouts: res.Layouts}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		f := vigil.MDS2Filter{CurrentOnly: true}
		if in.ReleaseID != 0 {
			if _, err := tx.FindReleaseByID(ctx, sc, in.ReleaseID); err != nil {
				return err
			}
			f.ReleaseID = &in.ReleaseID
		} else {
			f.Candidate = &in.Candidate
		}
		cur, err := tx.FindMDS2Forms(ctx, sc, f)
		if err != nil {
			return err
		}
		if err := nameReleases(ctx, tx, sc, append(cur, form)); err != nil {
			return err
		}
		if len(cur) > 0 && cur[0].SHA256 == form.SHA256 {
			out.Form, out.Unchanged = cur[0], true
			return errMDS2Unchanged
		}
		if err := tx.SupersedeMDS2Forms(ctx, sc, in.ReleaseID, in.Candidate); err != nil {
			return err
		}
		if len(cur) > 0 {
			out.Superseded = cur[0]
			out.Superseded.SupersededAt = tx.Now()
		}
		return tx.CreateMDS2Form(ctx, sc, form, res.Entries)
	})
	if errors.Is(err, errMDS2Unchanged) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import MDS2 for %s: %w", form.Subject(), err)
	}
	return out, nil
}

// baseName keeps the last element of a client-supplied file name, so that
// a path never reaches the store.
func baseName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return -1
		}
		return r
	}, name)
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

// MDS2Forms lists forms, newest first: of a release, of a candidate, all
// candidates (candidatesOnly), or every form of the organization.
func (s *Service) MDS2Forms(ctx context.Context, sc vigil.Scope, f vigil.MDS2Filter) ([]*vigil.MDS2Form, error) {
	var out []*vigil.MDS2Form
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.FindMDS2Forms(ctx, sc, f); err != nil {
			return err
		}
		return nameReleases(ctx, tx, sc, out)
	})
	return out, err
}

// nameReleases fills in the release names of release forms.
func nameReleases(ctx context.Context, tx store.Tx, sc vigil.Scope, forms []*vigil.MDS2Form) error {
	names := map[int64]string{}
	for _, f := range forms {
		if f.ReleaseID == 0 {
			continue
		}
		if _, ok := names[f.ReleaseID]; !ok {
			r, err := tx.FindReleaseByID(ctx, sc, f.ReleaseID)
			if err != nil {
				return err
			}
			names[f.ReleaseID] = r.Product + " " + r.Version
		}
		f.Release = names[f.ReleaseID]
	}
	return nil
}

// MDS2Form returns a form with its answers.
func (s *Service) MDS2Form(ctx context.Context, sc vigil.Scope, ref MDS2Ref) (*MDS2Detail, error) {
	var d *MDS2Detail
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		d, err = loadMDS2(ctx, tx, sc, ref)
		return err
	})
	return d, err
}

func loadMDS2(ctx context.Context, tx store.Tx, sc vigil.Scope, ref MDS2Ref) (*MDS2Detail, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	var form *vigil.MDS2Form
	switch {
	case ref.FormID != 0:
		f, err := tx.FindMDS2FormByID(ctx, sc, ref.FormID)
		if err != nil {
			return nil, err
		}
		form = f
	default:
		f := vigil.MDS2Filter{CurrentOnly: true}
		what := "candidate " + ref.Candidate
		if ref.ReleaseID != 0 {
			if _, err := tx.FindReleaseByID(ctx, sc, ref.ReleaseID); err != nil {
				return nil, err
			}
			f.ReleaseID, what = &ref.ReleaseID, fmt.Sprintf("release %d", ref.ReleaseID)
		} else {
			f.Candidate = &ref.Candidate
		}
		forms, err := tx.FindMDS2Forms(ctx, sc, f)
		if err != nil {
			return nil, err
		}
		if len(forms) == 0 {
			return nil, fmt.Errorf("MDS2 form of %s (vigil mds2 import): %w", what, vigil.ErrNotFound)
		}
		form = forms[0]
	}
	es, err := tx.FindMDS2Entries(ctx, sc, form.ID)
	if err != nil {
		return nil, err
	}
	d := &MDS2Detail{Form: form, Subject: form.Candidate, Entries: es, Missing: mds2.Missing(mds2.LoadCatalogue(), es)}
	if form.ReleaseID != 0 {
		r, err := tx.FindReleaseByID(ctx, sc, form.ReleaseID)
		if err != nil {
			return nil, err
		}
		d.Subject = r.Product + " " + r.Version
		form.Release = d.Subject
	}
	return d, nil
}

func (s *Service) loadMDS2s(ctx context.Context, sc vigil.Scope, refs []MDS2Ref) ([]*MDS2Detail, error) {
	var out []*MDS2Detail
	err := s.store.View(ctx, func(tx store.Tx) error {
		for _, r := range refs {
			d, err := loadMDS2(ctx, tx, sc, r)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// ExportMDS2 writes the current form of a release as a filled workbook in
// the official layout.
func (s *Service) ExportMDS2(ctx context.Context, sc vigil.Scope, ref MDS2Ref, w io.Writer) error {
	d, err := s.MDS2Form(ctx, sc, ref)
	if err != nil {
		return fmt.Errorf("export MDS2: %w", err)
	}
	var buf bytes.Buffer
	if err := mds2.Export(&buf, mds2.LoadCatalogue(), d.Entries, mds2.ExportInfo{Subject: d.Subject, Generated: s.today().String()}); err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// MDS2Diff is the answers that changed from one form to another.
type MDS2Diff struct {
	From    *vigil.MDS2Form     `json:"from"`
	To      *vigil.MDS2Form     `json:"to"`
	Subject string              `json:"subject"`
	Changes []mds2.AnswerChange `json:"changes"`
}

// DiffMDS2 compares two forms question by question.
func (s *Service) DiffMDS2(ctx context.Context, sc vigil.Scope, from, to MDS2Ref) (*MDS2Diff, error) {
	ds, err := s.loadMDS2s(ctx, sc, []MDS2Ref{from, to})
	if err != nil {
		return nil, fmt.Errorf("diff MDS2: %w", err)
	}
	subject := ds[0].Subject
	if ds[1].Subject != subject {
		subject += " → " + ds[1].Subject
	}
	return &MDS2Diff{From: ds[0].Form, To: ds[1].Form, Subject: subject, Changes: mds2.Diff(mds2.LoadCatalogue(), ds[0].Entries, ds[1].Entries)}, nil
}

// maxCompare bounds how many forms one comparison or evaluation takes.
const maxCompare = 50

// CompareMDS2 puts forms side by side, section by section.
func (s *Service) CompareMDS2(ctx context.Context, sc vigil.Scope, refs []MDS2Ref) (*mds2.Comparison, error) {
	if len(refs) < 1 || len(refs) > maxCompare {
		return nil, fmt.Errorf("compare MDS2: give 1 to %d forms: %w", maxCompare, vigil.ErrInvalid)
	}
	ds, err := s.loadMDS2s(ctx, sc, refs)
	if err != nil {
		return nil, fmt.Errorf("compare MDS2: %w", err)
	}
	names, forms := make([]string, len(ds)), make([][]vigil.MDS2Entry, len(ds))
	for i, d := range ds {
		names[i], forms[i] = d.Subject, d.Entries
	}
	c := mds2.Compare(mds2.LoadCatalogue(), names, forms)
	return &c, nil
}

// EvaluateMDS2 scores forms against a requirement profile (YAML or JSON;
// nil for vigil's default profile) and ranks them into a procurement
// report. With no refs it evaluates every current candidate form.
func (s *Service) EvaluateMDS2(ctx context.Context, sc vigil.Scope, refs []MDS2Ref, profile []byte) (*mds2.ProcurementReport, error) {
	cat := mds2.LoadCatalogue()
	p := mds2.DefaultProfile(cat)
	if profile != nil {
		var err error
		if p, err = mds2.ParseProfile(cat, profile); err != nil {
			// Field problems are located in the profile input.
			var v *vigil.ValidationError
			if errors.As(err, &v) {
				for i := range v.Fields {
					v.Fields[i].Field = "profile." + v.Fields[i].Field
				}
				return nil, v
			}
			return nil, err
		}
	}
	if len(refs) == 0 {
		forms, err := s.MDS2Forms(ctx, sc, vigil.MDS2Filter{CandidatesOnly: true, CurrentOnly: true})
		if err != nil {
			return nil, err
		}
		for _, f := range forms {
			refs = append(refs, MDS2Ref{FormID: f.ID})
		}
		if len(refs) == 0 {
			return nil, fmt.Errorf("evaluate MDS2: no candidate forms (vigil mds2 import --candidate NAME FILE): %w", vigil.ErrNotFound)
		}
	}
	if len(refs) > maxCompare {
		return nil, fmt.Errorf("evaluate MDS2: at most %d forms: %w", maxCompare, vigil.ErrInvalid)
	}
	ds, err := s.loadMDS2s(ctx, sc, refs)
	if err != nil {
		return nil, fmt.Errorf("evaluate MDS2: %w", err)
	}
	evs := make([]mds2.CandidateEvaluation, len(ds))
	for i, d := range ds {
		evs[i] = mds2.Evaluate(cat, p, d.Subject, d.Entries)
	}
	r := mds2.NewReport(p, evs, s.today().String())
	return &r, nil
}

// MDS2Check is a release's form cross-checked against vigil's data.
type MDS2Check struct {
	Form     *vigil.MDS2Form     `json:"form"`
	Subject  string              `json:"subject"`
	SBOM     *vigil.SBOMDocument `json:"sbom,omitempty"`
	Ports    []vigil.ReleasePort `json:"ports"`
	Findings []mds2.CheckFinding `json:"findings"`
}

// CheckMDS2 cross-checks the current form of a release against the
// release's SBOM (SBOM-1, SBOM-2.x), its components' support data
// (RDMP-3, RDMP-4), its declared ports (CONN-2) and recorded patches
// (CSUP; vigil records none yet, and says so).
func (s *Service) CheckMDS2(ctx context.Context, sc vigil.Scope, releaseID int64) (*MDS2Check, error) {
	var out MDS2Check
	var in mds2.CheckInput
	err := s.store.View(ctx, func(tx store.Tx) error {
		d, err := loadMDS2(ctx, tx, sc, MDS2Ref{ReleaseID: releaseID})
		if err != nil {
			return err
		}
		out.Form, out.Subject, in.Entries = d.Form, d.Subject, d.Entries
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return err
		}
		in.ReleaseEOS = rel.EndOfSupportOn
		if out.Ports, err = tx.FindReleasePorts(ctx, sc, releaseID); err != nil {
			return err
		}
		in.Ports = out.Ports
		doc, err := currentSBOM(ctx, tx, sc, releaseID)
		if errors.Is(err, ErrNoSBOM) {
			return nil
		}
		if err != nil {
			return err
		}
		out.SBOM, in.HasSBOM = doc, true
		return tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			in.Components = append(in.Components, mds2.CheckComponent{Name: c.Name, Version: c.Version,
				Supplier: firstOf(c.Supplier, c.Manufacturer, c.Author, c.Publisher), SupportLevel: c.SupportLevel, EndOfSupport: c.EndOfSupport})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("check MDS2 of release %d: %w", releaseID, err)
	}
	in.Today = s.today()
	// vigil has no patch records yet: PatchesRecorded stays nil and the
	// CSUP check says so instead of pretending.
	out.Findings = mds2.Check(in)
	return &out, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// SetReleasePorts replaces the network ports a release declares.
func (s *Service) SetReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64, ports []vigil.ReleasePort) ([]vigil.ReleasePort, error) {
	seen := map[string]bool{}
	var v vigil.ValidationError
	for i, p := range ports {
		var pv *vigil.ValidationError
		if errors.As(p.Validate(), &pv) {
			for _, f := range pv.Fields {
				v.Add(fmt.Sprintf("ports[%d].%s", i, f.Field), "%s", f.Message)
			}
		}
		if seen[p.String()] {
			v.Add(fmt.Sprintf("ports[%d]", i), "%s is listed twice", p)
		}
		seen[p.String()] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []vigil.ReleasePort
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetReleasePorts(ctx, sc, releaseID, ports); err != nil {
			return err
		}
		var err error
		out, err = tx.FindReleasePorts(ctx, sc, releaseID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set ports of release %d: %w", releaseID, err)
	}
	return out, nil
}

// ReleasePorts lists the ports a release declares.
func (s *Service) ReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64) ([]vigil.ReleasePort, error) {
	var out []vigil.ReleasePort
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindReleasePorts(ctx, sc, releaseID)
		return err
	})
	return out, err
}

// MDS2Catalogue is the HN 1-2019 question catalogue.
func (s *Service) MDS2Catalogue() *mds2.Catalogue { return mds2.LoadCatalogue() }

// MDS2DefaultProfile is vigil's default requirement profile, as YAML.
func (s *Service) MDS2DefaultProfile() []byte { return mds2.DefaultProfileYAML() }
