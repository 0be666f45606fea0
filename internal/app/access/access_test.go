package access_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
)

func TestTokens(t *testing.T) {
	svc, c := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	tok, secret, err := svc.Access.CreateToken(t.Context(), sc, vigil.TokenInput{Name: "ci", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Access.Authenticate(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrgID != sc.OrgID || got.Actor != "token:ci" {
		t.Errorf("Authenticate = %+v", got)
	}
	list, err := svc.Access.Tokens(t.Context(), sc)
	if err != nil || len(list) != 1 || list[0].LastUsedAt.IsZero() {
		t.Errorf("Tokens = %v, %v; want one, used", list, err)
	}
	for name, bad := range map[string]string{
		"empty":     "",
		"no prefix": "abc",
		"unknown":   "vgl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"too long":  "vgl_" + string(make([]byte, 200)),
	} {
		if _, err := svc.Access.Authenticate(t.Context(), bad); !errors.Is(err, vigil.ErrUnauthorized) {
			t.Errorf("Authenticate(%s) = %v, want unauthorized", name, err)
		}
	}
	c.Time = c.Time.Add(2 * time.Hour)
	if _, err := svc.Access.Authenticate(t.Context(), secret); !errors.Is(err, vigil.ErrUnauthorized) {
		t.Errorf("expired token: %v, want unauthorized", err)
	}
	if err := svc.Access.RevokeToken(t.Context(), sc, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Access.Authenticate(t.Context(), secret); !errors.Is(err, vigil.ErrUnauthorized) {
		t.Errorf("revoked token: %v, want unauthorized", err)
	}
}

func TestScopeFor(t *testing.T) {
	svc, _ := apptest.New(t)
	if _, _, err := svc.Access.ScopeFor(t.Context(), "", "x"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("no orgs: %v", err)
	}
	a := apptest.Org(t, svc, "a")
	sc, org, err := svc.Access.ScopeFor(t.Context(), "", "x")
	if err != nil || sc.OrgID != a.OrgID || org.Slug != "a" {
		t.Errorf("one org: %+v %v %v", sc, org, err)
	}
	apptest.Org(t, svc, "b")
	if _, _, err := svc.Access.ScopeFor(t.Context(), "", "x"); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("two orgs without slug: %v", err)
	}
	if _, _, err := svc.Access.ScopeFor(t.Context(), "c", "x"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
}
