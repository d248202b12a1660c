package models

import (
	"fmt"
	"time"
)

// WindowName names one of a contest's four deadline-bound windows (SPEC §4).
type WindowName string

// The windows, in the order they follow each other.
const (
	WindowSubmission WindowName = "submission"
	WindowReview     WindowName = "review"
	WindowVoting     WindowName = "voting"
	WindowSelection  WindowName = "selection"
)

// WindowNames lists the windows in schedule order.
var WindowNames = []WindowName{WindowSubmission, WindowReview, WindowVoting, WindowSelection}

// Window is a period [OpensAt, ClosesAt) in UTC.
type Window struct {
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
}

// OpenAt reports whether the window is open at t: opens_at <= t < closes_at.
func (w Window) OpenAt(t time.Time) bool { return !t.Before(w.OpensAt) && t.Before(w.ClosesAt) }

// Schedule is a contest's four windows.
type Schedule struct {
	Submission Window `json:"submission"`
	Review     Window `json:"review"`
	Voting     Window `json:"voting"`
	Selection  Window `json:"selection"`
}

// Window returns the window of the name.
func (s Schedule) Window(name WindowName) Window {
	switch name {
	case WindowSubmission:
		return s.Submission
	case WindowReview:
		return s.Review
	case WindowVoting:
		return s.Voting
	}
	return s.Selection
}

// Set replaces the window of the name.
func (s *Schedule) Set(name WindowName, w Window) {
	switch name {
	case WindowSubmission:
		s.Submission = w
	case WindowReview:
		s.Review = w
	case WindowVoting:
		s.Voting = w
	case WindowSelection:
		s.Selection = w
	}
}

// Validate checks that every window opens before it closes and that the
// windows follow each other in order without overlapping. It returns a
// ValidationError naming each offending field, e.g.
// "schedule.review.opens_at".
func (s Schedule) Validate() error {
	var fields []FieldError
	var prev *Window
	var prevName WindowName
	for _, name := range WindowNames {
		w := s.Window(name)
		field := "schedule." + string(name)
		switch {
		case w.OpensAt.IsZero():
			fields = append(fields, FieldError{field + ".opens_at", "is required"})
		case w.ClosesAt.IsZero():
			fields = append(fields, FieldError{field + ".closes_at", "is required"})
		case !w.OpensAt.Before(w.ClosesAt):
			fields = append(fields, FieldError{field + ".closes_at", "must be after opens_at"})
		case prev != nil && w.OpensAt.Before(prev.ClosesAt):
			fields = append(fields, FieldError{field + ".opens_at", fmt.Sprintf("must not be before the %s window closes (%s)",
				prevName, prev.ClosesAt.UTC().Format(time.RFC3339))})
		}
		prev, prevName = &w, name
	}
	if len(fields) > 0 {
		return &ValidationError{Fields: fields}
	}
	return nil
}

// ContestSettings are a contest's rules (SPEC §3); they freeze at the first
// vote.
type ContestSettings struct {
	NomineesPerCategory        int         `json:"nominees_per_category"`
	ChampionsPerCategory       int         `json:"champions_per_category"`
	ReviewsPerNomination       int         `json:"reviews_per_nomination"`
	Criteria                   []Criterion `json:"criteria"`
	ScoreNormalization         string      `json:"score_normalization"`
	AllowThirdPartyNominations bool        `json:"allow_third_party_nominations"`
	RequireCompleteBallot      bool        `json:"require_complete_ballot"`
}

// DefaultContestSettings are the settings of SPEC §3.
func DefaultContestSettings() ContestSettings {
	return ContestSettings{NomineesPerCategory: 20, ChampionsPerCategory: 5, ReviewsPerNomination: 3,
		Criteria: append([]Criterion(nil), DefaultCriteria...), ScoreNormalization: "zscore",
		AllowThirdPartyNominations: true}
}

// Stages are a contest's publication steps.
type Stages struct {
	NomineesPublished  bool `json:"nominees_published"`
	ChampionsPublished bool `json:"champions_published"`
	ResultsPublished   bool `json:"results_published"`
}

// Contest is one year's WSIS Prizes.
type Contest struct {
	Year       int             `json:"year"`
	Title      string          `json:"title"`
	Schedule   Schedule        `json:"schedule"`
	Settings   ContestSettings `json:"settings"`
	Stages     Stages          `json:"stages"`
	Categories []ActionLine    `json:"categories"`
	// ShortlistMethod is the score normalization the published nominees
	// were ranked by.
	ShortlistMethod string    `json:"shortlist_method,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int       `json:"version"`
}

// PhaseClosedError is the ErrPhaseClosed of one window: it names the window
// and its dates, so the answer can tell when the action is possible.
type PhaseClosedError struct {
	Name  WindowName
	Dates Window
	// Detail, when set, says what the action waits for instead of the
	// window's dates.
	Detail string
}

func (e *PhaseClosedError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	return fmt.Sprintf("the %s window is open from %s to %s (UTC); it is closed now", e.Name,
		e.Dates.OpensAt.UTC().Format(time.RFC3339), e.Dates.ClosesAt.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrPhaseClosed) hold.
func (e *PhaseClosedError) Unwrap() error { return ErrPhaseClosed }

// WindowOpen is the one answer to "is window name of contest c open at t".
// Every action a window governs asks it, with the server's clock.
func (c Contest) WindowOpen(name WindowName, t time.Time) bool {
	return c.Schedule.Window(name).OpenAt(t)
}

// RequireOpen returns a *PhaseClosedError unless window name is open at t.
func (c Contest) RequireOpen(name WindowName, t time.Time) error {
	if c.WindowOpen(name, t) {
		return nil
	}
	return &PhaseClosedError{Name: name, Dates: c.Schedule.Window(name)}
}

// RequireClosed returns an error unless window name has closed by t: the
// stage steps that follow a window (publishing nominees after review,
// champions after voting, results after selection) ask it.
func (c Contest) RequireClosed(name WindowName, t time.Time) error {
	w := c.Schedule.Window(name)
	if !t.Before(w.ClosesAt) {
		return nil
	}
	return c.phaseClosed(name, fmt.Sprintf("this step comes after the %s window closes at %s (UTC)",
		name, w.ClosesAt.UTC().Format(time.RFC3339)))
}

// RequireNotClosed returns a *PhaseClosedError once window name has closed
// by t: work that prepares a window (assigning reviewers before and during
// the review) may go on until it ends.
func (c Contest) RequireNotClosed(name WindowName, t time.Time) error {
	w := c.Schedule.Window(name)
	if t.Before(w.ClosesAt) {
		return nil
	}
	return &PhaseClosedError{Name: name, Dates: w}
}

// RequireNotOpened returns an error once window name has opened by t.
func (c Contest) RequireNotOpened(name WindowName, t time.Time) error {
	w := c.Schedule.Window(name)
	if t.Before(w.OpensAt) {
		return nil
	}
	return c.phaseClosed(name, fmt.Sprintf("this step must come before the %s window opens at %s (UTC)",
		name, w.OpensAt.UTC().Format(time.RFC3339)))
}

// phaseClosed is the *PhaseClosedError of window name that says detail: an
// action that waits for a stage or the end of a window still names the
// window it is bound to, with its dates.
func (c Contest) phaseClosed(name WindowName, detail string) error {
	return &PhaseClosedError{Name: name, Dates: c.Schedule.Window(name), Detail: detail}
}

// OpenWindow returns the window open at t, if any.
func (c Contest) OpenWindow(t time.Time) (WindowName, bool) {
	for _, name := range WindowNames {
		if c.WindowOpen(name, t) {
			return name, true
		}
	}
	return "", false
}

// Equal reports whether two schedules have the same windows.
func (s Schedule) Equal(o Schedule) bool {
	for _, name := range WindowNames {
		a, b := s.Window(name), o.Window(name)
		if !a.OpensAt.Equal(b.OpensAt) || !a.ClosesAt.Equal(b.ClosesAt) {
			return false
		}
	}
	return true
}
