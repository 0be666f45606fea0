package fleet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

// VulnKey is the id exposures and work items group a vulnerability by:
// id when it is a CVE, else the first CVE among its aliases, else id.
func VulnKey(id string, aliases []string) string {
	if vigil.IsCVE(id) {
		return id
	}
	for _, a := range aliases {
		if vigil.IsCVE(a) {
			return a
		}
	}
	return id
}

// AdvisoryVulnID is the id a device advisory's vulnerability goes by: its
// CVE, else its first other id, else "".
func AdvisoryVulnID(v *vigil.AdvisoryVulnerability) string {
	if v.CVE != "" {
		return v.CVE
	}
	if len(v.IDs) > 0 {
		return v.IDs[0].Text
	}
	return ""
}

// Names reports whether an advisory's vulnerability goes by one of the
// ids in want (its CVE or another id).
func Names(v *vigil.AdvisoryVulnerability, want map[string]bool) bool {
	if want[v.CVE] {
		return true
	}
	for _, id := range v.IDs {
		if want[id.Text] {
			return true
		}
	}
	return false
}

// ProductStatement is what a device advisory says of one of its products
// for one of its vulnerabilities: the exposure's advisory path.
type ProductStatement struct {
	// Status joins the product's status kinds (directly or through its
	// groups), each once, in order.
	Status string
	// Affected is true when a kind is affected or under investigation:
	// the asset the product names is exposed.
	Affected bool
	// Patches are the vendor fixes that cover the product, "advisory id:
	// first sentence of the fix", when Affected.
	Patches []string
	// Justification is the label of the last flag covering the product,
	// and Impacts the first sentences of the impact threats covering it,
	// when not Affected: why it is not.
	Justification string
	Impacts       []string
}

// StatementOf is what advisory adv says of product productID for its
// vulnerability v; false when it says nothing of it.
func StatementOf(adv *vigil.Advisory, v *vigil.AdvisoryVulnerability, productID string) (ProductStatement, bool) {
	var out ProductStatement
	groups := productGroups(adv, productID)
	kinds := v.ProductStatus.Of(productID)
	for _, g := range groups {
		kinds = append(kinds, v.ProductStatus.Of(g)...)
	}
	if len(kinds) == 0 {
		return out, false
	}
	out.Status = joinKinds(kinds)
	for _, k := range kinds {
		if k.Affected() || k == vigil.ProductUnderInvestigation {
			out.Affected = true
		}
	}
	if out.Affected {
		for _, r := range v.Remediations {
			if r.Category == vigil.VendorFix && covers(r.ProductIDs, r.GroupIDs, productID, groups) {
				out.Patches = append(out.Patches, fmt.Sprintf("%s: %s", adv.ID, firstSentence(r.Details)))
			}
		}
		return out, true
	}
	for _, f := range v.Flags {
		if covers(f.ProductIDs, f.GroupIDs, productID, groups) {
			out.Justification = string(f.Label)
		}
	}
	for _, t := range v.Threats {
		if t.Category == vigil.ThreatImpact && covers(t.ProductIDs, t.GroupIDs, productID, groups) {
			out.Impacts = append(out.Impacts, firstSentence(t.Details))
		}
	}
	return out, true
}

func productGroups(a *vigil.Advisory, productID string) []string {
	var out []string
	for _, g := range a.ProductTree.ProductGroups {
		if slices.Contains(g.ProductIDs, productID) {
			out = append(out, g.GroupID)
		}
	}
	return out
}

func covers(productIDs, groupIDs []string, productID string, groups []string) bool {
	if slices.Contains(productIDs, productID) {
		return true
	}
	for _, g := range groups {
		if slices.Contains(groupIDs, g) {
			return true
		}
	}
	return false
}

func joinKinds(ks []vigil.ProductStatusKind) string {
	parts := make([]string, 0, len(ks))
	for _, k := range ks {
		if !slices.Contains(parts, string(k)) {
			parts = append(parts, string(k))
		}
	}
	return strings.Join(parts, ", ")
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i > 0 && i < 300 {
		return s[:i+1]
	}
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
