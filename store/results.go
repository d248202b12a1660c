package store

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// The collections of the end of a contest (SPEC §5). All are small: a
// reviewer's pick per category, and one document per contest for the
// recount the champions were chosen by and for the published results.
const (
	colSelections     = "selections"      // one pick per reviewer per category, _id models.SelectionID
	colChampionCounts = "champion_counts" // the recount of a publication of champions, _id the year
	colResults        = "results"         // a contest's published results, _id the year
)

type selectionDoc struct {
	ID           string    `bson:"_id"`
	Contest      int       `bson:"contest"`
	Category     int       `bson:"category"`
	NominationID string    `bson:"nomination_id"`
	ReviewerID   string    `bson:"reviewer_id"`
	At           time.Time `bson:"at"`
}

func (d selectionDoc) selection() models.Selection {
	return models.Selection{ID: d.ID, Contest: d.Contest, Category: d.Category, NominationID: d.NominationID,
		ReviewerID: d.ReviewerID, At: d.At.UTC()}
}

// PutSelection stores the reviewer's pick in its category, replacing the
// one before: the _id is contest, category and reviewer, and the replace
// runs under serialize, so any number of concurrent puts leave one pick.
// It returns only the database's errors.
func (s *Store) PutSelection(ctx context.Context, sel models.Selection) (models.Selection, error) {
	sel.ID = models.SelectionID(sel.Contest, sel.Category, sel.ReviewerID)
	sel.At = sel.At.UTC().Truncate(time.Millisecond)
	d := selectionDoc{ID: sel.ID, Contest: sel.Contest, Category: sel.Category, NominationID: sel.NominationID,
		ReviewerID: sel.ReviewerID, At: sel.At}
	return sel, s.replaceByID(ctx, colSelections, "put selection", sel.ID, d)
}

// SelectionsOf returns the reviewer's picks in the contest, by category:
// scoped to the reviewer here, so no caller can read another's. It returns only the database's errors.
func (s *Store) SelectionsOf(ctx context.Context, contest int, reviewerID string) ([]models.Selection, error) {
	return findAll(ctx, s.db.Collection(colSelections), "list selections",
		bson.D{{Key: "contest", Value: contest}, {Key: "reviewer_id", Value: reviewerID}}, selectionDoc.selection,
		options.Find().SetSort(bson.D{{Key: "category", Value: 1}}))
}

// Picks returns each nomination's picks in the contest, by category then
// nomination: what the results are decided by. It returns only the database's errors.
func (s *Store) Picks(ctx context.Context, contest int) (map[int]map[string]int, error) {
	out := map[int]map[string]int{}
	err := stream(ctx, s.db.Collection(colSelections), "count picks", bson.D{{Key: "contest", Value: contest}}, options.Find(),
		func(d selectionDoc) error {
			if out[d.Category] == nil {
				out[d.Category] = map[string]int{}
			}
			out[d.Category][d.NominationID]++
			return nil
		})
	return out, err
}

type championCountsDoc struct {
	ID                    string `bson:"_id"`
	models.ChampionCounts `bson:",inline"`
}

// PutChampionCounts stores the recount a publication of champions used,
// replacing that of an earlier run of the same contest. It returns only the database's errors.
func (s *Store) PutChampionCounts(ctx context.Context, c models.ChampionCounts) error {
	return s.replaceYear(ctx, colChampionCounts, "put champion counts", c.Contest, championCountsDoc{ID: strconv.Itoa(c.Contest), ChampionCounts: c})
}

// ChampionCounts returns the recount the contest's champions were chosen
// by. Returns ErrNotFound when they were never published.
func (s *Store) ChampionCounts(ctx context.Context, contest int) (models.ChampionCounts, error) {
	var d championCountsDoc
	err := s.db.Collection(colChampionCounts).FindOne(ctx, bson.D{{Key: "_id", Value: strconv.Itoa(contest)}}).Decode(&d)
	d.CountedAt = d.CountedAt.UTC()
	return d.ChampionCounts, mapErr("find champion counts", err)
}

type resultsDoc struct {
	ID             string `bson:"_id"`
	models.Results `bson:",inline"`
}

// PutResults stores the contest's results, replacing those of a
// publication cut short before its stage flag was set. It returns only the database's errors.
func (s *Store) PutResults(ctx context.Context, r models.Results) error {
	return s.replaceYear(ctx, colResults, "put results", r.Contest, resultsDoc{ID: strconv.Itoa(r.Contest), Results: r})
}

// Results returns the contest's stored results. Returns ErrNotFound when
// there are none; whether they are public is the contest's stage flag.
func (s *Store) Results(ctx context.Context, contest int) (models.Results, error) {
	var d resultsDoc
	err := s.db.Collection(colResults).FindOne(ctx, bson.D{{Key: "_id", Value: strconv.Itoa(contest)}}).Decode(&d)
	d.PublishedAt = d.PublishedAt.UTC()
	return d.Results, mapErr("find results", err)
}

// replaceYear upserts doc as the one document of the contest in coll.
func (s *Store) replaceYear(ctx context.Context, coll, op string, contest int, doc any) error {
	return s.replaceByID(ctx, coll, op, strconv.Itoa(contest), doc)
}

// replaceByID upserts doc as the document id of coll, through the
// serializing helper, retrying when another writer inserted it first.
func (s *Store) replaceByID(ctx context.Context, coll, op, id string, doc any) error {
	return retryUpsert(func() error {
		return s.serialize(coll, id, func() error {
			_, err := s.db.Collection(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
			return mapInternal(op, err)
		})
	})
}
