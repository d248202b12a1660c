package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

var mailEpoch = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

// enqueue writes a mail created at mailEpoch plus offset, with the given id
// (empty for a generated one) and subject.
func enqueue(t *testing.T, s *store.Store, id, subject string, offset time.Duration) models.Mail {
	t.Helper()
	m, err := s.EnqueueMail(context.Background(), models.Mail{
		ID: id, To: "ada@example.org", Subject: subject, Body: "body of " + subject,
		Kind: models.MailVerifyEmail, CreatedAt: mailEpoch.Add(offset),
	})
	if err != nil {
		t.Fatalf("enqueue %q: %v", subject, err)
	}
	return m
}

func subjects(mails []models.Mail) []string {
	out := make([]string, len(mails))
	for i, m := range mails {
		out[i] = m.Subject
	}
	return out
}

func TestEnqueueMail_AssignsObjectIDAndStoresEveryField(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	in := models.Mail{
		To: "ada@example.org", Subject: "Verify your email", Body: "Open https://wsis.example/verify-email?token=T",
		Kind: models.MailVerifyEmail, CreatedAt: time.Date(2027, 3, 1, 9, 0, 0, 123456789, time.FixedZone("CET", 3600)),
	}
	got, err := s.EnqueueMail(ctx, in)
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	if _, err := bson.ObjectIDFromHex(got.ID); err != nil {
		t.Fatalf("id %q is not an ObjectID in hex: %v", got.ID, err)
	}
	want := in
	want.ID = got.ID
	want.CreatedAt = time.Date(2027, 3, 1, 8, 0, 0, 123000000, time.UTC)
	if got != want {
		t.Fatalf("returned mail\n got %+v\nwant %+v", got, want)
	}

	var raw bson.M
	if err := s.Database().Collection("outbox").FindOne(ctx, bson.D{{Key: "_id", Value: got.ID}}).Decode(&raw); err != nil {
		t.Fatalf("read stored document by its string _id: %v", err)
	}
	for _, key := range []string{"to", "subject", "body", "kind", "created_at"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("stored document lacks %q: %v", key, raw)
		}
	}

	recent, err := s.RecentMails(ctx, 10)
	if err != nil {
		t.Fatalf("recent mails: %v", err)
	}
	if len(recent) != 1 || recent[0] != want {
		t.Fatalf("read back %+v, want [%+v]", recent, want)
	}
}

func TestEnqueueMail_KeepsGivenIDAndDuplicateIsConflict(t *testing.T) {
	s := storetest.Store(t)
	if got := enqueue(t, s, "receipt-1", "first", 0); got.ID != "receipt-1" {
		t.Fatalf("id = %q, want the given receipt-1", got.ID)
	}
	_, err := s.EnqueueMail(context.Background(), models.Mail{ID: "receipt-1", To: "ada@example.org"})
	if !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second mail with the same id: %v, want ErrConflict", err)
	}
}

func TestMarkMailSent_IsIdempotentAndHidesTheMail(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	sent := enqueue(t, s, "", "sent", 0)
	enqueue(t, s, "", "waiting", time.Second)
	for i := range 2 {
		if err := s.MarkMailSent(ctx, sent.ID, mailEpoch.Add(time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatalf("mark %d: %v", i+1, err)
		}
	}
	var rec struct {
		SentAt time.Time `bson:"sent_at"`
	}
	if err := s.Database().Collection("outbox_sent").FindOne(ctx, bson.D{{Key: "_id", Value: sent.ID}}).Decode(&rec); err != nil {
		t.Fatalf("read sent record by the mail's id: %v", err)
	}
	if !rec.SentAt.Equal(mailEpoch.Add(time.Minute)) {
		t.Fatalf("sent_at = %v, want the first mark's %v", rec.SentAt, mailEpoch.Add(time.Minute))
	}
	unsent, err := s.UnsentMails(ctx)
	if err != nil {
		t.Fatalf("unsent mails: %v", err)
	}
	if got := subjects(unsent); !slices.Equal(got, []string{"waiting"}) {
		t.Fatalf("unsent = %q, want [waiting]", got)
	}
}

func TestUnsentMails_OldestFirstThenByID(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	enqueue(t, s, "m-c", "third", 2*time.Second)
	enqueue(t, s, "m-b", "second (same time, larger id)", time.Second)
	enqueue(t, s, "m-a", "first (same time, smaller id)", time.Second)
	enqueue(t, s, "m-z", "oldest", 0)
	enqueue(t, s, "m-d", "delivered", -time.Hour)
	if err := s.MarkMailSent(ctx, "m-d", mailEpoch); err != nil {
		t.Fatalf("mark: %v", err)
	}

	unsent, err := s.UnsentMails(ctx)
	if err != nil {
		t.Fatalf("unsent mails: %v", err)
	}
	want := []string{"oldest", "first (same time, smaller id)", "second (same time, larger id)", "third"}
	if got := subjects(unsent); !slices.Equal(got, want) {
		t.Fatalf("unsent = %q\nwant %q", got, want)
	}
}

func TestUnsentMails_EmptyOnceEveryMailIsMarkedSent(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	wantUnsent := func(step string, want ...string) {
		t.Helper()
		unsent, err := s.UnsentMails(ctx)
		if err != nil {
			t.Fatalf("%s: unsent mails: %v", step, err)
		}
		if got := subjects(unsent); !slices.Equal(got, want) {
			t.Fatalf("%s: unsent = %q, want %q", step, got, want)
		}
	}
	wantUnsent("empty outbox")
	first := enqueue(t, s, "", "first", 0)
	wantUnsent("one mail queued", "first")
	if err := s.MarkMailSent(ctx, first.ID, mailEpoch.Add(time.Minute)); err != nil {
		t.Fatalf("mark: %v", err)
	}
	wantUnsent("the only mail marked sent")
	enqueue(t, s, "", "second", time.Second)
	wantUnsent("a second mail queued, not marked", "second")
}

func TestRecentMails_NewestFirstLimitedAndIncludesSent(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	enqueue(t, s, "m-1", "oldest", 0)
	enqueue(t, s, "m-2", "middle", time.Second)
	enqueue(t, s, "m-3", "newest, smaller id", 2*time.Second)
	enqueue(t, s, "m-4", "newest, larger id", 2*time.Second)
	if err := s.MarkMailSent(ctx, "m-4", mailEpoch); err != nil {
		t.Fatalf("mark: %v", err)
	}

	recent, err := s.RecentMails(ctx, 3)
	if err != nil {
		t.Fatalf("recent mails: %v", err)
	}
	want := []string{"newest, larger id", "newest, smaller id", "middle"}
	if got := subjects(recent); !slices.Equal(got, want) {
		t.Fatalf("recent = %q\nwant %q", got, want)
	}
}

func TestRecentMails_NonPositiveLimitIsInvalid(t *testing.T) {
	s := storetest.Store(t)
	for _, limit := range []int{0, -1} {
		if _, err := s.RecentMails(context.Background(), limit); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("limit %d: %v, want ErrInvalid", limit, err)
		}
	}
}
