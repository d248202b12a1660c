package app

import (
	"context"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

// Register creates the account u with password (hashed by hasher), its
// email not yet verified; the caller mails the verification link. Anyone
// may call it; the fields are validated by the caller's rules. Returns
// ErrConflict when the email (any case) has an account.
func (s *Service) Register(ctx context.Context, hasher *auth.Hasher, u models.User, password string) (models.User, error) {
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return models.User{}, err
	}
	u.CreatedAt, u.Roles = s.clock.Now(), nil
	return s.store.CreateUser(ctx, u, hash)
}
