package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
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
