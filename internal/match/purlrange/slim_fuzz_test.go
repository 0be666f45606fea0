package purlrange

import (
	"bytes"
	"testing"

	"github.com/vigil/vigil"
)

// FuzzDecodeAffected feeds DecodeAffected arbitrary bytes, seeded with the
// slim forms of real-looking entries and the JSON form migrations write.
// It must never panic, and what it accepts must encode and decode to the
// same entries.
func FuzzDecodeAffected(f *testing.F) {
	f.Add(EncodeAffected([]vigil.AffectedPackage{{Ecosystem: "Debian:12", Name: "openssl", PURL: "pkg:deb/debian/openssl",
		Ranges: []vigil.Range{rng(vigil.RangeEcosystem, "introduced", "0", "fixed", "3.0.11-1~deb12u2")}}}))
	f.Add(EncodeAffected([]vigil.AffectedPackage{{Ecosystem: "npm", Name: "@angular/core", Versions: []string{"11.0.5-rc.1"}},
		{Ranges: []vigil.Range{{Type: vigil.RangeGit, Repo: "https://github.com/x/y", Events: []vigil.Event{{Kind: vigil.Introduced, Version: "0"}}}}}}))
	f.Add([]byte(`[{"ecosystem":"PyPI","name":"django","ranges":[{"type":"ECOSYSTEM","events":[{"kind":"introduced","version":"4.2"},{"kind":"fixed","version":"4.2.8"}]}]}]`))
	f.Add([]byte{slimFormat, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := DecodeAffected(b)
		if err != nil {
			return
		}
		again, err := DecodeAffected(EncodeAffected(entries))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !bytes.Equal(EncodeAffected(entries), EncodeAffected(again)) {
			t.Fatalf("encode/decode changed the entries: %+v → %+v", entries, again)
		}
	})
}
