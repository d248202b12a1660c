package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/store/storetest"
)

// BenchmarkIDLookups measures FindOne, UpdateOne and DeleteOne by _id in
// collections of growing size, with the indexes the store creates at start:
// on the embedded database their cost must not grow with the collection.
// -short keeps to the two smaller sizes.
//
//	go test ./store/ -run '^$' -bench IDLookups -benchtime 2000x
func BenchmarkIDLookups(b *testing.B) {
	sizes := []int{1_000, 10_000, 100_000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		s := storetest.Store(b)
		coll := s.Database().Collection("users")
		seedAccounts(b, coll, n)
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		b.Run(fmt.Sprintf("FindOne/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				var d bson.Raw
				if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: accountID(rng.IntN(n))}}).Decode(&d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("UpdateOne/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: accountID(rng.IntN(n))}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "Renamed"}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
				if err != nil || res.MatchedCount != 1 {
					b.Fatal(res, err)
				}
			}
		})
		b.Run(fmt.Sprintf("DeleteOne/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				i := rng.IntN(n)
				res, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: accountID(i)}})
				if err != nil || res.DeletedCount != 1 {
					b.Fatal(res, err)
				}
				// Put it back outside the measured time, so the size holds.
				b.StopTimer()
				if _, err := coll.InsertOne(ctx, account(i)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

func accountID(i int) string { return fmt.Sprintf("%024x", i) }

// account is a document of about the size of a stored account.
func account(i int) bson.D {
	return bson.D{{Key: "_id", Value: accountID(i)}, {Key: "email", Value: fmt.Sprintf("member%d@example.org", i)},
		{Key: "password_hash", Value: "$argon2id$v=19$m=19456,t=2,p=1$" + strings.Repeat("x", 66)},
		{Key: "name", Value: "A Member"}, {Key: "organization", Value: "An Organization of the Information Society"},
		{Key: "stakeholder_type", Value: "civil-society"}, {Key: "country", Value: "KE"}, {Key: "roles", Value: bson.A{}},
		{Key: "version", Value: 1}, {Key: "seq", Value: i}}
}

func seedAccounts(b *testing.B, coll *mongo.Collection, n int) {
	b.Helper()
	const batch = 1000
	for done := 0; done < n; done += batch {
		docs := make([]any, 0, batch)
		for i := done; i < min(n, done+batch); i++ {
			docs = append(docs, account(i))
		}
		if _, err := coll.InsertMany(context.Background(), docs, options.InsertMany().SetOrdered(false)); err != nil {
			b.Fatal(err)
		}
	}
}
