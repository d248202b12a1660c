package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colContests holds one document per contest, under the year as a string
// _id (an integer _id is not read by index on the embedded store). It is a
// small collection, changed in place.
const colContests = "contests"

type windowDoc struct {
	OpensAt  time.Time `bson:"opens_at"`
	ClosesAt time.Time `bson:"closes_at"`
}

type contestDoc struct {
	ID        string               `bson:"_id"`
	Year      int                  `bson:"year"`
	Title     string               `bson:"title"`
	Schedule  map[string]windowDoc `bson:"schedule"`
	Settings  contestSettingsDoc   `bson:"settings"`
	Stages    map[string]bool      `bson:"stages"`
	Shortlist string               `bson:"shortlist_method,omitempty"`
	CreatedAt time.Time            `bson:"created_at"`
	UpdatedAt time.Time            `bson:"updated_at"`
	Version   int                  `bson:"version"`
}

type contestSettingsDoc struct {
	NomineesPerCategory        int                `bson:"nominees_per_category"`
	ChampionsPerCategory       int                `bson:"champions_per_category"`
	ReviewsPerNomination       int                `bson:"reviews_per_nomination"`
	Criteria                   []models.Criterion `bson:"criteria"`
	ScoreNormalization         string             `bson:"score_normalization"`
	AllowThirdPartyNominations bool               `bson:"allow_third_party_nominations"`
	RequireCompleteBallot      bool               `bson:"require_complete_ballot"`
}

func toContestDoc(c models.Contest) contestDoc {
	d := contestDoc{ID: strconv.Itoa(c.Year), Year: c.Year, Title: c.Title, Schedule: map[string]windowDoc{},
		Settings: contestSettingsDoc(c.Settings), Shortlist: c.ShortlistMethod, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
		Stages: map[string]bool{"nominees_published": c.Stages.NomineesPublished,
			"champions_published": c.Stages.ChampionsPublished, "results_published": c.Stages.ResultsPublished}}
	for _, name := range models.WindowNames {
		w := c.Schedule.Window(name)
		d.Schedule[string(name)] = windowDoc{OpensAt: w.OpensAt, ClosesAt: w.ClosesAt}
	}
	return d
}

func (d contestDoc) contest() models.Contest {
	c := models.Contest{Year: d.Year, Title: d.Title, Settings: models.ContestSettings(d.Settings),
		Categories: models.ActionLines, ShortlistMethod: d.Shortlist, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version,
		Stages: models.Stages{NomineesPublished: d.Stages["nominees_published"],
			ChampionsPublished: d.Stages["champions_published"], ResultsPublished: d.Stages["results_published"]}}
	for _, name := range models.WindowNames {
		w := d.Schedule[string(name)]
		c.Schedule.Set(name, models.Window{OpensAt: w.OpensAt.UTC(), ClosesAt: w.ClosesAt.UTC()})
	}
	return c
}

// CreateContest stores a new contest at version 1. Returns ErrConflict when
// the year has one.
func (s *Store) CreateContest(ctx context.Context, c models.Contest) (models.Contest, error) {
	c.Version = 1
	if _, err := s.db.Collection(colContests).InsertOne(ctx, toContestDoc(c)); err != nil {
		if isDuplicateKey(err) {
			return models.Contest{}, fmt.Errorf("store: create contest: %w",
				models.WithDetail(models.ErrConflict, fmt.Sprintf("a contest for %d exists", c.Year)))
		}
		return models.Contest{}, mapErr("create contest", err)
	}
	if err := s.ensureVoteCollections(ctx, c.Year); err != nil {
		return models.Contest{}, err
	}
	c.Categories = models.ActionLines
	return c, nil
}

// Contest returns the contest of the year. Returns ErrNotFound when there is
// none.
func (s *Store) Contest(ctx context.Context, year int) (models.Contest, error) {
	var d contestDoc
	err := s.db.Collection(colContests).FindOne(ctx, bson.D{{Key: "_id", Value: strconv.Itoa(year)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Contest{}, fmt.Errorf("store: find contest: %w", models.WithDetail(models.ErrNotFound, "no contest for "+strconv.Itoa(year)))
	}
	if err != nil {
		return models.Contest{}, mapErr("find contest", err)
	}
	return d.contest(), nil
}

// ContestsPage returns at most limit contests older than beforeYear (all
// when it is 0), newest first, and the year to continue before (0 on the
// last page). It returns only the database's errors.
func (s *Store) ContestsPage(ctx context.Context, beforeYear, limit int) ([]models.Contest, int, error) {
	filter := bson.D{}
	if beforeYear > 0 {
		filter = bson.D{{Key: "year", Value: bson.D{{Key: "$lt", Value: beforeYear}}}}
	}
	list, err := findAll(ctx, s.db.Collection(colContests), "list contests", filter, contestDoc.contest,
		options.Find().SetSort(bson.D{{Key: "year", Value: -1}}).SetLimit(int64(limit)+1))
	if err != nil || len(list) <= limit {
		return list, 0, err
	}
	return list[:limit], list[limit-1].Year, nil
}

// Contests returns every contest, newest year first. It returns only the database's errors.
func (s *Store) Contests(ctx context.Context) ([]models.Contest, error) {
	return findAll(ctx, s.db.Collection(colContests), "list contests", bson.D{}, contestDoc.contest,
		options.Find().SetSort(bson.D{{Key: "year", Value: -1}}))
}

// UpdateContest applies change to the contest atomically (read, decide,
// write if unchanged) and returns it before and after. With version > 0 a
// contest at another version is ErrPreconditionFailed; without, a concurrent
// write makes it retry. Returns ErrNotFound for no such contest, ErrPreconditionFailed, or change's error.
func (s *Store) UpdateContest(ctx context.Context, year, version int, at time.Time, change func(*models.Contest) error) (before, after models.Contest, err error) {
	const op = "update contest"
	id := strconv.Itoa(year)
	err = s.readModifyWrite(colContests, id, op, version > 0, func() (bool, error) {
		if before, err = s.Contest(ctx, year); err != nil {
			return false, err
		}
		if err := checkVersion(op, version, before.Version); err != nil {
			return false, err
		}
		after = before
		after.Settings.Criteria = append([]models.Criterion(nil), before.Settings.Criteria...)
		if err := change(&after); err != nil {
			return false, err
		}
		after.Version, after.UpdatedAt = before.Version+1, at
		return s.replaceRead(ctx, colContests, op, id, before.Version, toContestDoc(after), mapErr)
	})
	return before, after, err
}
