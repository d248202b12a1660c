package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/auth"
)

func TestHasher_PHCStringAndVerify(t *testing.T) {
	h := auth.NewHasher(2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with m=19 MiB, t=2, p=1", hash)
	}
	again, _ := h.Hash(ctx, "correct horse battery staple")
	if again == hash {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		ok, err := h.Verify(ctx, hash, pw)
		if err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestHasher_MalformedHashIsAnError(t *testing.T) {
	h := auth.NewHasher(1)
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, err := h.Verify(context.Background(), bad, "x"); !errors.Is(err, auth.ErrMalformedHash) {
			t.Errorf("Verify with %q: %v, want ErrMalformedHash", bad, err)
		}
	}
}

// TestHasher_BoundsConcurrentHashes checks that a burst waits for slots: with
// one slot, a hash waiting behind another gives up when its context ends.
func TestHasher_BoundsConcurrentHashes(t *testing.T) {
	h := auth.NewHasher(1)
	var wg sync.WaitGroup
	var timedOut atomic.Int32
	for range 6 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			if _, err := h.Hash(ctx, "correct horse battery staple"); errors.Is(err, context.DeadlineExceeded) {
				timedOut.Add(1)
			}
		})
	}
	wg.Wait()
	if timedOut.Load() == 0 {
		t.Fatal("six hashes with one slot and a 1 ms deadline all ran: nothing bounds them")
	}
}
