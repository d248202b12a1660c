package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// TestReplicasConcurrent_SharedServerAtomicity measures, on the shared
// server the Replicas tests use, what several app processes may rely on.
// Two clients with their own connection pools stand for two replicas. An
// insert of one _id from both must have exactly one winner everywhere: the
// mail claims, votes, sent records and spent tokens rest on it. A
// conditional update (the version filter of store/atomic.go on MongoDB) and
// $inc must be atomic on MongoDB; FerretDB 1.24 on PostgreSQL runs them as
// a read, a filter in Go and an overwrite by _id (its update handler does
// not re-check the filter), so there the test reports how many writers
// "won" instead of failing: the README's "Scaling out" says what follows.
func TestReplicasConcurrent_SharedServerAtomicity(t *testing.T) {
	uri, ferret := sharedServer(t)
	clients := []*mongo.Client{connect(t, uri), connect(t, uri)}
	db := fmt.Sprintf("atomicity_%d", uniqueSuffix())
	t.Cleanup(func() { _ = clients[0].Database(db).Drop(context.Background()) })
	coll := func(i int) *mongo.Collection { return clients[i%2].Database(db).Collection("probe") }
	ctx := context.Background()
	const writers = 16
	concurrently := func(fn func(i int)) {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range writers {
			wg.Go(func() {
				<-start
				fn(i)
			})
		}
		close(start)
		wg.Wait()
	}

	for round := range 5 {
		var inserted atomic.Int32
		concurrently(func(i int) {
			_, err := coll(i).InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("claim-%d", round)}, {Key: "by", Value: i}})
			switch {
			case err == nil:
				inserted.Add(1)
			case !mongo.IsDuplicateKeyError(err):
				t.Errorf("insert: %v", err)
			}
		})
		if inserted.Load() != 1 {
			t.Fatalf("round %d: %d inserts of one _id succeeded, want exactly 1", round, inserted.Load())
		}
	}

	var bestWinners, lost int
	for round := range 5 {
		id := fmt.Sprintf("versioned-%d", round)
		if _, err := coll(0).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 1}, {Key: "n", Value: 0}}); err != nil {
			t.Fatal(err)
		}
		var won atomic.Int32
		concurrently(func(i int) {
			res, err := coll(i).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 1}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: 2}, {Key: "by", Value: i}}}})
			if err != nil {
				t.Errorf("conditional update: %v", err)
			} else if res.ModifiedCount == 1 {
				won.Add(1)
			}
		})
		concurrently(func(i int) {
			if _, err := coll(i).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
				t.Errorf("$inc: %v", err)
			}
		})
		var got struct {
			N int `bson:"n"`
		}
		if err := coll(0).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil {
			t.Fatal(err)
		}
		bestWinners, lost = max(bestWinners, int(won.Load())), lost+writers-got.N
	}
	t.Logf("conditional updates: at most %d of %d writers won one version; $inc: %d of %d increments lost (FerretDB: %v)",
		bestWinners, writers, lost, 5*writers, ferret)
	if !ferret && (bestWinners != 1 || lost != 0) {
		t.Fatalf("on MongoDB a version filter has exactly one winner and no $inc is lost: %d winners, %d lost", bestWinners, lost)
	}
}
