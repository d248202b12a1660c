// Package auth holds the platform's credentials: argon2id password hashes
// with a bound on concurrent hashing, and EdDSA access tokens signed with
// keys kept in the database so that every replica shares them.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane). Hashes record their parameters, so raising them later still
// verifies older hashes.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// ErrMalformedHash is returned for a stored hash that is not an argon2id PHC
// string.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords with argon2id. At most a fixed number
// of hashes run at once, so a burst of logins queues instead of exhausting
// memory. It is safe for concurrent use.
type Hasher struct {
	slots chan struct{}
	dummy string
}

// NewHasher returns a Hasher that runs at most concurrent hashes at once.
func NewHasher(concurrent int) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	h := &Hasher{slots: make(chan struct{}, concurrent)}
	h.dummy = encode(make([]byte, argonSaltLen), argon2.IDKey([]byte("unused"), make([]byte, argonSaltLen),
		argonTime, argonMemoryKiB, argonThreads, argonKeyLen), argonMemoryKiB, argonTime, argonThreads)
	return h
}

// Hash returns the PHC string of password with a fresh random salt. It
// waits for a free slot; returns ctx's error if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return encode(salt, key, argonMemoryKiB, argonTime, argonThreads), nil
}

// Verify reports whether password matches the PHC string encoded, in
// constant time. Returns ErrMalformedHash for a hash it cannot read.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	p, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// SpendEqualTime verifies password against a fixed hash and discards the
// answer, so that a login for an unknown email costs what a known one does.
func (h *Hasher) SpendEqualTime(ctx context.Context, password string) {
	_, _ = h.Verify(ctx, h.dummy, password)
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: waiting to hash: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

var b64 = base64.RawStdEncoding

func encode(salt, key []byte, memory, time uint32, threads uint8) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

type params struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func decode(s string) (params, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return params{}, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return params{}, ErrMalformedHash
	}
	var p params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil ||
		p.memory < 8 || p.memory > 1<<21 || p.time < 1 || p.time > 16 || p.threads < 1 {
		return params{}, ErrMalformedHash
	}
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return params{}, ErrMalformedHash
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return params{}, ErrMalformedHash
	}
	return p, nil
}
