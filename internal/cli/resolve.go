package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/service"
)

// The resolver: every command finds its service, its organization scope
// (--org) and the product or release it names here, so that a name, an ID
// or a PRODUCT@VERSION means the same thing to every command.

// scope resolves --org to a scope acting as the local CLI user.
func (a *app) scope(ctx context.Context) (*service.Service, vigil.Scope, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, vigil.Scope{}, err
	}
	sc, _, err := svc.ScopeFor(ctx, a.cfg.Org, "cli:"+a.actor())
	return svc, sc, err
}

// resolveProduct resolves --org and a product given by name or ID.
func (a *app) resolveProduct(ctx context.Context, ref string) (*service.Service, vigil.Scope, *vigil.Product, error) {
	svc, sc, err := a.scope(ctx)
	if err != nil {
		return nil, vigil.Scope{}, nil, err
	}
	p, err := svc.ResolveProduct(ctx, sc, ref)
	return svc, sc, p, err
}

// releaseRef is the --product/--release pair that names a release.
type releaseRef struct{ product, version string }

func (r *releaseRef) register(c *cobra.Command) {
	c.Flags().StringVarP(&r.product, "product", "p", "", "product name or ID")
	c.Flags().StringVarP(&r.version, "release", "r", "", "release version")
}

func (r *releaseRef) set() bool { return r.product != "" || r.version != "" }

func (r *releaseRef) need() error {
	if r.product == "" || r.version == "" {
		return usagef("--product and --release are required")
	}
	return nil
}

// resolveRelease resolves --org and the release --product and --release
// name.
func (a *app) resolveRelease(ctx context.Context, ref releaseRef) (*service.Service, vigil.Scope, *vigil.Release, error) {
	if err := ref.need(); err != nil {
		return nil, vigil.Scope{}, nil, err
	}
	svc, sc, err := a.scope(ctx)
	if err != nil {
		return nil, vigil.Scope{}, nil, err
	}
	r, err := a.findRelease(ctx, svc, sc, ref.product, ref.version)
	return svc, sc, r, err
}

// resolveVersion resolves --org and the release version of product (a
// name or ID): for the release commands, which take the version as an
// argument.
func (a *app) resolveVersion(ctx context.Context, product, version string) (*service.Service, vigil.Scope, *vigil.Release, error) {
	svc, sc, err := a.scope(ctx)
	if err != nil {
		return nil, vigil.Scope{}, nil, err
	}
	r, err := a.findRelease(ctx, svc, sc, product, version)
	return svc, sc, r, err
}

// productFlag registers the --product flag of the release commands that
// name a release by its version.
func productFlag(c *cobra.Command, product *string) {
	c.Flags().StringVarP(product, "product", "p", "", "product name or ID (required)")
}

func needProduct(product string) error {
	if product == "" {
		return usagef("--product is required")
	}
	return nil
}

func (a *app) findRelease(ctx context.Context, svc *service.Service, sc vigil.Scope, product, version string) (*vigil.Release, error) {
	d, err := svc.ReleaseByVersion(ctx, sc, product, version)
	if err != nil {
		return nil, err
	}
	return &d.Release, nil
}

// splitProductVersion splits PRODUCT@VERSION at its first @.
func splitProductVersion(s string) (product, version string, ok bool) {
	return strings.Cut(s, "@")
}
