package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

// The published OSV schema is the reference the checks are held to. It is
// read from the shared test data only; the product carries none of it.
const schemaRel = "osv/schema/osv-schema.json"

func compileSchema(tb testing.TB, path string) *jsonschema.Schema {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler() // formats stay annotations, as in draft 2020-12
	if err := c.AddResource("osv-schema.json", doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile("osv-schema.json")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func officialSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return compileSchema(tb, realdata.Path(tb, schemaRel))
}

// verdict is what a validator makes of a record: "accept", "warn" (the id
// prefix is the only fault) or "reject", and where it fails.
type verdict struct {
	Kind string
	// Paths holds the failing locations: for the checks the one reported,
	// for the schema every location it reports at the greatest depth
	// (the one the import report used to name; ties are equally deep).
	Paths []string
	// Reasons holds the checks' message; errs the schema's errors at
	// Paths, whose messages a failing test shows.
	Reasons []string
	errs    []*jsonschema.ValidationError
}

func (v verdict) reasons() []string {
	if v.errs == nil {
		return v.Reasons
	}
	var out []string
	for _, e := range v.errs {
		first, _, _ := strings.Cut(e.Error(), "\n")
		out = append(out, first)
	}
	return out
}

func officialVerdict(s *jsonschema.Schema, doc any) verdict {
	err := s.Validate(doc)
	if err == nil {
		return verdict{Kind: "accept"}
	}
	v := verdict{Kind: "reject"}
	// The id's only fault is its prefix when the record passes with a
	// prefix the schema lists ("x_" marks a private database).
	if m, ok := doc.(map[string]any); ok {
		if id, ok := m["id"].(string); ok {
			m2 := maps.Clone(m)
			m2["id"] = "x_" + id
			if s.Validate(m2) == nil {
				v.Kind = "warn"
			}
		}
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return verdict{Kind: "error", Reasons: []string{err.Error()}}
	}
	// Walk the error tree rather than BasicOutput, whose flattening keeps
	// only the first error under each $ref (jsonschema v6.0.3).
	depth := -1
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		ptr := ""
		for _, tok := range e.InstanceLocation {
			ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
		}
		switch {
		case len(ptr) > depth:
			depth, v.Paths, v.errs = len(ptr), nil, nil
			fallthrough
		case len(ptr) == depth:
			v.Paths = append(v.Paths, pointerToPath(ptr))
			v.errs = append(v.errs, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return v
}

func checkVerdict(doc any) verdict {
	f := check(doc)
	switch {
	case f == nil:
		return verdict{Kind: "accept"}
	case f.IDOnly:
		return verdict{Kind: "warn", Paths: []string{f.Path}, Reasons: []string{f.Reason}}
	}
	return verdict{Kind: "reject", Paths: []string{f.Path}, Reasons: []string{f.Reason}}
}

// agree reports how the checks' verdict departs from the schema's, or "".
func agree(official, got verdict) string {
	if official.Kind != got.Kind {
		return fmt.Sprintf("verdict %s, schema says %s %q: %q", got.Kind, official.Kind, official.Paths, official.reasons())
	}
	if got.Kind != "accept" && !slices.Contains(official.Paths, got.Paths[0]) {
		return fmt.Sprintf("fails at %q (%s), schema at %q: %q", got.Paths[0], got.Reasons[0], official.Paths, official.reasons())
	}
	return ""
}

// decode reads JSON as the schema validator does: numbers kept exact.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the value")
	}
	return doc, nil
}

// sharedJSON returns the JSON files under osv/ in the shared test data but
// the schema, keyed by their path relative to osv/: the OSV records of
// several databases, the OSV linter's deliberately faulty records and the
// GitHub-format inputs of osv-schema's ghsa-conversion tests.
func sharedJSON(tb testing.TB) map[string][]byte {
	tb.Helper()
	root := realdata.Path(tb, "osv")
	out := map[string][]byte{}
	for _, p := range realdata.Walk(tb, "osv") {
		rel := strings.TrimPrefix(p, root+string(os.PathSeparator))
		if !strings.HasSuffix(rel, ".json") || strings.HasPrefix(rel, "schema"+string(os.PathSeparator)) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[rel] = b
	}
	return out
}

// sharedRecords returns the OSV records among sharedJSON.
func sharedRecords(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := sharedJSON(tb)
	for rel := range out {
		if strings.Contains(rel, "ghsa-conversion") && !strings.HasSuffix(rel, ".osv.json") {
			delete(out, rel)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestCheckMatchesSchemaOnRealRecords holds the checks to the schema on
// every real file: the same verdict, failing at the same place.
func TestCheckMatchesSchemaOnRealRecords(t *testing.T) {
	s := officialSchema(t)
	files := sharedJSON(t)
	kinds := map[string]int{}
	for _, rel := range sortedKeys(files) {
		doc, err := decode(files[rel])
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		want, got := officialVerdict(s, doc), checkVerdict(doc)
		if d := agree(want, got); d != "" {
			t.Errorf("%s: %s", rel, d)
		}
		kinds[want.Kind]++
		if strings.Contains(rel, "linter-testdata/nointroduced-") && (got.Kind != "reject" || !strings.HasSuffix(got.Paths[0], "]")) {
			t.Errorf("%s: %+v, want rejected at an event (a GIT range without an introduced event)", rel, got)
		}
	}
	// The real files hold valid records, one the schema refuses (the
	// linter's range without an introduced event) and 11 GitHub-format
	// inputs that are not OSV at all.
	if kinds["accept"] < 300 || kinds["reject"] != 12 {
		t.Errorf("verdicts %v, want 300+ accepted and 12 rejected", kinds)
	}
	t.Logf("verdicts on %d real files: %v", len(files), kinds)
}

// TestCheckMatchesSchemaOnMutations breaks real records in the ways the
// schema guards against, one fault at a time and then at random, and
// holds the checks to the schema's verdict on each.
func TestCheckMatchesSchemaOnMutations(t *testing.T) {
	s := officialSchema(t)
	recs := sharedRecords(t)
	rng := rand.New(rand.NewPCG(24, 3))
	randomPer := 6
	if testing.Short() {
		randomPer = 2
	}
	n, kinds := 0, map[string]int{}
	for i, rel := range sortedKeys(recs) {
		// Every sixth record and the linter's: each database's shapes
		// several times over, in seconds even under the race detector.
		if i%6 != 0 && !strings.Contains(rel, "linter-testdata") {
			continue
		}
		base, err := decode(recs[rel])
		if err != nil {
			t.Fatal(err)
		}
		try := func(name string, doc any) {
			t.Helper()
			n++
			want, got := officialVerdict(s, doc), checkVerdict(doc)
			kinds[want.Kind]++
			if d := agree(want, got); d != "" {
				b, _ := json.Marshal(doc)
				if len(b) > 600 {
					b = append(b[:600], "…"...)
				}
				t.Errorf("%s, %s: %s\n%s", rel, name, d, b)
			}
		}
		for _, m := range targeted {
			for i, doc := range m.apply(base) {
				try(fmt.Sprintf("%s #%d", m.name, i), doc)
			}
		}
		for i := range randomPer {
			doc := deepCopy(base)
			ops := mutate(rng, &doc, 1+rng.IntN(2))
			try(fmt.Sprintf("random #%d %s", i, ops), doc)
		}
	}
	// The mutations must exercise every verdict, rejections most.
	if kinds["accept"] == 0 || kinds["warn"] == 0 || kinds["reject"] < n/2 {
		t.Errorf("verdicts %v of %d mutations: too few of some kind", kinds, n)
	}
	t.Logf("%d mutations: %v", n, kinds)
}

// TestCheckRules pins rules whose reading of the schema is not obvious,
// each against the schema too.
func TestCheckRules(t *testing.T) {
	s := officialSchema(t)
	const ok = `{"id":"GHSA-1","modified":"2024-01-02T03:04:05Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1"}]}]}]}`
	for _, tc := range []struct {
		name, doc, kind, path string
	}{
		{"valid", ok, "accept", ""},
		{"unknown prefix warns", strings.Replace(ok, `GHSA-1`, `NEWDB-1`, 1), "warn", ".id"},
		{"private prefix", strings.Replace(ok, `GHSA-1`, `x_1`, 1), "accept", ""},
		{"prefix needs its dash", strings.Replace(ok, `GHSA-1`, `GHSA1`, 1), "warn", ".id"},
		{"unknown prefix and another fault rejects", strings.Replace(strings.Replace(ok, `GHSA-1`, `NEWDB-1`, 1), `"modified"`, `"modifiedx"`, 1), "reject", ".id"},
		{"timestamp is searched for", strings.Replace(ok, `2024-01-02T03:04:05Z`, `on 2024-01-02T03:04:05.123Z!`, 1), "accept", ""},
		{"timestamp needs Z", strings.Replace(ok, `2024-01-02T03:04:05Z`, `2024-01-02T03:04:05+00:00`, 1), "reject", ".modified"},
		{"date-time format not asserted", strings.Replace(ok, `2024-01-02T03:04:05Z`, `2024-13-45T99:99:99Z`, 1), "accept", ""},
		{"ecosystem with suffix", strings.Replace(ok, `"npm"`, `"Debian:12"`, 1), "accept", ""},
		{"ecosystem GIT", strings.Replace(ok, `"npm"`, `"GIT"`, 1), "accept", ""},
		{"empty suffix", strings.Replace(ok, `"npm"`, `"npm:"`, 1), "reject", ".affected[0].package.ecosystem"},
		{"suffix with a line feed", strings.Replace(ok, `"npm"`, `"npm:a\nb"`, 1), "reject", ".affected[0].package.ecosystem"},
		{"unknown ecosystem", strings.Replace(ok, `"npm"`, `"NPM"`, 1), "reject", ".affected[0].package.ecosystem"},
		{"event with two keys", strings.Replace(ok, `{"fixed":"1"}`, `{"fixed":"1","limit":"2"}`, 1), "reject", ".affected[0].ranges[0].events[1]"},
		{"event with one string key", strings.Replace(ok, `{"fixed":"1"}`, `{"fixed":"1","limit":2}`, 1), "accept", ""},
		{"no introduced", strings.Replace(ok, `{"introduced":"0"},`, ``, 1), "reject", ".affected[0].ranges[0].events[0]"},
		{"fixed and last_affected", strings.Replace(ok, `{"fixed":"1"}`, `{"fixed":"1"},{"last_affected":"2"}`, 1), "reject", ".affected[0].ranges[0]"},
		{"GIT needs repo", strings.Replace(ok, `"SEMVER"`, `"GIT"`, 1), "reject", ".affected[0].ranges[0].events[1].fixed"},
		{"GIT with repo and hashes", strings.Replace(strings.Replace(ok, `"SEMVER"`, `"GIT","repo":"r"`, 1), `"1"`, `"`+strings.Repeat("a", 40)+`"`, 1), "accept", ""},
		{"range without type follows GIT rules", strings.Replace(ok, `"type":"SEMVER",`, `"repo":"r",`, 1), "reject", ".affected[0].ranges[0].events[1].fixed"},
		{"unknown top-level key", strings.Replace(ok, `"modified"`, `"extra":1,"modified"`, 1), "reject", ""},
		{"top and package severity", strings.Replace(strings.Replace(ok, `"name":"x"},`, `"name":"x"},"severity":[],`, 1), `"id"`, `"severity":null,"id"`, 1), "reject", ".affected[0].severity"},
		{"CVSS v4 metrics out of order", strings.Replace(ok, `"modified"`, `"severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A"}],"modified"`, 1), "reject", ".severity[0].score"},
		{"CVSS v4 with options in order", strings.Replace(ok, `"modified"`, `"severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:H/U:Amber"}],"modified"`, 1), "accept", ""},
		{"CVSS v3 repeats metrics", strings.Replace(ok, `"modified"`, `"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AV:L"}],"modified"`, 1), "accept", ""},
		{"CVSS v2 trailing slash", strings.Replace(ok, `"modified"`, `"severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/"}],"modified"`, 1), "reject", ".severity[0].score"},
		{"severity without type", strings.Replace(ok, `"modified"`, `"severity":[{"score":"high"}],"modified"`, 1), "reject", ".severity[0].score"},
		{"Ubuntu priority", strings.Replace(ok, `"modified"`, `"severity":[{"type":"Ubuntu","score":"High"}],"modified"`, 1), "reject", ".severity[0].score"},
		{"not an object", `[]`, "reject", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := decode([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			want := verdict{Kind: tc.kind}
			if tc.kind != "accept" {
				want.Paths = []string{tc.path}
			}
			got := checkVerdict(doc)
			if got.Kind != want.Kind || (tc.kind != "accept" && got.Paths[0] != tc.path) {
				t.Errorf("got %+v, want %+v", got, want)
			}
			if d := agree(officialVerdict(s, doc), got); d != "" {
				t.Errorf("against the schema: %s", d)
			}
		})
	}
}

// FuzzCheck holds the checks to the schema on arbitrary JSON.
func FuzzCheck(f *testing.F) {
	for _, rel := range []string{
		"osv/go-vulndb/GO-2020-0001.json", "osv/bitnami/BIT-minio-2020-11012.json", "osv/psf-python/PSF-2023-1.json",
		"osv/osv-schema/linter-testdata/RHSA-2022_0216.json", "osv/osv-schema/linter-testdata/nointroduced-CVE-2023-41045.json",
		"osv/osv-schema/linter-testdata/CVE-2018-5407.json", "osv/almalinux/almalinux9/ALSA-2022_8100.json",
	} {
		if p, ok := realdata.Lookup(rel); ok {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	s := officialSchema(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := decode(b)
		if err != nil {
			return
		}
		if d := agree(officialVerdict(s, doc), checkVerdict(doc)); d != "" {
			t.Fatal(d)
		}
	})
}

// A targeted mutation makes variants of a record with one known fault (or
// a change the schema allows).
type targetedMutation struct {
	name  string
	apply func(doc any) []any
}

// each applies fn to a copy of doc for the first and the last node that
// sel finds (all of them would make thousands of variants of long records
// for little more coverage).
func each(doc any, sel func(doc any) []any, fn func(node any) bool) []any {
	var out []any
	var idx []int
	if n := len(sel(doc)); n > 1 {
		idx = []int{0, n - 1}
	} else if n == 1 {
		idx = []int{0}
	}
	for _, i := range idx {
		c := deepCopy(doc)
		if fn(sel(c)[i]) {
			out = append(out, c)
		}
	}
	return out
}

func root(doc any) []any { return []any{doc} }

func items(key string) func(doc any) []any {
	return func(doc any) []any {
		m, _ := doc.(map[string]any)
		a, _ := m[key].([]any)
		return a
	}
}

func affectedPkgs(doc any) []any {
	var out []any
	for _, a := range items("affected")(doc) {
		if p, ok := a.(map[string]any)["package"]; ok {
			out = append(out, p)
		}
	}
	return out
}

func ranges(doc any) []any {
	var out []any
	for _, a := range items("affected")(doc) {
		r, _ := a.(map[string]any)["ranges"].([]any)
		out = append(out, r...)
	}
	return out
}

func events(doc any) []any {
	var out []any
	for _, r := range ranges(doc) {
		e, _ := r.(map[string]any)["events"].([]any)
		out = append(out, e...)
	}
	return out
}

func severityItems(doc any) []any {
	out := items("severity")(doc)
	for _, a := range items("affected")(doc) {
		s, _ := a.(map[string]any)["severity"].([]any)
		out = append(out, s...)
	}
	return out
}

func set(k string, v any) func(node any) bool {
	return func(n any) bool { n.(map[string]any)[k] = v; return true }
}

func del(k string) func(node any) bool {
	return func(n any) bool {
		m := n.(map[string]any)
		_, ok := m[k]
		delete(m, k)
		return ok
	}
}

// editString changes the string under k with fn.
func editString(k string, fn func(string) string) func(node any) bool {
	return func(n any) bool {
		m := n.(map[string]any)
		s, ok := m[k].(string)
		if ok {
			m[k] = fn(s)
		}
		return ok
	}
}

var hash40 = strings.Repeat("0123456789", 4)

var targeted = []targetedMutation{
	{"drop id", func(d any) []any { return each(d, root, del("id")) }},
	{"drop modified", func(d any) []any { return each(d, root, del("modified")) }},
	{"id as number", func(d any) []any { return each(d, root, set("id", json.Number("7"))) }},
	{"unknown id prefix", func(d any) []any {
		return each(d, root, editString("id", func(s string) string { return "NEWDB-" + s }))
	}},
	{"private id", func(d any) []any { return each(d, root, editString("id", func(s string) string { return "x_" + s })) }},
	{"unknown prefix and unknown key", func(d any) []any {
		return each(d, root, func(n any) bool {
			m := n.(map[string]any)
			m["id"], m["vigil_note"] = "NEWDB-1", "x"
			return true
		})
	}},
	{"unknown top-level key", func(d any) []any { return each(d, root, set("Summary", "x")) }},
	{"timestamp with offset", func(d any) []any {
		return each(d, root, editString("modified", func(s string) string { return strings.Replace(s, "Z", "+00:00", 1) }))
	}},
	{"timestamp with a space", func(d any) []any {
		return each(d, root, editString("published", func(s string) string { return strings.Replace(s, "T", " ", 1) }))
	}},
	{"timestamp inside text", func(d any) []any {
		return each(d, root, editString("modified", func(s string) string { return "modified " + s + " UTC" }))
	}},
	{"timestamp as number", func(d any) []any { return each(d, root, set("withdrawn", json.Number("1700000000"))) }},
	{"aliases null", func(d any) []any { return each(d, root, set("aliases", nil)) }},
	{"related null", func(d any) []any { return each(d, root, set("related", nil)) }},
	{"alias not a string", func(d any) []any { return each(d, root, set("aliases", []any{"CVE-1", false})) }},
	{"summary as array", func(d any) []any { return each(d, root, set("summary", []any{"x"})) }},
	{"affected null", func(d any) []any { return each(d, root, set("affected", nil)) }},
	{"affected item not an object", func(d any) []any { return each(d, root, set("affected", []any{"npm"})) }},
	{"drop ecosystem", func(d any) []any { return each(d, affectedPkgs, del("ecosystem")) }},
	{"drop package name", func(d any) []any { return each(d, affectedPkgs, del("name")) }},
	{"unknown ecosystem", func(d any) []any { return each(d, affectedPkgs, set("ecosystem", "Gentoo")) }},
	{"lower-case ecosystem", func(d any) []any {
		return each(d, affectedPkgs, editString("ecosystem", strings.ToLower))
	}},
	{"ecosystem empty suffix", func(d any) []any {
		return each(d, affectedPkgs, editString("ecosystem", func(s string) string { return s + ":" }))
	}},
	{"ecosystem suffix", func(d any) []any {
		return each(d, affectedPkgs, editString("ecosystem", func(s string) string { return s + ":vigil" }))
	}},
	{"purl as object", func(d any) []any { return each(d, affectedPkgs, set("purl", map[string]any{})) }},
	{"drop range type", func(d any) []any { return each(d, ranges, del("type")) }},
	{"drop events", func(d any) []any { return each(d, ranges, del("events")) }},
	{"empty events", func(d any) []any { return each(d, ranges, set("events", []any{})) }},
	{"events as object", func(d any) []any { return each(d, ranges, set("events", map[string]any{"introduced": "0"})) }},
	{"unknown range type", func(d any) []any { return each(d, ranges, set("type", "SEMVER2")) }},
	{"range becomes GIT", func(d any) []any { return each(d, ranges, set("type", "GIT")) }},
	{"range becomes GIT with repo", func(d any) []any {
		return each(d, ranges, func(n any) bool {
			m := n.(map[string]any)
			m["type"], m["repo"] = "GIT", "https://example.org/r"
			return true
		})
	}},
	{"GIT with hashes", func(d any) []any {
		return each(d, ranges, func(n any) bool {
			m := n.(map[string]any)
			m["type"], m["repo"] = "GIT", "https://example.org/r"
			m["events"] = []any{map[string]any{"introduced": "0"}, map[string]any{"fixed": hash40}}
			return true
		})
	}},
	{"GIT with upper-case hash", func(d any) []any {
		return each(d, ranges, func(n any) bool {
			m := n.(map[string]any)
			m["type"], m["repo"] = "GIT", "https://example.org/r"
			m["events"] = []any{map[string]any{"introduced": strings.ToUpper("abcdef" + hash40[6:])}}
			return true
		})
	}},
	{"range database_specific as string", func(d any) []any { return each(d, ranges, set("database_specific", "x")) }},
	{"event with two keys", func(d any) []any { return each(d, events, set("limit", "9")) }},
	{"event with a second non-string key", func(d any) []any { return each(d, events, set("limit", json.Number("9"))) }},
	{"event emptied", func(d any) []any {
		return each(d, events, func(n any) bool { clear(n.(map[string]any)); return true })
	}},
	{"event with an unknown key", func(d any) []any { return each(d, events, set("note", "x")) }},
	{"event value as number", func(d any) []any {
		return each(d, events, func(n any) bool {
			m := n.(map[string]any)
			for _, k := range eventKinds {
				if _, ok := m[k]; ok {
					m[k] = json.Number("1")
				}
			}
			return true
		})
	}},
	{"introduced becomes fixed", func(d any) []any {
		return each(d, events, func(n any) bool {
			m := n.(map[string]any)
			v, ok := m["introduced"]
			if ok {
				delete(m, "introduced")
				m["fixed"] = v
			}
			return ok
		})
	}},
	{"fixed becomes last_affected", func(d any) []any {
		return each(d, events, func(n any) bool {
			m := n.(map[string]any)
			v, ok := m["fixed"]
			if ok {
				m["last_affected"] = v
				delete(m, "fixed")
			}
			return ok
		})
	}},
	{"drop severity type", func(d any) []any { return each(d, severityItems, del("type")) }},
	{"drop severity score", func(d any) []any { return each(d, severityItems, del("score")) }},
	{"unknown severity type", func(d any) []any { return each(d, severityItems, set("type", "CVSS_V5")) }},
	{"severity type swapped", func(d any) []any {
		return each(d, severityItems, editString("type", func(s string) string {
			return map[string]string{"CVSS_V2": "CVSS_V3", "CVSS_V3": "CVSS_V4", "CVSS_V4": "CVSS_V3", "Ubuntu": "CVSS_V2"}[s]
		}))
	}},
	{"vector truncated", func(d any) []any {
		return each(d, severityItems, editString("score", func(s string) string { return s[:len(s)*2/3] }))
	}},
	{"vector with trailing slash", func(d any) []any {
		return each(d, severityItems, editString("score", func(s string) string { return s + "/" }))
	}},
	{"vector metric repeated", func(d any) []any {
		return each(d, severityItems, editString("score", func(s string) string {
			i := strings.LastIndexByte(s, '/')
			return s + s[i:]
		}))
	}},
	{"vector lower-cased", func(d any) []any { return each(d, severityItems, editString("score", strings.ToLower)) }},
	{"vector version changed", func(d any) []any {
		return each(d, severityItems, editString("score", func(s string) string { return strings.Replace(s, "3.1", "3.2", 1) }))
	}},
	{"score as number", func(d any) []any { return each(d, severityItems, set("score", json.Number("9.8"))) }},
	{"severity on the record and its packages", func(d any) []any {
		return each(d, root, func(n any) bool {
			m := n.(map[string]any)
			a, _ := m["affected"].([]any)
			if len(a) == 0 {
				return false
			}
			m["severity"] = []any{map[string]any{"type": "Ubuntu", "score": "high"}}
			a[0].(map[string]any)["severity"] = []any{map[string]any{"type": "Ubuntu", "score": "low"}}
			return true
		})
	}},
	{"drop reference url", func(d any) []any { return each(d, items("references"), del("url")) }},
	{"unknown reference type", func(d any) []any { return each(d, items("references"), set("type", "BLOG")) }},
	{"reference url not a URI", func(d any) []any { return each(d, items("references"), set("url", "not a uri")) }},
	{"credit without name", func(d any) []any {
		return each(d, root, set("credits", []any{map[string]any{"type": "FINDER"}}))
	}},
	{"credit with unknown type", func(d any) []any {
		return each(d, root, set("credits", []any{map[string]any{"name": "n", "type": "AUTHOR", "contact": []any{"a"}}}))
	}},
	{"credits null", func(d any) []any { return each(d, root, set("credits", nil)) }},
	{"database_specific as array", func(d any) []any { return each(d, root, set("database_specific", []any{})) }},
}

// mutate applies n random edits to the tree at *doc and names them.
func mutate(rng *rand.Rand, doc *any, n int) string {
	var names []string
	for range n {
		// Map values are not addressable: collect (map, key) slots too.
		type slot struct {
			m map[string]any
			k string
		}
		var slots []slot
		var walkMaps func(v any)
		walkMaps = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for _, k := range slices.Sorted(maps.Keys(v)) {
					slots = append(slots, slot{v, k})
					walkMaps(v[k])
				}
			case []any:
				for _, e := range v {
					walkMaps(e)
				}
			}
		}
		walkMaps(*doc)
		var objects []map[string]any
		var arrays [][]any
		var collect func(v any)
		collect = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				objects = append(objects, v)
				for _, k := range slices.Sorted(maps.Keys(v)) {
					collect(v[k])
				}
			case []any:
				arrays = append(arrays, v)
				for _, e := range v {
					collect(e)
				}
			}
		}
		collect(*doc)
		switch op := rng.IntN(5); {
		case op == 0 && len(slots) > 0: // replace a value
			s := slots[rng.IntN(len(slots))]
			s.m[s.k] = randomValue(rng)
			names = append(names, fmt.Sprintf("set %s=%v", s.k, s.m[s.k]))
		case op == 1 && len(slots) > 0: // delete a key
			s := slots[rng.IntN(len(slots))]
			delete(s.m, s.k)
			names = append(names, "delete "+s.k)
		case op == 2 && len(objects) > 0: // add a key
			o := objects[rng.IntN(len(objects))]
			k := keyPool[rng.IntN(len(keyPool))]
			o[k] = randomValue(rng)
			names = append(names, fmt.Sprintf("add %s=%v", k, o[k]))
		case op == 3 && len(slots) > 0: // edit a string
			s := slots[rng.IntN(len(slots))]
			if str, ok := s.m[s.k].(string); ok {
				s.m[s.k] = editRandom(rng, str)
				names = append(names, fmt.Sprintf("edit %s=%q", s.k, s.m[s.k]))
			}
		case op == 4 && len(arrays) > 0: // replace an array item
			a := arrays[rng.IntN(len(arrays))]
			if len(a) > 0 {
				i := rng.IntN(len(a))
				a[i] = randomValue(rng)
				names = append(names, fmt.Sprintf("item %d=%v", i, a[i]))
			}
		}
	}
	return strings.Join(names, "; ")
}

// keyPool holds keys the schema knows, at every level, and one it does not.
var keyPool = []string{
	"id", "modified", "published", "withdrawn", "aliases", "severity", "affected", "references", "credits",
	"package", "ecosystem", "name", "ranges", "versions", "type", "repo", "events",
	"introduced", "fixed", "last_affected", "limit", "score", "url", "contact", "database_specific", "vigil",
}

// stringPool holds strings that are valid somewhere in a record.
var stringPool = []string{
	"", "0", hash40, "GIT", "SEMVER", "ECOSYSTEM", "npm", "Debian:12", "GHSA-xxxx", "NEWDB-1",
	"2024-01-02T03:04:05Z", "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", "high", "WEB", "FINDER",
	"AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
}

func randomValue(rng *rand.Rand) any {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return json.Number("1")
	case 3:
		return []any{}
	case 4:
		return map[string]any{}
	case 5:
		return []any{stringPool[rng.IntN(len(stringPool))]}
	case 6:
		return map[string]any{keyPool[rng.IntN(len(keyPool))]: stringPool[rng.IntN(len(stringPool))]}
	}
	return stringPool[rng.IntN(len(stringPool))]
}

func editRandom(rng *rand.Rand, s string) string {
	switch {
	case s == "":
		return "x"
	case rng.IntN(3) == 0:
		return s[:rng.IntN(len(s))]
	case rng.IntN(2) == 0:
		return strings.ToLower(s)
	}
	i := rng.IntN(len(s) + 1)
	return s[:i] + string("/:-Z\n"[rng.IntN(5)]) + s[i:]
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// TestCheckListsMatchSchema tries every name the schema lists (its enums,
// the ecosystems and id prefixes of its patterns), every name the checks
// list, and near misses of each, in every place a listed name goes.
func TestCheckListsMatchSchema(t *testing.T) {
	path := realdata.Path(t, schemaRel)
	s := compileSchema(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "enum" {
					for _, n := range e.([]any) {
						names[n.(string)] = true
					}
				}
				if k == "pattern" {
					// The ecosystem and id prefix lists are alternations.
					p := e.(string)
					p = strings.ReplaceAll(p, `\.`, ".")
					p = strings.ReplaceAll(p, "SUSE-[SRFO]U", "SUSE-SU|SUSE-RU|SUSE-FU|SUSE-OU")
					for _, n := range strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune("^()|$?", r) }) {
						names[n] = true
						names[n+"-1"] = true
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(raw)
	for n := range ecosystems {
		names[n] = true
	}
	for _, list := range [][]string{idPrefixes, severityTypes, ubuntuPriorities, rangeTypes, referenceTypes, creditTypes} {
		for _, n := range list {
			names[n], names[n+"-1"] = true, true
		}
	}
	for n := range maps.Clone(names) {
		names[strings.ToLower(n)], names[n+":x"] = true, true
	}
	if len(names) < 400 {
		t.Fatalf("only %d names from the schema", len(names))
	}
	slots := map[string]func(n string) string{
		"id":        func(n string) string { return fmt.Sprintf(`"id":%q`, n) },
		"ecosystem": func(n string) string { return fmt.Sprintf(`"affected":[{"package":{"ecosystem":%q,"name":"x"}}]`, n) },
		"range type": func(n string) string {
			return fmt.Sprintf(`"affected":[{"ranges":[{"type":%q,"events":[{"introduced":"0"}]}]}]`, n)
		},
		"severity type":  func(n string) string { return fmt.Sprintf(`"severity":[{"type":%q,"score":"high"}]`, n) },
		"Ubuntu score":   func(n string) string { return fmt.Sprintf(`"severity":[{"type":"Ubuntu","score":%q}]`, n) },
		"reference type": func(n string) string { return fmt.Sprintf(`"references":[{"type":%q,"url":"u"}]`, n) },
		"credit type":    func(n string) string { return fmt.Sprintf(`"credits":[{"name":"n","type":%q}]`, n) },
	}
	kinds := map[string]int{}
	for _, slot := range sortedKeys(slots) {
		for _, n := range sortedKeys(names) {
			doc := `{"id":"x_1","modified":"2024-01-01T00:00:00Z",` + slots[slot](n) + `}`
			if slot == "id" {
				doc = `{"modified":"2024-01-01T00:00:00Z",` + slots[slot](n) + `}`
			}
			v, err := decode([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			want := officialVerdict(s, v)
			kinds[want.Kind]++
			if d := agree(want, checkVerdict(v)); d != "" {
				t.Errorf("%s %q: %s", slot, n, d)
			}
		}
	}
	t.Logf("%d names in %d places: %v", len(names), len(slots), kinds)
}

// TestCheckVectorsMatchSchema tries every metric name the checks know
// with every value letter and word of the CVSS patterns, appended to a
// valid vector of each version.
func TestCheckVectorsMatchSchema(t *testing.T) {
	s := officialSchema(t)
	names := map[string]bool{"X": true, "AT": true}
	for n := range cvss2Metrics {
		names[n] = true
	}
	for n := range cvss3Metrics {
		names[n] = true
	}
	for _, m := range append(slices.Clone(cvss4Base), cvss4Optional...) {
		names[m.name] = true
	}
	values := []string{"", "ND", "POC", "OF", "TF", "UC", "UR", "LM", "MH", "Clear", "Green", "Amber", "Red", "clear", "A:B"}
	for c := 'A'; c <= 'Z'; c++ {
		values = append(values, string(c))
	}
	bases := map[string]string{
		"CVSS_V2": "AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"CVSS_V3": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS_V4": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	}
	kinds := map[string]int{}
	for _, typ := range sortedKeys(bases) {
		for _, n := range sortedKeys(names) {
			for _, val := range values {
				for _, score := range []string{bases[typ] + "/" + n + ":" + val} {
					doc := map[string]any{"id": "x_1", "modified": "2024-01-01T00:00:00Z",
						"severity": []any{map[string]any{"type": typ, "score": score}}}
					want := officialVerdict(s, doc)
					kinds[want.Kind]++
					if d := agree(want, checkVerdict(doc)); d != "" {
						t.Errorf("%s %q: %s", typ, score, d)
					}
				}
			}
		}
	}
	t.Logf("%v", kinds)
}

// TestImportReportsCheckFaults follows check faults into the import
// report: where (the record's place in the document, then the path in it)
// and why, kept with a warning when only the id prefix is unknown.
func TestImportReportsCheckFaults(t *testing.T) {
	const rec = `{"id":%q,"modified":"2024-01-02T03:04:05Z","affected":[{"package":{"ecosystem":%q,"name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1"}]}]}]%s}`
	doc := "[" + strings.Join([]string{
		fmt.Sprintf(rec, "GHSA-1", "npm", ""),
		fmt.Sprintf(rec, "GHSA-2", "Gentoo", ""),
		fmt.Sprintf(rec, "NEWDB-3", "npm", ""),
		fmt.Sprintf(rec, "NEWDB-4", "npm", `,"note":"x"`),
	}, ",") + "]"
	type problem struct {
		ID, Path string
		Warning  bool
		Reason   string
	}
	var got []problem
	rep, err := newImporter(t).Import(t.Context(), strings.NewReader(doc), &feedtest.Sink{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		got = append(got, problem{p.RecordID, p.Path, p.Warning, p.Reason})
	}
	want := []problem{
		{"GHSA-2", "$[1].affected[0].package.ecosystem", false, `osv schema: "Gentoo" is not a known OSV ecosystem (optionally followed by :suffix)`},
		{"NEWDB-3", "$[2].id", true, `osv schema: id "NEWDB-3" does not start with a known home database prefix (such as GHSA-, CVE-, x_)`},
		{"NEWDB-4", "$[3].id", false, `osv schema: id "NEWDB-4" does not start with a known home database prefix (such as GHSA-, CVE-, x_)`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Accepted != 2 || rep.Rejected != 2 {
		t.Errorf("accepted %d rejected %d, want 2 and 2", rep.Accepted, rep.Rejected)
	}
	skip, err := New(ingest.Limits{}, Config{SkipChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := skip.Import(t.Context(), strings.NewReader(doc), &feedtest.Sink{}); rep.Accepted != 4 || len(rep.Problems) != 0 {
		t.Errorf("SkipChecks: accepted %d, problems %v", rep.Accepted, rep.Problems)
	}
}
