package fleet

import (
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet/ident"
	"github.com/vigil/vigil/internal/match"
)

// maxModelWords bounds the words of a model the lookup keys are made of.
const maxModelWords = 8

// LookupNames are the normalised names under which the knowledge base's
// advisory index may list an asset's device: every run of consecutive words
// of its model, alone and after its manufacturer's names. A CMMS writes
// "Sigma Spectrum 35700BAX2" where an advisory names "Sigma Spectrum".
func LookupNames(a *vigil.Asset, al *Aliases) []string {
	ws := strings.Fields(match.NormalizeName(a.Model))
	if len(ws) > maxModelWords {
		ws = ws[:maxModelWords]
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	vendors := []string{match.NormalizeName(a.Manufacturer)}
	if c, ok := al.Canonical(a.Manufacturer); ok {
		vendors = append(vendors, match.NormalizeName(c))
	}
	for i := range ws {
		for j := i + 1; j <= len(ws); j++ {
			phrase := strings.Join(ws[i:j], " ")
			if len(phrase) < 3 {
				continue
			}
			add(phrase)
			for _, v := range vendors {
				add(v + " " + phrase)
			}
		}
	}
	return out
}

// AdvisoryProducts returns the products of an advisory's tree that name
// the asset, found by device identification (internal/fleet/ident): the
// manufacturer through the alias table, the model by its numbers and words,
// the version (the asset's, else the one written in its model) by the
// product's version rule. Each carries its evidence and score; the level
// is exact from 0.95, probable from threshold, possible below it (a person
// confirms or rejects those).
func AdvisoryProducts(a *vigil.Asset, adv *vigil.Advisory, advisoryID int64, al *Aliases, threshold float64) []vigil.AdvisoryProduct {
	var out []vigil.AdvisoryProduct
	for _, l := range ident.MatchAdvisory(ident.Device{Manufacturer: a.Manufacturer, Model: a.Model, Version: a.Version}, adv, al) {
		out = append(out, vigil.AdvisoryProduct{
			AssetID: a.ID, AdvisoryID: advisoryID, Advisory: adv.ID, Revision: adv.Version, ProductID: l.ProductID,
			Name: l.Name, Confidence: LinkLevel(l.Confidence, threshold), Score: l.Confidence, Reason: l.Evidence.String(),
		})
	}
	return out
}

// ExactScore is the least identification score called exact.
const ExactScore = 0.95

// LinkLevel is the confidence level of an identification score.
func LinkLevel(score, threshold float64) vigil.MappingConfidence {
	switch {
	case score >= ExactScore && score >= threshold:
		return vigil.MappingExact
	case score >= threshold:
		return vigil.MappingProbable
	}
	return vigil.MappingPossible
}
