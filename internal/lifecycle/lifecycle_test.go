package lifecycle

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

func mustDate(t *testing.T, s string) vigil.Date {
	t.Helper()
	if s == "-" {
		return vigil.Date{}
	}
	d, err := vigil.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestClassify(t *testing.T) {
	f, err := os.Open("testdata/classify.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "|")
		if len(parts) != 5 {
			t.Fatalf("line %d: want 5 fields, got %q", line, text)
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		level := vigil.SupportLevel(parts[0])
		if parts[0] == "-" {
			level = ""
		}
		got, why := Classify(level, mustDate(t, parts[1]), mustDate(t, parts[2]), mustDate(t, parts[3]))
		if got != SupportStatus(parts[4]) {
			t.Errorf("line %d: %s: Classify = %s (%s), want %s", line, text, got, why, parts[4])
		}
		if why == "" {
			t.Errorf("line %d: no reason", line)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("read %d cases", n)
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		in, want string
		n        int
	}{
		{"2026-12-01", "2027-12-01", 12},
		{"2026-01-31", "2026-02-28", 1},
		{"2024-01-31", "2024-02-29", 1},
		{"2026-12-31", "2028-12-31", 24},
		{"2026-03-31", "2025-12-31", -3},
	}
	for _, tt := range tests {
		if got := AddMonths(mustDate(t, tt.in), tt.n); got != mustDate(t, tt.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestRollup(t *testing.T) {
	today := mustDate(t, "2026-12-01")
	comps := []*vigil.Component{
		{Ref: "a", Name: "FreeRTOS", Version: "10.0.1", SupportLevel: vigil.SupportNone, EndOfSupport: mustDate(t, "2021-12-31")},
		{Ref: "b", Name: "WolfSSL", Version: "4.8.1", SupportLevel: vigil.SupportLimited, EndOfSupport: mustDate(t, "2027-06-30")},
		{Ref: "c", Name: "fatFS", SupportLevel: vigil.SupportActive},
		{Ref: "d", Name: "log4net", SupportLevel: vigil.SupportNone},
		{Ref: "e", Name: "firmware"},
		{Ref: "f", Name: "NXP SDK", SupportLevel: vigil.SupportLimited, EndOfSupport: mustDate(t, "2029-12-31")},
	}
	u := NewRollup(today, 12, mustDate(t, "2028-06-30"), false)
	for _, c := range comps {
		u.Add(c)
	}
	got := u.Result()
	want := &SupportRollup{
		Today: today, HorizonMonths: 12, HorizonEnd: mustDate(t, "2027-12-01"), ReleaseEndOfSupport: mustDate(t, "2028-06-30"),
		Components: 6, Ended: 2, Ending: 1, Unknown: 1, Supported: 2, EndsBeforeRelease: 3,
		ByLevel: map[string]int{"no_longer_maintained": 2, "limited_support": 2, "actively_maintained": 1, NotStated: 1},
		Summary: "2 components past their end of support, 1 more within 12 months, 1 without support information (of 6); " +
			"3 components end before the release's own end of support 2028-06-30",
		Items: []ComponentSupport{
			{Ref: "a", Name: "FreeRTOS", Version: "10.0.1", SupportLevel: vigil.SupportNone, EndOfSupport: mustDate(t, "2021-12-31"),
				Status: StatusEnded, Reason: "support ended 2021-12-31", EndsBeforeRelease: true},
			{Ref: "d", Name: "log4net", SupportLevel: vigil.SupportNone, Status: StatusEnded,
				Reason: "support level no_longer_maintained", EndsBeforeRelease: true},
			{Ref: "b", Name: "WolfSSL", Version: "4.8.1", SupportLevel: vigil.SupportLimited, EndOfSupport: mustDate(t, "2027-06-30"),
				Status: StatusEnding, Reason: "support ends 2027-06-30, in 211 days", EndsBeforeRelease: true},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rollup (-want +got):\n%s", diff)
	}
	all := NewRollup(today, 12, vigil.Date{}, true)
	for _, c := range comps {
		all.Add(c)
	}
	if r := all.Result(); len(r.Items) != 6 || r.EndsBeforeRelease != 0 || r.Items[5].Status != StatusSupported {
		t.Errorf("all: %d items, %d before release", len(r.Items), r.EndsBeforeRelease)
	}
	if got := NewRollup(today, 12, vigil.Date{}, false).Result().Summary; got != "the release's SBOM lists no components" {
		t.Errorf("empty summary %q", got)
	}
}

func TestPhaseEscalation(t *testing.T) {
	// The rule the issue states: past end of support, an unfixed
	// vulnerability outranks the same one on a supported device.
	score := 7.5
	sup := PhaseEscalation(vigil.PhaseSupport, false).Apply(score)
	lim := PhaseEscalation(vigil.PhaseLimitedSupport, false).Apply(score)
	eos := PhaseEscalation(vigil.PhaseEndOfSupport, false).Apply(score)
	eosFixed := PhaseEscalation(vigil.PhaseEndOfSupport, true).Apply(score)
	if !(sup < lim && lim < eos && sup < eosFixed && eosFixed < eos) {
		t.Errorf("escalated scores: support %.2f, limited %.2f, eos %.2f, eos with fix %.2f", sup, lim, eos, eosFixed)
	}
	for _, p := range append(vigil.Phases, "bogus") {
		for _, fix := range []bool{false, true} {
			e := PhaseEscalation(p, fix)
			if e.Reason == "" || e.Factor < 1 {
				t.Errorf("PhaseEscalation(%s, %v) = %+v", p, fix, e)
			}
		}
	}
}

func TestMoveReason(t *testing.T) {
	m := vigil.Milestones{ReleasedOn: mustDate(t, "2021-03-01"), EOLNoticeOn: mustDate(t, "2025-06-30"), EndOfSupportOn: mustDate(t, "2027-06-30")}
	d := mustDate(t, "2027-07-01")
	tests := []struct {
		from, to vigil.Phase
		want     string
	}{
		{vigil.PhaseLimitedSupport, vigil.PhaseEndOfSupport, "end of support 2027-06-30 reached (checked 2027-07-01)"},
		{vigil.PhaseSupport, vigil.PhaseLimitedSupport, "end-of-life notice 2025-06-30 reached (checked 2027-07-01)"},
		{vigil.PhaseEndOfSupport, vigil.PhaseSupport, "milestones moved: on 2027-07-01 only the release 2021-03-01 is reached"},
		{vigil.PhaseSupport, vigil.PhaseDevelopment, "milestones no longer reached on 2027-07-01: back to development"},
	}
	for _, tt := range tests {
		if got := MoveReason(m, tt.from, tt.to, d); got != tt.want {
			t.Errorf("MoveReason(%s→%s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestPhaseValue(t *testing.T) {
	tests := []struct {
		p    vigil.Phase
		fix  bool
		want float64
	}{
		{vigil.PhaseDevelopment, false, 0},
		{vigil.PhaseSupport, false, 0},
		{vigil.PhaseLimitedSupport, false, 0.5},
		{vigil.PhaseLimitedSupport, true, 0.2},
		{vigil.PhaseEndOfSupport, true, 0.4},
		{vigil.PhaseEndOfSupport, false, 1},
	}
	for _, tt := range tests {
		got, why := PhaseValue(tt.p, tt.fix)
		if diff := got - tt.want; diff > 1e-9 || diff < -1e-9 || why == "" {
			t.Errorf("PhaseValue(%s, %v) = %v %q, want %v", tt.p, tt.fix, got, why, tt.want)
		}
	}
}
