package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

type cataloguePage struct {
	Items      []models.PublicProject    `json:"items"`
	NextCursor string                    `json:"next_cursor"`
	Total      int                       `json:"total"`
	Facets     map[string]map[string]int `json:"facets"`
}

// seedCatalogue inserts n published projects straight into the store and
// lets the read model catch up, as it does at start.
func (s *testServer) seedCatalogue(t *testing.T, n int, rngSeed uint64) []models.Project {
	t.Helper()
	ctx := context.Background()
	owner := s.createUser(t, fmt.Sprintf("seed%d@example.org", rngSeed))
	rng := rand.New(rand.NewPCG(rngSeed, 7))
	ps := make([]models.Project, n)
	for i := range ps {
		ps[i] = seed.Project(rng, owner.ID, s.clock.Now())
	}
	if err := s.store.InsertProjects(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if _, err := s.search.CatchUp(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	return ps
}

func (s *testServer) catalogue(t *testing.T, query string) cataloguePage {
	t.Helper()
	rec := s.do(t, http.MethodGet, "/api/v1/projects?"+query, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /projects?%s: %d %s", query, rec.Code, rec.Body)
	}
	return decode[cataloguePage](t, rec)
}

func TestCatalogue_FiltersMatchTheStore(t *testing.T) {
	s := newServer(t)
	ps := s.seedCatalogue(t, 120, 1)
	count := func(keep func(models.PublicProject) bool) int {
		n := 0
		for _, p := range ps {
			if keep(p.Public()) {
				n++
			}
		}
		return n
	}
	kenya, _ := models.CountryByCode("KE")
	for name, tc := range map[string]struct {
		query string
		keep  func(models.PublicProject) bool
	}{
		"action line": {"action_line=c3", func(p models.PublicProject) bool { return slices.Contains(p.ActionLines, "c3") }},
		"two action lines": {"action_line=c3&action_line=c4", func(p models.PublicProject) bool {
			return slices.Contains(p.ActionLines, "c3") || slices.Contains(p.ActionLines, "c4")
		}},
		"sdg":              {"sdg=4", func(p models.PublicProject) bool { return slices.Contains(p.SDGs, 4) }},
		"country":          {"country=KE", func(p models.PublicProject) bool { return slices.Contains(p.Countries, kenya.Code) }},
		"region":           {"region=africa", func(p models.PublicProject) bool { return slices.Contains(p.Regions, models.RegionAfrica) }},
		"stakeholder type": {"stakeholder_type=academia", func(p models.PublicProject) bool { return p.StakeholderType == "academia" }},
		"status":           {"status=completed", func(p models.PublicProject) bool { return p.Status == "completed" }},
		"year":             {"year=2015", func(p models.PublicProject) bool { return p.PublishedAt.Year() == 2015 }},
		"combined": {"region=europe&status=ongoing", func(p models.PublicProject) bool {
			return slices.Contains(p.Regions, models.RegionEurope) && p.Status == "ongoing"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			want := count(tc.keep)
			got := s.catalogue(t, tc.query+"&limit=100")
			if got.Total != want {
				t.Fatalf("total %d, want %d", got.Total, want)
			}
			for _, item := range got.Items {
				if !tc.keep(item) {
					t.Fatalf("item %s does not match %s", item.ID, tc.query)
				}
			}
		})
	}
}

func TestCatalogue_FacetsEqualStoreCounts(t *testing.T) {
	s := newServer(t)
	ps := s.seedCatalogue(t, 150, 2)
	page := s.catalogue(t, "limit=1")
	ctx := context.Background()
	total, err := s.store.CountPublished(ctx, "")
	if err != nil || int64(page.Total) != total {
		t.Fatalf("total %d, store counts %d (%v)", page.Total, total, err)
	}
	for _, line := range models.ActionLines {
		n, err := s.store.CountPublished(ctx, line.Code)
		if err != nil {
			t.Fatal(err)
		}
		if int64(page.Facets["action_line"][line.Code]) != n {
			t.Errorf("facet %s = %d, store counts %d", line.Code, page.Facets["action_line"][line.Code], n)
		}
	}
	// The other facets against counts of the projects as the store has them.
	want := map[string]map[string]int{"sdg": {}, "region": {}, "stakeholder_type": {}, "status": {}, "year": {}}
	for _, p := range ps {
		stored, err := s.store.Project(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		pub := stored.Public()
		for _, g := range pub.SDGs {
			want["sdg"][fmt.Sprint(g)]++
		}
		for _, r := range pub.Regions {
			want["region"][string(r)]++
		}
		want["stakeholder_type"][string(pub.StakeholderType)]++
		want["status"][pub.Status]++
		want["year"][fmt.Sprint(stored.PublicYear())]++
	}
	for f, counts := range want {
		if fmt.Sprint(page.Facets[f]) != fmt.Sprint(counts) {
			t.Errorf("facet %s = %v, store counts %v", f, page.Facets[f], counts)
		}
	}
	stats := decode[map[string]any](t, s.do(t, http.MethodGet, "/api/v1/stats", nil))
	if int64(stats["total"].(float64)) != total {
		t.Errorf("stats total %v, want %d", stats["total"], total)
	}
}

func TestCatalogue_PagesNeitherRepeatNorSkipUnderInserts(t *testing.T) {
	for _, sort := range []string{"newest", "oldest", "title", "start_date"} {
		t.Run(sort, func(t *testing.T) {
			s := newServer(t)
			original := s.seedCatalogue(t, 57, 3)
			seen := map[string]int{}
			inserted := map[string]bool{}
			var order []models.PublicProject
			cursor := ""
			for pageNo := 0; ; pageNo++ {
				q := "limit=10&sort=" + sort
				if cursor != "" {
					q += "&cursor=" + url.QueryEscape(cursor)
				}
				page := s.catalogue(t, q)
				for _, item := range page.Items {
					seen[item.ID]++
					if !inserted[item.ID] {
						order = append(order, item)
					}
				}
				// Others publish while the reader pages.
				for _, p := range s.seedCatalogue(t, 3, uint64(100+pageNo)) {
					inserted[p.ID] = true
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			for _, p := range original {
				if seen[p.ID] != 1 {
					t.Errorf("project %s seen %d times", p.ID, seen[p.ID])
				}
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("project %s repeated %d times", id, n)
				}
			}
			for i := 1; i < len(order); i++ {
				if a, b := order[i-1], order[i]; !inOrder(sort, a, b) {
					t.Fatalf("%s order broken at %d: %q then %q", sort, i, sortValue(sort, a), sortValue(sort, b))
				}
			}
		})
	}
}

func sortValue(sort string, p models.PublicProject) string {
	switch sort {
	case "title":
		return strings.ToLower(p.Title)
	case "start_date":
		return p.StartDate
	}
	return p.PublishedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

func inOrder(sort string, a, b models.PublicProject) bool {
	va, vb := sortValue(sort, a), sortValue(sort, b)
	if sort == "newest" || sort == "start_date" {
		return va >= vb
	}
	return va <= vb
}

func TestCatalogue_TextSearchIsRankedAndPlain(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 40, 4)
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	for _, title := range []string{"Telemedicine drones for island clinics", "School broadband with telemedicine rooms"} {
		p := s.createProject(t, tok, title)
		s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...)
		s.do(t, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", nil, bearer(adminTok)...)
	}
	page := s.catalogue(t, "q="+url.QueryEscape("telemedicine drones island clinics"))
	if len(page.Items) == 0 || page.Items[0].Title != "Telemedicine drones for island clinics" {
		t.Fatalf("best match is not first: %+v", titles(page.Items))
	}
	for _, q := range []string{".*", "title:*", "+telemedicine -drones", `"unterminated`, "c3 OR 1=1", "(a|b)+$", "{\"$gt\":\"\"}"} {
		if rec := s.do(t, http.MethodGet, "/api/v1/projects?q="+url.QueryEscape(q), nil); rec.Code != http.StatusOK {
			t.Errorf("q=%q: %d %s", q, rec.Code, rec.Body)
		}
	}
	if got := s.catalogue(t, "q="+url.QueryEscape(".*")); got.Total != 0 {
		t.Errorf("q=.* matched %d projects: it was read as a pattern", got.Total)
	}
}

func titles(items []models.PublicProject) []string {
	var out []string
	for _, p := range items {
		out = append(out, p.Title)
	}
	return out
}

func TestCatalogue_OperatorInjectionRejected(t *testing.T) {
	s := newServer(t)
	for _, q := range []string{"action_line[$ne]=", "action_line=c99", "sdg=18", "sdg=04", "region=mars", "sort=owner_id",
		"sort=relevance", "limit=101", "limit=0", "cursor=garbage", "$where=1", "state=draft"} {
		t.Run(q, func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodGet, "/api/v1/projects?"+q, nil), http.StatusUnprocessableEntity, "validation")
		})
	}
}

func TestCatalogue_OnlyPublishedProjects(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	s.createProject(t, tok, "Unpublished draft project")
	if got := s.catalogue(t, ""); got.Total != 0 {
		t.Fatalf("a draft is in the catalogue: %+v", got.Items)
	}
}

func TestSearchIndex_RebuiltFromScratchGivesSameAnswers(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 80, 5)
	// Writes through the API too: a published entry with a pending edit, and
	// a deleted draft.
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "Published then edited")
	s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...)
	s.do(t, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", nil, bearer(adminTok)...)
	s.do(t, http.MethodPatch, "/api/v1/projects/"+p.ID, jsonBody(`{"title":"Pending edit, not public"}`), bearer(tok)...)
	gone := s.createProject(t, tok, "Deleted draft project")
	if rec := s.do(t, http.MethodDelete, "/api/v1/projects/"+gone.ID, nil, bearer(tok)...); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	queries := []string{"limit=100&action_line=c3", "limit=100&region=asia-pacific&sort=title", "limit=5&q=telemedicine", "limit=1",
		"limit=100&q=" + url.QueryEscape("published edited pending deleted")}
	before := map[string]cataloguePage{}
	for _, q := range queries {
		before[q] = s.catalogue(t, q)
	}
	dir := filepath.Join(t.TempDir(), "rebuilt")
	if err := os.MkdirAll(filepath.Join(dir, "garbage"), 0o700); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := search.Open(dir, nil) // a directory that is no index: rebuilt
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	if n, err := rebuilt.CatchUp(context.Background(), s.store); err != nil || n < 80 {
		t.Fatalf("catch-up applied %d projects: %v", n, err)
	}
	s2 := newServer(t, func(c *handlersConfig) { c.Store, c.Search = s.store, rebuilt })
	for _, q := range queries {
		after := s2.catalogue(t, q)
		if after.Total != before[q].Total || fmt.Sprint(titles(after.Items)) != fmt.Sprint(titles(before[q].Items)) ||
			fmt.Sprint(after.Facets) != fmt.Sprint(before[q].Facets) {
			t.Errorf("%s: rebuilt index answers differently", q)
		}
	}
	if got := titles(before["limit=100&q="+url.QueryEscape("published edited pending deleted")].Items); fmt.Sprint(got) != "[Published then edited]" {
		t.Errorf("the text search found %v, want only the published version", got)
	}
	mineBefore := s.do(t, http.MethodGet, "/api/v1/me/projects", nil, bearer(tok)...).Body.String()
	tok2 := s2.login(t, "owner@example.org", testPassword).AccessToken
	if mineAfter := s2.do(t, http.MethodGet, "/api/v1/me/projects", nil, bearer(tok2)...).Body.String(); mineAfter != mineBefore {
		t.Errorf("the owner's list differs after the rebuild:\n%s\n%s", mineBefore, mineAfter)
	}
}

func TestExport_CSVParsesAndHoldsNoContactEmails(t *testing.T) {
	s := newServer(t)
	ps := s.seedCatalogue(t, 30, 6)
	_, tok := s.signIn(t, "owner@example.org")
	s.createProject(t, tok, "=HYPERLINK(\"http://evil\")") // a draft: not exported
	rec := s.do(t, http.MethodGet, "/api/v1/projects/export?format=csv", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	if len(rows) != len(ps)+1 || rows[0][0] != "id" || slices.Contains(rows[0], "contact_email") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	if strings.Contains(rec.Body.String(), "contact@") {
		t.Fatal("the export holds contact emails")
	}
	jsonRec := s.do(t, http.MethodGet, "/api/v1/projects/export?format=json", nil)
	items := decode[[]models.PublicProject](t, jsonRec)
	if len(items) != len(ps) || strings.Contains(jsonRec.Body.String(), "contact@") {
		t.Fatalf("JSON export: %d items", len(items))
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/projects/export?format=xml", nil), http.StatusUnprocessableEntity, "validation")
}

func TestCatalogue_FacetsFollowNewPublications(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 20, 7)
	before := s.catalogue(t, "limit=5")
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "A newly published project")
	s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...)
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", nil, bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d", rec.Code)
	}
	after := s.catalogue(t, "limit=5")
	if after.Total != before.Total+1 || after.Facets["action_line"]["c3"] != before.Facets["action_line"]["c3"]+1 ||
		after.Facets["region"]["africa"] != before.Facets["region"]["africa"]+1 {
		t.Fatalf("facets did not follow the publication: before %v, after %v", before.Facets["action_line"], after.Facets["action_line"])
	}
}

func TestAdminUsers_ListFollowsWritesAndSurvivesARebuild(t *testing.T) {
	s := newServer(t)
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	u := s.createUser(t, "expert@itu.example")
	for i := range 4 {
		s.createUser(t, fmt.Sprintf("person%d@else.example", i))
	}
	list := func(s *testServer, tok, q string) []models.User {
		t.Helper()
		return decode[struct {
			Items []models.User `json:"items"`
		}](t, s.do(t, http.MethodGet, "/api/v1/admin/users?"+q, nil, bearer(tok)...)).Items
	}
	if got := list(s, adminTok, "q=ITU.ex"); len(got) != 1 || got[0].ID != u.ID {
		t.Fatalf("search by a part of the email: %+v", got)
	}
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+u.ID, jsonBody(`{"roles":["reviewer"]}`), bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("grant: %d", rec.Code)
	}
	if got := list(s, adminTok, "q=expert"); len(got) != 1 || len(got[0].Roles) != 1 {
		t.Fatalf("the list does not show the granted role: %+v", got)
	}
	// Filters by role and state follow the changes.
	if got := list(s, adminTok, "role=reviewer"); len(got) != 1 || got[0].ID != u.ID {
		t.Fatalf("role=reviewer: %+v, want the expert alone", got)
	}
	if got := list(s, adminTok, "role=stakeholder&limit=100"); len(got) != 6 {
		t.Fatalf("role=stakeholder: %d accounts, want every one of the 6", len(got))
	}
	if got := list(s, adminTok, "state=disabled"); len(got) != 0 {
		t.Fatalf("state=disabled before any is: %+v", got)
	}
	rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+u.ID, jsonBody(`{"disabled":true}`), bearer(adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	if got := list(s, adminTok, "state=disabled&role=reviewer"); len(got) != 1 || got[0].ID != u.ID {
		t.Fatalf("state=disabled&role=reviewer: %+v", got)
	}
	if got := list(s, adminTok, "state=active&limit=100"); len(got) != 5 {
		t.Fatalf("state=active: %d accounts, want 5", len(got))
	}
	for _, bad := range []string{"role=owner", "state=sleeping"} {
		wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/users?"+bad, nil, bearer(adminTok)...), http.StatusUnprocessableEntity, "validation")
	}

	rebuilt, err := search.Open(filepath.Join(t.TempDir(), "rebuilt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	if _, err := rebuilt.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	s2 := newServer(t, func(c *handlersConfig) { c.Store, c.Search = s.store, rebuilt })
	tok2 := s2.login(t, "admin@example.org", testPassword).AccessToken
	before, after := list(s, adminTok, "limit=100&state=active"), list(s2, tok2, "limit=100&state=active")
	if len(before) != 5 || fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("rebuilt list differs:\n%v\n%v", before, after)
	}
}

// The export carries one strong ETag per index generation: a client that
// holds it gets 304 until a publication changes the catalogue, then the
// new export.
func TestExport_NotModifiedUntilAPublicationChangesIt(t *testing.T) {
	s := newServer(t)
	ps := s.seedCatalogue(t, 5, 8)
	first := s.do(t, http.MethodGet, "/api/v1/projects/export?format=csv", nil)
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" || first.Header().Get("Cache-Control") != "public, max-age=5" {
		t.Fatalf("export: %d, ETag %q, Cache-Control %q", first.Code, etag, first.Header().Get("Cache-Control"))
	}
	again := s.do(t, http.MethodGet, "/api/v1/projects/export?format=csv", nil, "If-None-Match", etag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Fatalf("the same export again: %d, %d bytes", again.Code, again.Body.Len())
	}
	if other := s.do(t, http.MethodGet, "/api/v1/projects/export?format=json", nil, "If-None-Match", etag); other.Code != http.StatusOK {
		t.Fatalf("the JSON export with the CSV's ETag: %d", other.Code)
	}
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "A newly published project")
	s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...)
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", nil, bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d", rec.Code)
	}
	after := s.do(t, http.MethodGet, "/api/v1/projects/export?format=csv", nil, "If-None-Match", etag)
	rows, err := csv.NewReader(strings.NewReader(after.Body.String())).ReadAll()
	if after.Code != http.StatusOK || err != nil || len(rows) != len(ps)+2 || after.Header().Get("ETag") == etag {
		t.Fatalf("after a publication: %d, %d rows, %v, ETag %q", after.Code, len(rows), err, after.Header().Get("ETag"))
	}
}
