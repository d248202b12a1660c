package store_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestUsers_AccountStoredWithoutALanguageIsEnglishUntilItChoosesOne(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	// An account as stored before accounts had a language.
	_, err := s.Database().Collection("users").InsertOne(ctx, bson.D{{Key: "_id", Value: "old"},
		{Key: "email", Value: "old@example.org"}, {Key: "name", Value: "Old"}, {Key: "roles", Value: bson.A{}},
		{Key: "created_at", Value: now}, {Key: "updated_at", Value: now}, {Key: "version", Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByID(ctx, "old")
	if err != nil || u.Language != models.DefaultLanguage {
		t.Fatalf("old account: %q, %v; want %s", u.Language, err, models.DefaultLanguage)
	}
	fr := "fr"
	if u, err = s.UpdateProfile(ctx, "old", 1, store.ProfilePatch{Language: &fr}, now); err != nil || u.Language != "fr" {
		t.Fatalf("update: %q, %v", u.Language, err)
	}
	if u, err = s.UserByID(ctx, "old"); err != nil || u.Language != "fr" || u.Version != 2 {
		t.Fatalf("read back: %+v, %v", u, err)
	}

	created, err := s.CreateUser(ctx, models.User{Email: "new@example.org", Name: "New", Language: "zh", CreatedAt: now}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	if u, err = s.UserByID(ctx, created.ID); err != nil || u.Language != "zh" {
		t.Fatalf("new account: %q, %v; want zh", u.Language, err)
	}
}
