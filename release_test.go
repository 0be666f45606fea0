package vigil

import (
	"encoding/json"
	"errors"
	"testing"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPhaseOn(t *testing.T) {
	m := Milestones{ReleasedOn: Date{2024, 1, 31}, EOLNoticeOn: Date{2026, 1, 1}, EndOfSupportOn: Date{2027, 12, 31}}
	tests := []struct {
		ms   Milestones
		day  string
		want Phase
	}{
		{Milestones{}, "2026-01-01", PhaseDevelopment},
		{m, "2024-01-30", PhaseDevelopment},
		{m, "2024-01-31", PhaseSupport},
		{m, "2025-12-31", PhaseSupport},
		{m, "2026-01-01", PhaseLimitedSupport},
		{m, "2027-12-30", PhaseLimitedSupport},
		{m, "2027-12-31", PhaseEndOfSupport},
		// An end of support without an EOL notice still ends support.
		{Milestones{ReleasedOn: Date{2020, 1, 1}, EndOfSupportOn: Date{2021, 1, 1}}, "2022-01-01", PhaseEndOfSupport},
	}
	for _, tt := range tests {
		if got := tt.ms.PhaseOn(mustDate(t, tt.day)); got != tt.want {
			t.Errorf("%+v on %s = %s, want %s", tt.ms, tt.day, got, tt.want)
		}
	}
}

func TestCheckPhaseChange(t *testing.T) {
	tests := []struct {
		name     string
		from, to Phase
		reason   string
		force    bool
		want     error
	}{
		{"forward", PhaseSupport, PhaseLimitedSupport, "EOL", false, nil},
		{"skip forward", PhaseDevelopment, PhaseEndOfSupport, "cancelled", false, nil},
		{"same", PhaseSupport, PhaseSupport, "re-affirm", false, nil},
		{"back", PhaseEndOfSupport, PhaseSupport, "extended", false, ErrConflict},
		{"back forced", PhaseEndOfSupport, PhaseSupport, "extended", true, nil},
		{"no reason", PhaseSupport, PhaseLimitedSupport, " ", false, ErrInvalid},
		{"unknown", PhaseSupport, "retired", "x", false, ErrInvalid},
	}
	for _, tt := range tests {
		if got := CheckPhaseChange(tt.from, tt.to, tt.reason, tt.force); !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
			t.Errorf("%s: CheckPhaseChange = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestReleaseInputValidate(t *testing.T) {
	bad := ReleaseInput{Version: "", Phase: "eol", Milestones: Milestones{
		ReleasedOn: Date{2024, 1, 1}, EOLNoticeOn: Date{2023, 1, 1}, EndOfSupportOn: Date{2022, 1, 1},
	}}
	var ve *ValidationError
	if err := bad.Validate(); !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want a ValidationError", err)
	}
	got := map[string]bool{}
	for _, f := range ve.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"version", "phase", "eol_notice_on", "end_of_support_on"} {
		if !got[f] {
			t.Errorf("no problem reported for %s: %v", f, ve.Fields)
		}
	}
}

func TestDateJSON(t *testing.T) {
	var m Milestones
	if err := json.Unmarshal([]byte(`{"released_on":"2024-02-29","eol_notice_on":""}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.ReleasedOn != (Date{2024, 2, 29}) || !m.EOLNoticeOn.IsZero() {
		t.Errorf("decoded %+v", m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"released_on":"2024-02-29"}` {
		t.Errorf("encoded %s", out)
	}
	for _, bad := range []string{`{"released_on":"2023-02-29"}`, `{"released_on":"29.02.2024"}`, `{"released_on":20240229}`} {
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}
