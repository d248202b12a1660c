package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

// insertOldNomination stores a submitted nomination of org in category 3 of
// 2027 with the organization slot the rule before OrganizationKey gave it:
// the name lower-cased, spaces removed, and nothing else.
func insertOldNomination(t *testing.T, s *store.Store, id, project, org, oldKey string, category int) {
	t.Helper()
	now := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	_, err := s.Database().Collection("nominations").InsertOne(context.Background(), bson.D{
		{Key: "_id", Value: id}, {Key: "contest", Value: 2027}, {Key: "category", Value: category},
		{Key: "project_id", Value: project}, {Key: "project_title", Value: "A project"}, {Key: "organization", Value: org},
		{Key: "countries", Value: bson.A{"SN"}}, {Key: "nominator_id", Value: "u-" + id}, {Key: "state", Value: "submitted"},
		{Key: "project_slot", Value: "2027/" + project},
		{Key: "organization_slot", Value: "2027/" + string(rune('0'+category)) + "/" + oldKey},
		{Key: "created_at", Value: now}, {Key: "updated_at", Value: now}, {Key: "version", Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateSlots_OldKeysTakeTheNewOneAndCollisionsAreKept(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	insertOldNomination(t, s, "plain", "p1", "Org", "org", 3)
	insertOldNomination(t, s, "hidden", "p2", "\u200bOrg", "\u200borg", 3)
	insertOldNomination(t, s, "cyrillic", "p3", "\u041erg", "\u043erg", 4)

	for run := range 2 {
		collisions, err := s.MigrateSlots(ctx)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if len(collisions) != 1 || collisions[0].NominationID != "hidden" || collisions[0].HolderID != "plain" {
			t.Fatalf("run %d: collisions = %+v, want hidden colliding with plain", run, collisions)
		}
	}
	all, err := s.Nominations(ctx, store.NominationQuery{Contest: 2027})
	if err != nil || len(all) != 3 {
		t.Fatalf("nominations after migration: %d, %v; want all 3 kept", len(all), err)
	}
	// The Cyrillic look-alike now holds Org's slot in category 4.
	_, err = s.CreateNomination(ctx, models.Nomination{Contest: 2027, Category: 4, ProjectID: "p4", Organization: "ORG",
		NominatorID: "u4", State: models.NominationSubmitted})
	if !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a nomination of Org beside its migrated look-alike: %v, want ErrConflict", err)
	}
}

func TestCreateNomination_LookAlikeOrganizationsShareOneSlot(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	n := models.Nomination{Contest: 2027, Category: 3, ProjectID: "p1", Organization: "Digital Sahel", NominatorID: "u1",
		State: models.NominationSubmitted}
	if _, err := s.CreateNomination(ctx, n); err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{"Digit\u0430l Sahel", "Digital\u00ad Sahel", "\u200bdigital sahel", "Digital S\u2060ahel"} {
		n.ProjectID, n.Organization = "p-"+org, org
		if _, err := s.CreateNomination(ctx, n); !errors.Is(err, models.ErrConflict) {
			t.Errorf("%+q: %v, want ErrConflict", org, err)
		}
	}
}
