package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// SlotCollision is a stored nomination whose slot, recomputed by
// MigrateSlots, another nomination already holds: two nominations made
// before the rule changed that are now one organization's (or one
// project's) in one category. Both stay; the nomination keeps its old slot
// until an admin settles the case (a withdrawal, or a screening that
// releases the slots).
type SlotCollision struct {
	// NominationID is the nomination that kept its old slot.
	NominationID string
	// HolderID is the nomination that holds the recomputed slot.
	HolderID string
	// Slot is the recomputed slot they share.
	Slot string
}

// MigrateSlots recomputes every stored nomination's project and organization
// slots by the current rules (models.OrganizationKey, which depends on
// Unicode tables that can change with a library) and stores the ones that
// differ. It is idempotent: a second run changes nothing and reports the
// same collisions. It runs at start, before the server takes requests, so a
// plain conditional update suffices. Returns the collisions it left alone,
// or an error when the database fails.
func (s *Store) MigrateSlots(ctx context.Context) ([]SlotCollision, error) {
	col := s.db.Collection(colNominations)
	docs, err := findAll(ctx, col, "migrate slots", bson.D{}, func(d nominationDoc) nominationDoc { return d })
	if err != nil {
		return nil, err
	}
	var collisions []SlotCollision
	for _, d := range docs {
		want := toNominationDoc(d.nomination())
		for _, slot := range []struct{ field, have, want string }{
			{"project_slot", d.ProjectSlot, want.ProjectSlot},
			{"organization_slot", d.OrganizationSlot, want.OrganizationSlot},
		} {
			if slot.have == slot.want {
				continue
			}
			// The embedded store reports a unique index broken by an update
			// as an internal error, not a duplicate key, so the holder is
			// looked up first.
			holder, err := s.slotHolder(ctx, slot.field, slot.want, d.ID)
			if err != nil {
				return collisions, err
			}
			if holder == "" {
				err = s.serialize(colNominations, d.ID, func() error {
					_, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: slot.field, Value: slot.have}},
						bson.D{{Key: "$set", Value: bson.D{{Key: slot.field, Value: slot.want}}}})
					return err
				})
			}
			if holder != "" || isDuplicateKey(err) {
				collisions = append(collisions, SlotCollision{NominationID: d.ID, HolderID: holder, Slot: slot.want})
				continue
			}
			if err != nil {
				return collisions, mapErr("migrate slots", err)
			}
		}
	}
	return collisions, nil
}

// slotHolder returns the id of the nomination other than id holding value
// in field, or "" when none does.
func (s *Store) slotHolder(ctx context.Context, field, value, id string) (string, error) {
	var d struct {
		ID string `bson:"_id"`
	}
	err := s.db.Collection(colNominations).FindOne(ctx, bson.D{{Key: field, Value: value},
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: migrate slots: find holder: %w", err)
	}
	return d.ID, nil
}
