package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// tokenPrefix marks vigil's secrets so secret scanners can find leaked ones.
const tokenPrefix = "vgl_"

// CreateToken creates an API token for the scope's organization and returns
// it with its secret. The secret is not stored and cannot be shown again.
func (s *Service) CreateToken(ctx context.Context, sc vigil.Scope, in vigil.TokenInput) (*vigil.APIToken, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	tok := &vigil.APIToken{Name: in.Name, Hint: secret[:len(tokenPrefix)+4]}
	err := s.store.Update(ctx, func(tx Tx) error {
		if in.TTL > 0 {
			tok.ExpiresAt = tx.Now().Add(in.TTL)
		}
		return tx.CreateToken(ctx, sc, tok, hashSecret(secret))
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

// hashSecret is SHA-256: the secret has 256 bits of entropy, so a slow
// password hash would add cost without adding safety.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Authenticate turns a bearer secret into the scope of its organization.
// Unknown, malformed and expired secrets are all just unauthorized.
func (s *Service) Authenticate(ctx context.Context, secret string) (vigil.Scope, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return vigil.Scope{}, fmt.Errorf("malformed token: %w", vigil.ErrUnauthorized)
	}
	var tok *vigil.APIToken
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		tok, err = tx.FindTokenByHash(ctx, hashSecret(secret))
		return err
	})
	if errors.Is(err, vigil.ErrNotFound) {
		return vigil.Scope{}, fmt.Errorf("unknown token: %w", vigil.ErrUnauthorized)
	}
	if err != nil {
		return vigil.Scope{}, err
	}
	now := s.now()
	if tok.Expired(now) {
		return vigil.Scope{}, fmt.Errorf("token %q expired: %w", tok.Name, vigil.ErrUnauthorized)
	}
	sc := vigil.Scope{OrgID: tok.OrgID, Actor: "token:" + tok.Name}
	// Record use at most once a minute: a write per request would queue
	// every API call behind SQLite's single writer.
	if now.Sub(tok.LastUsedAt) > time.Minute {
		if err := s.store.Update(ctx, func(tx Tx) error { return tx.TouchToken(ctx, sc, tok.ID) }); err != nil {
			return vigil.Scope{}, err
		}
	}
	return sc, nil
}

// Tokens lists the scope's tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, sc vigil.Scope) ([]*vigil.APIToken, error) {
	var out []*vigil.APIToken
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindTokens(ctx, sc)
		return err
	})
	return out, err
}

// RevokeToken deletes one of the scope's tokens.
func (s *Service) RevokeToken(ctx context.Context, sc vigil.Scope, id int64) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteToken(ctx, sc, id) })
}
