package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colProjects holds the Stocktaking entries. Entries are read by _id and
// changed in place (an edit is rare); lists are served by the search read
// model, which each write notifies and which catches up by change sequence.
const colProjects = "projects"

// seqSearch names the counter of the change sequence shared by everything
// the search read model holds: projects and accounts.
const seqSearch = "search"

type contentDoc struct {
	Title           string                 `bson:"title"`
	Summary         string                 `bson:"summary"`
	Description     string                 `bson:"description"`
	Organization    string                 `bson:"organization"`
	StakeholderType models.StakeholderType `bson:"stakeholder_type"`
	Countries       []string               `bson:"countries"`
	Coverage        string                 `bson:"coverage"`
	ActionLines     []string               `bson:"action_lines"`
	SDGs            []int                  `bson:"sdgs"`
	GDCObjectives   []int                  `bson:"gdc_objectives"`
	Status          string                 `bson:"status"`
	StartDate       string                 `bson:"start_date"`
	EndDate         string                 `bson:"end_date,omitempty"`
	Website         string                 `bson:"website,omitempty"`
	Partners        []string               `bson:"partners"`
	ContactEmail    string                 `bson:"contact_email"`
}

type projectDoc struct {
	ID          string              `bson:"_id"`
	Content     contentDoc          `bson:"content"`
	State       models.ProjectState `bson:"state"`
	OwnerID     string              `bson:"owner_id"`
	Note        string              `bson:"note,omitempty"`
	Published   *contentDoc         `bson:"published"`
	PublishedAt *time.Time          `bson:"published_at,omitempty"`
	Deleted     bool                `bson:"deleted,omitempty"`
	CreatedAt   time.Time           `bson:"created_at"`
	UpdatedAt   time.Time           `bson:"updated_at"`
	Version     int                 `bson:"version"`
	Seq         int64               `bson:"seq"`
}

func toContentDoc(c models.ProjectContent) contentDoc { return contentDoc(c) }

func (d contentDoc) content() models.ProjectContent { return models.ProjectContent(d) }

func toProjectDoc(p models.Project) projectDoc {
	d := projectDoc{ID: p.ID, Content: toContentDoc(p.ProjectContent), State: p.State, OwnerID: p.OwnerID, Note: p.Note,
		PublishedAt: p.PublishedAt, Deleted: p.Deleted, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version, Seq: p.Seq}
	if p.Published != nil {
		pub := toContentDoc(*p.Published)
		d.Published = &pub
	}
	return d
}

func (d projectDoc) project() models.Project {
	p := models.Project{ID: d.ID, ProjectContent: d.Content.content(), State: d.State, OwnerID: d.OwnerID, Note: d.Note,
		PublishedAt: d.PublishedAt, Deleted: d.Deleted, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version, Seq: d.Seq}
	if d.Published != nil {
		pub := d.Published.content()
		p.Published = &pub
	}
	return p
}

// Observer learns of every project (a deleted one with Deleted set) and
// account as written, with its change sequence; the search read model is one.
type Observer interface {
	ProjectChanged(p models.Project)
	UserChanged(u models.User)
}

// Observe makes o hear of every project and account write made through s.
// Set it before serving.
func (s *Store) Observe(o Observer) { s.observer = o }

func (s *Store) projectChanged(p models.Project) {
	if s.observer != nil {
		s.observer.ProjectChanged(p)
	}
}

func (s *Store) userChanged(u models.User) {
	if s.observer != nil {
		s.observer.UserChanged(u)
	}
}

// CreateProject stores a new project with a new id, version 1 and a change
// sequence, and returns it. It returns only the database's errors.
func (s *Store) CreateProject(ctx context.Context, p models.Project) (models.Project, error) {
	seq, err := s.nextSeq(ctx, seqSearch, 1)
	if err != nil {
		return models.Project{}, err
	}
	p.ID, p.Version, p.Seq = bson.NewObjectID().Hex(), 1, seq
	if err := s.recordChanges(ctx, models.ChangeProject, seq, p.ID); err != nil {
		return models.Project{}, err
	}
	if _, err := s.db.Collection(colProjects).InsertOne(ctx, toProjectDoc(p)); err != nil {
		return models.Project{}, mapInternal("create project", err)
	}
	s.projectChanged(p)
	return p, nil
}

// Project returns the project with id, whoever owns it. Handlers decide who
// may see it. Returns ErrNotFound for no such (or a deleted) project.
func (s *Store) Project(ctx context.Context, id string) (models.Project, error) {
	var d projectDoc
	if err := s.db.Collection(colProjects).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return models.Project{}, noSuchProject("find project")
		}
		return models.Project{}, mapErr("find project", err)
	}
	if d.Deleted {
		return models.Project{}, noSuchProject("find project")
	}
	return d.project(), nil
}

// OwnedProject returns the project with id when ownerID owns it. Returns
// ErrNotFound otherwise, so that another user's project does not exist for
// the caller.
func (s *Store) OwnedProject(ctx context.Context, id, ownerID string) (models.Project, error) {
	p, err := s.Project(ctx, id)
	if err != nil {
		return models.Project{}, err
	}
	if p.OwnerID != ownerID {
		return models.Project{}, noSuchProject("find project")
	}
	return p, nil
}

// noSuchProject is the ErrNotFound of a project that is missing, deleted or
// another user's: one answer for all three, so that existence does not leak.
func noSuchProject(op string) error {
	return fmt.Errorf("store: %s: %w", op, models.WithDetail(models.ErrNotFound, "no such project"))
}

// ProjectChange is a change to a project decided on its current value: it
// returns an error to refuse the change.
type ProjectChange func(p *models.Project) error

// UpdateProject applies change to the project atomically: it reads the
// project, lets change decide and edit it, and writes it only if nobody wrote
// in between. With ownerID set, only that owner's project is found. With
// version > 0 (the client's If-Match) a project at another version is
// ErrPreconditionFailed; without it a concurrent write makes it re-read and
// retry. Returns ErrNotFound, change's error, or the project as written.
func (s *Store) UpdateProject(ctx context.Context, id, ownerID string, version int, at time.Time, change ProjectChange) (models.Project, error) {
	const op = "update project"
	var p models.Project
	err := s.readModifyWrite(colProjects, id, op, version > 0, func() (bool, error) {
		var err error
		p, err = s.Project(ctx, id)
		if err == nil && ownerID != "" && p.OwnerID != ownerID {
			err = noSuchProject(op)
		}
		if err != nil {
			return false, err
		}
		if err := checkVersion(op, version, p.Version); err != nil {
			return false, err
		}
		read := p.Version
		if err := change(&p); err != nil {
			return false, err
		}
		if p.Seq, err = s.nextSeq(ctx, seqSearch, 1); err != nil {
			return false, err
		}
		if err := s.recordChanges(ctx, models.ChangeProject, p.Seq, id); err != nil {
			return false, err
		}
		p.Version, p.UpdatedAt = read+1, at
		return s.replaceRead(ctx, colProjects, op, id, read, toProjectDoc(p), mapInternal)
	})
	if err != nil {
		return models.Project{}, err
	}
	s.projectChanged(p)
	return p, nil
}

// DeleteProject deletes the owner's project when check allows. The document
// stays as a tombstone with a new change sequence, so that every replica's
// read model learns of the deletion; it is gone for every reader. Returns
// ErrNotFound, ErrPreconditionFailed or check's error.
func (s *Store) DeleteProject(ctx context.Context, id, ownerID string, version int, at time.Time, check ProjectChange) error {
	_, err := s.UpdateProject(ctx, id, ownerID, version, at, func(p *models.Project) error {
		if err := check(p); err != nil {
			return err
		}
		p.Deleted = true
		return nil
	})
	return err
}

// EachPublishedProject calls fn with every published project,
// streaming with a cursor so that memory stays constant: exports. It returns only the database's errors.
func (s *Store) EachPublishedProject(ctx context.Context, fn func(p models.Project) error) error {
	filter := bson.D{{Key: "published", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}}
	// No sort: the embedded store would sort the whole collection in memory
	// before the first batch. The order is the database's (creation order
	// on the embedded store).
	return stream(ctx, s.db.Collection(colProjects), "published projects", filter,
		options.Find(), func(d projectDoc) error { return fn(d.project()) })
}

// stream reads the documents filter selects with a cursor, in batches, and
// calls fn with each: whole-collection work in constant memory (SPEC §8).
// fn's error stops it and is returned as it is.
func stream[D any](ctx context.Context, c *mongo.Collection, op string, filter bson.D, opts *options.FindOptionsBuilder, fn func(D) error) error {
	cur, err := c.Find(ctx, filter, opts.SetBatchSize(500))
	if err != nil {
		return mapErr(op, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return mapErr(op, err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return mapErr(op, cur.Err())
}

// InsertProjects stores many new projects at once with one unordered
// InsertMany per batch, each with a new id, version 1 and its own change
// sequence: the seeding of demos and benchmarks. It returns only the database's errors.
func (s *Store) InsertProjects(ctx context.Context, ps []models.Project) error {
	if len(ps) == 0 {
		return nil
	}
	last, err := s.nextSeq(ctx, seqSearch, int64(len(ps)))
	if err != nil {
		return err
	}
	docs, ids := make([]any, len(ps)), make([]string, len(ps))
	for i := range ps {
		ps[i].ID, ps[i].Version, ps[i].Seq = bson.NewObjectID().Hex(), 1, last-int64(len(ps)-1-i)
		docs[i], ids[i] = toProjectDoc(ps[i]), ps[i].ID
	}
	if err := s.recordChanges(ctx, models.ChangeProject, last, ids...); err != nil {
		return err
	}
	if _, err := s.db.Collection(colProjects).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
		return mapInternal("insert projects", err)
	}
	return nil
}

// CountPublished counts published projects, optionally those with an action
// line: the store's own answer to compare the read model's facets with.
// It returns only the database's errors.
func (s *Store) CountPublished(ctx context.Context, actionLine string) (int64, error) {
	filter := bson.D{{Key: "published", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}}
	if actionLine != "" {
		filter = append(filter, bson.E{Key: "published.action_lines", Value: actionLine})
	}
	n, err := s.db.Collection(colProjects).CountDocuments(ctx, filter)
	return n, mapErr("count published projects", err)
}

type counterDoc struct {
	ID    string `bson:"_id"`
	Value int64  `bson:"value"`
}

// nextSeq advances the named counter by n atomically and returns its new
// value; the n values up to it are the caller's.
func (s *Store) nextSeq(ctx context.Context, name string, n int64) (int64, error) {
	var c counterDoc
	err := retryUpsert(func() error {
		return s.serialize(colCounters, name, func() error {
			return s.db.Collection(colCounters).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: name}},
				bson.D{{Key: "$inc", Value: bson.D{{Key: "value", Value: n}}}},
				options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&c)
		})
	})
	if err != nil {
		return 0, mapInternal("next sequence", err)
	}
	return c.Value, nil
}

// colCounters holds small counters, each a document updated with $inc.
const colCounters = "counters"
