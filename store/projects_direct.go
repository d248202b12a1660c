package store

import (
	"context"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// DirectQuery is a catalogue query answered by the store itself rather than
// the search read model. It exists to measure the read model against (wsis
// bench catalogue); the platform's lists never use it.
type DirectQuery struct {
	ActionLine string
	Countries  []string
	Text       string
	Skip       int
	Limit      int
}

func (q DirectQuery) filter() bson.D {
	f := bson.D{{Key: "published", Value: bson.D{{Key: "$ne", Value: nil}}}, {Key: "deleted", Value: bson.D{{Key: "$ne", Value: true}}}}
	if q.ActionLine != "" {
		f = append(f, bson.E{Key: "published.action_lines", Value: q.ActionLine})
	}
	if len(q.Countries) > 0 {
		f = append(f, bson.E{Key: "published.countries", Value: bson.D{{Key: "$in", Value: q.Countries}}})
	}
	if q.Text != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(q.Text), Options: "i"}
		f = append(f, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "published.title", Value: re}}, bson.D{{Key: "published.summary", Value: re}}}})
	}
	return f
}

// DirectPage returns a page of published projects, newest first, straight
// from the store. It returns only the database's errors.
func (s *Store) DirectPage(ctx context.Context, q DirectQuery) ([]models.Project, error) {
	return findAll(ctx, s.db.Collection(colProjects), "direct page", q.filter(), projectDoc.project,
		options.Find().
			SetSort(bson.D{{Key: "published_at", Value: -1}, {Key: "_id", Value: 1}}).SetSkip(int64(q.Skip)).SetLimit(int64(q.Limit)))
}

// DirectActionLineCounts counts published projects by action line with an
// aggregation: one facet, straight from the store. It returns only the database's errors.
func (s *Store) DirectActionLineCounts(ctx context.Context) (map[string]int, error) {
	cur, err := s.db.Collection(colProjects).Aggregate(ctx, bson.A{
		bson.D{{Key: "$match", Value: DirectQuery{}.filter()}},
		bson.D{{Key: "$unwind", Value: "$published.action_lines"}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$published.action_lines"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	})
	if err != nil {
		return nil, mapErr("direct counts", err)
	}
	var rows []struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, mapErr("direct counts", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
