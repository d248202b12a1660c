package models

import (
	"sort"
	"strings"
	"time"
)

// Conflicts are what a reviewer declares they must not judge: organizations
// (compared by OrganizationKey) and countries. A reviewer also conflicts with
// nominations of their own organization.
type Conflicts struct {
	ReviewerID    string    `json:"reviewer_id"`
	Organizations []string  `json:"organizations"`
	Countries     []string  `json:"countries"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ConflictWith returns why reviewer (of organization own, with declared
// conflicts c) must not review n, or "" when they may.
func (c Conflicts) ConflictWith(own string, n Nomination) string {
	// An empty key (a name of invisible characters only) identifies no one.
	org := OrganizationKey(n.Organization)
	if org != "" && OrganizationKey(own) == org {
		return "the reviewer belongs to the nominated organization"
	}
	for _, o := range c.Organizations {
		if org != "" && OrganizationKey(o) == org {
			return "the reviewer declared a conflict with " + n.Organization
		}
	}
	for _, code := range c.Countries {
		for _, nc := range n.Countries {
			if strings.EqualFold(code, nc) {
				return "the reviewer declared a conflict with country " + nc
			}
		}
	}
	return ""
}

// ReviewState is where a review stands: a draft until its reviewer submits it.
type ReviewState string

// The review states.
const (
	ReviewDraft     ReviewState = "draft"
	ReviewSubmitted ReviewState = "submitted"
)

// Assignment is a reviewer assigned to a nomination, with the review they
// write: one integer score 0–10 per criterion and a comment.
type Assignment struct {
	ID           string         `json:"id"`
	Contest      int            `json:"contest"`
	Category     int            `json:"category"`
	NominationID string         `json:"nomination_id"`
	ReviewerID   string         `json:"reviewer_id"`
	State        ReviewState    `json:"state"`
	Scores       map[string]int `json:"scores"`
	Comment      string         `json:"comment"`
	SubmittedAt  *time.Time     `json:"submitted_at,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	Version      int            `json:"version"`
}

// AssignmentID is the designed _id of reviewer's assignment to nomination:
// one reviewer reviews a nomination at most once.
func AssignmentID(nominationID, reviewerID string) string {
	return nominationID + "." + reviewerID
}

// CheckScores returns a ValidationError unless every score is an integer
// 0–10 of a criterion of the contest and, when complete (a submission), every
// criterion has one.
func CheckScores(scores map[string]int, criteria []Criterion, complete bool) error {
	var fields []FieldError
	known := map[string]bool{}
	for _, c := range criteria {
		known[c.Key] = true
		v, ok := scores[c.Key]
		switch {
		case !ok && complete:
			fields = append(fields, FieldError{"scores." + c.Key, "is required"})
		case ok && (v < 0 || v > 10):
			fields = append(fields, FieldError{"scores." + c.Key, "must be an integer from 0 to 10"})
		}
	}
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			fields = append(fields, FieldError{"scores." + k, "is not a criterion of this contest"})
		}
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// ReviewedStates are the nomination states that reviewers judge.
var ReviewedStates = []NominationState{NominationSubmitted}

// InReview reports whether reviewers judge n: whether its state is one of
// ReviewedStates.
func (n Nomination) InReview() bool {
	for _, s := range ReviewedStates {
		if n.State == s {
			return true
		}
	}
	return false
}

// SaveReview stores the reviewer's scores and comment at now: a draft, or,
// with submit, a submitted review, which stays editable (by submitting its
// changes) until the deadline; its first submission time stays. Returns
// ErrConflict for a draft of a review already submitted. The scores are
// checked against the contest's criteria by CheckScores, not here.
func (a *Assignment) SaveReview(scores map[string]int, comment string, submit bool, now time.Time) error {
	if a.State == ReviewSubmitted && !submit {
		return WithDetail(ErrConflict, "the review is submitted; send submit: true with its changes")
	}
	a.Scores, a.Comment = scores, strings.TrimSpace(comment)
	if a.Scores == nil {
		a.Scores = map[string]int{}
	}
	if submit {
		if a.SubmittedAt == nil {
			a.SubmittedAt = &now
		}
		a.State = ReviewSubmitted
	}
	return nil
}
