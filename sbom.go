package vigil

import (
	"strconv"
	"strings"
	"time"
)

// SBOMFormat is the standard an SBOM document follows.
type SBOMFormat string

const (
	FormatCycloneDX SBOMFormat = "cyclonedx"
	FormatSPDX      SBOMFormat = "spdx"
)

// Valid reports whether f is a known format.
func (f SBOMFormat) Valid() bool { return f == FormatCycloneDX || f == FormatSPDX }

// SBOMEncoding is the serialisation of an SBOM document.
type SBOMEncoding string

const (
	EncodingJSON     SBOMEncoding = "json"
	EncodingXML      SBOMEncoding = "xml"
	EncodingTagValue SBOMEncoding = "tag-value"
)

// Valid reports whether e is a known encoding.
func (e SBOMEncoding) Valid() bool {
	return e == EncodingJSON || e == EncodingXML || e == EncodingTagValue
}

// SBOMDocument is one SBOM as received: what the document says about itself
// and facts about its bytes. Its components and dependencies are kept apart
// (Component, Dependency) so that a large document never has to be held whole.
type SBOMDocument struct {
	ID        int64 `json:"id"`
	OrgID     int64 `json:"org_id"`
	ReleaseID int64 `json:"release_id"`

	Format      SBOMFormat   `json:"format"`
	SpecVersion string       `json:"spec_version"` // "1.6", "2.3"
	Encoding    SBOMEncoding `json:"encoding"`
	// SerialNumber is the CycloneDX serialNumber (urn:uuid:…) or the SPDX
	// documentNamespace: the document's own unique identifier.
	SerialNumber string `json:"serial_number,omitempty"`
	// Version is the CycloneDX BOM version (1 when absent); 0 for SPDX.
	Version int `json:"version,omitempty"`
	// Name is the SPDX document name or, for CycloneDX, the name of the
	// component the BOM describes (metadata.component).
	Name string `json:"name,omitempty"`
	// Authors are the people or organizations that wrote the SBOM (CycloneDX
	// metadata.authors and manufacturer/supplier; SPDX creators "Person:" and
	// "Organization:").
	Authors []string `json:"authors,omitempty"`
	// Tools that produced the SBOM, "name version" (SPDX creators "Tool:").
	Tools []string `json:"tools,omitempty"`
	// Supplier is the organization that supplies the described product
	// (CycloneDX metadata.supplier).
	Supplier string `json:"supplier,omitempty"`
	// Timestamp is when the SBOM was made (CycloneDX metadata.timestamp, SPDX
	// creationInfo.created); zero when the document does not say.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// DataLicense is the SPDX dataLicense (CC0-1.0).
	DataLicense string `json:"data_license,omitempty"`
	// Describes lists the refs of the components the document is about
	// (CycloneDX metadata.component, SPDX DESCRIBES / documentDescribes).
	Describes []string `json:"describes,omitempty"`

	// SHA256 is the hex digest of the original bytes, before any decoding.
	SHA256 string `json:"sha256"`
	// Size is the length of the original bytes.
	Size int64 `json:"size"`
	// Components and Dependencies count what the parser delivered.
	Components   int `json:"components"`
	Dependencies int `json:"dependencies"`
	// Warnings lists what the parser accepted but changed or ignored, with
	// where (for example a control character removed from a name). It is
	// capped; WarningsDropped counts the rest.
	Warnings        []string `json:"warnings,omitempty"`
	WarningsDropped int      `json:"warnings_dropped,omitempty"`

	CreatedAt time.Time `json:"created_at,omitzero"`
	// SupersededAt is when a newer document replaced this one as its
	// release's SBOM; zero while it is current.
	SupersededAt time.Time `json:"superseded_at,omitzero"`
}

// ComponentType is what kind of thing a component is, in CycloneDX's tokens.
// SPDX primaryPackagePurpose values map onto these (see internal/sbom).
type ComponentType string

const (
	ComponentApplication          ComponentType = "application"
	ComponentFramework            ComponentType = "framework"
	ComponentLibrary              ComponentType = "library"
	ComponentContainer            ComponentType = "container"
	ComponentPlatform             ComponentType = "platform"
	ComponentOperatingSystem      ComponentType = "operating-system"
	ComponentDevice               ComponentType = "device"
	ComponentDeviceDriver         ComponentType = "device-driver"
	ComponentFirmware             ComponentType = "firmware"
	ComponentFile                 ComponentType = "file"
	ComponentMachineLearningModel ComponentType = "machine-learning-model"
	ComponentData                 ComponentType = "data"
	ComponentCryptographicAsset   ComponentType = "cryptographic-asset"
)

// ComponentTypes lists every component type.
var ComponentTypes = []ComponentType{
	ComponentApplication, ComponentFramework, ComponentLibrary, ComponentContainer,
	ComponentPlatform, ComponentOperatingSystem, ComponentDevice, ComponentDeviceDriver,
	ComponentFirmware, ComponentFile, ComponentMachineLearningModel, ComponentData,
	ComponentCryptographicAsset,
}

// Valid reports whether t is a known component type.
func (t ComponentType) Valid() bool {
	for _, u := range ComponentTypes {
		if t == u {
			return true
		}
	}
	return false
}

// ComponentScope is CycloneDX's component scope: whether the component is
// part of the runtime of what the SBOM describes.
type ComponentScope string

const (
	ScopeRequired ComponentScope = "required"
	ScopeOptional ComponentScope = "optional"
	ScopeExcluded ComponentScope = "excluded"
)

// Valid reports whether s is a known scope.
func (s ComponentScope) Valid() bool {
	return s == ScopeRequired || s == ScopeOptional || s == ScopeExcluded
}

// SupportLevel is a component's level of support, the FDA premarket
// cybersecurity guidance's words (section 524B SBOM): whether the component's
// maker still maintains it.
type SupportLevel string

const (
	// SupportActive: the component's maker maintains it (fixes, patches).
	SupportActive SupportLevel = "actively_maintained"
	// SupportLimited: maintained for security fixes only, or with an
	// announced end of support.
	SupportLimited SupportLevel = "limited_support"
	// SupportNone: no longer maintained; no more fixes will come.
	SupportNone SupportLevel = "no_longer_maintained"
	// SupportAbandoned: the maker is gone or silent.
	SupportAbandoned SupportLevel = "abandoned"
	// SupportUnknown: the manufacturer stated it does not know.
	SupportUnknown SupportLevel = "unknown"
)

// SupportLevels lists every support level.
var SupportLevels = []SupportLevel{SupportActive, SupportLimited, SupportNone, SupportAbandoned, SupportUnknown}

// Valid reports whether l is a known support level.
func (l SupportLevel) Valid() bool {
	for _, m := range SupportLevels {
		if l == m {
			return true
		}
	}
	return false
}

// ParseSupportLevel reads a support level the way people write it: case,
// spaces, hyphens and underscores do not matter, and a few common synonyms
// ("supported", "maintained", "eol", "end of life", "unsupported") are taken.
func ParseSupportLevel(s string) (SupportLevel, bool) {
	k := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return '_'
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "actively_maintained", "active", "maintained", "supported", "full_support", "full":
		return SupportActive, true
	case "limited_support", "limited", "security_only", "security_fixes_only", "maintenance":
		return SupportLimited, true
	case "no_longer_maintained", "not_maintained", "unmaintained", "unsupported", "end_of_life", "eol", "end_of_support", "eos", "none":
		return SupportNone, true
	case "abandoned":
		return SupportAbandoned, true
	case "unknown":
		return SupportUnknown, true
	}
	return "", false
}

// HashAlg is a digest algorithm in CycloneDX's tokens; the SPDX-only
// algorithms use their SPDX names.
type HashAlg string

const (
	HashMD5        HashAlg = "MD5"
	HashSHA1       HashAlg = "SHA-1"
	HashSHA256     HashAlg = "SHA-256"
	HashSHA384     HashAlg = "SHA-384"
	HashSHA512     HashAlg = "SHA-512"
	HashSHA3_256   HashAlg = "SHA3-256"
	HashSHA3_384   HashAlg = "SHA3-384"
	HashSHA3_512   HashAlg = "SHA3-512"
	HashBLAKE2b256 HashAlg = "BLAKE2b-256"
	HashBLAKE2b384 HashAlg = "BLAKE2b-384"
	HashBLAKE2b512 HashAlg = "BLAKE2b-512"
	HashBLAKE3     HashAlg = "BLAKE3"
	// SPDX-only algorithms: CycloneDX cannot carry them.
	HashSHA224  HashAlg = "SHA-224"
	HashMD2     HashAlg = "MD2"
	HashMD4     HashAlg = "MD4"
	HashMD6     HashAlg = "MD6"
	HashADLER32 HashAlg = "ADLER32"
)

// hashHexLen is the length in hex digits of each fixed-size digest; 0 means
// variable (BLAKE3, MD6).
var hashHexLen = map[HashAlg]int{
	HashMD5: 32, HashSHA1: 40, HashSHA256: 64, HashSHA384: 96, HashSHA512: 128,
	HashSHA3_256: 64, HashSHA3_384: 96, HashSHA3_512: 128,
	HashBLAKE2b256: 64, HashBLAKE2b384: 96, HashBLAKE2b512: 128, HashBLAKE3: 0,
	HashSHA224: 56, HashMD2: 32, HashMD4: 32, HashMD6: 0, HashADLER32: 8,
}

// Valid reports whether a is a known algorithm.
func (a HashAlg) Valid() bool { _, ok := hashHexLen[a]; return ok }

// CycloneDX reports whether CycloneDX can carry a.
func (a HashAlg) CycloneDX() bool {
	switch a {
	case HashSHA224, HashMD2, HashMD4, HashMD6, HashADLER32:
		return false
	}
	return a.Valid()
}

// Hash is one digest of a component's artifact.
type Hash struct {
	Alg HashAlg `json:"alg"`
	// Value is lower-case hexadecimal.
	Value string `json:"value"`
}

// Check reports what is wrong with h, or "" when it is well formed: a known
// algorithm and a hex value of that algorithm's length.
func (h Hash) Check() string {
	n, ok := hashHexLen[h.Alg]
	if !ok {
		return "unknown hash algorithm " + strconv.Quote(string(h.Alg))
	}
	for _, r := range h.Value {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return string(h.Alg) + " value is not hexadecimal"
		}
	}
	if h.Value == "" || n > 0 && len(h.Value) != n {
		return string(h.Alg) + " value has " + strconv.Itoa(len(h.Value)) + " hex digits, want " + strconv.Itoa(n)
	}
	return ""
}

// ExternalRef is a link from a component to somewhere else: its website,
// VCS, distribution, advisories. Type uses CycloneDX's external reference
// types ("website", "vcs", "distribution", "advisories", …).
type ExternalRef struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Property is a name/value pair the formats carry and vigil keeps without
// interpreting (CycloneDX properties not mapped onto a field).
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Component is one entry of an SBOM: a package, library, firmware, file or
// device, flattened out of any nesting (ParentRef keeps the parent).
type Component struct {
	ID        int64 `json:"id"`
	OrgID     int64 `json:"org_id"`
	ReleaseID int64 `json:"release_id"`
	SBOMID    int64 `json:"sbom_id"`

	// Ref is the component's id inside its document: CycloneDX bom-ref or
	// SPDX SPDXID. Parsers give refs to components that lack one, so that
	// every component has a unique Ref within its document.
	Ref string `json:"ref"`
	// ParentRef is the Ref of the component this one is nested in
	// (CycloneDX components[].components[]); empty at the top level.
	ParentRef string        `json:"parent_ref,omitempty"`
	Type      ComponentType `json:"type"`
	// Group is the CycloneDX group (Maven groupId, npm scope, …).
	Group   string `json:"group,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Supplier is who distributes the component (CycloneDX supplier.name,
	// SPDX PackageSupplier without its "Organization: " prefix).
	Supplier string `json:"supplier,omitempty"`
	// Manufacturer is who made it (CycloneDX manufacturer.name).
	Manufacturer string `json:"manufacturer,omitempty"`
	// Author is the component's author (CycloneDX author/authors, SPDX
	// PackageOriginator).
	Author    string `json:"author,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	// PURL is the package URL in canonical form.
	PURL string   `json:"purl,omitempty"`
	CPEs []string `json:"cpes,omitempty"`
	// SWIDTagID is the ISO/IEC 19770-2 tag id, when given.
	SWIDTagID string `json:"swid_tag_id,omitempty"`
	Hashes    []Hash `json:"hashes,omitempty"`
	// Licenses are SPDX license ids or expressions, or a license name where
	// the document gives only a name.
	Licenses    []string       `json:"licenses,omitempty"`
	Copyright   string         `json:"copyright,omitempty"`
	Description string         `json:"description,omitempty"`
	Scope       ComponentScope `json:"scope,omitempty"`
	// DownloadLocation is the SPDX PackageDownloadLocation (or a CycloneDX
	// "distribution" reference) when it is a real location.
	DownloadLocation string        `json:"download_location,omitempty"`
	ExternalRefs     []ExternalRef `json:"external_refs,omitempty"`
	// SupportLevel and EndOfSupport are the FDA fields: the component's
	// level of support and the day its support ends.
	SupportLevel SupportLevel `json:"support_level,omitempty"`
	EndOfSupport Date         `json:"end_of_support,omitzero"`
	// Properties are the document's name/value pairs for the component that
	// no field above took.
	Properties []Property `json:"properties,omitempty"`
}

// Dependency says that the component Ref depends on (or contains) each of
// DependsOn, all refs in the same document. A document may give several
// Dependency values for one Ref; the graph is their union.
type Dependency struct {
	SBOMID    int64    `json:"sbom_id,omitempty"`
	Ref       string   `json:"ref"`
	DependsOn []string `json:"depends_on"`
}
