package fleet

import (
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/csafproduct"
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

// AdvisoryProducts returns the products of an advisory's tree that name the
// asset: same manufacturer (vendor branch, through the alias table), a
// product name equal to the model or contained in it, and a version the
// product's version rule covers. Confidence: exact when the model equals
// the product name and the version is covered; probable when the name is
// contained in the model; possible when the version cannot be checked (the
// asset states none, or the advisory's version text is not understood).
func AdvisoryProducts(a *vigil.Asset, adv *vigil.Advisory, advisoryID int64, al *Aliases) []vigil.AdvisoryProduct {
	var out []vigil.AdvisoryProduct
	mk := match.NameKey(a.Model)
	if mk == "" {
		return nil
	}
	for _, p := range adv.ProductTree.Products() {
		if p.ProductID == "" || p.Product == "" {
			continue
		}
		if p.Vendor == "" {
			continue
		}
		same, vendorWhy := al.Same(a.Manufacturer, p.Vendor)
		if !same {
			continue
		}
		pk := productKey(p, a.Manufacturer, al)
		mks := productKey(vigil.TreeProduct{Vendor: p.Vendor, Product: a.Model}, a.Manufacturer, al)
		var conf vigil.MappingConfidence
		var nameWhy string
		switch {
		case pk == mk || pk == mks || match.NameKey(p.Product) == mk:
			conf, nameWhy = vigil.MappingExact, fmt.Sprintf("model %q equals product %q", a.Model, p.Product)
		case len(pk) >= 4 && strings.Contains(mk, pk):
			conf, nameWhy = vigil.MappingProbable, fmt.Sprintf("model %q contains product %q", a.Model, p.Product)
		default:
			continue
		}
		ok, rule, err := csafproduct.VersionCovers(p, a.Version)
		var verWhy string
		switch {
		case err != nil:
			conf, verWhy = vigil.MappingPossible, fmt.Sprintf("version not checked: %v", err)
		case !ok:
			continue
		default:
			verWhy = fmt.Sprintf("version %q within %s", a.Version, rule)
			if strings.TrimSpace(a.Version) == "" {
				verWhy = rule
			}
		}
		out = append(out, vigil.AdvisoryProduct{
			AssetID: a.ID, AdvisoryID: advisoryID, Advisory: adv.ID, ProductID: p.ProductID,
			Name: p.Name, Confidence: conf, Reason: vendorWhy + "; " + nameWhy + "; " + verWhy,
		})
	}
	return out
}

// productKey is a tree product's name as match.NameKey compares it, without
// a leading vendor name: CISA writes "BD Pyxis MedStation ES" where a CMMS
// has "Pyxis MedStation ES" under manufacturer "Becton Dickinson".
func productKey(p vigil.TreeProduct, manufacturer string, al *Aliases) string {
	pk := match.NameKey(p.Product)
	var vendors []string
	for _, v := range []string{p.Vendor, manufacturer} {
		vendors = append(vendors, csafproduct.VendorNames(v)...)
		if c, ok := al.Canonical(v); ok {
			vendors = append(vendors, c)
		}
	}
	for _, v := range vendors {
		if vk := match.NameKey(v); vk != "" && len(pk) > len(vk)+2 && strings.HasPrefix(pk, vk) {
			return pk[len(vk):]
		}
	}
	return pk
}
