package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colNominations holds a year's nominations: a small collection, queried
// and changed in place. Two unique indexes hold SPEC §5's limits: the
// project slot (one nomination per project per contest) and the
// organization slot (one per organization per category per contest, the
// organization named by models.OrganizationKey). A nomination that gives its
// slots up (withdrawn, or screened out with its slots released) takes keys
// of its own.
const colNominations = "nominations"

type nominationDoc struct {
	ID               string                 `bson:"_id"`
	Contest          int                    `bson:"contest"`
	Category         int                    `bson:"category"`
	ProjectID        string                 `bson:"project_id"`
	ProjectTitle     string                 `bson:"project_title"`
	Organization     string                 `bson:"organization"`
	Countries        []string               `bson:"countries"`
	NominatorID      string                 `bson:"nominator_id"`
	ShortDescription string                 `bson:"short_description"`
	Impact           string                 `bson:"impact"`
	SDGLinkage       string                 `bson:"sdg_linkage"`
	Partnerships     string                 `bson:"partnerships"`
	Challenges       string                 `bson:"challenges"`
	Implementation   string                 `bson:"implementation"`
	State            models.NominationState `bson:"state"`
	IneligibleReason string                 `bson:"ineligible_reason,omitempty"`
	SlotsReleased    bool                   `bson:"slots_released,omitempty"`
	ProjectSlot      string                 `bson:"project_slot"`
	OrganizationSlot string                 `bson:"organization_slot"`
	CreatedAt        time.Time              `bson:"created_at"`
	UpdatedAt        time.Time              `bson:"updated_at"`
	Version          int                    `bson:"version"`
}

func toNominationDoc(n models.Nomination) nominationDoc {
	d := nominationDoc{ID: n.ID, Contest: n.Contest, Category: n.Category, ProjectID: n.ProjectID, ProjectTitle: n.ProjectTitle,
		Organization: n.Organization, Countries: n.Countries, NominatorID: n.NominatorID, ShortDescription: n.ShortDescription,
		Impact: n.Impact, SDGLinkage: n.SDGLinkage, Partnerships: n.Partnerships, Challenges: n.Challenges,
		Implementation: n.Implementation, State: n.State, IneligibleReason: n.IneligibleReason, SlotsReleased: n.SlotsReleased,
		ProjectSlot: n.ProjectSlot(), OrganizationSlot: n.OrganizationSlot(),
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, Version: n.Version}
	if !n.Active() {
		d.ProjectSlot, d.OrganizationSlot = "withdrawn/"+n.ID, "withdrawn/"+n.ID
	}
	return d
}

func (d nominationDoc) nomination() models.Nomination {
	return models.Nomination{ID: d.ID, Contest: d.Contest, Category: d.Category, ProjectID: d.ProjectID,
		ProjectTitle: d.ProjectTitle, Organization: d.Organization, Countries: d.Countries, NominatorID: d.NominatorID,
		ShortDescription: d.ShortDescription, Impact: d.Impact, SDGLinkage: d.SDGLinkage, Partnerships: d.Partnerships,
		Challenges: d.Challenges, Implementation: d.Implementation, State: d.State, IneligibleReason: d.IneligibleReason,
		SlotsReleased: d.SlotsReleased, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version}
}

// nominationConflict names the limit a duplicate key of n broke. MongoDB
// names the index in its message; the embedded store does not, so the
// project slot is looked up when the message does not say.
func (s *Store) nominationConflict(ctx context.Context, n models.Nomination, err error) error {
	project := models.WithDetail(models.ErrConflict, "this project is already nominated in this contest")
	organization := models.WithDetail(models.ErrConflict, "this organization already has a nomination in this category")
	msg := err.Error()
	switch {
	case strings.Contains(msg, "project_slot"):
		return project
	case strings.Contains(msg, "organization_slot"):
		return organization
	}
	taken := s.db.Collection(colNominations).FindOne(ctx, bson.D{{Key: "project_slot", Value: n.ProjectSlot()},
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: n.ID}}}}).Err()
	if taken == nil {
		return project
	}
	return organization
}

// CreateNomination stores a nomination with a new id at version 1. Of
// concurrent nominations of one project, or of one organization in one
// category, in a contest, exactly one lands: the others get ErrConflict
// saying which limit they broke.
func (s *Store) CreateNomination(ctx context.Context, n models.Nomination) (models.Nomination, error) {
	n.ID, n.Version = bson.NewObjectID().Hex(), 1
	if _, err := s.db.Collection(colNominations).InsertOne(ctx, toNominationDoc(n)); err != nil {
		if isDuplicateKey(err) {
			return models.Nomination{}, fmt.Errorf("store: create nomination: %w", s.nominationConflict(ctx, n, err))
		}
		return models.Nomination{}, mapErr("create nomination", err)
	}
	return n, nil
}

// Nomination returns the nomination with id. Returns ErrNotFound.
func (s *Store) Nomination(ctx context.Context, id string) (models.Nomination, error) {
	var d nominationDoc
	if err := s.db.Collection(colNominations).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Nomination{}, mapErr("find nomination", err)
	}
	return d.nomination(), nil
}

// UpdateNomination applies change to the nomination atomically, like
// UpdateProject: ErrNotFound, ErrPreconditionFailed (a stale If-Match),
// change's error, or ErrConflict when a change of slots collides.
func (s *Store) UpdateNomination(ctx context.Context, id string, version int, at time.Time, change func(*models.Nomination) error) (models.Nomination, error) {
	const op = "update nomination"
	var n models.Nomination
	err := s.readModifyWrite(colNominations, id, op, version > 0, func() (bool, error) {
		var err error
		if n, err = s.Nomination(ctx, id); err != nil {
			return false, err
		}
		if err := checkVersion(op, version, n.Version); err != nil {
			return false, err
		}
		read := n.Version
		if err := change(&n); err != nil {
			return false, err
		}
		n.Version, n.UpdatedAt = read+1, at
		return s.replaceRead(ctx, colNominations, op, id, read, toNominationDoc(n), func(op string, err error) error {
			if isDuplicateKey(err) {
				return fmt.Errorf("store: %s: %w", op, s.nominationConflict(ctx, n, err))
			}
			return mapErr(op, err)
		})
	})
	if err != nil {
		return models.Nomination{}, err
	}
	return n, nil
}

// NominationQuery selects nominations; zero fields do not filter.
type NominationQuery struct {
	Contest     int
	Category    int
	NominatorID string
	ProjectID   string
	States      []models.NominationState
}

// Nominations returns the nominations the query selects, by contest,
// category and creation. It returns only the database's errors.
func (s *Store) Nominations(ctx context.Context, q NominationQuery) ([]models.Nomination, error) {
	filter := bson.D{}
	if q.Contest != 0 {
		filter = append(filter, bson.E{Key: "contest", Value: q.Contest})
	}
	if q.Category != 0 {
		filter = append(filter, bson.E{Key: "category", Value: q.Category})
	}
	if q.NominatorID != "" {
		filter = append(filter, bson.E{Key: "nominator_id", Value: q.NominatorID})
	}
	if q.ProjectID != "" {
		filter = append(filter, bson.E{Key: "project_id", Value: q.ProjectID})
	}
	if len(q.States) > 0 {
		filter = append(filter, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: q.States}}})
	}
	return findAll(ctx, s.db.Collection(colNominations), "list nominations", filter, nominationDoc.nomination,
		options.Find().SetSort(bson.D{
			{Key: "contest", Value: -1}, {Key: "category", Value: 1}, {Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
}

// WonBefore reports whether the project won a contest before year. It returns only the database's errors.
func (s *Store) WonBefore(ctx context.Context, projectID string, year int) (bool, error) {
	err := s.db.Collection(colNominations).FindOne(ctx, bson.D{{Key: "project_id", Value: projectID},
		{Key: "state", Value: models.NominationWinner}, {Key: "contest", Value: bson.D{{Key: "$lt", Value: year}}}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("earlier wins", err)
	}
	return true, nil
}

// NominationOf returns the nomination with id if nominatorID made it.
// Returns ErrNotFound when there is none or another user made it, so that
// the answer does not tell it exists.
func (s *Store) NominationOf(ctx context.Context, id, nominatorID string) (models.Nomination, error) {
	return s.scopedNomination(ctx, id, func(n models.Nomination) bool { return n.NominatorID == nominatorID })
}

// NominationWithdrawableBy returns the nomination with id if userID may
// withdraw it: its nominator, or the owner of its project, whoever
// nominated it (models.Nomination.MayWithdraw). Returns ErrNotFound
// otherwise.
func (s *Store) NominationWithdrawableBy(ctx context.Context, id, userID string) (models.Nomination, error) {
	return s.scopedNomination(ctx, id, func(n models.Nomination) bool {
		// The nominator's own needs no read of the project.
		return n.NominatorID == userID && userID != "" || n.MayWithdraw(userID, s.projectOwner(ctx, n.ProjectID))
	})
}

// NominationVisibleTo returns the whole nomination with id if u may read it:
// its nominator, its project's owner or an admin
// (models.Nomination.VisibleTo). Returns ErrNotFound otherwise; the caller
// may still show the public its public view.
func (s *Store) NominationVisibleTo(ctx context.Context, id string, u models.User) (models.Nomination, error) {
	return s.scopedNomination(ctx, id, func(n models.Nomination) bool {
		// The nominator's own needs no read of the project.
		return n.NominatorID == u.ID && u.ID != "" || n.VisibleTo(u, s.projectOwner(ctx, n.ProjectID))
	})
}

// scopedNomination returns the nomination with id if may allows it, and
// ErrNotFound as for a missing one otherwise.
func (s *Store) scopedNomination(ctx context.Context, id string, may func(models.Nomination) bool) (models.Nomination, error) {
	n, err := s.Nomination(ctx, id)
	if err != nil {
		return models.Nomination{}, err
	}
	if !may(n) {
		return models.Nomination{}, fmt.Errorf("store: find nomination: %w", models.ErrNotFound)
	}
	return n, nil
}

// projectOwner is the id of the owner of the project, or "" when it cannot
// be read.
func (s *Store) projectOwner(ctx context.Context, projectID string) string {
	p, err := s.Project(ctx, projectID)
	if err != nil {
		return ""
	}
	return p.OwnerID
}
