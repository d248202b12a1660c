package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestDecoys_NeitherUsableNorDeliveredNorListed(t *testing.T) {
	ctx := context.Background()
	s := storetest.Store(t)
	err := s.InsertDecoyActionToken(ctx, models.ActionToken{Hash: "decoy-hash", Kind: models.ActionResetPassword,
		ExpiresAt: mailEpoch.Add(time.Hour)})
	if err != nil {
		t.Fatalf("insert decoy token: %v", err)
	}
	if _, err := s.UseActionToken(ctx, models.ActionResetPassword, "decoy-hash", mailEpoch); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("use of a decoy token: %v, want ErrNotFound", err)
	}

	real := enqueue(t, s, "", "a mail to deliver", 0)
	if _, err := s.EnqueueMail(ctx, models.Mail{To: "nobody@example.org", Subject: "decoy", Body: "decoy",
		Kind: models.MailDecoy, CreatedAt: mailEpoch.Add(time.Second)}); err != nil {
		t.Fatalf("enqueue decoy: %v", err)
	}
	unsent, err := s.UnsentMails(ctx)
	if err != nil || len(unsent) != 1 || unsent[0].ID != real.ID {
		t.Fatalf("unsent = %+v, %v; want only the real mail", unsent, err)
	}
	recent, err := s.RecentMails(ctx, 10)
	if err != nil || len(recent) != 1 || recent[0].ID != real.ID {
		t.Fatalf("recent = %+v, %v; want only the real mail", recent, err)
	}
}
