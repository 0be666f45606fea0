// Package importers is the registry of feed importers: it names every importer
// explicitly, in detection order (the most specific format first). It is
// apart from package feed because the importers import feed.
package importers

import (
	"fmt"

	csafdoc "github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/csaf"
	"github.com/vigil/vigil/internal/feed/cve5"
	"github.com/vigil/vigil/internal/feed/epss"
	"github.com/vigil/vigil/internal/feed/kev"
	"github.com/vigil/vigil/internal/feed/nvd"
	"github.com/vigil/vigil/internal/feed/osv"
	"github.com/vigil/vigil/internal/ingest"
)

// Config configures the importers that take options.
type Config struct {
	Limits ingest.Limits
	// OSV configures the OSV importer (schema check).
	OSV osv.Config
	// CSAF configures the CSAF importer (schema, mandatory tests).
	CSAF csafdoc.Config
}

// All returns every importer, in the order feed.Detect tries them.
func All(cfg Config) ([]feed.Importer, error) {
	o, err := osv.New(cfg.Limits, cfg.OSV)
	if err != nil {
		return nil, err
	}
	c, err := csaf.New(cfg.Limits, cfg.CSAF)
	if err != nil {
		return nil, err
	}
	return []feed.Importer{
		c,
		cve5.New(cfg.Limits),
		nvd.New(cfg.Limits),
		nvd.NewLegacy(cfg.Limits),
		kev.New(cfg.Limits),
		epss.New(cfg.Limits),
		o,
	}, nil
}

// ByName returns the importer called name ("feed/nvd").
func ByName(cfg Config, name string) (feed.Importer, error) {
	all, err := All(cfg)
	if err != nil {
		return nil, err
	}
	for _, im := range all {
		if im.Name() == name {
			return im, nil
		}
	}
	return nil, fmt.Errorf("feed importer %q: unknown", name)
}
