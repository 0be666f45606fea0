package mds2

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
)

// CheckSeverity is how much a cross-check finding matters.
type CheckSeverity string

const (
	// CheckOK: the answer agrees with what vigil knows.
	CheckOK CheckSeverity = "ok"
	// CheckInfo: nothing wrong, but worth knowing (or not checkable).
	CheckInfo CheckSeverity = "info"
	// CheckWarning: the answer and vigil's data disagree.
	CheckWarning CheckSeverity = "warning"
)

// CheckFinding is one result of a cross-check.
type CheckFinding struct {
	// Area is "SBOM", "RDMP", "CONN" or "CSUP".
	Area       string        `json:"area"`
	Severity   CheckSeverity `json:"severity"`
	QuestionID string        `json:"question_id,omitempty"`
	Message    string        `json:"message"`
}

// CheckComponent is what a cross-check needs of an SBOM component.
type CheckComponent struct {
	Name         string             `json:"name"`
	Version      string             `json:"version"`
	Supplier     string             `json:"supplier"`
	SupportLevel vigil.SupportLevel `json:"support_level"`
	EndOfSupport vigil.Date         `json:"end_of_support"`
}

// CheckInput is what vigil knows of the release a form describes.
type CheckInput struct {
	Entries []vigil.MDS2Entry
	// HasSBOM is true when the release has a current SBOM, whose
	// components follow.
	HasSBOM    bool
	Components []CheckComponent
	// ReleaseEOS is the release's own end-of-support date, if set.
	ReleaseEOS vigil.Date
	Today      vigil.Date
	// Ports is the release's declared port list.
	Ports []vigil.ReleasePort
	// PatchesRecorded is nil while vigil has no record of patches at all.
	PatchesRecorded *int
}

// Check compares a form's answers with vigil's data on the release:
// SBOM-1 against the stored SBOM, RDMP-3/RDMP-4 against the components'
// support levels and end-of-support dates, the ports named in CONN (and
// SAHD-8) notes against the release's declared ports, and CSUP against
// recorded patches.
func Check(in CheckInput) []CheckFinding {
	m := byQuestion(in.Entries)
	var out []CheckFinding
	out = append(out, checkSBOM(m, in)...)
	out = append(out, checkRoadmap(m, in)...)
	out = append(out, checkPorts(m, in)...)
	out = append(out, checkPatches(m, in)...)
	return out
}

func answer(m map[string]vigil.MDS2Entry, id string) vigil.MDS2Answer { return m[id].Answer }

func checkSBOM(m map[string]vigil.MDS2Entry, in CheckInput) []CheckFinding {
	f := func(sev CheckSeverity, q, format string, args ...any) CheckFinding {
		return CheckFinding{Area: "SBOM", Severity: sev, QuestionID: q, Message: fmt.Sprintf(format, args...)}
	}
	a := answer(m, "SBOM-1")
	var out []CheckFinding
	switch {
	case a == vigil.MDS2Yes && !in.HasSBOM:
		out = append(out, f(CheckWarning, "SBOM-1", "the form says an SBOM is available, but none is stored for the release (vigil sbom import)"))
	case a == vigil.MDS2Yes:
		out = append(out, f(CheckOK, "SBOM-1", "an SBOM is stored for the release (%d components)", len(in.Components)))
	case in.HasSBOM && (a == vigil.MDS2No || a == vigil.MDS2NA):
		out = append(out, f(CheckInfo, "SBOM-1", "the form answers %s, yet an SBOM with %d components is stored: the form understates", a, len(in.Components)))
	case a == "":
		out = append(out, f(CheckInfo, "SBOM-1", "the form does not answer SBOM-1"))
	}
	if !in.HasSBOM {
		return out
	}
	var noVersion, noSupplier []string
	for _, c := range in.Components {
		if c.Version == "" {
			noVersion = append(noVersion, c.Name)
		}
		if c.Supplier == "" {
			noSupplier = append(noSupplier, c.Name)
		}
	}
	if answer(m, "SBOM-2.3") == vigil.MDS2Yes && len(noVersion) > 0 {
		out = append(out, f(CheckWarning, "SBOM-2.3", "the form says component versions are identified, but %d of %d components have none: %s", len(noVersion), len(in.Components), list(noVersion)))
	}
	if answer(m, "SBOM-2.2") == vigil.MDS2Yes && len(noSupplier) > 0 {
		out = append(out, f(CheckWarning, "SBOM-2.2", "the form says component makers are identified, but %d of %d components name no supplier: %s", len(noSupplier), len(in.Components), list(noSupplier)))
	}
	return out
}

func checkRoadmap(m map[string]vigil.MDS2Entry, in CheckInput) []CheckFinding {
	f := func(sev CheckSeverity, q, format string, args ...any) CheckFinding {
		return CheckFinding{Area: "RDMP", Severity: sev, QuestionID: q, Message: fmt.Sprintf(format, args...)}
	}
	if !in.HasSBOM {
		return []CheckFinding{f(CheckInfo, "", "RDMP-3 and RDMP-4 cannot be checked: the release has no SBOM with support data")}
	}
	var out []CheckFinding
	var undated, ended, beforeDevice []string
	for _, c := range in.Components {
		label := c.Name + " " + c.Version
		if c.EndOfSupport.IsZero() && (c.SupportLevel == "" || c.SupportLevel == vigil.SupportUnknown) {
			undated = append(undated, label)
		}
		switch {
		case c.SupportLevel == vigil.SupportNone || c.SupportLevel == vigil.SupportAbandoned:
			ended = append(ended, label+" ("+string(c.SupportLevel)+")")
		case !c.EndOfSupport.IsZero() && c.EndOfSupport.Before(in.Today):
			ended = append(ended, label+" (ended "+c.EndOfSupport.String()+")")
		case !c.EndOfSupport.IsZero() && !in.ReleaseEOS.IsZero() && c.EndOfSupport.Before(in.ReleaseEOS):
			beforeDevice = append(beforeDevice, label+" ("+c.EndOfSupport.String()+")")
		}
	}
	n := len(in.Components)
	switch a := answer(m, "RDMP-3"); {
	case a == vigil.MDS2Yes && len(undated) > 0:
		out = append(out, f(CheckWarning, "RDMP-3", "the form says support dates are published, but %d of %d components have neither a support level nor an end-of-support date: %s", len(undated), n, list(undated)))
	case a == vigil.MDS2Yes:
		out = append(out, f(CheckOK, "RDMP-3", "all %d components carry support data", n))
	case (a == vigil.MDS2No || a == vigil.MDS2NA) && len(undated) < n:
		out = append(out, f(CheckInfo, "RDMP-3", "the form answers %s, yet %d of %d components carry support data", a, n-len(undated), n))
	}
	switch a := answer(m, "RDMP-4"); {
	case len(ended) > 0 && a != vigil.MDS2Yes:
		out = append(out, f(CheckWarning, "RDMP-4", "the form answers %q to a plan for end-of-life components, but %d components are already out of support: %s", valueOr(m["RDMP-4"]), len(ended), list(ended)))
	case len(ended) > 0:
		out = append(out, f(CheckInfo, "RDMP-4", "%d components are out of support; the plan the form names should cover them: %s", len(ended), list(ended)))
	case a == vigil.MDS2Yes || len(ended) == 0:
		out = append(out, f(CheckOK, "RDMP-4", "no component is out of support today"))
	}
	if len(beforeDevice) > 0 {
		out = append(out, f(CheckWarning, "RDMP-4", "%d components lose support before the device does (%s): %s", len(beforeDevice), in.ReleaseEOS, list(beforeDevice)))
	}
	return out
}

// portPattern finds ports in notes: "443/tcp", "TCP 443", "port 104",
// "123 (UDP)".
var portPattern = regexp.MustCompile(`(?i)\b(?:(\d{1,5})\s*/\s*(tcp|udp)|(tcp|udp)\s*(?:port\s*)?(\d{1,5})|(\d{1,5})\s*\((tcp|udp)\)|ports?\s*(\d{1,5}))\b`)

// NotePorts reads the ports named in a note. A port without protocol is
// taken as tcp.
func NotePorts(note string) []vigil.ReleasePort {
	var out []vigil.ReleasePort
	for _, g := range portPattern.FindAllStringSubmatch(note, -1) {
		num, proto := firstNonEmpty(g[1], g[4], g[5], g[7]), strings.ToLower(firstNonEmpty(g[2], g[3], g[6]))
		if proto == "" {
			proto = "tcp"
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 65535 {
			continue
		}
		out = append(out, vigil.ReleasePort{Port: n, Protocol: proto})
	}
	return out
}

func checkPorts(m map[string]vigil.MDS2Entry, in CheckInput) []CheckFinding {
	f := func(sev CheckSeverity, q, format string, args ...any) CheckFinding {
		return CheckFinding{Area: "CONN", Severity: sev, QuestionID: q, Message: fmt.Sprintf(format, args...)}
	}
	form := map[string]bool{}
	for id, e := range m {
		if strings.HasPrefix(id, "CONN-") || id == "SAHD-8" {
			for _, p := range NotePorts(e.Note + " " + e.Text) {
				form[p.String()] = true
			}
		}
	}
	declared := map[string]bool{}
	for _, p := range in.Ports {
		declared[p.String()] = true
	}
	a := answer(m, "CONN-2")
	var out []CheckFinding
	switch {
	case len(declared) == 0 && len(form) == 0 && a == vigil.MDS2Yes:
		return []CheckFinding{f(CheckWarning, "CONN-2", "the form says a port list exists, but it names no ports and the release declares none (vigil release ports set)")}
	case len(declared) == 0 && len(form) == 0:
		return []CheckFinding{f(CheckInfo, "CONN-2", "neither the form nor the release lists network ports")}
	case len(declared) == 0:
		return []CheckFinding{f(CheckInfo, "CONN-2", "the form names ports %s, but the release declares none to check them against", list(keys(form)))}
	case a == vigil.MDS2No:
		out = append(out, f(CheckWarning, "CONN-2", "the form says no port list is provided, but the release declares %s", list(keys(declared))))
	}
	if len(form) == 0 {
		return append(out, f(CheckInfo, "CONN-2", "the form names no ports in its notes; the release declares %s", list(keys(declared))))
	}
	var notDeclared, notInForm []string
	for p := range form {
		if !declared[p] {
			notDeclared = append(notDeclared, p)
		}
	}
	for p := range declared {
		if !form[p] {
			notInForm = append(notInForm, p)
		}
	}
	sort.Strings(notDeclared)
	sort.Strings(notInForm)
	if len(notDeclared) > 0 {
		out = append(out, f(CheckWarning, "CONN-2", "the form names ports the release does not declare: %s", strings.Join(notDeclared, ", ")))
	}
	if len(notInForm) > 0 {
		out = append(out, f(CheckWarning, "CONN-2", "the release declares ports the form does not name: %s", strings.Join(notInForm, ", ")))
	}
	if len(notDeclared) == 0 && len(notInForm) == 0 {
		out = append(out, f(CheckOK, "CONN-2", "the form's ports match the %d the release declares", len(declared)))
	}
	return out
}

func checkPatches(m map[string]vigil.MDS2Entry, in CheckInput) []CheckFinding {
	if in.PatchesRecorded == nil {
		var said []string
		for _, id := range []string{"CSUP-1", "CSUP-7", "CSUP-11"} {
			if v := m[id].Value(); v != "" {
				said = append(said, id+" "+v)
			}
		}
		msg := "not checked: vigil does not record patches yet, so CSUP answers cannot be compared with a patch history"
		if len(said) > 0 {
			msg += " (the form says " + strings.Join(said, ", ") + ")"
		}
		return []CheckFinding{{Area: "CSUP", Severity: CheckInfo, Message: msg}}
	}
	n := *in.PatchesRecorded
	if answer(m, "CSUP-1") == vigil.MDS2No && n > 0 {
		return []CheckFinding{{Area: "CSUP", Severity: CheckWarning, QuestionID: "CSUP-1", Message: fmt.Sprintf("the form says the device needs no security updates, but %d patches are recorded", n)}}
	}
	return []CheckFinding{{Area: "CSUP", Severity: CheckOK, Message: fmt.Sprintf("%d patches recorded", n)}}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// list names up to five items and counts the rest.
func list(items []string) string {
	const n = 5
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func valueOr(e vigil.MDS2Entry) string {
	if v := e.Value(); v != "" {
		return v
	}
	return "(no answer)"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
