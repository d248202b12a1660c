package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colAudit holds the append-only audit log: entries are inserted, never
// updated or deleted.
const colAudit = "audit"

type auditDoc struct {
	ID         bson.ObjectID  `bson:"_id"`
	Time       time.Time      `bson:"time"`
	ActorID    string         `bson:"actor_id"`
	Action     string         `bson:"action"`
	TargetType string         `bson:"target_type"`
	TargetID   string         `bson:"target_id"`
	Before     map[string]any `bson:"before,omitempty"`
	After      map[string]any `bson:"after,omitempty"`
	ClientIP   string         `bson:"client_ip,omitempty"`
}

// Audit appends e to the audit log. It returns only the database's errors.
func (s *Store) Audit(ctx context.Context, e models.AuditEntry) error {
	_, err := s.db.Collection(colAudit).InsertOne(ctx, auditDoc{ID: bson.NewObjectID(), Time: e.Time, ActorID: e.ActorID,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Before: e.Before, After: e.After, ClientIP: e.ClientIP})
	return mapErr("audit", err)
}

// AuditQuery selects audit entries; empty fields do not filter. Before
// continues after an entry id (entries come newest first).
type AuditQuery struct {
	ActorID  string
	Action   string
	TargetID string
	From, To time.Time
	Before   string
	Limit    int
}

// ListAudit returns entries newest first and the id to continue before when
// there are more. Returns ErrInvalid for a malformed cursor.
func (s *Store) ListAudit(ctx context.Context, q AuditQuery) ([]models.AuditEntry, string, error) {
	filter := bson.D{}
	for _, f := range []struct{ key, value string }{{"actor_id", q.ActorID}, {"action", q.Action}, {"target_id", q.TargetID}} {
		if f.value != "" {
			filter = append(filter, bson.E{Key: f.key, Value: f.value})
		}
	}
	var window bson.D
	if !q.From.IsZero() {
		window = append(window, bson.E{Key: "$gte", Value: q.From})
	}
	if !q.To.IsZero() {
		window = append(window, bson.E{Key: "$lt", Value: q.To})
	}
	if window != nil {
		filter = append(filter, bson.E{Key: "time", Value: window})
	}
	if q.Before != "" {
		id, err := bson.ObjectIDFromHex(q.Before)
		if err != nil {
			return nil, "", models.Invalid("cursor", "is not a cursor this list gave")
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: id}}})
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	cur, err := s.db.Collection(colAudit).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(q.Limit)+1))
	if err != nil {
		return nil, "", mapErr("list audit", err)
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", mapErr("list audit", err)
	}
	next := ""
	if len(docs) > q.Limit {
		docs = docs[:q.Limit]
		next = docs[len(docs)-1].ID.Hex()
	}
	out := make([]models.AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = models.AuditEntry{ID: d.ID.Hex(), Time: d.Time, ActorID: d.ActorID, Action: d.Action,
			TargetType: d.TargetType, TargetID: d.TargetID, Before: plainMap(d.Before), After: plainMap(d.After), ClientIP: d.ClientIP}
	}
	return out, next, nil
}

// plainMap gives a change read back from the audit log the form it was
// written in: the driver decodes its nested documents as bson.D, which
// JSON and the pages read as lists of keys and values, not as objects.
func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v any) any {
	switch v := v.(type) {
	case bson.D:
		m := make(map[string]any, len(v))
		for _, e := range v {
			m[e.Key] = plainValue(e.Value)
		}
		return m
	case bson.M:
		return plainMap(v)
	case map[string]any:
		return plainMap(v)
	case bson.A:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plainValue(x)
		}
		return out
	}
	return v
}
