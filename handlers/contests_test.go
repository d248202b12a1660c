package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/seed"
)

// The 2027 contest's windows in these tests.
var (
	subOpens   = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	subCloses  = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	revCloses  = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	voteCloses = time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	selCloses  = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
)

func schedule2027() string {
	w := func(a, b time.Time) string {
		return fmt.Sprintf(`{"opens_at":%q,"closes_at":%q}`, a.Format(time.RFC3339Nano), b.Format(time.RFC3339Nano))
	}
	return fmt.Sprintf(`{"submission":%s,"review":%s,"voting":%s,"selection":%s}`,
		w(subOpens, subCloses), w(subCloses, revCloses), w(revCloses, voteCloses), w(voteCloses, selCloses))
}

// prizesServer is a server with a 2027 contest, an admin and a stakeholder,
// its clock inside the submission window.
type prizesServer struct {
	*testServer
	adminTok, userTok string
	user              models.User
}

func newPrizes(t *testing.T, settings string, mutate ...func(*handlersConfig)) *prizesServer {
	t.Helper()
	s := newServer(t, mutate...)
	s.clock.Set(subOpens.Add(24 * time.Hour))
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	user, userTok := s.signIn(t, "amina@example.org")
	body := fmt.Sprintf(`{"year":2027,"title":"WSIS Prizes 2027","schedule":%s%s}`, schedule2027(), settings)
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests", jsonBody(body), bearer(adminTok)...); rec.Code != http.StatusCreated {
		t.Fatalf("create contest: %d %s", rec.Code, rec.Body)
	}
	return &prizesServer{testServer: s, adminTok: adminTok, userTok: userTok, user: user}
}

// setClock moves the server's clock and signs the admin and the user in
// again, since access tokens live 15 minutes by that clock.
func (s *prizesServer) setClock(t *testing.T, at time.Time) {
	t.Helper()
	s.clock.Set(at)
	s.adminTok = s.login(t, "admin@example.org", testPassword).AccessToken
	s.userTok = s.login(t, "amina@example.org", testPassword).AccessToken
}

// publishedProject stores a published project of owner with the
// organization and action lines.
func (s *prizesServer) publishedProject(t *testing.T, ownerID, org string, lines ...string) models.Project {
	t.Helper()
	p := seed.Project(rand.New(rand.NewPCG(uint64(len(org)), uint64(time.Now().UnixNano()))), ownerID, s.clock.Now())
	p.Organization, p.ActionLines = org, lines
	pub := p.ProjectContent
	p.Published = &pub
	ps := []models.Project{p}
	if err := s.store.InsertProjects(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func words(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }

func nominationBody(projectID string, category int, extra ...string) string {
	fields := map[string]any{"project_id": projectID, "category": category, "short_description": words(160, "voters"),
		"impact": words(60, "impact"), "sdg_linkage": words(60, "sdg"), "partnerships": words(60, "partners"),
		"challenges": words(60, "challenges"), "implementation": "completed"}
	for i := 0; i+1 < len(extra); i += 2 {
		var v any
		_ = json.Unmarshal([]byte(extra[i+1]), &v)
		fields[extra[i]] = v
	}
	b, _ := json.Marshal(fields)
	return string(b)
}

func (s *prizesServer) nominate(t *testing.T, tok, body string) *httptest.ResponseRecorder {
	t.Helper()
	return s.do(t, http.MethodPost, "/api/v1/contests/2027/nominations", jsonBody(body), bearer(tok)...)
}

func TestContest_ScheduleValidatedByField(t *testing.T) {
	s := newPrizes(t, "")
	for name, tc := range map[string]struct{ schedule, field string }{
		"review overlaps submission":    {strings.Replace(schedule2027(), `"review":{"opens_at":"2027-02-01T00:00:00Z"`, `"review":{"opens_at":"2027-01-15T00:00:00Z"`, 1), "schedule.review.opens_at"},
		"voting closes before it opens": {strings.Replace(schedule2027(), `"voting":{"opens_at":"2027-03-01T00:00:00Z","closes_at":"2027-04-01T00:00:00Z"`, `"voting":{"opens_at":"2027-03-01T00:00:00Z","closes_at":"2027-02-20T00:00:00Z"`, 1), "schedule.voting.closes_at"},
	} {
		t.Run(name, func(t *testing.T) {
			body := fmt.Sprintf(`{"year":2028,"title":"WSIS Prizes 2028","schedule":%s}`, tc.schedule)
			p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests", jsonBody(body), bearer(s.adminTok)...), http.StatusUnprocessableEntity, "validation")
			if len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
				t.Fatalf("errors = %+v, want %s", p.Errors, tc.field)
			}
		})
	}
	body := fmt.Sprintf(`{"year":2027,"title":"Again","schedule":%s}`, schedule2027())
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests", jsonBody(body), bearer(s.adminTok)...), http.StatusConflict, "conflict")

	c := decode[struct {
		Settings   models.ContestSettings `json:"settings"`
		OpenWindow string                 `json:"open_window"`
		Categories []models.ActionLine    `json:"categories"`
	}](t, s.do(t, http.MethodGet, "/api/v1/contests/2027", nil))
	if c.OpenWindow != "submission" || len(c.Categories) != 18 || c.Settings.NomineesPerCategory != 20 || !c.Settings.AllowThirdPartyNominations {
		t.Fatalf("contest = %+v", c)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/1999", nil), http.StatusNotFound, "not-found")
}

func TestNomination_SubmissionWindowBoundaries(t *testing.T) {
	s := newPrizes(t, "")
	for _, tc := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"one nanosecond before opens_at", subOpens.Add(-time.Nanosecond), http.StatusConflict},
		{"at opens_at", subOpens, http.StatusCreated},
		{"one nanosecond before closes_at", subCloses.Add(-time.Nanosecond), http.StatusCreated},
		{"at closes_at", subCloses, http.StatusConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.publishedProject(t, s.user.ID, "Org "+tc.name, "c3")
			s.setClock(t, tc.at)
			rec := s.nominate(t, s.userTok, nominationBody(p.ID, 3))
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == http.StatusConflict {
				pr := wantProblem(t, rec, http.StatusConflict, "phase-closed")
				if !strings.Contains(pr.Detail, "submission") || !strings.Contains(pr.Detail, "2027-02-01T00:00:00Z") {
					t.Fatalf("detail %q does not name the window and its dates", pr.Detail)
				}
				var extra struct {
					Window   string    `json:"window"`
					OpensAt  time.Time `json:"opens_at"`
					ClosesAt time.Time `json:"closes_at"`
				}
				_ = json.Unmarshal(rec.Body.Bytes(), &extra)
				if extra.Window != "submission" || !extra.OpensAt.Equal(subOpens) || !extra.ClosesAt.Equal(subCloses) {
					t.Fatalf("problem window fields = %+v", extra)
				}
			}
		})
	}
}

func TestContest_ExtensionReopensAndEarlyCloseCloses(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	s.setClock(t, subCloses.Add(time.Hour))
	wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 3)), http.StatusConflict, "phase-closed")

	extended := subCloses.Add(48 * time.Hour)
	patch := fmt.Sprintf(`{"schedule":{"submission":{"opens_at":%q,"closes_at":%q},"review":{"opens_at":%q,"closes_at":%q}}}`,
		subOpens.Format(time.RFC3339), extended.Format(time.RFC3339), extended.Format(time.RFC3339), revCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("extend: %d %s", rec.Code, rec.Body)
	}
	if rec := s.nominate(t, s.userTok, nominationBody(p.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("nominate after the extension: %d %s", rec.Code, rec.Body)
	}

	early := s.clock.Now()
	patch = fmt.Sprintf(`{"schedule":{"submission":{"opens_at":%q,"closes_at":%q}}}`, subOpens.Format(time.RFC3339), early.Format(time.RFC3339Nano))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("close early: %d %s", rec.Code, rec.Body)
	}
	other := s.publishedProject(t, s.user.ID, "Another Org", "c3")
	wantProblem(t, s.nominate(t, s.userTok, nominationBody(other.ID, 3)), http.StatusConflict, "phase-closed")

	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?action=contest.schedule&target=2027", nil, bearer(s.adminTok)...))
	if len(audit.Items) != 2 {
		t.Fatalf("%d schedule audit entries, want 2", len(audit.Items))
	}
	latest := audit.Items[0]
	before := fmt.Sprint(latest.Before["schedule"])
	after := fmt.Sprint(latest.After["schedule"])
	if !strings.Contains(before, extended.Format("2006-01-02T15:04:05Z")) || !strings.Contains(after, early.Format("2006-01-02T15:04:05Z")) {
		t.Fatalf("early-close audit before %s after %s", before, after)
	}
}

func TestNomination_EligibilityRules(t *testing.T) {
	s := newPrizes(t, "")
	ctx := context.Background()
	_, otherTok := s.signIn(t, "other@example.org")
	other, _, _ := s.store.UserCredentials(ctx, "other@example.org")
	mine := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3", "c4")
	theirs := s.publishedProject(t, other.ID, "Andes Connect", "c3")
	draft := s.createProject(t, s.userTok, "My own draft project")
	underReview := s.createProject(t, s.userTok, "My submitted project")
	if rec := s.do(t, http.MethodPost, "/api/v1/projects/"+underReview.ID+"/submit", nil, bearer(s.userTok)...); rec.Code != http.StatusOK {
		t.Fatalf("submit: %d", rec.Code)
	}
	theirDraft := s.createProject(t, otherTok, "Their private draft")
	winner := s.publishedProject(t, s.user.ID, "Past Winner Org", "c3")

	// The winner won the 2026 contest.
	s.setClock(t, subOpens.AddDate(-1, 0, 1))
	past := fmt.Sprintf(`{"year":2026,"title":"WSIS Prizes 2026","schedule":%s}`, strings.ReplaceAll(schedule2027(), "2027-", "2026-"))
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests", jsonBody(past), bearer(s.adminTok)...); rec.Code != http.StatusCreated {
		t.Fatalf("create 2026: %d %s", rec.Code, rec.Body)
	}
	rec := s.do(t, http.MethodPost, "/api/v1/contests/2026/nominations", jsonBody(nominationBody(winner.ID, 3)), bearer(s.userTok)...)
	won := decode[models.Nomination](t, rec)
	if _, err := s.store.UpdateNomination(ctx, won.ID, 0, s.clock.Now(), func(n *models.Nomination) error {
		n.State = models.NominationWinner
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.setClock(t, subOpens.Add(24*time.Hour))
	otherTok = s.login(t, "other@example.org", testPassword).AccessToken

	for _, tc := range []struct {
		name  string
		tok   string
		body  string
		want  int
		field string
	}{
		{"own draft", s.userTok, nominationBody(draft.ID, 3), http.StatusUnprocessableEntity, "project_id"},
		{"own project under review, never published", s.userTok, nominationBody(underReview.ID, 3), http.StatusUnprocessableEntity, "project_id"},
		{"another user's draft is not visible", s.userTok, nominationBody(theirDraft.ID, 3), http.StatusNotFound, ""},
		{"unknown project", s.userTok, nominationBody("000000000000000000000000", 3), http.StatusNotFound, ""},
		{"category not among the action lines", s.userTok, nominationBody(mine.ID, 10), http.StatusUnprocessableEntity, "category"},
		{"earlier winner", s.userTok, nominationBody(winner.ID, 3), http.StatusUnprocessableEntity, "project_id"},
		{"short description too short", s.userTok, nominationBody(mine.ID, 3, "short_description", `"far too short"`), http.StatusUnprocessableEntity, "short_description"},
		{"short description too long", s.userTok, nominationBody(mine.ID, 3, "short_description", fmt.Sprintf("%q", words(201, "w"))), http.StatusUnprocessableEntity, "short_description"},
		{"impact too short", s.userTok, nominationBody(mine.ID, 3, "impact", `"short"`), http.StatusUnprocessableEntity, "impact"},
		{"implementation status", s.userTok, nominationBody(mine.ID, 3, "implementation", `"planned"`), http.StatusUnprocessableEntity, "implementation"},
		{"own published project", s.userTok, nominationBody(mine.ID, 3), http.StatusCreated, ""},
		{"the same project again, other category", s.userTok, nominationBody(mine.ID, 4), http.StatusConflict, ""},
		{"a published third-party project", s.userTok, nominationBody(theirs.ID, 3), http.StatusCreated, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.nominate(t, tc.tok, tc.body)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.field != "" {
				p := wantProblem(t, rec, tc.want, "validation")
				if p.Errors[0].Field != tc.field {
					t.Fatalf("field %s, want %s", p.Errors[0].Field, tc.field)
				}
			}
		})
	}

	// One nomination per organization per category, whatever its case and spacing.
	sameOrg := s.publishedProject(t, other.ID, "digital  SAHEL", "c3")
	p := wantProblem(t, s.nominate(t, otherTok, nominationBody(sameOrg.ID, 3)), http.StatusConflict, "conflict")
	if !strings.Contains(p.Detail, "organization") {
		t.Fatalf("detail %q does not name the organization rule", p.Detail)
	}
	// A withdrawal frees the organization's slot.
	mineList := decode[struct {
		Items []models.Nomination `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/nominations", nil, bearer(s.userTok)...))
	var sahel models.Nomination
	for _, n := range mineList.Items {
		if n.ProjectID == mine.ID {
			sahel = n
		}
	}
	if rec := s.do(t, http.MethodDelete, "/api/v1/nominations/"+sahel.ID, nil, bearer(s.userTok)...); rec.Code != http.StatusNoContent {
		t.Fatalf("withdraw: %d %s", rec.Code, rec.Body)
	}
	if rec := s.nominate(t, otherTok, nominationBody(sameOrg.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("after the withdrawal: %d %s", rec.Code, rec.Body)
	}
}

func TestNomination_ThirdPartyOnlyWhenAllowed(t *testing.T) {
	s := newPrizes(t, `,"settings":{"allow_third_party_nominations":false}`)
	_, otherTok := s.signIn(t, "other@example.org")
	// Another user's unpublished project does not exist for the nominator,
	// whatever the contest allows.
	private := s.createProject(t, s.userTok, "Amina's private draft")
	wantProblem(t, s.nominate(t, otherTok, nominationBody(private.ID, 3)), http.StatusNotFound, "not-found")
	theirs := s.publishedProject(t, s.user.ID, "Amina's Org", "c3")
	p := wantProblem(t, s.nominate(t, otherTok, nominationBody(theirs.ID, 3)), http.StatusUnprocessableEntity, "validation")
	if p.Errors[0].Field != "project_id" {
		t.Fatalf("errors %+v", p.Errors)
	}
	if rec := s.nominate(t, s.userTok, nominationBody(theirs.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("own project: %d %s", rec.Code, rec.Body)
	}
}

func TestNomination_ConcurrentIdenticalExactlyOne(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	const n = 16
	codes := make(chan int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			codes <- s.nominate(t, s.userTok, nominationBody(p.ID, 3)).Code
		})
	}
	close(start)
	wg.Wait()
	close(codes)
	created, conflicts := 0, 0
	for c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", created, conflicts, n-1)
	}
}

func TestNomination_EditAndWithdrawUntilTheDeadline(t *testing.T) {
	s := newPrizes(t, "")
	_, otherTok := s.signIn(t, "other@example.org")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	n := decode[models.Nomination](t, s.nominate(t, s.userTok, nominationBody(p.ID, 3)))
	path := "/api/v1/nominations/" + n.ID
	wantProblem(t, s.do(t, http.MethodGet, path, nil), http.StatusNotFound, "not-found")
	wantProblem(t, s.do(t, http.MethodGet, path, nil, bearer(otherTok)...), http.StatusNotFound, "not-found")
	wantProblem(t, s.do(t, http.MethodPatch, path, jsonBody(`{"implementation":"major-phase-completed"}`), bearer(otherTok)...), http.StatusNotFound, "not-found")

	rec := s.do(t, http.MethodPatch, path, jsonBody(`{"implementation":"major-phase-completed"}`), append(bearer(s.userTok), "If-Match", `"1"`)...)
	if rec.Code != http.StatusOK || decode[models.Nomination](t, rec).Implementation != "major-phase-completed" {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body)
	}
	s.setClock(t, subCloses)
	wantProblem(t, s.do(t, http.MethodPatch, path, jsonBody(`{"implementation":"completed"}`), bearer(s.userTok)...), http.StatusConflict, "phase-closed")
	wantProblem(t, s.do(t, http.MethodDelete, path, nil, bearer(s.userTok)...), http.StatusConflict, "phase-closed")
}

func TestScreening_IneligibleAuditedAndMailed(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	n := decode[models.Nomination](t, s.nominate(t, s.userTok, nominationBody(p.ID, 3)))
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/nominations/"+n.ID+"/ineligible", jsonBody(`{}`), bearer(s.adminTok)...),
		http.StatusUnprocessableEntity, "validation")
	rec := s.do(t, http.MethodPost, "/api/v1/admin/nominations/"+n.ID+"/ineligible", jsonBody(`{"reason":"Not implemented yet."}`), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK || decode[models.Nomination](t, rec).State != models.NominationIneligible {
		t.Fatalf("screen: %d %s", rec.Code, rec.Body)
	}
	list := decode[struct {
		Items []models.Nomination `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/nominations?state=ineligible", nil, bearer(s.adminTok)...))
	if len(list.Items) != 1 || list.Items[0].IneligibleReason != "Not implemented yet." {
		t.Fatalf("screened list = %+v", list.Items)
	}
	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?target="+n.ID, nil, bearer(s.adminTok)...))
	if len(audit.Items) != 1 || audit.Items[0].Action != "nomination.ineligible" {
		t.Fatalf("audit = %+v", audit.Items)
	}
	mails, _ := s.store.RecentMails(context.Background(), 10)
	var subjects []string
	for _, m := range mails {
		if m.To == s.user.Email {
			subjects = append(subjects, m.Subject)
		}
	}
	if len(subjects) != 2 || !strings.Contains(subjects[0], "screened out") || !strings.Contains(subjects[1], "received") {
		t.Fatalf("mails to the nominator: %v", subjects)
	}
}

func TestRulesFreeze_SettingsFrozenAfterTheFirstVote(t *testing.T) {
	s := newPrizes(t, "")
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(`{"settings":{"nominees_per_category":10}}`), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("before any vote: %d %s", rec.Code, rec.Body)
	}
	if err := s.store.RecordVotingStarted(context.Background(), 2027, revCloses.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	p := wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(`{"settings":{"nominees_per_category":12}}`), bearer(s.adminTok)...),
		http.StatusConflict, "conflict")
	if !strings.Contains(p.Detail, "frozen") {
		t.Fatalf("detail %q does not say why", p.Detail)
	}
	patch := fmt.Sprintf(`{"schedule":{"selection":{"opens_at":%q,"closes_at":%q}}}`, voteCloses.Format(time.RFC3339), selCloses.AddDate(0, 0, 7).Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("the schedule can still move: %d %s", rec.Code, rec.Body)
	}
	c := decode[struct {
		Settings models.ContestSettings `json:"settings"`
	}](t, s.do(t, http.MethodGet, "/api/v1/contests/2027", nil))
	if c.Settings.NomineesPerCategory != 10 {
		t.Fatalf("settings changed after the freeze: %+v", c.Settings)
	}
}

func TestContestExport_CSVAndXLSXReadBack(t *testing.T) {
	s := newPrizes(t, "")
	for i, org := range []string{"Digital Sahel", "=cmd|' /C calc'!A0"} {
		p := s.publishedProject(t, s.user.ID, org, "c3")
		if rec := s.nominate(t, s.userTok, nominationBody(p.ID, 3)); rec.Code != http.StatusCreated {
			t.Fatalf("nomination %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=nominations&format=csv", nil, bearer(s.adminTok)...)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("CSV: %d %v", rec.Code, err)
	}
	if len(rows) != 3 || rows[0][0] != "id" || rows[1][6] != "Digital Sahel" || !strings.HasPrefix(rows[2][6], "'=") {
		t.Fatalf("CSV rows = %v", rows)
	}
	rec = s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=nominations&format=xlsx", nil, bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("XLSX: %d %s", rec.Code, rec.Body)
	}
	f, err := excelize.OpenReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer f.Close()
	xrows, err := f.GetRows("nominations")
	if err != nil || len(xrows) != 3 || xrows[0][2] != "category" || xrows[1][3] != "c3" {
		t.Fatalf("XLSX rows = %v, %v", xrows, err)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=passwords", nil, bearer(s.adminTok)...),
		http.StatusUnprocessableEntity, "validation")
}
