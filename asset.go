package vigil

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Criticality is how much a patient depends on a device working, the
// clinical engineering classification a hospital's CMMS keeps per asset.
type Criticality string

const (
	CriticalityLifeSustaining Criticality = "life_sustaining" // ventilators, infusion of vasoactive drugs, dialysis
	CriticalityTherapeutic    Criticality = "therapeutic"     // delivers therapy: pumps, lasers, radiotherapy
	CriticalityDiagnostic     Criticality = "diagnostic"      // imaging, laboratory analysers
	CriticalityMonitoring     Criticality = "monitoring"      // patient monitors, telemetry
	CriticalityNonClinical    Criticality = "non_clinical"    // workstations, printers, logistics
)

// Criticalities lists the levels from most to least critical.
var Criticalities = []Criticality{CriticalityLifeSustaining, CriticalityTherapeutic, CriticalityDiagnostic,
	CriticalityMonitoring, CriticalityNonClinical}

// Valid reports whether c is a known level.
func (c Criticality) Valid() bool { return validToken(c, Criticalities) }

// AssetStatus is where an asset is in its life at the hospital.
type AssetStatus string

const (
	AssetInService      AssetStatus = "in_service"     // in clinical use
	AssetInStorage      AssetStatus = "in_storage"     // spare, not connected
	AssetInRepair       AssetStatus = "in_repair"      // with biomed or the manufacturer
	AssetRetired        AssetStatus = "retired"        // out of use, awaiting disposal (may still hold data)
	AssetDecommissioned AssetStatus = "decommissioned" // disposed of; kept for its history
)

// AssetStatuses lists the statuses in life order.
var AssetStatuses = []AssetStatus{AssetInService, AssetInStorage, AssetInRepair, AssetRetired, AssetDecommissioned}

// Valid reports whether s is a known status.
func (s AssetStatus) Valid() bool { return validToken(s, AssetStatuses) }

// Active reports whether an asset in this status can still be attacked or
// leak data: everything but decommissioned.
func (s AssetStatus) Active() bool { return s != AssetDecommissioned }

// Asset is one device of a healthcare provider's fleet, as its CMMS knows
// it, with the manufacturer release it runs (its mapping).
type Asset struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// AssetTag is the hospital's inventory number; Serial the maker's
	// serial number. An import finds an existing asset by tag, else serial.
	AssetTag string `json:"asset_tag,omitempty"`
	Serial   string `json:"serial,omitempty"`
	// Manufacturer, Model and Version are as the CMMS records them;
	// Version is the software or firmware version.
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Version      string `json:"version,omitempty"`
	// DeviceType is the kind of device ("infusion pump"); ClinicalFunction
	// what it does for the patient.
	DeviceType       string      `json:"device_type,omitempty"`
	ClinicalFunction string      `json:"clinical_function,omitempty"`
	Criticality      Criticality `json:"criticality"`
	// PHI is true when the device stores or transmits protected health
	// information.
	PHI bool `json:"phi"`
	// Site, Building and Unit locate the device.
	Site     string `json:"site,omitempty"`
	Building string `json:"building,omitempty"`
	Unit     string `json:"unit,omitempty"`
	// IP and MAC address it on the network; VLAN and Zone place it.
	IP   string `json:"ip,omitempty"`
	MAC  string `json:"mac,omitempty"`
	VLAN string `json:"vlan,omitempty"`
	Zone string `json:"zone,omitempty"`
	// InternetExposed is true when the device is reachable from the
	// internet (remote service access, a public address).
	InternetExposed bool        `json:"internet_exposed"`
	Owner           string      `json:"owner,omitempty"`
	Status          AssetStatus `json:"status"`
	PurchasedOn     Date        `json:"purchased_on,omitzero"`
	WarrantyUntil   Date        `json:"warranty_until,omitzero"`
	// Mapping is the manufacturer release the asset runs, when known.
	Mapping   AssetMapping `json:"mapping"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Label names an asset for people: its tag, else its serial, else its id.
func (a *Asset) Label() string {
	switch {
	case a.AssetTag != "":
		return a.AssetTag
	case a.Serial != "":
		return "serial " + a.Serial
	}
	return "asset " + strconv.FormatInt(a.ID, 10)
}

// Location is site / building / unit, the parts that are known.
func (a *Asset) Location() string {
	var parts []string
	for _, p := range []string{a.Site, a.Building, a.Unit} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " / ")
}

// SameFields reports whether b carries the same inventory fields as a
// (everything an import writes; not ids, times or the mapping).
func (a *Asset) SameFields(b *Asset) bool {
	x, y := *a, *b
	x.ID, x.OrgID, x.CreatedAt, x.UpdatedAt, x.Mapping = 0, 0, time.Time{}, time.Time{}, AssetMapping{}
	y.ID, y.OrgID, y.CreatedAt, y.UpdatedAt, y.Mapping = 0, 0, time.Time{}, time.Time{}, AssetMapping{}
	return x == y
}

var macPattern = regexp.MustCompile(`^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$`)

// Validate checks every inventory field and reports all problems at once.
func (a *Asset) Validate() error {
	var v ValidationError
	if strings.TrimSpace(a.AssetTag) == "" && strings.TrimSpace(a.Serial) == "" {
		v.Add("asset_tag", "an asset needs an asset tag or a serial number")
	}
	validateText(&v, "asset_tag", a.AssetTag, false, 100)
	validateText(&v, "serial", a.Serial, false, 100)
	validateText(&v, "manufacturer", a.Manufacturer, true, 200)
	validateText(&v, "model", a.Model, true, 200)
	validateText(&v, "version", a.Version, false, 100)
	for _, f := range []struct{ name, val string }{
		{"device_type", a.DeviceType}, {"clinical_function", a.ClinicalFunction}, {"site", a.Site},
		{"building", a.Building}, {"unit", a.Unit}, {"vlan", a.VLAN}, {"zone", a.Zone}, {"owner", a.Owner},
	} {
		validateText(&v, f.name, f.val, false, 200)
	}
	if !a.Criticality.Valid() {
		v.Add("criticality", "must be one of %v", Criticalities)
	}
	if !a.Status.Valid() {
		v.Add("status", "must be one of %v", AssetStatuses)
	}
	if a.IP != "" {
		if _, err := netip.ParseAddr(a.IP); err != nil {
			v.Add("ip", "%q is not an IPv4 or IPv6 address", a.IP)
		}
	}
	if a.MAC != "" && !macPattern.MatchString(a.MAC) {
		v.Add("mac", "%q is not a MAC address (six hex pairs)", a.MAC)
	}
	if !a.PurchasedOn.IsZero() && !a.WarrantyUntil.IsZero() && a.WarrantyUntil.Before(a.PurchasedOn) {
		v.Add("warranty_until", "is before purchased_on")
	}
	return v.Err()
}

// MappingConfidence says how sure the link from an asset to a release is.
type MappingConfidence string

const (
	// MappingConfirmed: a person confirmed or set the mapping.
	MappingConfirmed MappingConfidence = "confirmed"
	// MappingExact: manufacturer (after aliases), model and version equal.
	MappingExact MappingConfidence = "exact"
	// MappingProbable: manufacturer and model equal, the version differs
	// only in form ("3.0" and "3.0.0", "v3.0").
	MappingProbable MappingConfidence = "probable"
	// MappingPossible: the model is close but not equal; a person should
	// confirm.
	MappingPossible MappingConfidence = "possible"
)

// MappingConfidences lists the levels from most to least sure.
var MappingConfidences = []MappingConfidence{MappingConfirmed, MappingExact, MappingProbable, MappingPossible}

// Valid reports whether c is a known level.
func (c MappingConfidence) Valid() bool { return validToken(c, MappingConfidences) }

// AssetMapping links an asset to the manufacturer release it runs. The
// release may belong to the hospital's own catalogue or to a manufacturer
// organization that shared it.
type AssetMapping struct {
	// ReleaseID is zero when the asset is unmapped.
	ReleaseID    int64 `json:"release_id,omitempty"`
	ReleaseOrgID int64 `json:"release_org_id,omitempty"`
	// Product and ReleaseVersion name the release, for display.
	Product        string            `json:"product,omitempty"`
	ReleaseVersion string            `json:"release_version,omitempty"`
	Confidence     MappingConfidence `json:"confidence,omitempty"`
	// Reason says why the mapping was made ("manufacturer alias GE
	// Medical Systems → GE HealthCare; model and version equal").
	Reason   string    `json:"reason,omitempty"`
	MappedBy string    `json:"mapped_by,omitempty"`
	MappedAt time.Time `json:"mapped_at,omitzero"`
}

// Mapped reports whether the asset is linked to a release.
func (m AssetMapping) Mapped() bool { return m.ReleaseID != 0 }

// AdvisoryProduct links an asset to a product of a public device advisory
// (a CSAF product tree entry, e.g. of a CISA ICSMA): how a device that came
// with no SBOM is still found when a vulnerability is published.
type AdvisoryProduct struct {
	AssetID int64 `json:"asset_id"`
	// AdvisoryID is the knowledge base's id of the advisory; Advisory its
	// tracking id.
	AdvisoryID int64  `json:"-"`
	Advisory   string `json:"advisory"`
	// ProductID is the CSAF product id, Name the product's full name.
	ProductID  string            `json:"product_id"`
	Name       string            `json:"name"`
	Confidence MappingConfidence `json:"confidence"`
	// Score is the identification's confidence, 0–1 (see
	// internal/fleet/ident); Confidence is the level it falls in, or
	// "confirmed" when a person said so.
	Score float64 `json:"score"`
	// Reason is the evidence: how manufacturer, model numbers, words and
	// version matched.
	Reason string `json:"reason,omitempty"`
	// Revision is the advisory's tracking version the link was made on.
	Revision string `json:"revision,omitempty"`
}

// LinkDecision is a person's word on an asset ↔ advisory-product link.
type LinkDecision string

const (
	// LinkConfirmed: the asset is the product; the link counts whatever
	// its score, in every later revision of the advisory.
	LinkConfirmed LinkDecision = "confirmed"
	// LinkRejected: the asset is not the product; the link does not come
	// back for the same revision of the advisory.
	LinkRejected LinkDecision = "rejected"
)

// AdvisoryLinkDecision records a person's decision on a link. It names the
// advisory by tracking id, so that it survives re-imports and re-syncs of
// the knowledge base and re-imports of the inventory.
type AdvisoryLinkDecision struct {
	OrgID     int64        `json:"org_id"`
	AssetID   int64        `json:"asset_id"`
	Advisory  string       `json:"advisory"`
	ProductID string       `json:"product_id"`
	Revision  string       `json:"revision,omitempty"`
	Decision  LinkDecision `json:"decision"`
	Note      string       `json:"note,omitempty"`
	DecidedBy string       `json:"decided_by"`
	DecidedAt time.Time    `json:"decided_at"`
}

// Validate checks a decision before it is stored.
func (d AdvisoryLinkDecision) Validate() error {
	var v ValidationError
	validateText(&v, "advisory", d.Advisory, true, 200)
	validateText(&v, "product_id", d.ProductID, true, 200)
	validateText(&v, "revision", d.Revision, false, 100)
	validateText(&v, "note", d.Note, false, 2000)
	if d.Decision != LinkConfirmed && d.Decision != LinkRejected {
		v.Add("decision", "must be confirmed or rejected")
	}
	return v.Err()
}

// AssetEventKind says what happened to an asset's exposure.
type AssetEventKind string

const (
	// EventExposed: the asset became exposed to a vulnerability.
	EventExposed AssetEventKind = "exposed"
	// EventAdvisory: a device advisory naming the asset's vulnerability
	// was published or revised (Before and After are its revisions).
	EventAdvisory AssetEventKind = "advisory"
	// EventKEVAdded: a vulnerability the asset is exposed to was added to
	// CISA's Known Exploited Vulnerabilities catalog.
	EventKEVAdded AssetEventKind = "kev_added"
	// EventEPSSCrossed: the vulnerability's EPSS probability crossed the
	// organization's threshold (up or down; Before and After are scores).
	EventEPSSCrossed AssetEventKind = "epss_crossed"
	// EventExposureRemoved: a statement (VEX, advisory status, triage
	// decision) says the asset's device is not affected or fixed.
	EventExposureRemoved AssetEventKind = "exposure_removed"
	// EventExposureRestored: the statement that removed the exposure is
	// gone or overruled; the asset is exposed again.
	EventExposureRestored AssetEventKind = "exposure_restored"
	// EventRiskAcceptanceExpired: a risk acceptance on the asset's work
	// item ran out; the work item is open again.
	EventRiskAcceptanceExpired AssetEventKind = "risk_acceptance_expired"
)

// AssetEventKinds lists the kinds.
var AssetEventKinds = []AssetEventKind{EventExposed, EventAdvisory, EventKEVAdded, EventEPSSCrossed,
	EventExposureRemoved, EventExposureRestored, EventRiskAcceptanceExpired}

// Valid reports whether k is a known kind.
func (k AssetEventKind) Valid() bool { return validToken(k, AssetEventKinds) }

// AssetEvent records something that changed an asset's exposure to a
// vulnerability, for notifications and alerting to pick up.
type AssetEvent struct {
	ID       int64          `json:"id"`
	OrgID    int64          `json:"org_id"`
	AssetID  int64          `json:"asset_id"`
	AssetTag string         `json:"asset_tag,omitempty"`
	VulnID   string         `json:"vuln_id"`
	Kind     AssetEventKind `json:"kind"`
	// Via is how the exposure was found: "sbom" or "advisory" (both,
	// joined by "+").
	Via    string `json:"via"`
	Detail string `json:"detail"`
	// Before and After say what changed: an advisory's revisions, EPSS
	// scores, exposure states ("exposed", "not_affected", "fixed"), a
	// work item's state.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Source names what caused the event: an advisory's tracking id, the
	// KEV catalog, an EPSS day, the statement's author or document, a
	// work item.
	Source string `json:"source,omitempty"`
	// Dedupe makes a repeat of the same fact a no-op: an advisory's
	// revision, a KEV entry, an EPSS day. Empty for transitions, which
	// are recorded when they differ from the last recorded state.
	Dedupe    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// ManufacturerAlias maps a name a CMMS uses for a manufacturer onto the
// name vigil matches by (per organization, beside the built-in table).
type ManufacturerAlias struct {
	OrgID     int64  `json:"org_id"`
	Alias     string `json:"alias"`
	Canonical string `json:"canonical"`
}

// Validate checks both names.
func (m ManufacturerAlias) Validate() error {
	var v ValidationError
	validateText(&v, "alias", m.Alias, true, 200)
	validateText(&v, "canonical", m.Canonical, true, 200)
	return v.Err()
}
