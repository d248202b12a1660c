package handlers_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestContests_PagedByLimitAndCursor: the contest list takes limit and
// cursor, newest first, and refuses a limit outside 1–100 with 422.
func TestContests_PagedByLimitAndCursor(t *testing.T) {
	s := newPrizes(t, "")
	for back, year := range []string{"2026", "2025"} {
		s.setClock(t, subOpens.AddDate(-1-back, 0, 1))
		body := fmt.Sprintf(`{"year":%s,"title":"WSIS Prizes %s","schedule":%s}`, year, year, strings.ReplaceAll(schedule2027(), "2027-", year+"-"))
		if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests", jsonBody(body), bearer(s.adminTok)...); rec.Code != http.StatusCreated {
			t.Fatalf("create %s: %d %s", year, rec.Code, rec.Body)
		}
	}
	type contestPage struct {
		Items []struct {
			Year int `json:"year"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	var years []int
	path := "/api/v1/contests?limit=2"
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatalf("more pages than contests: %v", years)
		}
		rec := s.do(t, http.MethodGet, path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		p := decode[contestPage](t, rec)
		if len(p.Items) > 2 {
			t.Fatalf("page of %d contests, want at most 2", len(p.Items))
		}
		for _, c := range p.Items {
			years = append(years, c.Year)
		}
		if p.NextCursor == "" {
			break
		}
		path = "/api/v1/contests?limit=2&cursor=" + p.NextCursor
	}
	if fmt.Sprint(years) != "[2027 2026 2025]" {
		t.Fatalf("years over the pages = %v, want [2027 2026 2025]", years)
	}
	for _, bad := range []string{"0", "101", "ten"} {
		p := wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests?limit="+bad, nil), http.StatusUnprocessableEntity, "validation")
		if len(p.Errors) != 1 || p.Errors[0].Field != "limit" {
			t.Fatalf("limit=%s: errors %+v, want one on limit", bad, p.Errors)
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests?cursor=!!", nil), http.StatusUnprocessableEntity, "validation")
}

// pagedIDs walks the list at path (a query string included) page by page
// with limit, as tok, and returns the id field of every item in order,
// failing if a page is larger than limit or the pages do not end.
func (s *testServer) pagedIDs(t *testing.T, path, idField, tok string, limit int) []string {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var ids []string
	next := path + sep + "limit=" + strconv.Itoa(limit)
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("%s: pages do not end: %v", path, ids)
		}
		rec := s.do(t, http.MethodGet, next, nil, bearerIf(tok)...)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", next, rec.Code, rec.Body)
		}
		p := decode[page[map[string]any]](t, rec)
		if len(p.Items) > limit {
			t.Fatalf("%s: page of %d items, want at most %d", next, len(p.Items), limit)
		}
		for _, item := range p.Items {
			ids = append(ids, fmt.Sprint(item[idField]))
		}
		if p.NextCursor == "" {
			return ids
		}
		next = path + sep + "limit=" + strconv.Itoa(limit) + "&cursor=" + p.NextCursor
	}
}

// bearerIf is the Authorization header of tok, none for the anonymous "".
func bearerIf(tok string) []string {
	if tok == "" {
		return nil
	}
	return bearer(tok)
}

// page is a list's answer.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// wantPagedLikeWhole fails t unless walking path one item a page and two a
// page gives the items of the whole list, in its order, and the whole list
// has n items.
func (s *testServer) wantPagedLikeWhole(t *testing.T, path, idField, tok string, n int) {
	t.Helper()
	whole := s.pagedIDs(t, path, idField, tok, 100)
	if len(whole) != n {
		t.Fatalf("%s: %d items, want %d", path, len(whole), n)
	}
	for _, limit := range []int{1, 2} {
		if got := s.pagedIDs(t, path, idField, tok, limit); fmt.Sprint(got) != fmt.Sprint(whole) {
			t.Fatalf("%s by %d: %v, want %v", path, limit, got, whole)
		}
	}
}

// wantLimitRefused fails t unless path refuses limits outside 1–100 and a
// cursor it did not give with 422.
func (s *testServer) wantLimitRefused(t *testing.T, path, tok string) {
	t.Helper()
	for _, bad := range []string{"0", "101", "ten"} {
		p := wantProblem(t, s.do(t, http.MethodGet, path+"?limit="+bad, nil, bearerIf(tok)...), http.StatusUnprocessableEntity, "validation")
		if len(p.Errors) != 1 || p.Errors[0].Field != "limit" {
			t.Fatalf("%s limit=%s: errors %+v, want one on limit", path, bad, p.Errors)
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, path+"?cursor=!!", nil, bearerIf(tok)...), http.StatusUnprocessableEntity, "validation")
}

// TestNominations_PagedByLimitAndCursor: the nominator's and the admins'
// nomination lists page by limit and cursor in their order.
func TestNominations_PagedByLimitAndCursor(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect", "Pacific Links"}, 0)
	s.wantPagedLikeWhole(t, "/api/v1/me/nominations", "id", s.userTok, 3)
	s.wantPagedLikeWhole(t, "/api/v1/admin/contests/2027/nominations", "id", s.adminTok, 3)
	s.wantPagedLikeWhole(t, "/api/v1/admin/contests/2027/nominations?category=3", "id", s.adminTok, 2)
	s.wantLimitRefused(t, "/api/v1/me/nominations", s.userTok)
	s.wantLimitRefused(t, "/api/v1/admin/contests/2027/nominations", s.adminTok)
}

// TestAssignments_PagedByLimitAndCursor: a reviewer's assignments and the
// rankings page by limit and cursor in their order.
func TestAssignments_PagedByLimitAndCursor(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect", "Pacific Links"}, 1)
	s.at(t, subCloses.Add(time.Hour))
	r := s.reviewers[0]
	for _, n := range s.nominations {
		if rec := s.assign(t, n.ID, r.ID); rec.Code != http.StatusCreated {
			t.Fatalf("assign: %d %s", rec.Code, rec.Body)
		}
	}
	s.wantPagedLikeWhole(t, "/api/v1/reviewer/assignments", "id", s.reviewerTok[r.ID], 3)
	s.wantLimitRefused(t, "/api/v1/reviewer/assignments", s.reviewerTok[r.ID])
}

// TestRankings_PagedByLimitAndCursor: the rankings page by limit and cursor
// by category, then rank.
func TestRankings_PagedByLimitAndCursor(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect", "Pacific Links"}, 0)
	s.setClock(t, revCloses.Add(time.Hour))
	s.wantPagedLikeWhole(t, "/api/v1/admin/contests/2027/rankings", "nomination_id", s.adminTok, 3)
	s.wantLimitRefused(t, "/api/v1/admin/contests/2027/rankings", s.adminTok)
}

// TestNominees_PagedByLimitAndCursor: the public nominee list pages by
// limit and cursor, for every category and for one.
func TestNominees_PagedByLimitAndCursor(t *testing.T) {
	s := newVotingSetup(t, "")
	s.wantPagedLikeWhole(t, "/api/v1/contests/2027/nominees", "id", "", 4)
	s.wantPagedLikeWhole(t, "/api/v1/contests/2027/nominees?category=4", "id", "", 2)
	s.wantLimitRefused(t, "/api/v1/contests/2027/nominees", "")
}
