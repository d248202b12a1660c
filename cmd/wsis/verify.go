package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wsis-platform/wsis/models"
)

// verifyReceiptCommand runs "wsis verify-receipt": it checks, offline and
// with nothing from the server but the proof it answered, that a receipt
// is a leaf of the tree whose root the platform published (RFC 9162
// §2.1.3.2). It returns an error, and so exits 1, when the proof fails.
func verifyReceiptCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis verify-receipt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	receiptHex := fs.String("receipt", "", "your vote's receipt (hex), as the vote's answer and mail gave it")
	proofFile := fs.String("proof", "", "the proof: the JSON answer of GET /api/v1/me/votes/{id}/proof")
	rootHex := fs.String("root", "", "the category's published root (hex), from GET /api/v1/contests/{year}/commitments or the results")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *receiptHex == "" || *proofFile == "" || *rootHex == "" {
		fs.Usage()
		return errors.New("verify-receipt: --receipt, --proof and --root are required")
	}
	data, err := os.ReadFile(*proofFile)
	if err != nil {
		return fmt.Errorf("verify-receipt: %w", err)
	}
	var p models.InclusionProof
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("verify-receipt: the proof is not the JSON of a proof: %w", err)
	}
	if !p.Counted {
		return fmt.Errorf("verify-receipt: the platform says this vote is not counted: %s", p.Reason)
	}
	receipt, err := hex.DecodeString(strings.TrimSpace(*receiptHex))
	if err != nil {
		return fmt.Errorf("verify-receipt: --receipt is not hex: %w", err)
	}
	root, err := hash32(*rootHex)
	if err != nil {
		return fmt.Errorf("verify-receipt: --root: %w", err)
	}
	path := make([]models.Hash, len(p.AuditPath))
	for i, h := range p.AuditPath {
		if path[i], err = hash32(h); err != nil {
			return fmt.Errorf("verify-receipt: audit path entry %d: %w", i, err)
		}
	}
	// The receipt and root come from the voter, never from the proof file:
	// a proof of another receipt, or towards another root, fails here.
	if err := models.VerifyInclusion(receipt, p.LeafIndex, p.TreeSize, path, root); err != nil {
		return fmt.Errorf("verify-receipt: %w", err)
	}
	fmt.Fprintf(stdout, "verified: the receipt is leaf %d of %d under root %s (contest %d, category %d, version %d)\n",
		p.LeafIndex, p.TreeSize, strings.ToLower(strings.TrimSpace(*rootHex)), p.Contest, p.Category, p.Version)
	return nil
}

// hash32 decodes a hex SHA-256 digest.
func hash32(s string) (models.Hash, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != len(models.Hash{}) {
		return models.Hash{}, fmt.Errorf("%q is not a hex SHA-256 digest", s)
	}
	return models.Hash(b), nil
}
