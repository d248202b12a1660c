package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestVerifyReceipt_AcceptsAValidProofAndRejectsATamperedOne(t *testing.T) {
	var leaves [][]byte
	for i := range 37 {
		leaves = append(leaves, []byte(fmt.Sprintf("%032d", i)))
	}
	tree := models.NewMerkleTree(leaves)
	root := tree.Root()
	const i = 21
	p := models.InclusionProof{VoteID: "2027-03-v", Contest: 2027, Category: 3, Version: 1, Counted: true,
		Receipt: hex.EncodeToString(leaves[i]), LeafIndex: i, TreeSize: len(leaves), Root: hex.EncodeToString(root[:])}
	for _, h := range tree.Proof(i) {
		p.AuditPath = append(p.AuditPath, hex.EncodeToString(h[:]))
	}
	write := func(p models.InclusionProof) string {
		b, _ := json.Marshal(p)
		path := filepath.Join(t.TempDir(), "proof.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	verify := func(receipt, file, root string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"verify-receipt", "--receipt", receipt, "--proof", file, "--root", root},
			func(string) string { return "" }, nil, &out, &bytes.Buffer{})
		return out.String(), err
	}
	good := write(p)
	if out, err := verify(p.Receipt, good, p.Root); err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("a valid proof: %q, %v", out, err)
	}
	tampered := p
	tampered.AuditPath = append([]string(nil), p.AuditPath...)
	tampered.AuditPath[2] = strings.Repeat("0", 64)
	moved := p
	moved.LeafIndex = i + 1
	other := hex.EncodeToString(leaves[i+1])
	for name, c := range map[string][3]string{
		"a changed path hash":         {p.Receipt, write(tampered), p.Root},
		"another leaf index":          {p.Receipt, write(moved), p.Root},
		"another receipt":             {other, good, p.Root},
		"another root":                {p.Receipt, good, strings.Repeat("ab", 32)},
		"a root that is not a digest": {p.Receipt, good, "abc"},
	} {
		if out, err := verify(c[0], c[1], c[2]); err == nil {
			t.Errorf("%s: accepted: %q", name, out)
		}
	}
}
