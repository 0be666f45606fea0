package cpeconfig

import (
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
)

// products matches CVE 5 affected products that carry CPEs. A component
// CPE matches a product CPE when part, vendor and product match (the
// product's a superset of or equal to the component's) and no other
// attribute but the version is disjoint; the version is then judged by the
// product's version entries, not by the CPE's version attribute (CNAs
// often put the fixed version there):
//
//   - an entry with lessThan or lessThanOrEqual covers versions from its
//     version ("0", "*", "-" or "" meaning from the start) up to that
//     bound ("*" meaning no bound); one without covers its version only;
//   - an affected entry that covers the version makes the component
//     affected; otherwise an unaffected one makes it not affected
//     (evidence); otherwise defaultStatus affected makes it affected.
//     Unknown, and versions no entry covers under another default, give
//     nothing. Git-typed entries are reported as unsupported.
func (r *run) products(ps []vigil.AffectedProduct, base, who string) {
	for i := range ps {
		p := &ps[i]
		path := fmt.Sprintf("%s[%d]", base, i)
		for _, raw := range p.CPEs {
			n, err := cpe.Parse(raw)
			if err != nil {
				r.unsupportedf("%s.cpes: %v", path, err)
				continue
			}
			r.idx.Candidates(n, func(k int) bool {
				e := r.idx.Entry(k)
				if !productCPEMatches(n, e.Name) {
					return true
				}
				status, words := r.productStatus(p, e.Version, path)
				if status == "" {
					return true
				}
				r.add(e.Component, status, vigil.Evidence{
					Identifier: e.CPE,
					Criterion:  raw,
					Range:      words,
					Node:       path,
					Detail:     "CVE 5 affected product (" + who + ")",
				})
				return true
			})
		}
	}
}

func productCPEMatches(product, comp cpe.Name) bool {
	for a := cpe.Part; a <= cpe.Other; a++ {
		rel := cpe.CompareAttr(product[a], comp[a])
		switch a {
		case cpe.Version:
		case cpe.Part, cpe.Vendor, cpe.Product:
			if rel != cpe.Superset && rel != cpe.Equal {
				return false
			}
		default:
			if rel == cpe.Disjoint {
				return false
			}
		}
	}
	return true
}

// unbounded reports whether a CVE 5 version bound means "no bound".
func unbounded(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "*", "-", "n/a", "unspecified", "all":
		return true
	}
	return false
}

func (r *run) productStatus(p *vigil.AffectedProduct, v, path string) (vigil.MatchStatus, string) {
	if v == "" {
		return "", ""
	}
	var affected, unaffected string
	for j, pv := range p.Versions {
		if strings.EqualFold(pv.VersionType, "git") {
			r.unsupportedf("%s.versions[%d]: git versions cannot be compared with a CPE version", path, j)
			continue
		}
		words, ok := covers(pv, v)
		if !ok {
			continue
		}
		switch pv.Status {
		case vigil.VersionAffected:
			if affected == "" {
				affected = words
			}
		case vigil.VersionUnaffected:
			if unaffected == "" {
				unaffected = words
			}
		}
	}
	switch {
	case affected != "":
		return vigil.MatchAffected, affected + " (affected)"
	case unaffected != "":
		return vigil.MatchNotAffected, unaffected + " (unaffected)"
	case p.DefaultStatus == vigil.VersionAffected:
		return vigil.MatchAffected, "defaultStatus affected"
	}
	return "", ""
}

// covers reports whether entry pv covers version v, and says how.
func covers(pv vigil.ProductVersion, v string) (string, bool) {
	upper, incl := pv.LessThan, false
	if upper == "" && pv.LessThanOrEqual != "" {
		upper, incl = pv.LessThanOrEqual, true
	}
	if upper == "" {
		if unbounded(pv.Version) && pv.Version != "0" {
			return "any version", true
		}
		return "version " + pv.Version, cpe.CompareVersions(v, pv.Version) == 0
	}
	var words []string
	if !unbounded(pv.Version) {
		if cpe.CompareVersions(v, pv.Version) < 0 {
			return "", false
		}
		words = append(words, "version "+pv.Version)
	}
	op := "lessThan"
	if incl {
		op = "lessThanOrEqual"
	}
	words = append(words, op+" "+upper)
	if strings.TrimSpace(upper) != "*" {
		c := cpe.CompareVersions(v, upper)
		if c > 0 || c == 0 && !incl {
			return "", false
		}
	}
	return strings.Join(words, ", "), true
}
