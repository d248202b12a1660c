package models

import "errors"

// The domain's error kinds. Stores and services wrap them with context
// (fmt.Errorf("store: create vote: %w", ErrConflict)); the HTTP layer maps each
// kind to one status in one place.
var (
	// ErrNotFound: the object does not exist or the caller may not see it.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change collides with the current state (a duplicate).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller is known but lacks the role for the action.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: the caller is not authenticated.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInvalid: the input breaks a rule; see ValidationError for details.
	ErrInvalid = errors.New("invalid input")
	// ErrPreconditionFailed: the If-Match version is stale.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrPhaseClosed: the contest window governing the action is not open.
	ErrPhaseClosed = errors.New("phase closed")
	// ErrRateLimited: the caller sent too many requests.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the platform cannot take the request now (it is
	// stopping); the same request may succeed in a moment.
	ErrUnavailable = errors.New("unavailable")
)

// Stale is the ErrPreconditionFailed of an If-Match version that is not the
// object's current one, with what the client should do about it.
func Stale() error {
	return WithDetail(ErrPreconditionFailed, "the object changed since you read it; read it again and retry with its new ETag")
}

// FieldError names one invalid input field by its JSON path.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError is an ErrInvalid that lists the offending fields.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return "invalid input"
	}
	return "invalid input: " + e.Fields[0].Field + ": " + e.Fields[0].Message
}

// Unwrap makes errors.Is(err, ErrInvalid) true for every ValidationError.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Invalid returns a ValidationError for one field.
func Invalid(field, message string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Message: message}}}
}
