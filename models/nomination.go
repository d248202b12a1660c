package models

import (
	"strconv"
	"strings"
	"time"
)

// NominationState is where a nomination is in the contest (SPEC §3).
type NominationState string

// The nomination states.
const (
	NominationSubmitted  NominationState = "submitted"
	NominationWithdrawn  NominationState = "withdrawn"
	NominationIneligible NominationState = "ineligible"
	NominationNominee    NominationState = "nominee"
	NominationChampion   NominationState = "champion"
	NominationWinner     NominationState = "winner"
)

// Implementations are the implementation stages a nominated project may be
// at.
var Implementations = []string{"completed", "major-phase-completed"}

// Nomination is a project entered into one category of one contest.
type Nomination struct {
	ID               string          `json:"id"`
	Contest          int             `json:"contest"`
	Category         int             `json:"category"`
	ProjectID        string          `json:"project_id"`
	ProjectTitle     string          `json:"project_title"`
	Organization     string          `json:"organization"`
	Countries        []string        `json:"countries"`
	NominatorID      string          `json:"nominator_id"`
	ShortDescription string          `json:"short_description"`
	Impact           string          `json:"impact"`
	SDGLinkage       string          `json:"sdg_linkage"`
	Partnerships     string          `json:"partnerships"`
	Challenges       string          `json:"challenges"`
	Implementation   string          `json:"implementation"`
	State            NominationState `json:"state"`
	IneligibleReason string          `json:"ineligible_reason,omitempty"`
	// SlotsReleased marks an ineligible nomination whose screening gave its
	// project's and organization's slots up, so that they may be nominated
	// again.
	SlotsReleased bool      `json:"slots_released,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int       `json:"version"`
}

// IsPublic reports whether anyone may read the nomination: once it is a
// nominee or beyond.
func (n Nomination) IsPublic() bool {
	return n.State == NominationNominee || n.State == NominationChampion || n.State == NominationWinner
}

// Active reports whether the nomination holds its project's and its
// organization's slots in the contest: every state but withdrawn does,
// unless an admin released them when screening the nomination out.
func (n Nomination) Active() bool { return n.State != NominationWithdrawn && !n.SlotsReleased }

// MayWithdraw reports whether userID may withdraw the nomination, whose
// project projectOwnerID owns: its nominator, or the project's owner, who
// may withdraw any nomination of their own project (SPEC §5), including one
// a third party made.
func (n Nomination) MayWithdraw(userID, projectOwnerID string) bool {
	return userID != "" && (userID == n.NominatorID || userID == projectOwnerID)
}

// Withdraw withdraws a submitted nomination, freeing its slots. The caller
// checks the submission window and MayWithdraw. Returns ErrConflict for a
// nomination in any other state: one already screened out keeps the slots
// the admin left it.
func (n *Nomination) Withdraw() error {
	if n.State != NominationSubmitted {
		return WithDetail(ErrConflict, "only a submitted nomination can be withdrawn; this one is "+string(n.State))
	}
	n.State = NominationWithdrawn
	return nil
}

// MarkIneligible screens a submitted nomination out with reason; with
// releaseSlots its project and organization may be nominated again in the
// category, otherwise the nomination keeps holding their slots. Admins only,
// which the caller checks. Returns ErrConflict for a nomination that is not
// submitted.
func (n *Nomination) MarkIneligible(reason string, releaseSlots bool) error {
	if n.State != NominationSubmitted {
		return WithDetail(ErrConflict, "only a submitted nomination can be screened out; this one is "+string(n.State))
	}
	n.State, n.IneligibleReason, n.SlotsReleased = NominationIneligible, strings.TrimSpace(reason), releaseSlots
	return nil
}

// ProjectSlot is the key that makes a project nominable once per contest.
func (n Nomination) ProjectSlot() string {
	return strings.Join([]string{strconv.Itoa(n.Contest), n.ProjectID}, "/")
}

// OrganizationSlot is the key that lets an organization hold one nomination
// per category per contest, its organization named by OrganizationKey.
func (n Nomination) OrganizationSlot() string {
	return strings.Join([]string{strconv.Itoa(n.Contest), strconv.Itoa(n.Category), OrganizationKey(n.Organization)}, "/")
}

// CheckNominable applies SPEC §5's rules about the project to a nomination
// of it by nominatorID in category of contest c: the project is the
// nominator's own or, when the contest allows it, any published project; it
// is published, since a nomination shows it to the public once it is a
// nominee (which also rules out drafts); the category is one of its action
// lines. A project the nominator may not see is ErrNotFound before any other
// rule, so that no answer tells it exists. Earlier wins and duplicates are
// checked by the store.
func CheckNominable(c Contest, p Project, nominatorID string, category int) error {
	own := p.OwnerID == nominatorID
	if !own && p.Published == nil {
		return WithDetail(ErrNotFound, "no such project")
	}
	if !own && !c.Settings.AllowThirdPartyNominations {
		return Invalid("project_id", "this contest accepts nominations of your own projects only")
	}
	if p.Published == nil {
		return Invalid("project_id", "only a project published in the Stocktaking can be nominated; this one is "+string(p.State))
	}
	if category < 1 || category > len(ActionLines) {
		return Invalid("category", "must be from 1 to 18")
	}
	code := ActionLines[category-1].Code
	for _, l := range p.Published.ActionLines {
		if l == code {
			return nil
		}
	}
	return Invalid("category", "must be one of the project's action lines; category "+strconv.Itoa(category)+" is "+code)
}

// PublicState is the state the public may see of a nomination under the
// contest's stage flags: nothing before the nominees are published, and a
// champion or winner only once that step is published.
func (n Nomination) PublicState(st Stages) (NominationState, bool) {
	if !st.NomineesPublished || !n.IsPublic() {
		return "", false
	}
	switch {
	case n.State == NominationWinner && st.ResultsPublished:
		return NominationWinner, true
	case (n.State == NominationWinner || n.State == NominationChampion) && st.ChampionsPublished:
		return NominationChampion, true
	}
	return NominationNominee, true
}

// VisibleTo reports whether u may read the whole nomination, whose project
// projectOwnerID owns: its nominator, the project's owner and admins may;
// anyone else sees at most its public view (PublicState).
func (n Nomination) VisibleTo(u User, projectOwnerID string) bool {
	return n.MayWithdraw(u.ID, projectOwnerID) || (u.ID != "" && u.HasRole(RoleAdmin))
}

// NominationText is what a nominator writes (SPEC §3): the short
// description voters read and the longer answers reviewers read.
type NominationText struct {
	ShortDescription string
	Impact           string
	SDGLinkage       string
	Partnerships     string
	Challenges       string
	Implementation   string
}

// Text returns what the nominator wrote.
func (n Nomination) Text() NominationText {
	return NominationText{ShortDescription: n.ShortDescription, Impact: n.Impact, SDGLinkage: n.SDGLinkage,
		Partnerships: n.Partnerships, Challenges: n.Challenges, Implementation: n.Implementation}
}

// Edit replaces the nominator's text of a submitted nomination by t, its
// answers trimmed of surrounding space. The caller checks the submission
// window and that the actor is the nominator. Returns ErrConflict for a
// nomination in any other state.
func (n *Nomination) Edit(t NominationText) error {
	if n.State != NominationSubmitted {
		return WithDetail(ErrConflict, "only a submitted nomination can change; this one is "+string(n.State))
	}
	n.ShortDescription, n.Impact = strings.TrimSpace(t.ShortDescription), strings.TrimSpace(t.Impact)
	n.SDGLinkage, n.Partnerships = strings.TrimSpace(t.SDGLinkage), strings.TrimSpace(t.Partnerships)
	n.Challenges, n.Implementation = strings.TrimSpace(t.Challenges), t.Implementation
	return nil
}

// MakeNominee turns a submitted nomination into a nominee. A nominee stays
// one without error, so that a publication cut short can simply run again.
// Returns ErrConflict for a nomination in any other state.
func (n *Nomination) MakeNominee() error {
	switch n.State {
	case NominationNominee:
		return nil
	case NominationSubmitted:
		n.State = NominationNominee
		return nil
	}
	return WithDetail(ErrConflict, "nomination "+n.ID+" is "+string(n.State))
}
