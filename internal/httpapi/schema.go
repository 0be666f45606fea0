package httpapi

import (
	"reflect"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/sbom"
)

// newRegistry returns the schema registry of the OpenAPI document. vigil's
// domain types are plain Go with JSON tags and no huma tags (the domain
// imports only the standard library), so the few types whose wire form huma
// cannot see from reflection are described here, from the domain's own
// lists, so the enums cannot drift either.
func newRegistry() huma.Registry {
	r := huma.NewMapRegistry("#/components/schemas/", schemaNamer)
	r.RegisterTypeAlias(reflect.TypeFor[vigil.Date](), reflect.TypeFor[dateSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.Phase](), reflect.TypeFor[phaseSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[lifecycle.HorizonPhase](), reflect.TypeFor[horizonPhaseSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.OrgKind](), reflect.TypeFor[orgKindSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.ComponentType](), reflect.TypeFor[componentTypeSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.SupportLevel](), reflect.TypeFor[supportLevelSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[sbom.Element](), reflect.TypeFor[elementSchema]())
	return r
}

// schemaNamer is huma's namer, with the fleet's types prefixed: fleet and
// risk both have a Priority and a Factor, and the document needs one name
// per type.
func schemaNamer(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/fleet") && !strings.HasPrefix(name, "Fleet") {
		return "Fleet" + name
	}
	return name
}

// dateSchema describes vigil.Date, which marshals as text.
type dateSchema string

func (dateSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Pattern:     `^([0-9]{4}-[0-9]{2}-[0-9]{2})?$`,
		Description: "A calendar day, YYYY-MM-DD. In an update, the empty string clears the date.",
		Examples:    []any{"2026-03-14"},
	}
}

// phaseSchema describes vigil.Phase.
type phaseSchema string

func (phaseSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(vigil.Phases),
		Description: "A lifecycle phase (IMDRF N70), in lifecycle order.",
	}
}

// horizonPhaseSchema describes lifecycle.HorizonPhase: a phase, or
// "unknown" for an asset mapped to no release vigil can see.
type horizonPhaseSchema string

func (horizonPhaseSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        append(enum(vigil.Phases), string(lifecycle.PhaseUnknown)),
		Description: "A lifecycle phase (IMDRF N70), or unknown for an asset mapped to no release.",
	}
}

// orgKindSchema describes vigil.OrgKind.
type orgKindSchema string

func (orgKindSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(vigil.OrgKinds),
		Description: "Which side of the device lifecycle the organization is on.",
	}
}

// componentTypeSchema describes vigil.ComponentType.
type componentTypeSchema string

func (componentTypeSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(vigil.ComponentTypes),
		Description: "What kind of thing a component is, in CycloneDX's terms.",
	}
}

// supportLevelSchema describes vigil.SupportLevel.
type supportLevelSchema string

func (supportLevelSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(vigil.SupportLevels),
		Description: "A component's level of support (FDA section 524B).",
	}
}

// elementSchema describes sbom.Element: the NTIA minimum elements and the
// FDA fields a conformance check looks for.
type elementSchema string

func (elementSchema) Schema(huma.Registry) *huma.Schema {
	all := slices.Clone(sbom.ComponentElements)
	for _, e := range sbom.DocumentElements {
		if !slices.Contains(all, e) {
			all = append(all, e)
		}
	}
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(all),
		Description: "An NTIA minimum element or an FDA field of an SBOM.",
	}
}

func enum[T ~string](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Operation tags, in the order the document lists them.
const (
	tagMeta     = "meta"
	tagOrgs     = "organizations"
	tagProducts = "products"
	tagReleases = "releases"
	tagSBOMs    = "sboms"
	tagKB       = "knowledge-base"
	tagFindings = "findings"
	tagTokens   = "tokens"
)

func tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagMeta, Description: "Health, readiness, metrics and this document."},
		{Name: tagOrgs, Description: "The organization the caller's token belongs to."},
		{Name: tagProducts, Description: "Medical device product lines."},
		{Name: tagReleases, Description: "Product versions and their lifecycle phase."},
		{Name: tagSBOMs, Description: "Software bills of materials of releases: import, conformance, diff and export."},
		{Name: tagFindings, Description: "Vulnerabilities matched to components, with evidence and confidence; one-shot scans."},
		{Name: tagKB, Description: "The public vulnerability knowledge base (NVD, CVE 5, OSV, KEV, EPSS, CSAF): read-only to organizations; it is filled by vigil feed import, sync and bundles."},
		{Name: tagTokens, Description: "API tokens of the caller's organization."},
		{Name: tagFleet, Description: "A healthcare provider's devices: CMMS import and export, mapping to releases and device advisories, exposure, priority and remediation."},
		{Name: tagSharing, Description: "Explicit sharing of a manufacturer's releases with healthcare providers."},
		{Name: tagMDS2, Description: "MDS2 (ANSI/NEMA HN 1-2019) forms of releases and of candidate devices: import, export, diff, compare, evaluate, cross-checks."},
	}
}
