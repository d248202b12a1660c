package models

// DetailedError is an error of one of the kinds above with a message meant
// for the person who made the request: it says what went wrong in the
// platform's words and carries no internals.
type DetailedError struct {
	Kind   error
	Detail string
}

func (e *DetailedError) Error() string { return e.Kind.Error() + ": " + e.Detail }

// Unwrap exposes the kind, so errors.Is(err, ErrConflict) holds.
func (e *DetailedError) Unwrap() error { return e.Kind }

// WithDetail returns an error of kind with a message for the requester.
func WithDetail(kind error, detail string) error {
	return &DetailedError{Kind: kind, Detail: detail}
}
