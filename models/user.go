package models

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a right granted by an admin on top of being a stakeholder, which
// every user is.
type Role string

// The roles of SPEC §1.
const (
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// ValidRole reports whether r is a role an admin can grant.
func ValidRole(r Role) bool { return r == RoleReviewer || r == RoleAdmin }

// Password rules: long enough to resist guessing, short enough that hashing
// it cannot be used to burn CPU.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 1024
)

// CheckPassword returns a ValidationError for field when password breaks the
// password rules.
func CheckPassword(field, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return Invalid(field, "must have at least 12 characters")
	}
	if len(password) > MaxPasswordBytes {
		return Invalid(field, "must have at most 1024 bytes")
	}
	return nil
}

// User is a registered account. Its password hash never leaves the store.
type User struct {
	ID              string          `json:"id"`
	Email           string          `json:"email"`
	Name            string          `json:"name"`
	Organization    string          `json:"organization"`
	StakeholderType StakeholderType `json:"stakeholder_type"`
	Country         string          `json:"country"`
	// Language is the account's preferred language, one of locale.Codes:
	// the language of the mails the platform sends it.
	Language      string `json:"language"`
	Roles         []Role `json:"roles"`
	EmailVerified bool   `json:"email_verified"`
	Disabled      bool   `json:"disabled"`
	// SessionVersion changes when every session of the user must end
	// (password reset, disabling): tokens of an older version are refused.
	SessionVersion int `json:"-"`
	// Seq is the account's change sequence, for the search read model.
	Seq       int64     `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// DefaultLanguage is the language of accounts stored before they had one.
const DefaultLanguage = "en"

// HasRole reports whether u holds role r.
func (u User) HasRole(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// NormalizeEmail returns the form under which an email is unique: trimmed
// and lower-cased, so that addresses differing only in case are one account.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// ActiveReviewer reports whether u is an active member of the Expert Group:
// holding the reviewer role on an account that is not disabled.
func (u User) ActiveReviewer() bool {
	return u.HasRole(RoleReviewer) && !u.Disabled
}

// OwnerOrAdmin reports whether u is the signed-in owner ownerID names or an
// admin: those who see an owned thing whole.
func (u User) OwnerOrAdmin(ownerID string) bool {
	return u.ID != "" && (u.ID == ownerID || u.HasRole(RoleAdmin))
}

// LocksOutSelf reports whether u, an admin, would disable their own account
// or withdraw their own admin role by setting roles or disabled (nil for
// no change) on the account id: refused, so that the platform always keeps
// an admin.
func (u User) LocksOutSelf(id string, roles *[]Role, disabled *bool) bool {
	if id != u.ID {
		return false
	}
	return (disabled != nil && *disabled) || (roles != nil && !slices.Contains(*roles, RoleAdmin))
}
