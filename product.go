package vigil

import "time"

// Product is a medical device product line: what a manufacturer makes and
// releases versions of, or what a hospital keeps in its catalogue.
type Product struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// Name is the product's handle within its organization (unique there).
	Name string `json:"name"`
	// Manufacturer is the maker's name as it stands on the device; for a
	// manufacturer organization's own products it is usually its own name.
	Manufacturer string `json:"manufacturer"`
	// DeviceModels are the model names or numbers the product is sold under.
	DeviceModels []string `json:"device_models"`
	// IntendedUse is the regulatory intended use statement.
	IntendedUse string `json:"intended_use"`
	// ClinicalFunction is what the device does for the patient, e.g.
	// "infusion therapy" or "patient monitoring".
	ClinicalFunction string    `json:"clinical_function"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// ProductInput is what creating a product takes.
type ProductInput struct {
	Name             string   `json:"name"`
	Manufacturer     string   `json:"manufacturer"`
	DeviceModels     []string `json:"device_models,omitempty"`
	IntendedUse      string   `json:"intended_use,omitempty"`
	ClinicalFunction string   `json:"clinical_function,omitempty"`
}

// Validate checks every field and reports all problems at once.
func (in ProductInput) Validate() error {
	var v ValidationError
	validateHandle(&v, "name", in.Name)
	validateText(&v, "manufacturer", in.Manufacturer, true, 200)
	validateModels(&v, in.DeviceModels)
	validateText(&v, "intended_use", in.IntendedUse, false, 4000)
	validateText(&v, "clinical_function", in.ClinicalFunction, false, 200)
	return v.Err()
}

// ProductUpdate changes the fields that are set; nil leaves a field as is.
type ProductUpdate struct {
	Manufacturer     *string   `json:"manufacturer,omitempty"`
	DeviceModels     *[]string `json:"device_models,omitempty"`
	IntendedUse      *string   `json:"intended_use,omitempty"`
	ClinicalFunction *string   `json:"clinical_function,omitempty"`
}

// Apply returns p with the update's set fields changed.
func (u ProductUpdate) Apply(p Product) Product {
	if u.Manufacturer != nil {
		p.Manufacturer = *u.Manufacturer
	}
	if u.DeviceModels != nil {
		p.DeviceModels = *u.DeviceModels
	}
	if u.IntendedUse != nil {
		p.IntendedUse = *u.IntendedUse
	}
	if u.ClinicalFunction != nil {
		p.ClinicalFunction = *u.ClinicalFunction
	}
	return p
}

// Input returns the product's fields as an input, so an update can be
// validated by the same rules as a creation.
func (p Product) Input() ProductInput {
	return ProductInput{
		Name: p.Name, Manufacturer: p.Manufacturer, DeviceModels: p.DeviceModels,
		IntendedUse: p.IntendedUse, ClinicalFunction: p.ClinicalFunction,
	}
}

func validateHandle(v *ValidationError, field, s string) {
	validateText(v, field, s, true, 200)
	if s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		v.Add(field, "must not start or end with a space")
	}
}

func validateModels(v *ValidationError, models []string) {
	seen := make(map[string]bool, len(models))
	for _, m := range models {
		validateText(v, "device_models", m, true, 200)
		if seen[m] {
			v.Add("device_models", "lists %q twice", m)
		}
		seen[m] = true
	}
	if len(models) > 500 {
		v.Add("device_models", "has more than 500 entries")
	}
}
