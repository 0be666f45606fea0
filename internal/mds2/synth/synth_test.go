package synth_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

func device() synth.Device {
	return synth.Device{Manufacturer: "Acme Medical Devices", Name: "Infusion Pump", Model: "IP-3000", Version: "3.0",
		DocumentID: "MDS2-IP-3.0", Date: "2026-01-15", Ports: []string{"443/tcp HTTPS", "123/udp NTP"}}
}

// Every layout reads back to the answers it was written from.
func TestRoundTrip(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 1)
	for _, l := range synth.Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := l.Write(&buf, cat, form); err != nil {
				t.Fatal(err)
			}
			res, err := mds2.Read(t.Context(), cat, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Issues) != 0 {
				t.Errorf("issues: %v", res.Issues)
			}
			if diff := cmp.Diff(form.Entries, res.Entries, cmpopts.IgnoreFields(vigil.MDS2Entry{}, "Sheet", "Row")); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cat := mds2.LoadCatalogue()
	a, b := synth.Generate(cat, device(), 7), synth.Generate(cat, device(), 7)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different forms:\n%s", diff)
	}
	if c := synth.Generate(cat, device(), 8); cmp.Equal(a.Entries, c.Entries) {
		t.Error("different seeds gave the same answers")
	}
}
