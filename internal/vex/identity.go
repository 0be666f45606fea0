package vex

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

// An alias is another id of the same vulnerability (CVE-2021-44228 ↔
// GHSA-jfh8-c2jp-5v3q), as the records' own alias fields say. An id that
// several vulnerabilities share — an advisory grouping them, such as
// CISA's ICSMA-19-274-01 for the eleven URGENT/11 CVEs — is a reference,
// not an alias: taken for one, it would make a statement on one
// vulnerability apply to all of them. Build writes no such id as an alias
// and StripGroupingAliases drops them from what a document says, so that
// statements bind to one vulnerability each.

// idKey is how ids compare: case-insensitively, spaces trimmed.
func idKey(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// groupingIDs returns the ids (by idKey) that more than one vulnerability
// claims, given each vulnerability's id and aliases: an alias of two
// vulnerabilities, or an alias of one that is another's own id.
func groupingIDs(vulns map[string][]string) map[string]bool {
	owners := map[string]map[string]bool{}
	claim := func(id, vuln string) {
		k := idKey(id)
		if k == "" {
			return
		}
		if owners[k] == nil {
			owners[k] = map[string]bool{}
		}
		owners[k][vuln] = true
	}
	for v, aliases := range vulns {
		vk := idKey(v)
		claim(v, vk)
		for _, a := range aliases {
			claim(a, vk)
		}
	}
	out := map[string]bool{}
	for k, o := range owners {
		if len(o) > 1 {
			out[k] = true
		}
	}
	return out
}

// dropIDs returns aliases without those in drop and without vuln itself,
// nil when none is left.
func dropIDs(vuln string, aliases []string, drop map[string]bool) []string {
	var out []string
	for _, a := range aliases {
		k := idKey(a)
		if k == "" || drop[k] || k == idKey(vuln) || slices.ContainsFunc(out, func(x string) bool { return idKey(x) == k }) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// StripGroupingAliases removes from the document's statements every alias
// that statements of different vulnerabilities share (or that is another
// statement's vulnerability id), with a warning per id dropped: such an id
// groups vulnerabilities and matching by it would apply a statement to
// the wrong ones.
func (d *Document) StripGroupingAliases() {
	vulns := map[string][]string{}
	for _, s := range d.Statements {
		vulns[s.Vulnerability] = append(vulns[s.Vulnerability], s.Aliases...)
	}
	drop := groupingIDs(vulns)
	if len(drop) == 0 {
		return
	}
	warned := map[string]bool{}
	for i := range d.Statements {
		s := &d.Statements[i]
		for _, a := range s.Aliases {
			if k := idKey(a); drop[k] && k != idKey(s.Vulnerability) && !warned[k] {
				warned[k] = true
				d.Warnings = append(d.Warnings, fmt.Sprintf("$.statements[%d]: %q is named by statements on several vulnerabilities: "+
					"read as a reference that groups them, not as an alias of %s", i, a, s.Vulnerability))
			}
		}
		s.Aliases = dropIDs(s.Vulnerability, s.Aliases, drop)
	}
}

// SameVulnerability reports whether a statement (its vulnerability and
// aliases) is about the vulnerability of a finding (its id and aliases):
// they share an id, and they do not name different CVEs. A CVE id is the
// vulnerability's identity: two records whose CVE ids differ are two
// vulnerabilities whatever other id they share.
func SameVulnerability(stmtID string, stmtAliases []string, vulnID string, aliases []string) bool {
	a := append([]string{stmtID}, stmtAliases...)
	b := append([]string{vulnID}, aliases...)
	shared := false
	for _, x := range a {
		for _, y := range b {
			if kx := idKey(x); kx != "" && kx == idKey(y) {
				shared = true
			}
		}
	}
	if !shared {
		return false
	}
	ca, cb := cves(a), cves(b)
	if len(ca) == 0 || len(cb) == 0 {
		return true
	}
	for k := range ca {
		if cb[k] {
			return true
		}
	}
	return false
}

func cves(ids []string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		if k := idKey(id); vigil.IsCVE(k) {
			out[k] = true
		}
	}
	return out
}
