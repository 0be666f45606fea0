package csafproduct

import "github.com/vigil/vigil"

// VersionCovers reports whether a device version falls under the version a
// product tree entry stands for (its product_version or
// product_version_range branch, read as the matcher reads them), and says
// which rule decided. An error means it cannot be decided: the device
// states no version, or the advisory's text is not understood.
func VersionCovers(p vigil.TreeProduct, version string) (bool, string, error) {
	r := treeRule(p)
	ok, err := r.check(version)
	return ok, r.String(), err
}
