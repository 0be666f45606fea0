package httpapi

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
)

// newRegistry returns the schema registry of the OpenAPI document. vigil's
// domain types are plain Go with JSON tags and no huma tags (the domain
// imports only the standard library), so the few types whose wire form huma
// cannot see from reflection are described here, from the domain's own
// lists, so the enums cannot drift either.
func newRegistry() huma.Registry {
	r := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	r.RegisterTypeAlias(reflect.TypeFor[vigil.Date](), reflect.TypeFor[dateSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.Phase](), reflect.TypeFor[phaseSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.OrgKind](), reflect.TypeFor[orgKindSchema]())
	return r
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

// orgKindSchema describes vigil.OrgKind.
type orgKindSchema string

func (orgKindSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(vigil.OrgKinds),
		Description: "Which side of the device lifecycle the organization is on.",
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
	tagTokens   = "tokens"
)

func tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagMeta, Description: "Health, readiness, metrics and this document."},
		{Name: tagOrgs, Description: "The organization the caller's token belongs to."},
		{Name: tagProducts, Description: "Medical device product lines."},
		{Name: tagReleases, Description: "Product versions and their lifecycle phase."},
		{Name: tagTokens, Description: "API tokens of the caller's organization."},
	}
}
