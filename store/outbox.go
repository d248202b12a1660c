package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// The outbox is two append-only collections (SPEC §3 "Mail", §8): outbox
// holds every message ever written, and outbox_sent holds one record per
// delivered message, keyed by the message's _id. Delivery state is that
// inserted fact; an outbox document is never updated in place.
const (
	colOutbox     = "outbox"
	colOutboxSent = "outbox_sent"
)

// outboxDoc is the stored form of a models.Mail.
type outboxDoc struct {
	ID        string    `bson:"_id"`
	To        string    `bson:"to"`
	Subject   string    `bson:"subject"`
	Body      string    `bson:"body"`
	Kind      string    `bson:"kind"`
	CreatedAt time.Time `bson:"created_at"`
}

func (d outboxDoc) mail() models.Mail {
	return models.Mail{ID: d.ID, To: d.To, Subject: d.Subject, Body: d.Body, Kind: d.Kind, CreatedAt: d.CreatedAt.UTC()}
}

// outboxSentDoc records that the mail with the same _id was delivered.
type outboxSentDoc struct {
	ID     string    `bson:"_id"`
	SentAt time.Time `bson:"sent_at"`
}

// EnqueueMail writes m to the outbox with one InsertOne, so it is durable
// before any attempt to deliver it. When m.ID is empty it is given a new
// ObjectID in hex; the document's _id is m.ID. m.CreatedAt is the caller's and
// is stored in UTC to the millisecond, as BSON keeps it. Returns the mail as
// stored, or ErrConflict if a mail with m.ID already exists.
func (s *Store) EnqueueMail(ctx context.Context, m models.Mail) (models.Mail, error) {
	if m.ID == "" {
		m.ID = bson.NewObjectID().Hex()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Millisecond)
	doc := outboxDoc{ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body, Kind: m.Kind, CreatedAt: m.CreatedAt}
	if _, err := s.db.Collection(colOutbox).InsertOne(ctx, doc); err != nil {
		return models.Mail{}, mapErr("enqueue mail", err)
	}
	return m, nil
}

// EnqueueMails writes many mails to the outbox with unordered InsertManys
// of up to 1,000, each with a new id: a burst of mails (the vote receipts of
// a few minutes) in few round trips. Returns the mails as stored, or the
// first error; mails of a batch that failed may or may not be stored.
func (s *Store) EnqueueMails(ctx context.Context, ms []models.Mail) ([]models.Mail, error) {
	const batch = 1000
	out := make([]models.Mail, 0, len(ms))
	for start := 0; start < len(ms); start += batch {
		part := ms[start:min(len(ms), start+batch)]
		docs := make([]any, len(part))
		for i := range part {
			m := part[i]
			m.ID = bson.NewObjectID().Hex()
			m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Millisecond)
			docs[i] = outboxDoc{ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body, Kind: m.Kind, CreatedAt: m.CreatedAt}
			out = append(out, m)
		}
		if _, err := s.db.Collection(colOutbox).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			return out[:start], mapInternal("enqueue mails", err)
		}
	}
	return out, nil
}

// MarkMailSent records that the mail with the given id was delivered at at,
// by inserting a sent record whose _id is id. It is idempotent: when the
// record exists already (a retry, or another worker won), it returns nil and
// keeps the first time. It does not check that the mail exists. It returns only the database's errors.
func (s *Store) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Collection(colOutboxSent).InsertOne(ctx, outboxSentDoc{ID: id, SentAt: at.UTC()})
	if err != nil && !isDuplicateKey(err) {
		return mapErr("mark mail sent", err)
	}
	return nil
}

// notDecoy selects the mails of the outbox that are to be delivered: all
// but decoys (models.MailDecoy).
var notDecoy = bson.D{{Key: "kind", Value: bson.D{{Key: "$ne", Value: models.MailDecoy}}}}

// UnsentMails returns every mail of the outbox without a sent record, decoys
// aside, oldest first (by created_at, then id). It streams both collections with cursors,
// holding only the ids of sent mails and the unsent mails in memory: a
// whole-collection read (SPEC §8), meant for the mail worker's start, not for
// a path a user waits for. A mail marked sent while it runs may still be
// returned, so a caller delivers at least once, not exactly once. It returns only the database's errors.
func (s *Store) UnsentMails(ctx context.Context) ([]models.Mail, error) {
	const op = "unsent mails"
	sent := map[string]struct{}{}
	cur, err := s.db.Collection(colOutboxSent).Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(op, err)
	}
	for cur.Next(ctx) {
		var rec outboxSentDoc
		if err := cur.Decode(&rec); err != nil {
			_ = cur.Close(ctx)
			return nil, mapErr(op, err)
		}
		sent[rec.ID] = struct{}{}
	}
	if err := finishOutboxCursor(ctx, cur); err != nil {
		return nil, mapErr(op, err)
	}

	var unsent []models.Mail
	cur, err = s.db.Collection(colOutbox).Find(ctx, notDecoy)
	if err != nil {
		return nil, mapErr(op, err)
	}
	for cur.Next(ctx) {
		var doc outboxDoc
		if err := cur.Decode(&doc); err != nil {
			_ = cur.Close(ctx)
			return nil, mapErr(op, err)
		}
		if _, ok := sent[doc.ID]; !ok {
			unsent = append(unsent, doc.mail())
		}
	}
	if err := finishOutboxCursor(ctx, cur); err != nil {
		return nil, mapErr(op, err)
	}
	// Sorted here rather than by the server: the embedded store would read
	// the whole collection for a sort anyway, and this sorts only the unsent.
	slices.SortFunc(unsent, func(a, b models.Mail) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return unsent, nil
}

// RecentMails returns at most limit mails of the outbox, sent or not, decoys
// not, newest
// first (by created_at, then id, both descending). It serves the development
// mailbox (SPEC §7); on the embedded store it reads the whole collection, so
// it has no place on a production path. Returns ErrInvalid when limit is not
// positive.
func (s *Store) RecentMails(ctx context.Context, limit int) ([]models.Mail, error) {
	const op = "recent mails"
	if limit < 1 {
		return nil, fmt.Errorf("store: %s: limit %d: %w", op, limit, models.ErrInvalid)
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit))
	cur, err := s.db.Collection(colOutbox).Find(ctx, notDecoy, opts)
	if err != nil {
		return nil, mapErr(op, err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(op, err)
	}
	mails := make([]models.Mail, len(docs))
	for i, d := range docs {
		mails[i] = d.mail()
	}
	return mails, nil
}

// finishOutboxCursor reports the error that ended a cursor's iteration, if any, and
// closes it.
func finishOutboxCursor(ctx context.Context, cur *mongo.Cursor) error {
	err := cur.Err()
	if cerr := cur.Close(ctx); err == nil {
		err = cerr
	}
	return err
}
