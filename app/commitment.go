package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// The verifiable tally (SPEC §5): when voting closes the platform commits,
// per category, to the exact set of votes it counts — the root of an RFC
// 9162 Merkle tree over the receipts of the counted votes in byte order —
// and each voter can fetch the audit path of their receipt and check it
// without the server (models.VerifyInclusion, `wsis verify-receipt`).

// PublishCommitment publishes the contest's commitment now, once voting has
// closed: a new version when the counted votes differ from the last one
// published, or the last one unchanged. Admins only. Returns ErrForbidden,
// ErrNotFound for a missing contest and ErrPhaseClosed before voting closes.
func (s *Service) PublishCommitment(ctx context.Context, actor models.User, year int) (models.Commitment, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Commitment{}, err
	}
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireClosed(models.WindowVoting, s.clock.Now())
	}
	if err != nil {
		return models.Commitment{}, err
	}
	c, _, err := s.publishCommitment(ctx, actor, contest, "voting closed")
	return c, err
}

// publishCommitment recounts the contest with receipts and stores the
// commitment as a new version unless the last one commits to the same
// votes. The publication is audited. It also returns the recount, so that a
// caller choosing by it reads the votes once.
func (s *Service) publishCommitment(ctx context.Context, actor models.User, contest models.Contest, reason string) (models.Commitment, store.Recount, error) {
	now := s.clock.Now()
	r, err := s.store.RecountWithReceipts(ctx, contest.Year, completeBallot(contest))
	if err != nil {
		return models.Commitment{}, r, err
	}
	c, leaves := commitmentOf(contest, r)
	for range 3 {
		published, err := s.store.Commitments(ctx, contest.Year)
		if err != nil {
			return models.Commitment{}, r, err
		}
		if n := len(published); n > 0 && published[n-1].SameRoots(c) {
			return published[n-1], r, nil
		}
		c.Version, c.PublishedAt, c.Reason = len(published)+1, now.UTC(), reason
		err = s.store.InsertCommitment(ctx, c, leaves)
		if errors.Is(err, models.ErrConflict) {
			continue // another publication took the version: compare with it
		}
		if err != nil {
			return models.Commitment{}, r, err
		}
		roots := map[string]any{}
		for _, cc := range c.Categories {
			roots[strconv.Itoa(cc.Category)] = cc.Root
		}
		s.record(ctx, now, actor, "contest.commitment.publish", "contest", strconv.Itoa(contest.Year), nil,
			map[string]any{"version": c.Version, "reason": reason, "roots": roots})
		return c, r, nil
	}
	return models.Commitment{}, r, errors.New("app: publish commitment: versions kept changing")
}

// commitmentOf builds each category's tree over the counted receipts of a
// recount with receipts, in byte order, and returns the commitment with
// its leaves.
func commitmentOf(contest models.Contest, r store.Recount) (models.Commitment, map[int][][]byte) {
	c := models.Commitment{Contest: contest.Year, Categories: []models.CategoryCommitment{}}
	leaves := map[int][][]byte{}
	for _, line := range contest.Categories {
		category := line.Number
		ls := r.Receipts[category]
		slices.SortFunc(ls, bytes.Compare)
		tree := models.NewMerkleTree(ls)
		root := tree.Root()
		cc := models.CategoryCommitment{Category: category, Root: hex.EncodeToString(root[:]), Leaves: len(ls),
			Excluded: []models.ExcludedVote{}}
		for _, e := range r.Excluded[category] {
			h := models.LeafHash(e.Receipt)
			cc.Excluded = append(cc.Excluded, models.ExcludedVote{LeafHash: hex.EncodeToString(h[:]), Reason: e.Reason})
		}
		slices.SortFunc(cc.Excluded, func(a, b models.ExcludedVote) int { return strings.Compare(a.LeafHash, b.LeafHash) })
		c.Categories = append(c.Categories, cc)
		leaves[category] = ls
	}
	return c, leaves
}

func completeBallot(contest models.Contest) int {
	if contest.Settings.RequireCompleteBallot {
		return contest.CategoryCount()
	}
	return 0
}

// Commitments returns every published version of the contest's commitment,
// oldest first: public once voting has closed. Returns ErrNotFound for a
// missing contest or before a commitment is published.
func (s *Service) Commitments(ctx context.Context, year int) ([]models.Commitment, error) {
	if _, err := s.store.Contest(ctx, year); err != nil {
		return nil, err
	}
	cs, err := s.store.Commitments(ctx, year)
	if err == nil && len(cs) == 0 {
		err = models.WithDetail(models.ErrNotFound, "the commitment is published when voting closes")
	}
	return cs, err
}

// VoteProof returns the inclusion proof of the actor's vote in its
// category's current commitment, or says why the vote is not counted.
// Returns ErrNotFound for a vote that is not the actor's, and
// ErrPhaseClosed before a commitment is published.
func (s *Service) VoteProof(ctx context.Context, actor models.User, voteID string) (models.InclusionProof, error) {
	v, err := s.store.Vote(ctx, voteID)
	if err == nil && v.VoterID != actor.ID {
		err = models.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return models.InclusionProof{}, models.WithDetail(models.ErrNotFound, "no such vote of yours")
		}
		return models.InclusionProof{}, err
	}
	published, err := s.store.Commitments(ctx, v.Contest)
	if err != nil {
		return models.InclusionProof{}, err
	}
	if len(published) == 0 {
		return models.InclusionProof{}, models.WithDetail(models.ErrPhaseClosed, "the commitment is published when voting closes")
	}
	c := published[len(published)-1]
	cc, _ := c.Category(v.Category)
	p := models.InclusionProof{VoteID: v.ID, Contest: v.Contest, Category: v.Category, Version: c.Version, Receipt: v.Receipt,
		TreeSize: cc.Leaves, Root: cc.Root, AuditPath: []string{}}
	receipt, err := hex.DecodeString(v.Receipt)
	if err != nil {
		return models.InclusionProof{}, err
	}
	leaf := models.LeafHash(receipt)
	for _, e := range cc.Excluded {
		if e.LeafHash == hex.EncodeToString(leaf[:]) {
			p.Reason = e.Reason
			return p, nil
		}
	}
	tree, leaves, err := s.trees.get(ctx, s.store, c.Contest, cc)
	if err != nil {
		return models.InclusionProof{}, err
	}
	i := sort.Search(len(leaves), func(i int) bool { return bytes.Compare(leaves[i], receipt) >= 0 })
	if i == len(leaves) || !bytes.Equal(leaves[i], receipt) {
		p.Reason = "not_in_tree" // cast after the commitment: it cannot be, voting had closed
		return p, nil
	}
	p.Counted, p.LeafIndex = true, i
	for _, h := range tree.Proof(i) {
		p.AuditPath = append(p.AuditPath, hex.EncodeToString(h[:]))
	}
	return p, nil
}

// treeCache keeps the trees of recently proved categories, so that each
// proof after the first costs O(log n): a contest's categories at most.
type treeCache struct {
	mu    sync.Mutex
	trees map[string]cachedTree
}

type cachedTree struct {
	tree   *models.MerkleTree
	leaves [][]byte
}

const treeCacheSize = 40

func (t *treeCache) get(ctx context.Context, st *store.Store, contest int, cc models.CategoryCommitment) (*models.MerkleTree, [][]byte, error) {
	key := strconv.Itoa(contest) + "-" + strconv.Itoa(cc.Category) + "-" + cc.Root
	t.mu.Lock()
	e, ok := t.trees[key]
	t.mu.Unlock()
	if ok {
		return e.tree, e.leaves, nil
	}
	leaves, err := st.CommitmentLeaves(ctx, contest, cc)
	if err != nil {
		return nil, nil, err
	}
	e = cachedTree{tree: models.NewMerkleTree(leaves), leaves: leaves}
	t.mu.Lock()
	if t.trees == nil || len(t.trees) >= treeCacheSize {
		t.trees = map[string]cachedTree{}
	}
	t.trees[key] = e
	t.mu.Unlock()
	return e.tree, e.leaves, nil
}

// CommitmentCheck says whether a recount from the stored votes reproduces
// the last published commitment, and where it does not.
type CommitmentCheck struct {
	Version    int   `json:"version"`
	Reproduces bool  `json:"reproduces"`
	Differs    []int `json:"differs"` // categories whose root or exclusions differ
}

// checkCommitment rebuilds the commitment from a recount with receipts of
// the stored votes and holds it to the last one published.
func checkCommitment(contest models.Contest, r store.Recount, last models.Commitment) *CommitmentCheck {
	now, _ := commitmentOf(contest, r)
	check := &CommitmentCheck{Version: last.Version, Differs: []int{}}
	for _, cc := range now.Categories {
		pc, ok := last.Category(cc.Category)
		one := models.Commitment{Categories: []models.CategoryCommitment{cc}}
		if !ok || !one.SameRoots(models.Commitment{Categories: []models.CategoryCommitment{pc}}) {
			check.Differs = append(check.Differs, cc.Category)
		}
	}
	check.Reproduces = len(check.Differs) == 0 && len(now.Categories) == len(last.Categories)
	return check
}
