package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// checkProof checks p as a voter would, with the published root only.
func checkProof(p models.InclusionProof, root string) error {
	receipt, err := hex.DecodeString(p.Receipt)
	if err != nil {
		return err
	}
	var path []models.Hash
	for _, h := range p.AuditPath {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != len(models.Hash{}) {
			return fmt.Errorf("path hash %q", h)
		}
		path = append(path, models.Hash(b))
	}
	r, err := hex.DecodeString(root)
	if err != nil || len(r) != len(models.Hash{}) {
		return fmt.Errorf("root %q", root)
	}
	return models.VerifyInclusion(receipt, p.LeafIndex, p.TreeSize, path, models.Hash(r))
}

func TestCommitment_EveryVoterOfTenThousandVotesProvesTheirVoteAndAChangeBreaksProofs(t *testing.T) {
	fixed := models.NewFixedClock(subOpens)
	f := newFixture(t, fixed, fixed)
	ctx := context.Background()
	contest, err := f.store.Contest(ctx, 2027)
	if err != nil {
		t.Fatal(err)
	}
	const n, categories = 10000, 3
	votes := make([]models.Vote, n)
	at := contest.Schedule.Voting.OpensAt.Add(time.Hour)
	for i := range votes {
		voter, category := fmt.Sprintf("voter-%05d", i/categories), 1+i%categories
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		votes[i] = models.Vote{ID: models.VoteID(2027, category, voter), Contest: 2027, Category: category,
			NominationID: fmt.Sprintf("nominee-%d-%d", category, i%4), VoterID: voter, CastAt: at, Receipt: hex.EncodeToString(sum[:])}
	}
	for i, err := range f.store.InsertVotes(ctx, votes) {
		if err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
	}
	fixed.Set(contest.Schedule.Voting.OpensAt.Add(time.Hour))
	if _, err := f.svc.PublishCommitment(ctx, f.admin, 2027); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("a commitment while voting is open: %v", err)
	}
	fixed.Set(contest.Schedule.Voting.ClosesAt.Add(time.Hour))
	c, err := f.svc.PublishCommitment(ctx, f.admin, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 {
		t.Fatalf("version %d", c.Version)
	}
	proofs := map[string]models.InclusionProof{}
	for _, v := range votes {
		p, err := f.svc.VoteProof(ctx, models.User{ID: v.VoterID}, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		cc, _ := c.Category(v.Category)
		if !p.Counted || p.Root != cc.Root || p.TreeSize != cc.Leaves {
			t.Fatalf("vote %s: %+v", v.ID, p)
		}
		if err := checkProof(p, cc.Root); err != nil {
			t.Fatalf("vote %s: %v", v.ID, err)
		}
		proofs[v.ID] = p
	}
	if _, err := f.svc.VoteProof(ctx, models.User{ID: "voter-00001"}, votes[0].ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another voter's proof: %v", err)
	}
	again, err := f.svc.PublishCommitment(ctx, f.admin, 2027)
	if err != nil || again.Version != 1 {
		t.Fatalf("publishing the same votes again: version %d, %v", again.Version, err)
	}
	tally, err := f.svc.Tally(ctx, f.admin, 2027)
	if err != nil || tally.Commitment == nil || !tally.Commitment.Reproduces {
		t.Fatalf("the recount does not reproduce the commitment: %+v, %v", tally.Commitment, err)
	}

	// One counted vote more (in category 2, stored behind the platform's
	// back): the recount no longer reproduces the roots.
	extra := models.Vote{ID: models.VoteID(2027, 2, "late-voter"), Contest: 2027, Category: 2, NominationID: "nominee-2-0",
		VoterID: "late-voter", CastAt: at, Receipt: hex.EncodeToString(make([]byte, 32))}
	if err := f.store.InsertVotes(ctx, []models.Vote{extra})[0]; err != nil {
		t.Fatal(err)
	}
	tally, err = f.svc.Tally(ctx, f.admin, 2027)
	if err != nil || tally.Commitment.Reproduces || !slices.Equal(tally.Commitment.Differs, []int{2}) {
		t.Fatalf("an added vote is not seen: %+v, %v", tally.Commitment, err)
	}
	// One counted vote fewer: invalidating a vote of category 1 publishes
	// version 2, in which that vote says why it is out, and proofs of the
	// changed categories no longer lead to the new roots.
	if _, err := f.svc.InvalidateVotes(ctx, f.admin, app.InvalidateRequest{Contest: 2027, VoteIDs: []string{votes[0].ID},
		Reason: "a scripted account"}); err != nil {
		t.Fatal(err)
	}
	history, err := f.svc.Commitments(ctx, 2027)
	if err != nil || len(history) != 2 {
		t.Fatalf("history: %d versions, %v", len(history), err)
	}
	v2 := history[1]
	out, err := f.svc.VoteProof(ctx, models.User{ID: votes[0].VoterID}, votes[0].ID)
	if err != nil || out.Counted || out.Reason != models.ExcludedInvalidated || out.Version != 2 {
		t.Fatalf("the invalidated vote's proof: %+v, %v", out, err)
	}
	for category := 1; category <= categories; category++ {
		old, _ := history[0].Category(category)
		now, _ := v2.Category(category)
		if (old.Root != now.Root) != (category != 3) {
			t.Fatalf("category %d: root %s → %s", category, old.Root, now.Root)
		}
	}
	for _, v := range votes[1:7] {
		cc, _ := v2.Category(v.Category)
		err := checkProof(proofs[v.ID], cc.Root)
		if (err == nil) != (v.Category == 3) {
			t.Fatalf("vote %s of category %d: the old proof against the new root: %v", v.ID, v.Category, err)
		}
		p, err := f.svc.VoteProof(ctx, models.User{ID: v.VoterID}, v.ID)
		if err != nil || checkProof(p, cc.Root) != nil {
			t.Fatalf("vote %s: the new proof: %+v, %v", v.ID, p, err)
		}
	}
}

func TestPublishCommitment_ConcurrentPublicationsOfTheSameVotesStoreOneVersion(t *testing.T) {
	fixed := models.NewFixedClock(subOpens)
	f := newFixture(t, fixed, fixed)
	ctx := context.Background()
	contest, err := f.store.Contest(ctx, 2027)
	if err != nil {
		t.Fatal(err)
	}
	var votes []models.Vote
	for i := range 30 {
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		voter := fmt.Sprintf("voter-%02d", i)
		votes = append(votes, models.Vote{ID: models.VoteID(2027, 1, voter), Contest: 2027, Category: 1, NominationID: "nominee",
			VoterID: voter, CastAt: contest.Schedule.Voting.OpensAt, Receipt: hex.EncodeToString(sum[:])})
	}
	for _, err := range f.store.InsertVotes(ctx, votes) {
		if err != nil {
			t.Fatal(err)
		}
	}
	fixed.Set(contest.Schedule.Voting.ClosesAt.Add(time.Hour))
	const n = 6
	versions := make([]int, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			c, err := f.svc.PublishCommitment(ctx, f.admin, 2027)
			versions[i], errs[i] = c.Version, err
			done <- i
		}()
	}
	for range n {
		<-done
	}
	for i := range n {
		if errs[i] != nil || versions[i] != 1 {
			t.Fatalf("publication %d: version %d, %v", i, versions[i], errs[i])
		}
	}
	if history, err := f.svc.Commitments(ctx, 2027); err != nil || len(history) != 1 {
		t.Fatalf("history: %d versions, %v", len(history), err)
	}
}
