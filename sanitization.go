package vigil

import "time"

// SanitizationMethod is a NIST SP 800-88 sanitization category: how far
// the data is put out of reach.
type SanitizationMethod string

const (
	// SanitizeClear applies logical techniques to user-addressable storage
	// (overwrite, factory reset): protects against simple, non-invasive
	// recovery.
	SanitizeClear SanitizationMethod = "clear"
	// SanitizePurge applies physical or logical techniques that make
	// recovery infeasible with state-of-the-art laboratory techniques
	// (block erase, cryptographic erase, degaussing).
	SanitizePurge SanitizationMethod = "purge"
	// SanitizeDestroy makes recovery infeasible and the media unusable
	// (shred, disintegrate, pulverize, incinerate, melt).
	SanitizeDestroy SanitizationMethod = "destroy"
)

// SanitizationMethods lists the methods from weakest to strongest.
var SanitizationMethods = []SanitizationMethod{SanitizeClear, SanitizePurge, SanitizeDestroy}

// Valid reports whether m is a known method.
func (m SanitizationMethod) Valid() bool { return validToken(m, SanitizationMethods) }

// SanitizationTechnique is how a method was carried out.
type SanitizationTechnique string

const (
	TechniqueOverwrite          SanitizationTechnique = "overwrite"
	TechniqueFactoryReset       SanitizationTechnique = "factory_reset"
	TechniqueBlockErase         SanitizationTechnique = "block_erase"
	TechniqueCryptographicErase SanitizationTechnique = "cryptographic_erase"
	TechniqueDegauss            SanitizationTechnique = "degauss"
	TechniqueShred              SanitizationTechnique = "shred"
	TechniqueDisintegrate       SanitizationTechnique = "disintegrate"
	TechniquePulverize          SanitizationTechnique = "pulverize"
	TechniqueIncinerate         SanitizationTechnique = "incinerate"
	TechniqueMelt               SanitizationTechnique = "melt"
	TechniqueOther              SanitizationTechnique = "other"
)

// SanitizationTechniques lists the techniques.
var SanitizationTechniques = []SanitizationTechnique{TechniqueOverwrite, TechniqueFactoryReset, TechniqueBlockErase,
	TechniqueCryptographicErase, TechniqueDegauss, TechniqueShred, TechniqueDisintegrate, TechniquePulverize,
	TechniqueIncinerate, TechniqueMelt, TechniqueOther}

// Valid reports whether t is a known technique.
func (t SanitizationTechnique) Valid() bool { return validToken(t, SanitizationTechniques) }

// MediaType is the kind of storage sanitized, as NIST SP 800-88 groups
// them.
type MediaType string

const (
	MediaHDD          MediaType = "hdd"           // magnetic hard disk (ATA, SCSI, SAS)
	MediaSSD          MediaType = "ssd"           // solid-state drive (SATA, NVMe)
	MediaFlash        MediaType = "flash"         // eMMC, SD / CF cards, USB flash, embedded flash
	MediaMagneticTape MediaType = "magnetic_tape" // tapes, floppies
	MediaOptical      MediaType = "optical"       // CD, DVD, Blu-ray
	MediaMobileDevice MediaType = "mobile_device" // phones, tablets, handhelds
	MediaEmbedded     MediaType = "embedded"      // a device's own memory, reachable only through it (NVRAM, battery-backed RAM)
	MediaPaper        MediaType = "paper"         // printouts, labels
	MediaOther        MediaType = "other"
)

// MediaTypes lists the media types.
var MediaTypes = []MediaType{MediaHDD, MediaSSD, MediaFlash, MediaMagneticTape, MediaOptical, MediaMobileDevice,
	MediaEmbedded, MediaPaper, MediaOther}

// Valid reports whether t is a known media type.
func (t MediaType) Valid() bool { return validToken(t, MediaTypes) }

// VerificationMethod is how the sanitization was checked.
type VerificationMethod string

const (
	// VerifyFull reads back all of the media.
	VerifyFull VerificationMethod = "full"
	// VerifySampling reads back a representative sample (NIST: quick
	// sampling).
	VerifySampling VerificationMethod = "sampling"
	// VerifyInspection inspects destroyed media (particle size, no intact
	// platters or chips).
	VerifyInspection VerificationMethod = "inspection"
	// VerifyToolReport relies on the tool's own completion report (a
	// factory reset's or a sanitize command's status).
	VerifyToolReport VerificationMethod = "tool_report"
)

// VerificationMethods lists the verification methods.
var VerificationMethods = []VerificationMethod{VerifyFull, VerifySampling, VerifyInspection, VerifyToolReport}

// Valid reports whether m is a known method.
func (m VerificationMethod) Valid() bool { return validToken(m, VerificationMethods) }

// VerificationResult is what the verification found.
type VerificationResult string

const (
	VerificationPassed VerificationResult = "passed"
	VerificationFailed VerificationResult = "failed"
)

// VerificationResults lists the results.
var VerificationResults = []VerificationResult{VerificationPassed, VerificationFailed}

// Valid reports whether r is a known result.
func (r VerificationResult) Valid() bool { return validToken(r, VerificationResults) }

// MediaDestination is where the media went after sanitization (NIST SP
// 800-88 Appendix G, "post sanitization destination").
type MediaDestination string

const (
	DestinationInternalReuse MediaDestination = "internal_reuse"
	DestinationExternalReuse MediaDestination = "external_reuse"
	DestinationRecycling     MediaDestination = "recycling"
	DestinationManufacturer  MediaDestination = "manufacturer"
	DestinationDestroyed     MediaDestination = "destroyed"
	DestinationOther         MediaDestination = "other"
)

// MediaDestinations lists the destinations.
var MediaDestinations = []MediaDestination{DestinationInternalReuse, DestinationExternalReuse, DestinationRecycling,
	DestinationManufacturer, DestinationDestroyed, DestinationOther}

// Valid reports whether d is a known destination.
func (d MediaDestination) Valid() bool { return validToken(d, MediaDestinations) }

// Person is someone who signs a sanitization record.
type Person struct {
	Name         string `json:"name"`
	Title        string `json:"title,omitempty"`
	Organization string `json:"organization,omitempty"`
}

// Sanitization is the record of sanitizing one storage medium of an asset
// (NIST SP 800-88 Rev. 1, section 4.8 and Appendix G): what medium, which
// method and technique with which tool, how it was verified and with what
// result, who did it, who verified it, when. The rules that make a record
// complete are in internal/lifecycle/sanitize.
type Sanitization struct {
	ID      int64 `json:"id"`
	OrgID   int64 `json:"org_id"`
	AssetID int64 `json:"asset_id"`
	// The medium.
	MediaType         MediaType `json:"media_type"`
	MediaManufacturer string    `json:"media_manufacturer,omitempty"`
	MediaModel        string    `json:"media_model,omitempty"`
	MediaSerial       string    `json:"media_serial,omitempty"`
	// The sanitization.
	Method    SanitizationMethod    `json:"method"`
	Technique SanitizationTechnique `json:"technique"`
	// Tool is the tool and its version (software, the device's own
	// function, or the destruction service and machine).
	Tool string `json:"tool"`
	// Details are the method's details: passes and pattern, the command
	// issued, the particle size.
	Details string `json:"details,omitempty"`
	// The verification.
	VerificationMethod VerificationMethod `json:"verification_method"`
	VerificationResult VerificationResult `json:"verification_result"`
	VerificationNotes  string             `json:"verification_notes,omitempty"`
	// Who, when, where.
	PerformedBy Person `json:"performed_by"`
	VerifiedBy  Person `json:"verified_by"`
	PerformedOn Date   `json:"performed_on"`
	VerifiedOn  Date   `json:"verified_on,omitzero"`
	Location    string `json:"location,omitempty"`
	// Destination is where the media went afterwards.
	Destination MediaDestination `json:"destination"`
	// BackupMade says whether the data was backed up before (NIST
	// Appendix G asks); nil when not stated.
	BackupMade *bool     `json:"backup_made,omitempty"`
	Notes      string    `json:"notes,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Completed reports whether the record documents a sanitization that was
// verified to have worked. It does not check the other rules: see
// sanitize.Check.
func (s *Sanitization) Completed() bool { return s.VerificationResult == VerificationPassed }

// Decommission records that a hospital retired an asset for good: when,
// why, by whom, and the number of its certificate of sanitization. The
// asset stays, with status decommissioned, so its history can still be
// found.
type Decommission struct {
	ID      int64 `json:"id"`
	OrgID   int64 `json:"org_id"`
	AssetID int64 `json:"asset_id"`
	// AssetTag, Serial, Manufacturer and Model name the asset (read back
	// from it).
	AssetTag         string `json:"asset_tag,omitempty"`
	Serial           string `json:"serial,omitempty"`
	Manufacturer     string `json:"manufacturer"`
	Model            string `json:"model"`
	DecommissionedOn Date   `json:"decommissioned_on"`
	Reason           string `json:"reason"`
	// PreviousStatus is the asset's status before.
	PreviousStatus AssetStatus `json:"previous_status"`
	// PHI is whether the asset stored patient data, as recorded then.
	PHI               bool   `json:"phi"`
	CertificateNumber string `json:"certificate_number"`
	// Certificate is the certificate of sanitization as issued at
	// decommissioning: its canonical JSON, stored once and never changed,
	// and CertificateSHA256 that JSON's SHA-256 (hex). Both are empty for
	// a decommissioning recorded before certificates were stored.
	Certificate       []byte `json:"-"`
	CertificateSHA256 string `json:"certificate_sha256,omitempty"`
	// Sanitizations counts the asset's sanitization records.
	Sanitizations    int       `json:"sanitizations"`
	DecommissionedBy string    `json:"decommissioned_by"`
	CreatedAt        time.Time `json:"created_at"`
}

// DecommissionInput is what decommissioning an asset takes.
type DecommissionInput struct {
	// On defaults to today.
	On     Date   `json:"on,omitzero"`
	Reason string `json:"reason"`
}

// Validate checks the input; On must be set (the service fills in today).
func (in DecommissionInput) Validate() error {
	var v ValidationError
	validateText(&v, "reason", in.Reason, true, 2000)
	if in.On.IsZero() {
		v.Add("on", "is required")
	}
	return v.Err()
}
