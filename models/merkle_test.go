package models_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

// mth is the Merkle Tree Hash exactly as RFC 9162 §2.1.1 defines it,
// recursively, to hold the level-by-level tree to.
func mth(leaves [][]byte) models.Hash {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return models.LeafHash(leaves[0])
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		return models.NodeHash(mth(leaves[:k]), mth(leaves[k:]))
	}
}

func leaves(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf("receipt-%05d", i))
	}
	return out
}

func TestMerkleTree_RootIsRFC9162AndEveryProofVerifies(t *testing.T) {
	for n := 0; n <= 70; n++ {
		ls := leaves(n)
		tree := models.NewMerkleTree(ls)
		if tree.Root() != mth(ls) {
			t.Fatalf("n=%d: root differs from RFC 9162's MTH", n)
		}
		for i := range ls {
			if err := models.VerifyInclusion(ls[i], i, n, tree.Proof(i), tree.Root()); err != nil {
				t.Fatalf("n=%d leaf %d: %v", n, i, err)
			}
		}
	}
}

func TestVerifyInclusion_RejectsATamperedProof(t *testing.T) {
	ls := leaves(1000)
	tree := models.NewMerkleTree(ls)
	root, proof := tree.Root(), tree.Proof(377)
	if err := models.VerifyInclusion(ls[377], 377, 1000, proof, root); err != nil {
		t.Fatal(err)
	}
	bad := append([]models.Hash(nil), proof...)
	bad[3][0] ^= 1
	for name, check := range map[string]error{
		"another leaf":    models.VerifyInclusion([]byte("receipt-99999"), 377, 1000, proof, root),
		"another index":   models.VerifyInclusion(ls[377], 378, 1000, proof, root),
		"a changed hash":  models.VerifyInclusion(ls[377], 377, 1000, bad, root),
		"a shorter path":  models.VerifyInclusion(ls[377], 377, 1000, proof[1:], root),
		"a longer path":   models.VerifyInclusion(ls[377], 377, 1000, append(proof, root), root),
		"another root":    models.VerifyInclusion(ls[377], 377, 1000, proof, models.LeafHash(nil)),
		"index past size": models.VerifyInclusion(ls[377], 1000, 1000, proof, root),
	} {
		if check == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A leaf added, changed or dropped changes the root.
	changed := leaves(1000)
	changed[500] = []byte("receipt-x")
	for name, other := range map[string][][]byte{"added": leaves(1001), "dropped": leaves(999), "changed": changed} {
		if models.NewMerkleTree(other).Root() == root {
			t.Errorf("%s leaf: the root did not change", name)
		}
	}
}
