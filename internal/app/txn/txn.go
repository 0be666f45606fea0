// Package txn narrows the store's transactions to the role one part of the
// application layer needs. A capability declares the few store methods it
// uses as its own Tx interface; Narrow hands it a store whose transactions
// are only that, checked when the application is wired.
package txn

import (
	"context"

	"github.com/vigil/vigil/internal/store"
)

// Store runs functions over transactions of role T.
type Store[T any] interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(T) error) error
	// Update runs fn in a read-write transaction; it commits when fn
	// returns nil and rolls back otherwise.
	Update(ctx context.Context, fn func(T) error) error
}

// Narrow returns s seen through the role T. as is normally the identity,
// func(tx store.Tx) T { return tx }, which compiles only if every store
// transaction has T's methods.
func Narrow[T any](s store.Store, as func(store.Tx) T) Store[T] {
	return narrowed[T]{s: s, as: as}
}

type narrowed[T any] struct {
	s  store.Store
	as func(store.Tx) T
}

func (n narrowed[T]) View(ctx context.Context, fn func(T) error) error {
	return n.s.View(ctx, func(tx store.Tx) error { return fn(n.as(tx)) })
}

func (n narrowed[T]) Update(ctx context.Context, fn func(T) error) error {
	return n.s.Update(ctx, func(tx store.Tx) error { return fn(n.as(tx)) })
}
