package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// The six actors of the authorization matrix, in the order of its columns.
const (
	actAnonymous = iota
	actStakeholder
	actOwner
	actReviewer
	actAssigned
	actAdmin
	authzActors
)

var authzActorNames = [authzActors]string{"anonymous", "stakeholder", "owner", "reviewer", "assigned", "admin"}

// authzActor is one column of the matrix: a user signed in over the API
// (bearer token) and in a browser (session cookie); anonymous has neither.
type authzActor struct {
	user  models.User
	email string
	tok   string
	b     *browser
}

// The contests of the matrix's world, one per stage, all at the clock's
// one time: every route can then be reached inside the window it needs.
const (
	ySubmission = 2031 + iota // submission window open
	yReview                   // review window open
	yShortlist                // review closed, voting not open: nominees publishable
	yVoting                   // voting open, nominees published
	yTallied                  // voting closed, nothing published yet
	ySelection                // selection open: commitment and champions published
	yDone                     // selection closed: results publishable
	yPublished                // results published
	// Second contests at two stages whose step runs once, so that the
	// console's form takes the step the API's row took already.
	yShortlistPages // as yShortlist: its nominees are publishable
	yDonePages      // as yDone: its results are publishable
)

// Each contest's windows are ten days long with two-day gaps; a contest
// whose submission opened s ago stands at the stage below at the clock's
// time.
var authzStageStart = map[int]time.Duration{
	ySubmission: 1 * authzDay, yReview: 13 * authzDay, yShortlist: 23 * authzDay, yVoting: 25 * authzDay,
	yTallied: 35 * authzDay, ySelection: 37 * authzDay, yDone: 47 * authzDay, yPublished: 47 * authzDay,
	yShortlistPages: 23 * authzDay, yDonePages: 47 * authzDay,
}

const authzDay = 24 * time.Hour

// authzWorld is the one fixture of the matrix, on the real store: the
// contests above, with three nominations of the owner's projects in each
// ({n2034}, {n2034b}, {n2034c}: the first two become nominees), an
// assignment of the assigned reviewer to the first ({a2032}) and, once
// voting has opened, the owner's vote for it ({v2036}).
type authzWorld struct {
	s      *testServer
	actors [authzActors]*authzActor
	params map[string]string
	fresh  int
	// years counts the fresh contest years, which the console's form
	// takes only up to 2200.
	years int
}

// newAuthzWorld builds the world on a test server, walking each contest
// through its stages with the injectable clock, and leaves the clock at
// the one time the matrix is checked at, every actor signed in.
func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	s := newServer(t)
	// Later than the real time, so every step of the setup comes after
	// the signing key's creation.
	now := s.clock.Now().Add(60 * authzDay).Truncate(time.Hour)
	w := &authzWorld{s: s, params: map[string]string{}}
	emails := [authzActors]string{"", "stakeholder@example.org", "owner@example.org", "reviewer@expert.example",
		"assigned@expert.example", "admin@example.org"}
	roles := [authzActors][]models.Role{actReviewer: {models.RoleReviewer}, actAssigned: {models.RoleReviewer}, actAdmin: {models.RoleAdmin}}
	for i := range authzActors {
		w.actors[i] = &authzActor{email: emails[i]}
		if i != actAnonymous {
			w.actors[i].user = s.createUser(t, emails[i], roles[i]...)
		}
	}
	w.params["bystander"] = s.createUser(t, "bystander@example.org").Email
	w.params["admin"] = w.actors[actAdmin].user.ID // the admin's own account

	for _, year := range []int{ySubmission, yReview, yShortlist, yVoting, yTallied, ySelection, yDone, yPublished, yShortlistPages, yDonePages} {
		start := now.Add(-authzStageStart[year])
		w.at(t, start.Add(-time.Hour), false)
		body := fmt.Sprintf(`{"year":%d,"title":"WSIS Prizes %d","schedule":%s}`, year, year, authzSchedule(start))
		w.wantAPI(t, http.MethodPost, "/api/v1/admin/contests", body, actAdmin, http.StatusCreated)
		w.at(t, start.Add(time.Hour), false)
		var noms []models.Nomination
		// The third is never made a nominee.
		for i, cat := range []int{3, 4, 3} {
			p := w.publishedProject(t, fmt.Sprintf("Owner Org %d-%d", year, i))
			rec := w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/nominations", year), nominationBody(p.ID, cat), actOwner, http.StatusCreated)
			noms = append(noms, decode[models.Nomination](t, rec))
		}
		for i, suffix := range []string{"", "b", "c"} {
			w.params[fmt.Sprintf("n%d%s", year, suffix)] = noms[i].ID
		}
		if year == ySubmission {
			continue
		}
		w.at(t, start.Add(12*authzDay+time.Hour), false) // review open
		rec := w.wantAPI(t, http.MethodPost, "/api/v1/admin/assignments",
			fmt.Sprintf(`{"nomination_id":%q,"reviewer_id":%q}`, noms[0].ID, w.actors[actAssigned].user.ID), actAdmin, http.StatusCreated)
		w.params[fmt.Sprintf("a%d", year)] = decode[models.Assignment](t, rec).ID
		if year == yReview || year == yShortlist || year == yShortlistPages {
			continue
		}
		w.at(t, start.Add(23*authzDay), false) // between review and voting
		w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/admin/contests/%d/nominees/publish", year),
			fmt.Sprintf(`{"add":[%q,%q],"reason":"The Expert Group met in person."}`, noms[0].ID, noms[1].ID), actAdmin, http.StatusOK)
		if year == yVoting {
			continue
		}
		w.at(t, start.Add(24*authzDay+time.Hour), false) // voting open
		rec = w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/votes", year),
			fmt.Sprintf(`{"category":3,"nomination_id":%q}`, noms[0].ID), actOwner, http.StatusCreated)
		w.params[fmt.Sprintf("v%d", year)] = decode[models.Vote](t, rec).ID
		if year == yTallied {
			continue
		}
		w.at(t, start.Add(35*authzDay), false) // between voting and selection
		w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/admin/contests/%d/commitments/publish", year), "", actAdmin, http.StatusOK)
		w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/admin/contests/%d/champions/publish", year), "", actAdmin, http.StatusOK)
		if year != yPublished {
			continue
		}
		w.at(t, start.Add(46*authzDay+time.Hour), false)
		w.wantAPI(t, http.MethodPost, fmt.Sprintf("/api/v1/admin/contests/%d/results/publish", year), "", actAdmin, http.StatusOK)
	}

	// The submission contest's schedule as its console form sends it, and
	// an extension's end after the review window of yReview closes.
	w.params["scheduleForm"] = authzScheduleForm(now.Add(-authzStageStart[ySubmission]))
	extension := now.Add(-authzStageStart[yReview]).Add(27 * authzDay)
	w.params["extensionCloses"] = extension.Format("2006-01-02T15:04")
	w.params["extensionClosesAt"] = extension.Format(time.RFC3339)

	w.at(t, now, true)
	draft := w.draft(t)
	w.params["draft"] = draft
	w.params["published"] = w.publishedProject(t, "Owner Org catalogue").ID
	w.params["thirdParty"] = w.thirdParty(t)
	for i := range authzActors {
		if i != actAnonymous {
			w.actors[i].b = loggedIn(t, s, w.actors[i].email, "")
		} else {
			w.actors[i].b = newBrowser(s)
		}
	}
	return w
}

// authzSchedule is a schedule whose submission opens at start.
func authzSchedule(start time.Time) string {
	win := func(from, to time.Duration) string {
		return fmt.Sprintf(`{"opens_at":%q,"closes_at":%q}`, start.Add(from).Format(time.RFC3339), start.Add(to).Format(time.RFC3339))
	}
	return fmt.Sprintf(`{"submission":%s,"review":%s,"voting":%s,"selection":%s}`,
		win(0, 10*authzDay), win(12*authzDay, 22*authzDay), win(24*authzDay, 34*authzDay), win(36*authzDay, 46*authzDay))
}

// authzScheduleForm is the schedule of authzSchedule as the console's
// schedule form sends it, in UTC to the minute.
func authzScheduleForm(start time.Time) string {
	form := url.Values{}
	ends := [4][2]time.Duration{{0, 10 * authzDay}, {12 * authzDay, 22 * authzDay}, {24 * authzDay, 34 * authzDay}, {36 * authzDay, 46 * authzDay}}
	for i, name := range models.WindowNames {
		form.Set(string(name)+"_opens_at", start.Add(ends[i][0]).UTC().Format("2006-01-02T15:04"))
		form.Set(string(name)+"_closes_at", start.Add(ends[i][1]).UTC().Format("2006-01-02T15:04"))
	}
	return form.Encode()
}

// at moves the clock and signs the actors in again over the API, since
// access tokens live 15 minutes by that clock: the owner and the admin,
// who build the world, or with all every signed-in actor.
func (w *authzWorld) at(t *testing.T, when time.Time, all bool) {
	t.Helper()
	w.s.clock.Set(when)
	for i := range authzActors {
		if i == actOwner || i == actAdmin || all && i != actAnonymous {
			w.actors[i].tok = w.s.login(t, w.actors[i].email, testPassword).AccessToken
		}
	}
}

// wantAPI sends a setup request as actor and fails unless it answers want.
func (w *authzWorld) wantAPI(t *testing.T, method, path, body string, actor, want int) *httptest.ResponseRecorder {
	t.Helper()
	var rec *httptest.ResponseRecorder
	if body == "" {
		rec = w.s.do(t, method, path, nil, bearer(w.actors[actor].tok)...)
	} else {
		rec = w.s.do(t, method, path, jsonBody(body), bearer(w.actors[actor].tok)...)
	}
	if rec.Code != want {
		t.Fatalf("setup %s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec
}

// publishedProject stores a published project of the owner.
func (w *authzWorld) publishedProject(t *testing.T, org string) models.Project {
	t.Helper()
	return (&prizesServer{testServer: w.s}).publishedProject(t, w.actors[actOwner].user.ID, org, "c3", "c4")
}

// draft is a new draft project of the owner.
func (w *authzWorld) draft(t *testing.T) string {
	t.Helper()
	return w.s.createProject(t, w.actors[actOwner].tok, "Owner draft").ID
}

// thirdParty is a new nomination by the stakeholder of a project of the
// owner, in the contest whose submission is open.
func (w *authzWorld) thirdParty(t *testing.T) string {
	t.Helper()
	p := w.publishedProject(t, "Owner Org "+w.freshName())
	rec := w.s.do(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/nominations", ySubmission), jsonBody(nominationBody(p.ID, 3)),
		bearer(w.actors[actStakeholder].tok)...)
	if rec.Code != http.StatusCreated {
		t.Fatalf("third-party nomination: %d %s", rec.Code, rec.Body)
	}
	return decode[models.Nomination](t, rec).ID
}

// freshName is a name no earlier cell used.
func (w *authzWorld) freshName() string {
	w.fresh++
	return fmt.Sprintf("fresh%d", w.fresh)
}

// resolve names a fixture: a fixed one of params, or a fresh object made
// for one cell (a draft to delete, a nomination to withdraw, …), so that
// every cell meets the world as the table describes it.
func (w *authzWorld) resolve(t *testing.T, name string, actor int) string {
	t.Helper()
	if v, ok := w.params[name]; ok {
		return v
	}
	ownerTok := w.actors[actOwner].tok
	adminTok := w.actors[actAdmin].tok
	switch name {
	case "freshDraft":
		return w.draft(t)
	case "freshSubmitted":
		id := w.draft(t)
		if rec := w.s.do(t, http.MethodPost, "/api/v1/projects/"+id+"/submit", nil, bearer(ownerTok)...); rec.Code != http.StatusOK {
			t.Fatalf("submit fresh draft: %d %s", rec.Code, rec.Body)
		}
		return id
	case "freshPublished":
		return w.publishedProject(t, "Owner Org "+w.freshName()).ID
	case "freshNomination":
		p := w.publishedProject(t, "Owner Org "+w.freshName())
		rec := w.s.do(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/nominations", ySubmission), jsonBody(nominationBody(p.ID, 3)), bearer(ownerTok)...)
		if rec.Code != http.StatusCreated {
			t.Fatalf("fresh nomination: %d %s", rec.Code, rec.Body)
		}
		return decode[models.Nomination](t, rec).ID
	case "freshThirdParty":
		return w.thirdParty(t)
	case "freshUser":
		return w.s.createUser(t, w.freshName()+"@example.org").ID
	case "freshReviewer":
		return w.s.createUser(t, w.freshName()+"@expert.example", models.RoleReviewer).ID
	case "freshAssignment":
		r := w.s.createUser(t, w.freshName()+"@expert.example", models.RoleReviewer)
		rec := w.s.do(t, http.MethodPost, "/api/v1/admin/assignments",
			jsonBody(fmt.Sprintf(`{"nomination_id":%q,"reviewer_id":%q}`, w.params[fmt.Sprintf("n%db", yReview)], r.ID)), bearer(adminTok)...)
		if rec.Code != http.StatusCreated {
			t.Fatalf("fresh assignment: %d %s", rec.Code, rec.Body)
		}
		return decode[models.Assignment](t, rec).ID
	case "freshExtended":
		r := w.s.createUser(t, w.freshName()+"@expert.example", models.RoleReviewer)
		rec := w.s.do(t, http.MethodPut, fmt.Sprintf("/api/v1/admin/contests/%d/reviewers/%s/extension", yReview, r.ID),
			jsonBody(fmt.Sprintf(`{"closes_at":%q,"reason":"Travel."}`, w.params["extensionClosesAt"])), bearer(adminTok)...)
		if rec.Code != http.StatusOK {
			t.Fatalf("fresh extension: %d %s", rec.Code, rec.Body)
		}
		return r.ID
	case "freshVote":
		v, tok := w.s.signIn(t, w.freshName()+"@example.org")
		rec := w.s.do(t, http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/votes", yVoting),
			jsonBody(fmt.Sprintf(`{"category":4,"nomination_id":%q}`, w.params[fmt.Sprintf("n%db", yVoting)])), bearer(tok)...)
		if rec.Code != http.StatusCreated {
			t.Fatalf("fresh vote of %s: %d %s", v.Email, rec.Code, rec.Body)
		}
		return decode[models.Vote](t, rec).ID
	case "freshEmail":
		return w.freshName() + "@example.org"
	case "freshYear":
		w.years++
		return fmt.Sprint(2100 + w.years)
	case "refresh":
		if actor == actAnonymous {
			return "not-a-refresh-token"
		}
		return w.s.login(t, w.actors[actor].email, testPassword).RefreshToken
	}
	t.Fatalf("the matrix names an unknown fixture {%s}", name)
	return ""
}

// authzFixtureName is {name}, also as a form encodes it.
var authzFixtureName = regexp.MustCompile(`(?:\{|%7B)([A-Za-z0-9]+)(?:\}|%7D)`)

// fill replaces every {name} of s by the fixture it names.
func (w *authzWorld) fill(t *testing.T, s string, actor int) string {
	t.Helper()
	return authzFixtureName.ReplaceAllStringFunc(s, func(m string) string {
		v := w.resolve(t, authzFixtureName.FindStringSubmatch(m)[1], actor)
		if strings.HasPrefix(m, "%7B") {
			return url.QueryEscape(v)
		}
		return v
	})
}

// send makes one cell's request: over the API with the actor's bearer
// token, anywhere else with the actor's browser session, forms as the
// platform's own pages send them (same origin).
func (w *authzWorld) send(t *testing.T, method, path, body string, actor int, freshSession bool) *httptest.ResponseRecorder {
	t.Helper()
	a := w.actors[actor]
	var reader *strings.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, nilIfEmpty(reader))
	if strings.HasPrefix(path, "/api/") {
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if a.tok != "" {
			req.Header.Set("Authorization", "Bearer "+a.tok)
		}
		return w.s.serve(t, req)
	}
	b := a.b
	switch {
	case freshSession && actor == actAnonymous:
		b = newBrowser(w.s)
	case freshSession:
		b = loggedIn(t, w.s, a.email, "")
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", testPublicURL)
	}
	return b.send(t, req)
}

// sendWithCookie sends an API request as a same-origin script of the
// platform's pages would, with the actor's browser cookies and no bearer
// token.
func (w *authzWorld) sendWithCookie(t *testing.T, method, path, body string, actor int) *httptest.ResponseRecorder {
	t.Helper()
	var reader *strings.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, nilIfEmpty(reader))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", testPublicURL)
	for _, c := range w.actors[actor].b.cookies {
		req.AddCookie(c)
	}
	return w.s.serve(t, req)
}

// authzForm encodes fields as a page's form does.
func authzForm(fields url.Values) string { return fields.Encode() }
