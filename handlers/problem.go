package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

// Problem is an RFC 9457 problem detail. Type is a URI reference of the form
// /problems/<kind>; Errors lists the invalid fields of a 422.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []models.FieldError `json:"errors,omitempty"`
	// Window, OpensAt and ClosesAt name the closed window of a phase-closed
	// problem.
	Window   string     `json:"window,omitempty"`
	OpensAt  *time.Time `json:"opens_at,omitempty"`
	ClosesAt *time.Time `json:"closes_at,omitempty"`
}

const problemContentType = "application/problem+json"

// problemKinds maps each error kind of package models to its answer, in the
// one place the platform turns errors into HTTP.
var problemKinds = []struct {
	kind   error
	status int
	slug   string
	title  string
	// detail is said when the error carries none of its own, so that every
	// problem has one.
	detail string
}{
	{models.ErrInvalid, http.StatusUnprocessableEntity, "validation", "Your request has invalid fields", "the request has invalid fields"},
	{models.ErrNotFound, http.StatusNotFound, "not-found", "Not found", "there is no such object, or you may not see it"},
	{models.ErrPhaseClosed, http.StatusConflict, "phase-closed", "The contest window is closed", "the contest window of this step is closed"},
	{models.ErrConflict, http.StatusConflict, "conflict", "Conflict with the current state", "the change conflicts with the current state"},
	{models.ErrForbidden, http.StatusForbidden, "forbidden", "Forbidden", "your account may not do this"},
	{models.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "Authentication required", "sign in and send your access token"},
	{models.ErrPreconditionFailed, http.StatusPreconditionFailed, "precondition-failed", "The object changed since you read it",
		"the object changed since you read it; read it again and retry with its new ETag"},
	{models.ErrRateLimited, http.StatusTooManyRequests, "rate-limited", "Too many requests", "too many requests; retry after the time Retry-After gives"},
	{models.ErrUnavailable, http.StatusServiceUnavailable, "unavailable", "Unavailable for a moment", "the platform is unavailable for a moment; retry"},
}

// requestError is a fault of the HTTP request itself (malformed JSON, an
// oversized body, an unknown route), answered with its own status.
type requestError struct {
	status int
	slug   string
	title  string
	detail string
}

func (e *requestError) Error() string { return e.title + ": " + e.detail }

func badRequest(detail string) error {
	return &requestError{http.StatusBadRequest, "bad-request", "Bad request", detail}
}

// respondError answers err as a problem. Errors of unknown kinds are logged
// with the request id and answered 500 "internal error" with no internals.
func respondError(c *gin.Context, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeProblem(c, Problem{Type: "/problems/" + re.slug, Title: re.title, Status: re.status, Detail: re.detail})
		return
	}
	for _, k := range problemKinds {
		if !errors.Is(err, k.kind) {
			continue
		}
		p := Problem{Type: "/problems/" + k.slug, Title: k.title, Status: k.status}
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			p.Errors = ve.Fields
			p.Detail = ve.Error()
		}
		var de *models.DetailedError
		if errors.As(err, &de) {
			p.Detail = de.Detail
		}
		var pc *models.PhaseClosedError
		if errors.As(err, &pc) {
			p.Detail, p.Window = pc.Error(), string(pc.Name)
			p.OpensAt, p.ClosesAt = &pc.Dates.OpensAt, &pc.Dates.ClosesAt
		}
		if p.Detail == "" {
			p.Detail = k.detail
		}
		if k.status == http.StatusUnauthorized {
			c.Header("WWW-Authenticate", `Bearer realm="wsis"`)
		}
		writeProblem(c, p)
		return
	}
	logger(c).ErrorContext(c.Request.Context(), "internal error", "err", err,
		"method", c.Request.Method, "path", c.Request.URL.Path)
	writeProblem(c, Problem{Type: "/problems/internal", Title: "Internal error", Status: http.StatusInternalServerError,
		Detail: "internal error"})
}

// writeProblem writes p and stops the handler chain.
func writeProblem(c *gin.Context, p Problem) {
	p.Instance = c.Request.URL.Path
	p.RequestID = requestID(c)
	if (p.Status == http.StatusTooManyRequests || p.Status == http.StatusServiceUnavailable) && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", strconv.Itoa(1))
	}
	c.Header("Content-Type", problemContentType)
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(p.Status, p)
}
