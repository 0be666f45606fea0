package assetfile

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// commonValues are the words CMMS exports use for vigil's tokens, by
// field, compared without case, spaces and punctuation.
func commonValues() map[string]map[string]string {
	return map[string]map[string]string{
		"criticality": {
			"lifesupport": "life_sustaining", "lifesustaining": "life_sustaining", "lifesupporting": "life_sustaining",
			"critical": "life_sustaining", "therapeutic": "therapeutic", "therapy": "therapeutic", "treatment": "therapeutic",
			"diagnostic": "diagnostic", "diagnosis": "diagnostic", "imaging": "diagnostic", "laboratory": "diagnostic",
			"monitoring": "monitoring", "monitor": "monitoring", "patientmonitoring": "monitoring",
			"nonclinical": "non_clinical", "none": "non_clinical", "support": "non_clinical", "administrative": "non_clinical",
		},
		"status": {
			"inservice": "in_service", "active": "in_service", "inuse": "in_service", "operational": "in_service", "deployed": "in_service",
			"instorage": "in_storage", "storage": "in_storage", "spare": "in_storage", "inventory": "in_storage",
			"inrepair": "in_repair", "repair": "in_repair", "maintenance": "in_repair", "undermaintenance": "in_repair", "outforrepair": "in_repair",
			"retired": "retired", "inactive": "retired", "outofservice": "retired",
			"decommissioned": "decommissioned", "disposed": "decommissioned", "scrapped": "decommissioned",
		},
	}
}

func boolValue(s string) (bool, bool) {
	switch headerKey(s) {
	case "yes", "y", "true", "t", "1", "x":
		return true, true
	case "no", "n", "false", "f", "0", "":
		return false, true
	}
	return false, false
}

// dateLayouts are tried after the mapping's own layout.
var dateLayouts = []string{"2006-01-02", "2006/01/02", "01/02/2006", "1/2/2006", "1/2/06", "01-02-2006", "2-Jan-2006", "02-Jan-06", "Jan 2, 2006", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05"}

func parseDate(s, layout string) (vigil.Date, error) {
	layouts := dateLayouts
	if layout != "" {
		layouts = append([]string{layout}, dateLayouts...)
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return vigil.DateOf(t), nil
		}
	}
	return vigil.Date{}, fmt.Errorf("%q is not a date (expected e.g. 2024-03-31)", s)
}

// Asset turns a row into an asset and lists the row's problems. The asset
// is nil when the row has any.
func (t *Table) Asset(row Row, m Mapping) (*vigil.Asset, []RowProblem) {
	var probs []RowProblem
	problem := func(field, format string, args ...any) {
		probs = append(probs, RowProblem{Row: row.Number, Column: t.Columns[field], Field: field, Message: fmt.Sprintf(format, args...)})
	}
	get := func(f string) string {
		if v, ok := row.Cells[f]; ok {
			return v
		}
		return strings.TrimSpace(m.Defaults[f])
	}
	common := commonValues()
	token := func(f string) string {
		v := get(f)
		if v == "" {
			return ""
		}
		for from, to := range m.Values[f] {
			if headerKey(from) == headerKey(v) {
				return to
			}
		}
		if to, ok := common[f][headerKey(v)]; ok {
			return to
		}
		return v
	}
	a := &vigil.Asset{
		AssetTag: get("asset_tag"), Serial: get("serial"), Manufacturer: get("manufacturer"), Model: get("model"),
		Version: get("version"), DeviceType: get("device_type"), ClinicalFunction: get("clinical_function"),
		Criticality: vigil.Criticality(token("criticality")), Site: get("site"), Building: get("building"),
		Unit: get("unit"), IP: get("ip"), MAC: get("mac"), VLAN: get("vlan"), Zone: get("zone"),
		Owner: get("owner"), Status: vigil.AssetStatus(token("status")),
	}
	if a.Status == "" {
		a.Status = vigil.AssetInService
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"phi", &a.PHI}, {"internet_exposed", &a.InternetExposed}} {
		v := token(f.name)
		b, ok := boolValue(v)
		if !ok {
			problem(f.name, "%q is not yes or no", v)
		}
		*f.dst = b
	}
	for _, f := range []struct {
		name string
		dst  *vigil.Date
	}{{"purchased_on", &a.PurchasedOn}, {"warranty_until", &a.WarrantyUntil}} {
		if v := get(f.name); v != "" {
			d, err := parseDate(v, m.DateFormat)
			if err != nil {
				problem(f.name, "%v", err)
			}
			*f.dst = d
		}
	}
	if a.Criticality == "" {
		problem("criticality", "is required (one of %v, or map the file's values in the column mapping)", vigil.Criticalities)
	} else if !a.Criticality.Valid() {
		problem("criticality", "%q is not a criticality (one of %v; map the file's values in the column mapping)", get("criticality"), vigil.Criticalities)
	}
	if !a.Status.Valid() {
		problem("status", "%q is not a status (one of %v)", get("status"), vigil.AssetStatuses)
	}
	if err := a.Validate(); err != nil {
		var ve *vigil.ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Fields {
				if (fe.Field == "criticality" || fe.Field == "status") && hasProblem(probs, fe.Field) {
					continue
				}
				problem(fe.Field, "%s", fe.Message)
			}
		} else {
			problem("", "%v", err)
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return a, nil
}

func hasProblem(ps []RowProblem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}
