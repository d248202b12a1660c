package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// The verifiable tally (SPEC §5). colCommitments holds one document per
// publication of a contest's commitment, _id "<year>-<version>", a small
// collection; colCommitmentLeaves the sorted receipts of each category's
// counted votes in chunks of leafChunk, _id
// "<year>-<category>-<root>-<chunk>": the root names the chunks' content,
// so two publications of the same votes share them and two of different
// votes never overwrite each other's; a proof reads them by _id.
const (
	colCommitments      = "tally_commitments"
	colCommitmentLeaves = "tally_leaves"
)

// leafChunk is how many 32-byte receipts one leaf document holds (128 KiB).
const leafChunk = 4096

type commitmentDoc struct {
	ID          string                      `bson:"_id"`
	Contest     int                         `bson:"contest"`
	Version     int                         `bson:"version"`
	PublishedAt time.Time                   `bson:"published_at"`
	Reason      string                      `bson:"reason"`
	Categories  []models.CategoryCommitment `bson:"categories"`
}

type leafChunkDoc struct {
	ID     string `bson:"_id"`
	Leaves []byte `bson:"leaves"` // receipts of 32 bytes, one after the other
}

func leafChunkID(contest, category int, root string, chunk int) string {
	return fmt.Sprintf("%d-%02d-%s-%d", contest, category, root, chunk)
}

// InsertCommitment stores a publication of the contest's commitment with
// its leaves (each category's receipts, in tree order, 32 bytes each): the
// leaves first, then the commitment, so a commitment never lacks its
// leaves. Returns ErrConflict when that version exists (a concurrent
// publication won).
func (s *Store) InsertCommitment(ctx context.Context, c models.Commitment, leaves map[int][][]byte) error {
	for _, cc := range c.Categories {
		ls := leaves[cc.Category]
		var docs []any
		for chunk := 0; chunk*leafChunk < len(ls); chunk++ {
			part := ls[chunk*leafChunk : min(len(ls), (chunk+1)*leafChunk)]
			buf := make([]byte, 0, len(part)*len(models.Hash{}))
			for _, l := range part {
				buf = append(buf, l...)
			}
			docs = append(docs, leafChunkDoc{ID: leafChunkID(c.Contest, cc.Category, cc.Root, chunk), Leaves: buf})
		}
		for _, d := range docs {
			// A chunk that exists holds these very leaves (its root says so):
			// an earlier publication of the same votes, or one cut short.
			if _, err := s.db.Collection(colCommitmentLeaves).InsertOne(ctx, d); err != nil && !isDuplicateKey(err) {
				return mapInternal("store commitment leaves", err)
			}
		}
	}
	_, err := s.db.Collection(colCommitments).InsertOne(ctx, commitmentDoc{ID: fmt.Sprintf("%d-%d", c.Contest, c.Version),
		Contest: c.Contest, Version: c.Version, PublishedAt: c.PublishedAt.UTC(), Reason: c.Reason, Categories: c.Categories})
	if isDuplicateKey(err) {
		return fmt.Errorf("store: store commitment: %w", models.WithDetail(models.ErrConflict,
			fmt.Sprintf("version %d of the commitment exists", c.Version)))
	}
	return mapErr("store commitment", err)
}

// Commitments returns every publication of the contest's commitment,
// oldest first. It returns only the database's errors.
func (s *Store) Commitments(ctx context.Context, contest int) ([]models.Commitment, error) {
	return findAll(ctx, s.db.Collection(colCommitments), "commitments", bson.D{{Key: "contest", Value: contest}},
		func(d commitmentDoc) models.Commitment {
			return models.Commitment{Contest: d.Contest, Version: d.Version, PublishedAt: d.PublishedAt.UTC(), Reason: d.Reason,
				Categories: d.Categories}
		}, options.Find().SetSort(bson.D{{Key: "version", Value: 1}}))
}

// CommitmentLeaves reads back the leaves of a category's published tree,
// by _id. It returns only the database's errors.
func (s *Store) CommitmentLeaves(ctx context.Context, contest int, cc models.CategoryCommitment) ([][]byte, error) {
	n := cc.Leaves
	size := len(models.Hash{})
	out := make([][]byte, 0, n)
	for chunk := 0; chunk*leafChunk < n; chunk++ {
		var d leafChunkDoc
		err := s.db.Collection(colCommitmentLeaves).FindOne(ctx, bson.D{{Key: "_id", Value: leafChunkID(contest, cc.Category, cc.Root, chunk)}}).Decode(&d)
		if err != nil {
			return nil, mapInternal("read commitment leaves", err)
		}
		for i := 0; i+size <= len(d.Leaves); i += size {
			out = append(out, d.Leaves[i:i+size])
		}
	}
	if len(out) != n {
		return nil, fmt.Errorf("store: read commitment leaves: %d of %d leaves", len(out), n)
	}
	return out, nil
}
