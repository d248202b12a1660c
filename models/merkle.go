package models

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"time"
)

// A Merkle tree over the receipts of a category's counted votes, with the
// hashing of RFC 9162 §2.1: a leaf's hash is SHA-256(0x00 ‖ leaf) and a
// node's SHA-256(0x01 ‖ left ‖ right), so a leaf can never pass for a node.
// The tree of n leaves splits at the largest power of two below n (§2.1.1);
// built level by level, that is pairing left to right and carrying an odd
// last node up unchanged.

// Hash is a SHA-256 digest.
type Hash [sha256.Size]byte

// LeafHash is the RFC 9162 hash of a leaf.
func LeafHash(leaf []byte) Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	var out Hash
	h.Sum(out[:0])
	return out
}

// NodeHash is the RFC 9162 hash of an inner node.
func NodeHash(left, right Hash) Hash {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(left[:])
	h.Write(right[:])
	var out Hash
	h.Sum(out[:0])
	return out
}

// MerkleTree keeps every level of a tree, leaf hashes first, so that a
// proof is read off it in O(log n).
type MerkleTree struct {
	levels [][]Hash
}

// NewMerkleTree builds the tree over leaves in their order.
func NewMerkleTree(leaves [][]byte) *MerkleTree {
	level := make([]Hash, len(leaves))
	for i, l := range leaves {
		level[i] = LeafHash(l)
	}
	t := &MerkleTree{levels: [][]Hash{level}}
	for len(level) > 1 {
		next := make([]Hash, (len(level)+1)/2)
		for i := range next {
			if 2*i+1 < len(level) {
				next[i] = NodeHash(level[2*i], level[2*i+1])
			} else {
				next[i] = level[2*i]
			}
		}
		t.levels = append(t.levels, next)
		level = next
	}
	return t
}

// Size is the number of leaves.
func (t *MerkleTree) Size() int { return len(t.levels[0]) }

// Root is the tree's head; the tree of no leaves has the hash of the empty
// string (§2.1.1).
func (t *MerkleTree) Root() Hash {
	if t.Size() == 0 {
		return sha256.Sum256(nil)
	}
	return t.levels[len(t.levels)-1][0]
}

// Proof is the inclusion proof (audit path, §2.1.3.1) of leaf index i:
// the sibling hashes from the leaf up.
func (t *MerkleTree) Proof(i int) []Hash {
	var path []Hash
	for _, level := range t.levels[:len(t.levels)-1] {
		if sibling := i ^ 1; sibling < len(level) {
			path = append(path, level[sibling])
		}
		i /= 2
	}
	return path
}

// ErrProofInvalid is a proof that does not lead to the root.
var ErrProofInvalid = errors.New("the proof does not lead to the root")

// VerifyInclusion checks, with the algorithm of RFC 9162 §2.1.3.2 and
// nothing else, that leaf is leaf index of a tree of size leaves whose root
// is root, given its audit path.
func VerifyInclusion(leaf []byte, index, size int, path []Hash, root Hash) error {
	if index < 0 || index >= size {
		return ErrProofInvalid
	}
	fn, sn := index, size-1
	r := LeafHash(leaf)
	for _, p := range path {
		if sn == 0 {
			return ErrProofInvalid
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || !bytes.Equal(r[:], root[:]) {
		return ErrProofInvalid
	}
	return nil
}

// Why a vote is left out of its category's commitment.
const (
	ExcludedInvalidated = "invalidated"       // an admin invalidated it, with a reason
	ExcludedIncomplete  = "incomplete_ballot" // its voter did not vote in every category
)

// Commitment is one publication of a contest's counted votes (SPEC §5,
// verifiable tally): per category the root of the Merkle tree over the
// receipts of its counted votes, sorted, with their number, and the leaf
// hashes of the votes left out with why. A later invalidation publishes a
// new version; the earlier ones stay as history.
type Commitment struct {
	Contest     int                  `json:"contest"`
	Version     int                  `json:"version"`
	PublishedAt time.Time            `json:"published_at"`
	Reason      string               `json:"reason"`
	Categories  []CategoryCommitment `json:"categories"`
}

// CategoryCommitment is one category's tree head and exclusions.
type CategoryCommitment struct {
	Category int    `json:"category"`
	Root     string `json:"root"` // hex
	Leaves   int    `json:"leaves"`
	// Excluded are the votes that do not count: the RFC 9162 leaf hash of
	// each one's receipt (so a voter can find their own, and nobody can
	// learn a receipt) and why.
	Excluded []ExcludedVote `json:"excluded"`
}

// ExcludedVote is a vote left out of a commitment.
type ExcludedVote struct {
	LeafHash string `json:"leaf_hash"`
	Reason   string `json:"reason"`
}

// Category returns the commitment of category c, and false when it has none.
func (c Commitment) Category(category int) (CategoryCommitment, bool) {
	for _, cc := range c.Categories {
		if cc.Category == category {
			return cc, true
		}
	}
	return CategoryCommitment{}, false
}

// SameRoots reports whether two commitments commit to the same votes.
func (c Commitment) SameRoots(o Commitment) bool {
	if len(c.Categories) != len(o.Categories) {
		return false
	}
	for i, cc := range c.Categories {
		oc := o.Categories[i]
		if cc.Category != oc.Category || cc.Root != oc.Root || cc.Leaves != oc.Leaves || len(cc.Excluded) != len(oc.Excluded) {
			return false
		}
		for j := range cc.Excluded {
			if cc.Excluded[j] != oc.Excluded[j] {
				return false
			}
		}
	}
	return true
}

// InclusionProof is what a voter needs to check, without the server, that
// their receipt is a leaf of the published tree of its category.
type InclusionProof struct {
	VoteID    string   `json:"vote_id"`
	Contest   int      `json:"contest"`
	Category  int      `json:"category"`
	Version   int      `json:"version"`
	Counted   bool     `json:"counted"`
	Reason    string   `json:"reason,omitempty"` // why not, when not counted
	Receipt   string   `json:"receipt"`
	LeafIndex int      `json:"leaf_index"`
	TreeSize  int      `json:"tree_size"`
	Root      string   `json:"root"`
	AuditPath []string `json:"audit_path"`
}
