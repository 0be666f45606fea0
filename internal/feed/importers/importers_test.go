package importers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/realdata"
)

// TestDetect runs detection over every test data file and checks that
// each directory's documents go to the importer of their format.
func TestDetect(t *testing.T) {
	all, err := All(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir, want string
	}{
		{"nvd/api-2.0", "feed/nvd"},
		{"nvd/feed-1.1", "feed/nvd-1.1"},
		{"cve5", "feed/cve5"},
		{"osv/go-vulndb", "feed/osv"},
		{"osv/almalinux", "feed/osv"},
		{"osv/bitnami", "feed/osv"},
		{"osv/psf-python", "feed/osv"},
		{"osv/chainguard", "feed/osv"},
		{"kev", "feed/kev"},
		{"epss", "feed/epss"},
		{"csaf/cisa-icsma", "feed/csaf"},
		{"csaf/redhat", "feed/csaf"},
		{"csaf/oasis-csaf20/validator-testdata/mandatory", "feed/csaf"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			n := 0
			filepath.WalkDir(realdata.Path(t, tc.dir), func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".csv")) || strings.HasSuffix(p, "_schema.json") {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				im := feed.Detect(b[:min(len(b), feed.HeadSize)], all)
				if im == nil || im.Name() != tc.want {
					got := "none"
					if im != nil {
						got = im.Name()
					}
					t.Errorf("%s: detected %s, want %s", p, got, tc.want)
				}
				n++
				return nil
			})
			if n == 0 {
				t.Errorf("no files in %s", tc.dir)
			}
		})
	}
	if _, err := ByName(Config{}, "feed/osv"); err != nil {
		t.Error(err)
	}
	if _, err := ByName(Config{}, "feed/nope"); err == nil {
		t.Error("ByName(feed/nope) found something")
	}
}
