package catalog

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
)

// CreateProduct adds a product to the scope's organization.
func (s *Service) CreateProduct(ctx context.Context, sc vigil.Scope, in vigil.ProductInput) (*vigil.Product, error) {
	in = normalizeProductInput(in)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *vigil.Product
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		p, err = tx.CreateProduct(ctx, sc, in)
		return err
	})
	return p, err
}

func normalizeProductInput(in vigil.ProductInput) vigil.ProductInput {
	in.Name = strings.TrimSpace(in.Name)
	in.Manufacturer = strings.TrimSpace(in.Manufacturer)
	in.IntendedUse = strings.TrimSpace(in.IntendedUse)
	in.ClinicalFunction = strings.TrimSpace(in.ClinicalFunction)
	models := make([]string, 0, len(in.DeviceModels))
	for _, m := range in.DeviceModels {
		if m = strings.TrimSpace(m); m != "" {
			models = append(models, m)
		}
	}
	in.DeviceModels = models
	return in
}

// Products lists the scope's products.
func (s *Service) Products(ctx context.Context, sc vigil.Scope, f vigil.ProductFilter) ([]*vigil.Product, int, error) {
	var out []*vigil.Product
	var total int
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, total, err = tx.FindProducts(ctx, sc, f)
		return err
	})
	return out, total, err
}

// Product returns one of the scope's products by ID.
func (s *Service) Product(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Product, error) {
	var p *vigil.Product
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		p, err = tx.FindProductByID(ctx, sc, id)
		return err
	})
	return p, err
}

// ResolveProduct finds a product by the handle a person types: its name,
// or failing that its numeric ID.
func (s *Service) ResolveProduct(ctx context.Context, sc vigil.Scope, ref string) (*vigil.Product, error) {
	var p *vigil.Product
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		p, err = ResolveProduct(ctx, tx, sc, ref)
		return err
	})
	return p, err
}

// ResolveProduct finds a product by name or, failing that, numeric ID,
// inside the caller's transaction.
func ResolveProduct(ctx context.Context, tx ProductReader, sc vigil.Scope, ref string) (*vigil.Product, error) {
	p, err := tx.FindProductByName(ctx, sc, ref)
	if errors.Is(err, vigil.ErrNotFound) {
		if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
			if byID, err2 := tx.FindProductByID(ctx, sc, id); err2 == nil {
				return byID, nil
			}
		}
	}
	return p, err
}

// UpdateProduct changes a product's fields.
func (s *Service) UpdateProduct(ctx context.Context, sc vigil.Scope, id int64, u vigil.ProductUpdate) (*vigil.Product, error) {
	var p *vigil.Product
	err := s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.FindProductByID(ctx, sc, id)
		if err != nil {
			return err
		}
		next := u.Apply(*cur)
		in := normalizeProductInput(next.Input())
		if err := in.Validate(); err != nil {
			return err
		}
		next.Manufacturer, next.DeviceModels = in.Manufacturer, in.DeviceModels
		next.IntendedUse, next.ClinicalFunction = in.IntendedUse, in.ClinicalFunction
		if err := tx.UpdateProduct(ctx, sc, &next); err != nil {
			return err
		}
		p = &next
		return nil
	})
	return p, err
}

// DeleteProduct deletes a product and its releases.
func (s *Service) DeleteProduct(ctx context.Context, sc vigil.Scope, id int64) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteProduct(ctx, sc, id) })
}
