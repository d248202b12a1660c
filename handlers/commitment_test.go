package handlers_test

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// verifyProof checks a proof answer as a voter would, against root only.
func verifyProof(t *testing.T, p models.InclusionProof, root string) error {
	t.Helper()
	receipt, _ := hex.DecodeString(p.Receipt)
	var path []models.Hash
	for _, h := range p.AuditPath {
		b, _ := hex.DecodeString(h)
		path = append(path, models.Hash(b))
	}
	r, _ := hex.DecodeString(root)
	return models.VerifyInclusion(receipt, p.LeafIndex, p.TreeSize, path, models.Hash(r))
}

func TestCommitment_PublishedWhenVotingClosesProvedPerVoterRepublishedOnInvalidation(t *testing.T) {
	s := newVotingSetup(t, "")
	n := s.nominations // categories: n[0], n[2] in 3; n[1], n[3] in 4
	type voter struct {
		user  models.User
		tok   string
		votes []string
	}
	var voters []voter
	for i := range 3 {
		u, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		v := voter{user: u, tok: tok}
		for _, nom := range []models.Nomination{n[i%2*2], n[1+i%2*2]} {
			if code, body := s.cast(t, tok, nom.Category, nom.ID); code != http.StatusCreated {
				t.Fatalf("vote: %d %s", code, body)
			}
			v.votes = append(v.votes, models.VoteID(2027, nom.Category, u.ID))
		}
		voters = append(voters, v)
	}
	proofPath := func(id string) string { return "/api/v1/me/votes/" + id + "/proof" }
	// While voting is open there is no commitment, and none can be made.
	if rec := s.do(t, http.MethodGet, proofPath(voters[0].votes[0]), nil, bearer(voters[0].tok)...); rec.Code != http.StatusConflict {
		t.Fatalf("a proof while voting is open: %d %s", rec.Code, rec.Body)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("commitments while voting is open: %d %s", rec.Code, rec.Body)
	}
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/commitments/publish", nil, bearer(s.adminTok)...); rec.Code != http.StatusConflict {
		t.Fatalf("publishing while voting is open: %d %s", rec.Code, rec.Body)
	}
	s.setClock(t, voteCloses.Add(time.Hour))
	for i := range voters {
		voters[i].tok = s.login(t, voters[i].user.Email, testPassword).AccessToken
	}
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/commitments/publish", nil, bearer(voters[0].tok)...); rec.Code != http.StatusForbidden {
		t.Fatalf("a voter publishing: %d %s", rec.Code, rec.Body)
	}
	rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/commitments/publish", nil, bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	published := func() []models.Commitment {
		rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("commitments: %d %s", rec.Code, rec.Body)
		}
		return decode[struct {
			Items []models.Commitment `json:"items"`
		}](t, rec).Items
	}
	v1 := published()
	if len(v1) != 1 || len(v1[0].Categories) != len(models.ActionLines) {
		t.Fatalf("published %+v", v1)
	}
	proof := func(v voter, id string) models.InclusionProof {
		rec := s.do(t, http.MethodGet, proofPath(id), nil, bearer(v.tok)...)
		if rec.Code != http.StatusOK {
			t.Fatalf("proof of %s: %d %s", id, rec.Code, rec.Body)
		}
		return decode[models.InclusionProof](t, rec)
	}
	for _, v := range voters {
		for _, id := range v.votes {
			p := proof(v, id)
			cc, _ := v1[0].Category(p.Category)
			if !p.Counted || cc.Leaves != 3 || verifyProof(t, p, cc.Root) != nil {
				t.Fatalf("vote %s: %+v against %+v", id, p, cc)
			}
		}
	}
	if rec := s.do(t, http.MethodGet, proofPath(voters[1].votes[0]), nil, bearer(voters[0].tok)...); rec.Code != http.StatusNotFound {
		t.Fatalf("another voter's proof: %d %s", rec.Code, rec.Body)
	}
	old := proof(voters[1], voters[1].votes[0])
	// Invalidating voter 0 publishes version 2: their votes say why they
	// are out, and the others' old proofs no longer lead to the new roots.
	body := fmt.Sprintf(`{"contest":2027,"voter_id":%q,"reason":"one script"}`, voters[0].user.ID)
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/votes/invalidate", jsonBody(body), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("invalidate: %d %s", rec.Code, rec.Body)
	}
	v2 := published()
	if len(v2) != 2 || v2[1].Version != 2 {
		t.Fatalf("history after the invalidation: %+v", v2)
	}
	if p := proof(voters[0], voters[0].votes[0]); p.Counted || p.Reason != models.ExcludedInvalidated {
		t.Fatalf("an invalidated vote's proof: %+v", p)
	}
	cc, _ := v2[1].Category(old.Category)
	if cc.Leaves != 2 || len(cc.Excluded) != 1 || verifyProof(t, old, cc.Root) == nil {
		t.Fatalf("category %d after the invalidation: %+v; the old proof still verifies", old.Category, cc)
	}
	if p := proof(voters[1], voters[1].votes[0]); verifyProof(t, p, cc.Root) != nil {
		t.Fatalf("the new proof: %+v", p)
	}
	tally := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/tally", nil, bearer(s.adminTok)...)
	if got := decode[struct {
		Commitment struct {
			Version    int  `json:"version"`
			Reproduces bool `json:"reproduces"`
		} `json:"commitment"`
	}](t, tally); got.Commitment.Version != 2 || !got.Commitment.Reproduces {
		t.Fatalf("tally: %s", tally.Body)
	}
}
