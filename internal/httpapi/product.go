package httpapi

import (
	"context"
	"strconv"

	"github.com/vigil/vigil"
)

// IDPath is the numeric ID in a resource's path. It and PageQuery are
// exported only because huma finds parameters in embedded structs that are.
type IDPath struct {
	ID int64 `path:"id" minimum:"1" doc:"The resource's ID."`
}

// PageQuery is the paging of a listing.
type PageQuery struct {
	Offset int `query:"offset" minimum:"0" default:"0" doc:"How many items to skip."`
	Limit  int `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"How many items to return at most (500 at most)."`
}

func (p PageQuery) page() vigil.Page { return vigil.Page{Offset: p.Offset, Limit: p.Limit} }

// optional turns an unset query parameter ("") into no filter.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orEmpty makes an empty listing encode as [] rather than null.
func orEmpty[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

type productOutput struct{ Body *vigil.Product }

type createdProductOutput struct {
	Location string `header:"Location" doc:"The new product's URL."`
	Body     *vigil.Product
}

// productList is a page of products.
type productList struct {
	Items []*vigil.Product `json:"items"`
	Total int              `json:"total" doc:"How many products match in all, across pages."`
}

type productListOutput struct{ Body productList }

type listProductsInput struct {
	Name         string `query:"name" doc:"Only the product with exactly this name."`
	Manufacturer string `query:"manufacturer" doc:"Only products of exactly this manufacturer."`
	PageQuery
}

type createProductInput struct{ Body vigil.ProductInput }

type updateProductInput struct {
	IDPath
	Body vigil.ProductUpdate
}

func (s *Server) listProducts(ctx context.Context, in *listProductsInput) (*productListOutput, error) {
	items, total, err := s.svc.Catalog.Products(ctx, scopeFrom(ctx), vigil.ProductFilter{
		Name: optional(in.Name), Manufacturer: optional(in.Manufacturer), Page: in.page(),
	})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &productListOutput{Body: productList{Items: orEmpty(items), Total: total}}, nil
}

func (s *Server) createProduct(ctx context.Context, in *createProductInput) (*createdProductOutput, error) {
	p, err := s.svc.Catalog.CreateProduct(ctx, scopeFrom(ctx), in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdProductOutput{Location: "/api/v1/products/" + strconv.FormatInt(p.ID, 10), Body: p}, nil
}

func (s *Server) getProduct(ctx context.Context, in *IDPath) (*productOutput, error) {
	p, err := s.svc.Catalog.Product(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &productOutput{Body: p}, nil
}

func (s *Server) updateProduct(ctx context.Context, in *updateProductInput) (*productOutput, error) {
	p, err := s.svc.Catalog.UpdateProduct(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &productOutput{Body: p}, nil
}

func (s *Server) deleteProduct(ctx context.Context, in *IDPath) (*struct{}, error) {
	if err := s.svc.Catalog.DeleteProduct(ctx, scopeFrom(ctx), in.ID); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}
