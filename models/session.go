package models

import "time"

// SigningKey is an Ed25519 key that signs access tokens. Keys live in the
// database so that every replica signs and verifies with the same ones.
type SigningKey struct {
	ID        string
	Seed      []byte
	CreatedAt time.Time
}

// RefreshToken is the stored form of an opaque refresh token: only its
// SHA-256 is kept. Tokens descend from one login in a Family; each use
// spends a token and issues its successor in the same family.
type RefreshToken struct {
	Hash            string
	FamilyID        string
	UserID          string
	SessionVersion  int
	CreatedAt       time.Time
	ExpiresAt       time.Time
	FamilyExpiresAt time.Time
}

// ActionToken is the stored form of a one-use emailed token (email
// verification, password reset): only its SHA-256 is kept. It is bound to
// the SessionVersion its user had when it was issued, and refused once the
// user's version has moved on.
type ActionToken struct {
	Hash           string
	Kind           string
	UserID         string
	SessionVersion int
	ExpiresAt      time.Time
}

// The kinds of ActionToken.
const (
	ActionVerifyEmail   = "verify-email"
	ActionResetPassword = "reset-password"
)

// AuditEntry is one append-only record of a consequential action.
type AuditEntry struct {
	ID         string         `json:"id"`
	Time       time.Time      `json:"time"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	Before     map[string]any `json:"before,omitempty"`
	After      map[string]any `json:"after,omitempty"`
	ClientIP   string         `json:"client_ip,omitempty"`
}

// ActorSystem is the actor of audit entries the platform itself makes (an
// admin created from the configuration at start).
const ActorSystem = "system"
