package access

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateOrg creates an organization. It is an administrative act, outside
// any organization's scope.
func (s *Service) CreateOrg(ctx context.Context, in vigil.OrgInput) (*vigil.Organization, error) {
	in.Slug = strings.TrimSpace(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = in.Slug
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var org *vigil.Organization
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		org, err = tx.CreateOrg(ctx, in)
		return err
	})
	return org, err
}

// Orgs lists every organization. Administrative: the API shows a caller only
// its own (see Org).
func (s *Service) Orgs(ctx context.Context) ([]*vigil.Organization, error) {
	var orgs []*vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		orgs, _, err = tx.FindOrgs(ctx, vigil.OrgFilter{})
		return err
	})
	return orgs, err
}

// Org returns the scope's own organization.
func (s *Service) Org(ctx context.Context, sc vigil.Scope) (*vigil.Organization, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	var org *vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		org, err = tx.FindOrgByID(ctx, sc.OrgID)
		return err
	})
	return org, err
}

// OrgBySlug returns the scope's own organization when slug names it. Any
// other slug is not found, whether or not it exists, so a caller cannot
// learn which other organizations there are.
func (s *Service) OrgBySlug(ctx context.Context, sc vigil.Scope, slug string) (*vigil.Organization, error) {
	org, err := s.Org(ctx, sc)
	if err != nil {
		return nil, err
	}
	if org.Slug != slug {
		return nil, fmt.Errorf("organization %q: %w", slug, vigil.ErrNotFound)
	}
	return org, nil
}

// ScopeFor resolves an organization slug to a scope acting as actor. With
// an empty slug it picks the only organization there is, so a single-tenant
// install needs no --org.
func (s *Service) ScopeFor(ctx context.Context, slug, actor string) (vigil.Scope, *vigil.Organization, error) {
	var org *vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		if slug != "" {
			var err error
			org, err = tx.FindOrgBySlug(ctx, slug)
			return err
		}
		orgs, total, err := tx.FindOrgs(ctx, vigil.OrgFilter{Page: vigil.Page{Limit: 2}})
		switch {
		case err != nil:
			return err
		case total == 0:
			return fmt.Errorf("no organization exists yet (create one with: vigil org create SLUG --kind manufacturer|healthcare_provider): %w", vigil.ErrNotFound)
		case total > 1:
			return fmt.Errorf("%d organizations exist; choose one with --org or VIGIL_ORG: %w", total, vigil.ErrInvalid)
		}
		org = orgs[0]
		return nil
	})
	if err != nil {
		return vigil.Scope{}, nil, err
	}
	return vigil.Scope{OrgID: org.ID, Actor: actor}, org, nil
}
