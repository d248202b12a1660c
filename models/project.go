package models

import (
	"strings"
	"time"
	"unicode"
)

// ProjectState is where a Stocktaking entry is in its lifecycle (SPEC §3).
type ProjectState string

// The project states.
const (
	ProjectDraft     ProjectState = "draft"
	ProjectSubmitted ProjectState = "submitted"
	ProjectPublished ProjectState = "published"
	ProjectReturned  ProjectState = "returned"
	ProjectRejected  ProjectState = "rejected"
)

// ProjectStates lists every state.
var ProjectStates = []ProjectState{ProjectDraft, ProjectSubmitted, ProjectPublished, ProjectReturned, ProjectRejected}

// Coverages are the geographic reaches a project may have.
var Coverages = []string{"local", "national", "regional", "international"}

// ProjectStatuses are the implementation statuses a project may have.
var ProjectStatuses = []string{"planned", "ongoing", "completed"}

// ProjectContent is what an owner writes about a project: everything but its
// state and bookkeeping. The published version of a project is a
// ProjectContent too.
type ProjectContent struct {
	Title           string          `json:"title"`
	Summary         string          `json:"summary"`
	Description     string          `json:"description"`
	Organization    string          `json:"organization"`
	StakeholderType StakeholderType `json:"stakeholder_type"`
	Countries       []string        `json:"countries"`
	Coverage        string          `json:"coverage"`
	ActionLines     []string        `json:"action_lines"`
	SDGs            []int           `json:"sdgs"`
	GDCObjectives   []int           `json:"gdc_objectives"`
	Status          string          `json:"status"`
	StartDate       string          `json:"start_date"`
	EndDate         string          `json:"end_date,omitempty"`
	Website         string          `json:"website,omitempty"`
	Partners        []string        `json:"partners"`
	ContactEmail    string          `json:"contact_email"`
}

// Project is a Stocktaking entry. Content is the owner's working copy;
// Published, once the entry has been published, is the version the public
// sees, which stays visible while an edit waits for moderation.
type Project struct {
	ID string `json:"id"`
	ProjectContent
	State       ProjectState    `json:"state"`
	OwnerID     string          `json:"owner_id"`
	Note        string          `json:"note,omitempty"`
	Published   *ProjectContent `json:"published,omitempty"`
	PublishedAt *time.Time      `json:"published_at,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Version     int             `json:"version"`
	// Deleted marks an entry its owner deleted; no reader sees it.
	Deleted bool `json:"-"`
	// Seq is the project's change sequence: every write gives it a new,
	// larger one, so the search read model catches up by reading what
	// changed since the last sequence it applied.
	Seq int64 `json:"-"`
}

// IsPublic reports whether the public may see the project: it has a
// published version.
func (p Project) IsPublic() bool { return p.Published != nil }

// PublicYear is the catalogue's `year` of a project: the year it was first
// published in the Stocktaking database.
func (p Project) PublicYear() int {
	if p.PublishedAt == nil {
		return 0
	}
	return p.PublishedAt.Year()
}

// CanEdit reports whether the owner may change the working copy: drafts,
// returned entries and published ones (whose edits wait for the next
// submission) are editable; an entry under review or rejected is not.
func (p Project) CanEdit() error {
	switch p.State {
	case ProjectDraft, ProjectReturned, ProjectPublished:
		return nil
	case ProjectSubmitted:
		return WithDetail(ErrConflict, "the project is under review; wait for the moderators' decision")
	}
	return WithDetail(ErrConflict, "the project was rejected and can no longer change")
}

// CanSubmit reports whether the owner may send the working copy to the
// moderators.
func (p Project) CanSubmit() error {
	switch p.State {
	case ProjectDraft, ProjectReturned:
		return nil
	case ProjectPublished:
		if p.Published != nil && p.HasChanges() {
			return nil
		}
		return WithDetail(ErrConflict, "the project is published and has no changes to submit")
	case ProjectSubmitted:
		return WithDetail(ErrConflict, "the project is already under review")
	}
	return WithDetail(ErrConflict, "the project was rejected and cannot be submitted again")
}

// CanDelete reports whether the owner may delete the entry: only one never
// published, since published entries may be cited and nominated.
func (p Project) CanDelete() error {
	if p.Published != nil {
		return WithDetail(ErrConflict, "a published project cannot be deleted")
	}
	if p.State == ProjectSubmitted {
		return WithDetail(ErrConflict, "the project is under review")
	}
	return nil
}

// CanModerate reports whether an admin may decide on the entry: only a
// submitted one.
func (p Project) CanModerate() error {
	if p.State != ProjectSubmitted {
		return WithDetail(ErrConflict, "only a submitted project can be published, returned or rejected; this one is "+string(p.State))
	}
	return nil
}

// HasChanges reports whether the working copy differs from the published
// version.
func (p Project) HasChanges() bool {
	if p.Published == nil {
		return true
	}
	return !sameContent(p.ProjectContent, *p.Published)
}

func sameContent(a, b ProjectContent) bool {
	return a.Title == b.Title && a.Summary == b.Summary && a.Description == b.Description &&
		a.Organization == b.Organization && a.StakeholderType == b.StakeholderType &&
		equalStrings(a.Countries, b.Countries) && a.Coverage == b.Coverage && equalStrings(a.ActionLines, b.ActionLines) &&
		equalInts(a.SDGs, b.SDGs) && equalInts(a.GDCObjectives, b.GDCObjectives) && a.Status == b.Status &&
		a.StartDate == b.StartDate && a.EndDate == b.EndDate && a.Website == b.Website &&
		equalStrings(a.Partners, b.Partners) && a.ContactEmail == b.ContactEmail
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Regions returns the ITU regions of the content's countries, each once, in
// the order of Regions.
func (c ProjectContent) Regions() []Region {
	seen := map[Region]bool{}
	for _, code := range c.Countries {
		if country, ok := CountryByCode(code); ok {
			seen[country.Region] = true
		}
	}
	var out []Region
	for _, r := range Regions {
		if seen[r] {
			out = append(out, r)
		}
	}
	return out
}

// WordCount counts the words of s: its runs of non-space characters.
func WordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) }))
}

// PublicProject is what the public sees of a published project: its
// published version without the contact email.
type PublicProject struct {
	ID              string          `json:"id"`
	Title           string          `json:"title"`
	Summary         string          `json:"summary"`
	Description     string          `json:"description,omitempty"`
	Organization    string          `json:"organization"`
	StakeholderType StakeholderType `json:"stakeholder_type"`
	Countries       []string        `json:"countries"`
	Regions         []Region        `json:"regions"`
	Coverage        string          `json:"coverage"`
	ActionLines     []string        `json:"action_lines"`
	SDGs            []int           `json:"sdgs"`
	GDCObjectives   []int           `json:"gdc_objectives"`
	Status          string          `json:"status"`
	StartDate       string          `json:"start_date"`
	EndDate         string          `json:"end_date,omitempty"`
	Website         string          `json:"website,omitempty"`
	Partners        []string        `json:"partners,omitempty"`
	PublishedAt     *time.Time      `json:"published_at"`
}

// Public returns the public view of a published project; the zero value when
// it has no published version.
func (p Project) Public() PublicProject {
	if p.Published == nil {
		return PublicProject{}
	}
	c := *p.Published
	return PublicProject{ID: p.ID, Title: c.Title, Summary: c.Summary, Description: c.Description,
		Organization: c.Organization, StakeholderType: c.StakeholderType, Countries: c.Countries, Regions: c.Regions(),
		Coverage: c.Coverage, ActionLines: c.ActionLines, SDGs: c.SDGs, GDCObjectives: c.GDCObjectives, Status: c.Status,
		StartDate: c.StartDate, EndDate: c.EndDate, Website: c.Website, Partners: c.Partners, PublishedAt: p.PublishedAt}
}

// ProjectSummary is a line of an owner's or a moderator's list of entries.
type ProjectSummary struct {
	ID           string       `json:"id"`
	Title        string       `json:"title"`
	Organization string       `json:"organization"`
	State        ProjectState `json:"state"`
	OwnerID      string       `json:"owner_id"`
	IsPublished  bool         `json:"is_published"`
	Note         string       `json:"note,omitempty"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int          `json:"version"`
}

// Line returns the list line of the project's working copy.
func (p Project) Line() ProjectSummary {
	return ProjectSummary{ID: p.ID, Title: p.Title, Organization: p.Organization, State: p.State, OwnerID: p.OwnerID,
		IsPublished: p.Published != nil, Note: p.Note, UpdatedAt: p.UpdatedAt, Version: p.Version}
}

// Submit sends the working copy to the moderators, when CanSubmit allows.
func (p *Project) Submit() error {
	if err := p.CanSubmit(); err != nil {
		return err
	}
	p.State = ProjectSubmitted
	return nil
}

// ModerationStep is an admin's decision on a submitted project.
type ModerationStep string

// The moderation steps: publish makes the working copy the public version;
// return sends it back to its owner for changes; reject refuses it.
const (
	ModeratePublish ModerationStep = "publish"
	ModerateReturn  ModerationStep = "return"
	ModerateReject  ModerationStep = "reject"
)

// Decision is the state step leads to.
func (step ModerationStep) Decision() ProjectState {
	switch step {
	case ModeratePublish:
		return ProjectPublished
	case ModerateReturn:
		return ProjectReturned
	}
	return ProjectRejected
}

// CheckNote returns a ValidationError when step needs a note for the owner
// (returning and rejecting do) and note is empty.
func (step ModerationStep) CheckNote(note string) error {
	if step != ModeratePublish && note == "" {
		return Invalid("note", "is required: tell the owner why")
	}
	return nil
}

// Moderate applies step with note, the moderators' words to the owner, at
// now, when CanModerate allows: returning and rejecting need a note.
// Publishing makes the working copy the public version (first published at
// now); a rejected edit of a published entry falls back to the published
// version, which stays public and editable. Returns a ValidationError for a
// missing note and ErrConflict for a project not submitted.
func (p *Project) Moderate(step ModerationStep, note string, now time.Time) error {
	if err := step.CheckNote(note); err != nil {
		return err
	}
	if err := p.CanModerate(); err != nil {
		return err
	}
	p.State, p.Note = step.Decision(), note
	if p.State == ProjectRejected && p.Published != nil {
		p.ProjectContent, p.State = *p.Published, ProjectPublished
	}
	if step == ModeratePublish {
		published := p.ProjectContent
		p.Published = &published
		if p.PublishedAt == nil {
			p.PublishedAt = &now
		}
	}
	return nil
}

// ChangeKind says which kind of document a change sequence is about.
type ChangeKind string

// The documents of the search read model.
const (
	ChangeProject ChangeKind = "project"
	ChangeUser    ChangeKind = "user"
)

// Change is what one change sequence is about: the read model's catch-up
// reads it to learn which document to index again.
type Change struct {
	Seq  int64
	Kind ChangeKind
	ID   string
}
