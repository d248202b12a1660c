package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func TestBrowserSession_EndedByLogoutPasswordResetDisablingAndExpiry(t *testing.T) {
	ctx := context.Background()
	hasher := auth.NewHasher(4)
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, f *fixture, raw string)
	}{
		{"logout", func(t *testing.T, f *fixture, raw string) {
			if err := f.svc.EndBrowserSession(ctx, raw); err != nil {
				t.Fatal(err)
			}
		}},
		{"password reset", func(t *testing.T, f *fixture, _ string) {
			link := auth.NewOpaqueToken()
			if err := f.store.InsertActionToken(ctx, models.ActionToken{Hash: auth.HashToken(link), Kind: models.ActionResetPassword,
				UserID: f.user.ID, ExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.ResetPassword(ctx, hasher, link, "a new long password"); err != nil {
				t.Fatal(err)
			}
		}},
		{"disabling", func(t *testing.T, f *fixture, _ string) {
			disabled := true
			if _, err := f.svc.ChangeAccess(ctx, f.admin, f.user.ID, 0, store.AccessPatch{Disabled: &disabled}); err != nil {
				t.Fatal(err)
			}
		}},
		{"expiry", func(t *testing.T, f *fixture, _ string) { f.clock.Advance(app.BrowserSessionTTL) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := models.NewFixedClock(subOpens)
			f := newFixture(t, clock, clock)
			raw, expires, err := f.svc.StartBrowserSession(ctx, f.user)
			if err != nil {
				t.Fatal(err)
			}
			if !expires.Equal(subOpens.Add(app.BrowserSessionTTL)) {
				t.Errorf("expires %v", expires)
			}
			other, _, err := f.svc.StartBrowserSession(ctx, f.admin)
			if err != nil {
				t.Fatal(err)
			}
			if u, err := f.svc.BrowserSessionUser(ctx, raw); err != nil || u.ID != f.user.ID {
				t.Fatalf("live session: %v, %v", u.ID, err)
			}
			tc.end(t, f, raw)
			if _, err := f.svc.BrowserSessionUser(ctx, raw); !errors.Is(err, models.ErrUnauthorized) {
				t.Fatalf("after %s: %v, want ErrUnauthorized", tc.name, err)
			}
			if tc.name != "expiry" {
				if u, err := f.svc.BrowserSessionUser(ctx, other); err != nil || u.ID != f.admin.ID {
					t.Errorf("another account's session ended too: %v", err)
				}
			}
		})
	}
}

func TestBrowserSession_StoredOnlyAsItsHash(t *testing.T) {
	clock := models.NewFixedClock(subOpens)
	f := newFixture(t, clock, clock)
	ctx := context.Background()
	raw, _, err := f.svc.StartBrowserSession(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.BrowserSession(ctx, raw); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the raw token is a stored key: %v", err)
	}
	if b, err := f.store.BrowserSession(ctx, auth.HashToken(raw)); err != nil || b.UserID != f.user.ID {
		t.Errorf("by hash: %+v, %v", b, err)
	}
	for _, bad := range []string{"", "short", raw[:42] + "!", raw + "x"} {
		if _, err := f.svc.BrowserSessionUser(ctx, bad); !errors.Is(err, models.ErrUnauthorized) {
			t.Errorf("token %q: %v, want ErrUnauthorized", bad, err)
		}
	}
	if err := f.svc.EndBrowserSession(ctx, "unknown"); err != nil {
		t.Errorf("ending an unknown session: %v", err)
	}
}

func TestSignIn_WrongPasswordAndUnknownEmailAlikeDisabledForbidden(t *testing.T) {
	clock := models.NewFixedClock(subOpens)
	f := newFixture(t, clock, clock)
	ctx := context.Background()
	hasher := auth.NewHasher(4)
	hash, err := hasher.Hash(ctx, "the right password")
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.store.CreateUser(ctx, models.User{Email: "lena@example.org", Name: "Lena", CreatedAt: clock.Now()}, hash)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.SignIn(ctx, hasher, "LENA@example.org", "the right password"); err != nil || got.ID != u.ID {
		t.Fatalf("right password: %v, %v", got.ID, err)
	}
	_, wrong := f.svc.SignIn(ctx, hasher, "lena@example.org", "a wrong password")
	_, unknown := f.svc.SignIn(ctx, hasher, "nobody@example.org", "the right password")
	if !errors.Is(wrong, models.ErrUnauthorized) || !errors.Is(unknown, models.ErrUnauthorized) || wrong.Error() != unknown.Error() {
		t.Errorf("wrong password %v and unknown email %v differ", wrong, unknown)
	}
	disabled := true
	if _, err := f.svc.ChangeAccess(ctx, f.admin, u.ID, 0, store.AccessPatch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(ctx, hasher, "lena@example.org", "the right password"); !errors.Is(err, app.ErrAccountDisabled) {
		t.Errorf("disabled: %v", err)
	}
}
