package csaf

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"
	"golang.org/x/text/language"

	"github.com/vigil/vigil/internal/cvss"
)

// MandatoryTests returns the CSAF 2.0 mandatory tests (section 6.1) that
// Mandatory implements. 6.1.8 (invalid CVSS) is done by the JSON schema,
// which embeds the FIRST CVSS schemas. Not implemented: 6.1.11 (CWE id and
// name against the CWE catalogue, which vigil does not ship).
func MandatoryTests() []string {
	return []string{
		"6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6", "6.1.7", "6.1.9", "6.1.10",
		"6.1.12", "6.1.13", "6.1.14", "6.1.15", "6.1.16", "6.1.17", "6.1.18", "6.1.19", "6.1.20",
		"6.1.21", "6.1.22", "6.1.23", "6.1.24", "6.1.25", "6.1.26",
		"6.1.27.1", "6.1.27.2", "6.1.27.3", "6.1.27.4", "6.1.27.5", "6.1.27.6", "6.1.27.7",
		"6.1.27.8", "6.1.27.9", "6.1.27.10", "6.1.27.11",
		"6.1.28", "6.1.29", "6.1.30", "6.1.31", "6.1.32", "6.1.33",
	}
}

// Mandatory runs the implemented mandatory tests on a schema-valid
// document in generic form (maps, slices, strings, json.Number) and
// returns every failure.
func Mandatory(doc any) []Problem {
	c := &checker{doc: doc}
	c.productIDs()
	c.groupIDs()
	c.statusAndScores()
	c.languages()
	c.purls()
	c.revisions()
	c.misc()
	c.profiles()
	c.branches()
	return c.out
}

type checker struct {
	doc any
	out []Problem
}

func (c *checker) fail(test, path, format string, args ...any) {
	c.out = append(c.out, Problem{Test: test, Path: path, Reason: fmt.Sprintf(format, args...)})
}

// Generic JSON access.

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func list(v any, path ...string) []any {
	a, _ := get(v, path...).([]any)
	return a
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

func strs(v any, path ...string) []string {
	var out []string
	for _, x := range list(v, path...) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func num(v any, path ...string) (float64, bool) {
	switch n := get(v, path...).(type) {
	case interface{ String() string }:
		f, err := strconv.ParseFloat(n.String(), 64)
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}

// productDefs calls fn for every product definition with its path.
func (c *checker) productDefs(fn func(id, path string)) {
	pt := get(c.doc, "product_tree")
	var walk func(bs []any, path string, depth int)
	walk = func(bs []any, path string, depth int) {
		if depth > 40 {
			return
		}
		for i, b := range bs {
			p := fmt.Sprintf("%s[%d]", path, i)
			if id := str(b, "product", "product_id"); id != "" {
				fn(id, p+".product.product_id")
			}
			walk(list(b, "branches"), p+".branches", depth+1)
		}
	}
	walk(list(pt, "branches"), "$.product_tree.branches", 0)
	for i, f := range list(pt, "full_product_names") {
		fn(str(f, "product_id"), fmt.Sprintf("$.product_tree.full_product_names[%d].product_id", i))
	}
	for i, r := range list(pt, "relationships") {
		fn(str(r, "full_product_name", "product_id"), fmt.Sprintf("$.product_tree.relationships[%d].full_product_name.product_id", i))
	}
}

var statusKeys = []string{"first_affected", "first_fixed", "fixed", "known_affected", "known_not_affected", "last_affected", "recommended", "under_investigation"}

// productRefs calls fn for every reference to a product id.
func (c *checker) productRefs(fn func(id, path string)) {
	pt := get(c.doc, "product_tree")
	for i, g := range list(pt, "product_groups") {
		for j, id := range strs(g, "product_ids") {
			fn(id, fmt.Sprintf("$.product_tree.product_groups[%d].product_ids[%d]", i, j))
		}
	}
	for i, r := range list(pt, "relationships") {
		fn(str(r, "product_reference"), fmt.Sprintf("$.product_tree.relationships[%d].product_reference", i))
		fn(str(r, "relates_to_product_reference"), fmt.Sprintf("$.product_tree.relationships[%d].relates_to_product_reference", i))
	}
	for i, v := range list(c.doc, "vulnerabilities") {
		vp := fmt.Sprintf("$.vulnerabilities[%d]", i)
		for _, k := range statusKeys {
			for j, id := range strs(v, "product_status", k) {
				fn(id, fmt.Sprintf("%s.product_status.%s[%d]", vp, k, j))
			}
		}
		for _, key := range []string{"remediations", "threats", "flags"} {
			for j, x := range list(v, key) {
				for k, id := range strs(x, "product_ids") {
					fn(id, fmt.Sprintf("%s.%s[%d].product_ids[%d]", vp, key, j, k))
				}
			}
		}
		for j, s := range list(v, "scores") {
			for k, id := range strs(s, "products") {
				fn(id, fmt.Sprintf("%s.scores[%d].products[%d]", vp, j, k))
			}
		}
	}
}

// 6.1.1, 6.1.2, 6.1.3
func (c *checker) productIDs() {
	defined := map[string]string{}
	c.productDefs(func(id, path string) {
		if first, ok := defined[id]; ok {
			c.fail("6.1.2", path, "product id %q already defined at %s", id, first)
			return
		}
		defined[id] = path
	})
	c.productRefs(func(id, path string) {
		if _, ok := defined[id]; !ok {
			c.fail("6.1.1", path, "product id %q is not defined", id)
		}
	})
	// 6.1.3: a relationship's product must not lead back to itself.
	rels := map[string][]string{}
	for _, r := range list(c.doc, "product_tree", "relationships") {
		id := str(r, "full_product_name", "product_id")
		rels[id] = append(rels[id], str(r, "product_reference"), str(r, "relates_to_product_reference"))
	}
	for i, r := range list(c.doc, "product_tree", "relationships") {
		start := str(r, "full_product_name", "product_id")
		seen := map[string]bool{}
		stack := []string{str(r, "product_reference"), str(r, "relates_to_product_reference")}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if id == start {
				c.fail("6.1.3", fmt.Sprintf("$.product_tree.relationships[%d]", i), "product id %q is defined through itself", start)
				break
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			stack = append(stack, rels[id]...)
		}
	}
}

// 6.1.4, 6.1.5
func (c *checker) groupIDs() {
	defined := map[string]bool{}
	for i, g := range list(c.doc, "product_tree", "product_groups") {
		id := str(g, "group_id")
		if defined[id] {
			c.fail("6.1.5", fmt.Sprintf("$.product_tree.product_groups[%d].group_id", i), "group id %q defined twice", id)
		}
		defined[id] = true
	}
	for i, v := range list(c.doc, "vulnerabilities") {
		for _, key := range []string{"remediations", "threats", "flags"} {
			for j, x := range list(v, key) {
				for k, id := range strs(x, "group_ids") {
					if !defined[id] {
						c.fail("6.1.4", fmt.Sprintf("$.vulnerabilities[%d].%s[%d].group_ids[%d]", i, key, j, k), "group id %q is not defined", id)
					}
				}
			}
		}
	}
}

var statusGroup = map[string]string{
	"first_affected": "affected", "known_affected": "affected", "last_affected": "affected",
	"known_not_affected": "not affected", "first_fixed": "fixed", "fixed": "fixed",
	"under_investigation": "under investigation",
}

// 6.1.6, 6.1.7, 6.1.9, 6.1.10, 6.1.27.9, 6.1.27.10, 6.1.33
func (c *checker) statusAndScores() {
	category := str(c.doc, "document", "category")
	groups := map[string][]string{}
	for _, g := range list(c.doc, "product_tree", "product_groups") {
		groups[str(g, "group_id")] = strs(g, "product_ids")
	}
	expand := func(x any) []string {
		ids := strs(x, "product_ids")
		for _, g := range strs(x, "group_ids") {
			ids = append(ids, groups[g]...)
		}
		return ids
	}
	for i, v := range list(c.doc, "vulnerabilities") {
		vp := fmt.Sprintf("$.vulnerabilities[%d]", i)
		seen := map[string]string{}
		for _, k := range statusKeys {
			g, ok := statusGroup[k]
			if !ok {
				continue
			}
			for _, id := range strs(v, "product_status", k) {
				if prev, dup := seen[id]; dup && prev != g {
					c.fail("6.1.6", vp+".product_status", "product %q is both %s and %s", id, prev, g)
				}
				seen[id] = g
			}
		}
		versions := map[string]bool{}
		for j, s := range list(v, "scores") {
			sp := fmt.Sprintf("%s.scores[%d]", vp, j)
			for _, key := range []string{"cvss_v2", "cvss_v3"} {
				sc := get(s, key)
				if sc == nil {
					continue
				}
				ver := str(sc, "version")
				for _, id := range strs(s, "products") {
					if versions[id+"/"+ver] {
						c.fail("6.1.7", sp, "product %q has a second CVSS %s score", id, ver)
					}
					versions[id+"/"+ver] = true
				}
				c.cvss(sp+"."+key, sc)
			}
		}
		if category == "csaf_vex" {
			justified := map[string]bool{}
			for _, f := range list(v, "flags") {
				for _, id := range expand(f) {
					justified[id] = true
				}
			}
			for _, t := range list(v, "threats") {
				if str(t, "category") == "impact" {
					for _, id := range expand(t) {
						justified[id] = true
					}
				}
			}
			for _, id := range strs(v, "product_status", "known_not_affected") {
				if !justified[id] {
					c.fail("6.1.27.9", vp+".product_status.known_not_affected", "product %q has no impact statement (flag or impact threat)", id)
				}
			}
			acted := map[string]bool{}
			for _, r := range list(v, "remediations") {
				for _, id := range expand(r) {
					acted[id] = true
				}
			}
			for _, id := range strs(v, "product_status", "known_affected") {
				if !acted[id] {
					c.fail("6.1.27.10", vp+".product_status.known_affected", "product %q has no action statement (remediation)", id)
				}
			}
		}
		flagged := map[string]bool{}
		for j, f := range list(v, "flags") {
			for _, id := range expand(f) {
				if flagged[id] {
					c.fail("6.1.33", fmt.Sprintf("%s.flags[%d]", vp, j), "product %q has more than one VEX justification flag", id)
				}
				flagged[id] = true
			}
		}
	}
}

var (
	metricsV3 = map[string]string{
		"attackVector": "AV", "attackComplexity": "AC", "privilegesRequired": "PR", "userInteraction": "UI", "scope": "S",
		"confidentialityImpact": "C", "integrityImpact": "I", "availabilityImpact": "A",
		"exploitCodeMaturity": "E", "remediationLevel": "RL", "reportConfidence": "RC",
		"confidentialityRequirement": "CR", "integrityRequirement": "IR", "availabilityRequirement": "AR",
		"modifiedAttackVector": "MAV", "modifiedAttackComplexity": "MAC", "modifiedPrivilegesRequired": "MPR",
		"modifiedUserInteraction": "MUI", "modifiedScope": "MS", "modifiedConfidentialityImpact": "MC",
		"modifiedIntegrityImpact": "MI", "modifiedAvailabilityImpact": "MA",
	}
	valuesV3 = map[string]string{
		"NETWORK": "N", "ADJACENT_NETWORK": "A", "LOCAL": "L", "PHYSICAL": "P", "LOW": "L", "HIGH": "H", "NONE": "N",
		"REQUIRED": "R", "UNCHANGED": "U", "CHANGED": "C", "NOT_DEFINED": "X", "UNPROVEN": "U", "PROOF_OF_CONCEPT": "P",
		"FUNCTIONAL": "F", "OFFICIAL_FIX": "O", "TEMPORARY_FIX": "T", "WORKAROUND": "W", "UNAVAILABLE": "U",
		"UNKNOWN": "U", "REASONABLE": "R", "CONFIRMED": "C", "MEDIUM": "M",
	}
	metricsV2 = map[string]string{
		"accessVector": "AV", "accessComplexity": "AC", "authentication": "Au", "confidentialityImpact": "C",
		"integrityImpact": "I", "availabilityImpact": "A", "exploitability": "E", "remediationLevel": "RL",
		"reportConfidence": "RC", "collateralDamagePotential": "CDP", "targetDistribution": "TD",
		"confidentialityRequirement": "CR", "integrityRequirement": "IR", "availabilityRequirement": "AR",
	}
	valuesV2 = map[string]string{
		"NETWORK": "N", "ADJACENT_NETWORK": "A", "LOCAL": "L", "HIGH": "H", "MEDIUM": "M", "LOW": "L", "MULTIPLE": "M",
		"SINGLE": "S", "NONE": "N", "PARTIAL": "P", "COMPLETE": "C", "UNPROVEN": "U", "PROOF_OF_CONCEPT": "POC",
		"FUNCTIONAL": "F", "NOT_DEFINED": "ND", "OFFICIAL_FIX": "OF", "TEMPORARY_FIX": "TF", "WORKAROUND": "W",
		"UNAVAILABLE": "U", "UNCONFIRMED": "UC", "UNCORROBORATED": "UR", "CONFIRMED": "C", "LOW_MEDIUM": "LM",
		"MEDIUM_HIGH": "MH",
	}
)

// cvss runs 6.1.9 (scores computed from the vector) and 6.1.10 (properties
// consistent with the vector) on one cvss_v2/cvss_v3 object.
func (c *checker) cvss(path string, sc any) {
	vector := str(sc, "vectorString")
	s, err := cvss.Parse(vector)
	if err != nil {
		c.fail("6.1.9", path+".vectorString", "%v", err)
		return
	}
	check := func(key string, want float64, has bool) {
		if got, ok := num(sc, key); ok && has && math.Abs(got-want) > 0.05 {
			c.fail("6.1.9", path+"."+key, "is %v, the vector computes %v", got, want)
		}
	}
	check("baseScore", s.Base, true)
	check("temporalScore", s.Temporal, s.HasTemporal)
	check("environmentalScore", s.Environmental, s.HasEnvironmental)
	if sev := str(sc, "baseSeverity"); sev != "" && sev != string(s.Rating) {
		c.fail("6.1.9", path+".baseSeverity", "is %s, the vector computes %s", sev, s.Rating)
	}
	if ver := str(sc, "version"); ver != "" && ver != string(s.Version) {
		c.fail("6.1.10", path+".version", "is %s, the vector is CVSS %s", ver, s.Version)
	}
	inVector := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(s.Vector, "CVSS:3.0/"), "CVSS:3.1/"), "/") {
		k, v, _ := strings.Cut(part, ":")
		inVector[k] = v
	}
	metrics, values := metricsV3, valuesV3
	if strings.HasPrefix(string(s.Version), "2") {
		metrics, values = metricsV2, valuesV2
	}
	keys := make([]string, 0, len(metrics))
	for k := range metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, prop := range keys {
		val := str(sc, prop)
		if val == "" {
			continue
		}
		abbr := metrics[prop]
		want, ok := inVector[abbr]
		if !ok {
			// The vector leaves the metric out; a property for it
			// says more than the vector, it does not contradict it.
			continue
		}
		if values[val] != want {
			c.fail("6.1.10", path+"."+prop, "is %s, the vector says %s:%s", val, abbr, want)
		}
	}
}

// 6.1.12, 6.1.28
func (c *checker) languages() {
	for _, key := range []string{"lang", "source_lang"} {
		l := str(c.doc, "document", key)
		if l == "" {
			continue
		}
		tag, err := language.Parse(l)
		if err == nil {
			_, conf := tag.Region()
			if strings.Contains(l, "-") && conf == language.No {
				err = fmt.Errorf("unknown region")
			}
			if base, bconf := tag.Base(); bconf == language.No || base.String() == "und" {
				err = fmt.Errorf("unknown language")
			}
		}
		if err != nil {
			c.fail("6.1.12", "$.document."+key, "%q is not a valid language tag", l)
		}
	}
	lang, src := str(c.doc, "document", "lang"), str(c.doc, "document", "source_lang")
	if src != "" && strings.EqualFold(lang, src) {
		c.fail("6.1.28", "$.document.lang", "equals source_lang %q", src)
	}
	if str(c.doc, "document", "publisher", "category") == "translator" && src == "" {
		c.fail("6.1.15", "$.document.source_lang", "is required when the publisher is a translator")
	}
}

// 6.1.13
func (c *checker) purls() {
	c.eachProduct(func(p any, path string) {
		if s := str(p, "product_identification_helper", "purl"); s != "" {
			if _, err := packageurl.FromString(s); err != nil {
				c.fail("6.1.13", path+".product_identification_helper.purl", "%q: %v", s, err)
			} else if !validPURL(s) {
				c.fail("6.1.13", path+".product_identification_helper.purl", "%q is not a valid purl", s)
			}
		}
		for i, h := range list(p, "product_identification_helper", "hashes") {
			algs := map[string]bool{}
			for _, fh := range list(h, "file_hashes") {
				a := str(fh, "algorithm")
				if algs[a] {
					c.fail("6.1.25", fmt.Sprintf("%s.product_identification_helper.hashes[%d]", path, i), "hash algorithm %q used twice", a)
				}
				algs[a] = true
			}
		}
	})
}

// validPURL adds the checks packageurl-go leaves out: a name is required.
func validPURL(s string) bool {
	p, err := packageurl.FromString(s)
	return err == nil && p.Type != "" && p.Name != ""
}

// eachProduct calls fn for every full product name object.
func (c *checker) eachProduct(fn func(p any, path string)) {
	pt := get(c.doc, "product_tree")
	var walk func(bs []any, path string, depth int)
	walk = func(bs []any, path string, depth int) {
		if depth > 40 {
			return
		}
		for i, b := range bs {
			p := fmt.Sprintf("%s[%d]", path, i)
			if prod := get(b, "product"); prod != nil {
				fn(prod, p+".product")
			}
			walk(list(b, "branches"), p+".branches", depth+1)
		}
	}
	walk(list(pt, "branches"), "$.product_tree.branches", 0)
	for i, f := range list(pt, "full_product_names") {
		fn(f, fmt.Sprintf("$.product_tree.full_product_names[%d]", i))
	}
	for i, r := range list(pt, "relationships") {
		fn(get(r, "full_product_name"), fmt.Sprintf("$.product_tree.relationships[%d].full_product_name", i))
	}
}

// version is a CSAF version: an integer or a semantic version.
type version struct {
	semver              bool
	major, minor, patch int
	pre, build          string
}

var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func parseVersion(s string) (version, bool) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && (s == "0" || s[0] != '0') {
		return version{major: n}, true
	}
	m := semverRE.FindStringSubmatch(s)
	if m == nil {
		return version{}, false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	p, _ := strconv.Atoi(m[3])
	return version{semver: true, major: a, minor: b, patch: p, pre: m[4], build: m[5]}, true
}

// less orders versions by precedence (build metadata ignored; a
// pre-release sorts before its release; pre-release parts compared as text
// or numbers).
func (v version) less(w version) bool {
	if v.major != w.major {
		return v.major < w.major
	}
	if v.minor != w.minor {
		return v.minor < w.minor
	}
	if v.patch != w.patch {
		return v.patch < w.patch
	}
	switch {
	case v.pre == w.pre:
		return false
	case v.pre == "":
		return false
	case w.pre == "":
		return true
	}
	a, b := strings.Split(v.pre, "."), strings.Split(w.pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		x, errx := strconv.Atoi(a[i])
		y, erry := strconv.Atoi(b[i])
		switch {
		case errx == nil && erry == nil:
			return x < y
		case errx == nil:
			return true
		case erry == nil:
			return false
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}

// 6.1.14, 6.1.16–6.1.22, 6.1.30
func (c *checker) revisions() {
	tr := get(c.doc, "document", "tracking")
	status := str(tr, "status")
	cur, curOK := parseVersion(str(tr, "version"))
	type rev struct {
		v    version
		raw  string
		date time.Time
		i    int
	}
	var revs []rev
	semver, integer := curOK && cur.semver, curOK && !cur.semver
	for i, r := range list(tr, "revision_history") {
		n := str(r, "number")
		v, ok := parseVersion(n)
		if !ok {
			continue
		}
		semver = semver || v.semver
		integer = integer || !v.semver
		d, _ := time.Parse(time.RFC3339Nano, str(r, "date"))
		revs = append(revs, rev{v, n, d, i})
	}
	if semver && integer {
		c.fail("6.1.30", "$.document.tracking", "integer and semantic versioning are mixed")
		return
	}
	// 6.1.14: revision history sorted by date is sorted by number.
	byDate := append([]rev(nil), revs...)
	sort.SliceStable(byDate, func(a, b int) bool {
		if !byDate[a].date.Equal(byDate[b].date) {
			return byDate[a].date.Before(byDate[b].date)
		}
		return byDate[a].v.less(byDate[b].v)
	})
	for i := 1; i < len(byDate); i++ {
		if byDate[i].v.less(byDate[i-1].v) {
			c.fail("6.1.14", fmt.Sprintf("$.document.tracking.revision_history[%d]", byDate[i].i), "revision %s is dated after %s", byDate[i].raw, byDate[i-1].raw)
			break
		}
	}
	// 6.1.16: the version is the latest revision number.
	if curOK && len(revs) > 0 {
		latest := revs[0]
		for _, r := range revs[1:] {
			if latest.v.less(r.v) {
				latest = r
			}
		}
		lv, cv := latest.v, cur
		lv.build, cv.build = "", ""
		if cur.pre != "" && status == "draft" {
			// A draft may carry a pre-release of the next version.
			cv.pre, lv.pre = "", ""
		}
		if lv != cv {
			c.fail("6.1.16", "$.document.tracking.version", "is %s, the latest revision is %s", str(tr, "version"), latest.raw)
		}
	}
	// 6.1.17: version 0, 0.y.z or a pre-release means draft.
	if curOK && (cur.major == 0 || cur.pre != "") && status != "draft" {
		c.fail("6.1.17", "$.document.tracking.status", "is %s for version %s, must be draft", status, str(tr, "version"))
	}
	// 6.1.18: released documents have no 0 or 0.y.z revision.
	if status == "final" || status == "interim" {
		for _, r := range revs {
			if r.v.major == 0 {
				c.fail("6.1.18", fmt.Sprintf("$.document.tracking.revision_history[%d].number", r.i), "revision %s in a %s document", r.raw, status)
			}
		}
		// 6.1.20
		if curOK && cur.pre != "" {
			c.fail("6.1.20", "$.document.tracking.version", "pre-release %s in a %s document", str(tr, "version"), status)
		}
	}
	// 6.1.19: no pre-release revisions.
	for _, r := range revs {
		if r.v.pre != "" {
			c.fail("6.1.19", fmt.Sprintf("$.document.tracking.revision_history[%d].number", r.i), "pre-release revision %s", r.raw)
		}
	}
	// 6.1.22: no number twice.
	seen := map[string]bool{}
	for _, r := range revs {
		key := r.raw
		if r.v.semver {
			key = fmt.Sprintf("%d.%d.%d-%s", r.v.major, r.v.minor, r.v.patch, r.v.pre)
		}
		if seen[key] {
			c.fail("6.1.22", fmt.Sprintf("$.document.tracking.revision_history[%d].number", r.i), "revision %s listed twice", r.raw)
		}
		seen[key] = true
	}
	// 6.1.21: no missing item: major (or integer) versions step by one,
	// starting at 0 or 1.
	var majors []int
	for _, r := range revs {
		majors = append(majors, r.v.major)
	}
	sort.Ints(majors)
	if len(majors) > 0 && majors[0] > 1 {
		c.fail("6.1.21", "$.document.tracking.revision_history", "starts at %d", majors[0])
	}
	for i := 1; i < len(majors); i++ {
		if majors[i] > majors[i-1]+1 {
			c.fail("6.1.21", "$.document.tracking.revision_history", "misses version %d", majors[i-1]+1)
			break
		}
	}
}

// 6.1.23, 6.1.24, 6.1.29, 6.1.32
func (c *checker) misc() {
	cves := map[string]bool{}
	for i, v := range list(c.doc, "vulnerabilities") {
		vp := fmt.Sprintf("$.vulnerabilities[%d]", i)
		if cve := str(v, "cve"); cve != "" {
			if cves[cve] {
				c.fail("6.1.23", vp+".cve", "%s is used by another vulnerability", cve)
			}
			cves[cve] = true
		}
		inv := map[string]bool{}
		for j, x := range list(v, "involvements") {
			key := str(x, "party") + "|" + str(x, "date")
			if inv[key] {
				c.fail("6.1.24", fmt.Sprintf("%s.involvements[%d]", vp, j), "party %s and date %q listed twice", str(x, "party"), str(x, "date"))
			}
			inv[key] = true
		}
		for j, r := range list(v, "remediations") {
			if len(list(r, "product_ids")) == 0 && len(list(r, "group_ids")) == 0 {
				c.fail("6.1.29", fmt.Sprintf("%s.remediations[%d]", vp, j), "names no product or group")
			}
		}
		for j, f := range list(v, "flags") {
			if len(list(f, "product_ids")) == 0 && len(list(f, "group_ids")) == 0 {
				c.fail("6.1.32", fmt.Sprintf("%s.flags[%d]", vp, j), "names no product or group")
			}
		}
	}
}

var profileCategories = []string{"csaf_base", "csaf_security_incident_response", "csaf_informational_advisory", "csaf_security_advisory", "csaf_vex"}

func normCategory(s string) string {
	return strings.NewReplacer("-", "", " ", "", "_", "").Replace(strings.ToLower(s))
}

// 6.1.26, 6.1.27.x
func (c *checker) profiles() {
	cat := str(c.doc, "document", "category")
	known := false
	for _, p := range profileCategories {
		known = known || p == cat
	}
	if !known {
		n := normCategory(cat)
		for _, p := range []string{"securityincidentresponse", "informationaladvisory", "securityadvisory", "vex"} {
			if n == p || n == "csaf"+p {
				c.fail("6.1.26", "$.document.category", "%q is a profile name in disguise", cat)
			}
		}
		if strings.HasPrefix(strings.ToLower(cat), "csaf_") {
			c.fail("6.1.26", "$.document.category", "%q uses the reserved prefix csaf_", cat)
		}
		return
	}
	vulns := list(c.doc, "vulnerabilities")
	switch cat {
	case "csaf_security_incident_response", "csaf_informational_advisory":
		ok := false
		for _, n := range list(c.doc, "document", "notes") {
			switch str(n, "category") {
			case "description", "details", "general", "summary":
				ok = true
			}
		}
		if !ok {
			c.fail("6.1.27.1", "$.document.notes", "needs a note of category description, details, general or summary")
		}
		ok = false
		for _, r := range list(c.doc, "document", "references") {
			if str(r, "category") == "external" {
				ok = true
			}
		}
		if !ok {
			c.fail("6.1.27.2", "$.document.references", "needs an external reference")
		}
		if cat == "csaf_informational_advisory" && len(vulns) > 0 {
			c.fail("6.1.27.3", "$.vulnerabilities", "an informational advisory has no vulnerabilities")
		}
	case "csaf_security_advisory", "csaf_vex":
		if get(c.doc, "product_tree") == nil {
			c.fail("6.1.27.4", "$.product_tree", "is required")
		}
		if len(vulns) == 0 {
			c.fail("6.1.27.11", "$.vulnerabilities", "is required")
		}
		for i, v := range vulns {
			vp := fmt.Sprintf("$.vulnerabilities[%d]", i)
			if len(list(v, "notes")) == 0 {
				c.fail("6.1.27.5", vp+".notes", "is required")
			}
			if get(v, "product_status") == nil {
				c.fail("6.1.27.6", vp+".product_status", "is required")
			}
			if cat == "csaf_vex" {
				ok := false
				for _, k := range []string{"fixed", "known_affected", "known_not_affected", "under_investigation"} {
					ok = ok || len(list(v, "product_status", k)) > 0
				}
				if !ok {
					c.fail("6.1.27.7", vp+".product_status", "needs fixed, known_affected, known_not_affected or under_investigation")
				}
				if str(v, "cve") == "" && len(list(v, "ids")) == 0 {
					c.fail("6.1.27.8", vp, "needs a cve or ids")
				}
			}
		}
	}
}

var rangeWords = regexp.MustCompile(`(?i)(<|>|(^|\s)(after|all|before|earlier|later|prior|versions)(\s|$))`)

// 6.1.31
func (c *checker) branches() {
	var walk func(bs []any, path string, depth int)
	walk = func(bs []any, path string, depth int) {
		if depth > 40 {
			return
		}
		for i, b := range bs {
			p := fmt.Sprintf("%s[%d]", path, i)
			if str(b, "category") == "product_version" && rangeWords.MatchString(str(b, "name")) {
				c.fail("6.1.31", p+".name", "%q is a version range in a product_version branch", str(b, "name"))
			}
			walk(list(b, "branches"), p+".branches", depth+1)
		}
	}
	walk(list(c.doc, "product_tree", "branches"), "$.product_tree.branches", 0)
}
