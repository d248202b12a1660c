package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
)

// authzRow is one route of the authorization matrix: the request that
// reaches it in the fixture world ({name} names a fixture, see resolve) and
// the answer each actor must get, in the order of actorNames. An outcome is
// a status ("404"), a class ("2xx") or a redirect with the start of its
// target ("303 /login").
type authzRow struct {
	route string // "METHOD /gin/path", as the engine lists it
	path  string
	body  string
	want  [actorCount]string
	// freshSession gives the cell a browser of its own, signed in as the
	// actor, for a form that ends or replaces the session it is sent with.
	freshSession bool
}

// Columns: anonymous, stakeholder, owner, reviewer, assigned reviewer, admin.
var (
	everyone     = [actorCount]string{"2xx", "2xx", "2xx", "2xx", "2xx", "2xx"}
	nobody       = [actorCount]string{"404", "404", "404", "404", "404", "404"}
	badToken     = [actorCount]string{"422", "422", "422", "422", "422", "422"}
	apiUsers     = [actorCount]string{"401", "2xx", "2xx", "2xx", "2xx", "2xx"}
	apiOwner     = [actorCount]string{"401", "404", "2xx", "404", "404", "404"}
	apiReviewers = [actorCount]string{"401", "403", "403", "2xx", "2xx", "403"}
	apiAdmins    = [actorCount]string{"401", "403", "403", "403", "403", "2xx"}
	pageUsers    = [actorCount]string{"303 /login", "2xx", "2xx", "2xx", "2xx", "2xx"}
	pageOwner    = [actorCount]string{"303 /login", "404", "2xx", "404", "404", "404"}
	ownerOrAdmin = [actorCount]string{"404", "404", "2xx", "404", "404", "2xx"}
	// Every signed-in actor's email is verified already.
	verified = [actorCount]string{"401", "409", "409", "409", "409", "409"}
)

// formsTo is a form anyone may send, which answers with a redirect to
// target.
func formsTo(target string) [actorCount]string {
	to := "303 " + target
	return [actorCount]string{to, to, to, to, to, to}
}

// userFormsTo is a form of signed-in users, which sends a visitor to the
// login form and a user to target.
func userFormsTo(target string) [actorCount]string {
	to := "303 " + target
	return [actorCount]string{"303 /login", to, to, to, to, to}
}

// ownerFormTo is a form of the owner only: another user's object is 404.
func ownerFormTo(target string) [actorCount]string {
	return [actorCount]string{"303 /login", "404", "303 " + target, "404", "404", "404"}
}

func y(year int) string { return strconv.Itoa(year) }

// authzRows is the matrix. A route the engine serves without a row here,
// or a row whose route the engine does not serve, fails the test.
func authzRows() []authzRow {
	nominate := form(nominationForm("{freshPublished}", "3"))
	editNomination := form(url.Values{"short_description": {words(160, "voters")}, "impact": {words(60, "impact")},
		"sdg_linkage": {words(60, "sdg")}, "partnerships": {words(60, "partners")}, "challenges": {words(60, "challenges")},
		"implementation": {"completed"}})
	profile := form(url.Values{"name": {"Matrix Name"}, "organization": {"Matrix Org"}, "stakeholder_type": {"civil-society"}, "country": {"KE"}})
	return []authzRow{
		// Public pages.
		{route: "GET /", path: "/", want: everyone},
		{route: "GET /projects", path: "/projects", want: everyone},
		{route: "GET /projects/:id", path: "/projects/{published}", want: everyone},
		{route: "GET /projects/:id", path: "/projects/{draft}", want: ownerOrAdmin},
		{route: "GET /stats", path: "/stats", want: everyone},
		{route: "GET /contests/:year/nominees", path: "/contests/" + y(yVoting) + "/nominees", want: everyone},
		{route: "GET /contests/:year/results", path: "/contests/" + y(yPublished) + "/results", want: everyone},
		// Before they are published, the page says so.
		{route: "GET /contests/:year/results", path: "/contests/" + y(yDone) + "/results", want: everyone},
		{route: "GET /register", path: "/register", want: everyone},
		{route: "GET /verify-email", path: "/verify-email?token=not-a-token", want: everyone},
		{route: "GET /login", path: "/login", want: everyone},
		{route: "GET /forgot-password", path: "/forgot-password", want: everyone},
		{route: "GET /reset-password", path: "/reset-password?token=not-a-token", want: everyone},
		// Registering and signing in change the browser's session: each
		// cell has a browser of its own.
		{route: "POST /register", path: "/register", body: form(registerForm("{freshEmail}")), want: formsTo("/profile?done=registered"), freshSession: true},
		{route: "POST /verify-email", path: "/verify-email", body: form(url.Values{"token": {"not-a-token"}}), want: badToken},
		{route: "POST /login", path: "/login", body: form(url.Values{"email": {"{bystander}"}, "password": {testPassword}}), want: formsTo("/profile"), freshSession: true},
		{route: "POST /logout", path: "/logout", want: formsTo("/?done=logout"), freshSession: true},
		{route: "POST /forgot-password", path: "/forgot-password", body: form(url.Values{"email": {"{bystander}"}}), want: formsTo("/forgot-password?done=forgot")},
		{route: "POST /reset-password", path: "/reset-password", body: form(url.Values{"token": {"not-a-token"}, "password": {"a new long password"}}), want: badToken},
		// Signed-in pages.
		{route: "GET /profile", path: "/profile", want: pageUsers},
		{route: "GET /my/projects", path: "/my/projects", want: pageUsers},
		{route: "GET /my/projects/new", path: "/my/projects/new", want: pageUsers},
		{route: "GET /my/projects/:id/edit", path: "/my/projects/{draft}/edit", want: pageOwner},
		{route: "GET /contests/:year/nominate", path: "/contests/" + y(ySubmission) + "/nominate", want: pageUsers},
		{route: "GET /my/nominations", path: "/my/nominations", want: pageUsers},
		{route: "GET /my/nominations/:id/edit", path: "/my/nominations/{n" + y(ySubmission) + "}/edit", want: pageOwner},
		{route: "GET /contests/:year/ballot", path: "/contests/" + y(yVoting) + "/ballot", want: pageUsers},
		{route: "GET /contests/:year/ballot/confirm", path: "/contests/" + y(yVoting) + "/ballot/confirm?category=3&nomination_id={n" + y(yVoting) + "}", want: pageUsers},
		{route: "GET /contests/:year/my-votes", path: "/contests/" + y(ySelection) + "/my-votes", want: pageUsers},
		{route: "GET /contests/:year/my-votes/:id/proof", path: "/contests/" + y(ySelection) + "/my-votes/{v" + y(ySelection) + "}/proof", want: pageOwner},
		{route: "POST /profile", path: "/profile", body: profile, want: userFormsTo("/profile?done=profile")},
		{route: "POST /profile/verify-email", path: "/profile/verify-email", want: userFormsTo("/profile")},
		{route: "POST /contests/:year/ballot", path: "/contests/" + y(yVoting) + "/ballot", body: form(url.Values{"category": {"4"}, "nomination_id": {"{n" + y(yVoting) + "b}"}}), want: userFormsTo("/contests/" + y(yVoting) + "/ballot?category=4&done=voted")},
		{route: "POST /my/projects", path: "/my/projects", body: form(projectFormFor("Matrix project")), want: userFormsTo("/my/projects/")},
		{route: "POST /my/projects/:id", path: "/my/projects/{draft}", body: form(projectFormFor("Owner draft, edited")), want: ownerFormTo("/my/projects/{draft}/edit?done=saved")},
		{route: "POST /my/projects/:id/submit", path: "/my/projects/{freshDraft}/submit", want: ownerFormTo("/my/projects?done=submitted")},
		{route: "POST /contests/:year/nominate", path: "/contests/" + y(ySubmission) + "/nominate", body: nominate, want: userFormsTo("/my/nominations?done=nominated")},
		{route: "POST /my/nominations/:id", path: "/my/nominations/{n" + y(ySubmission) + "}", body: editNomination, want: ownerFormTo("/my/nominations?done=saved")},
		{route: "POST /my/nominations/:id/withdraw", path: "/my/nominations/{freshNomination}/withdraw", want: ownerFormTo("/my/nominations?done=withdrawn")},
		{route: "POST /my/nominations/:id/withdraw", path: "/my/nominations/{freshThirdParty}/withdraw", want: [actorCount]string{"303 /login",
			"303 /my/nominations?done=withdrawn", "303 /my/nominations?done=withdrawn", "404", "404", "404"}},
		{route: "POST /my/nominations/:id", path: "/my/nominations/{thirdParty}", body: editNomination, want: [actorCount]string{"303 /login",
			"303 /my/nominations?done=saved", "404", "404", "404", "404"}},
		// Outside the pages and the API.
		{route: "GET /assets/:name", path: "/assets/app.css", want: everyone},
		{route: "GET /sitemap.xml", path: "/sitemap.xml", want: everyone},
		{route: "GET /robots.txt", path: "/robots.txt", want: everyone},
		{route: "GET /healthz", path: "/healthz", want: everyone},
		{route: "GET /readyz", path: "/readyz", want: everyone},
		{route: "GET /metrics", path: "/metrics", want: everyone},
		{route: "GET /.well-known/jwks.json", path: "/.well-known/jwks.json", want: everyone},
		// The API: anyone.
		{route: "GET /api/v1/openapi.yaml", path: "/api/v1/openapi.yaml", want: everyone},
		{route: "GET /api/v1/reference", path: "/api/v1/reference", want: everyone},
		{route: "POST /api/v1/auth/register", path: "/api/v1/auth/register", body: registerBody("{freshEmail}"), want: everyone},
		{route: "POST /api/v1/auth/verify-email", path: "/api/v1/auth/verify-email", body: `{"token":"not-a-token"}`, want: badToken},
		{route: "POST /api/v1/auth/login", path: "/api/v1/auth/login", body: fmt.Sprintf(`{"email":"{bystander}","password":%q}`, testPassword), want: everyone},
		{route: "POST /api/v1/auth/refresh", path: "/api/v1/auth/refresh", body: `{"refresh_token":"{refresh}"}`, want: apiUsers},
		{route: "POST /api/v1/auth/logout", path: "/api/v1/auth/logout", body: `{"refresh_token":"{refresh}"}`, want: everyone},
		{route: "POST /api/v1/auth/password/forgot", path: "/api/v1/auth/password/forgot", body: `{"email":"{bystander}"}`, want: everyone},
		{route: "POST /api/v1/auth/password/reset", path: "/api/v1/auth/password/reset", body: `{"token":"not-a-token","password":"a new long password"}`, want: badToken},
		{route: "GET /api/v1/dev/mailbox", path: "/api/v1/dev/mailbox", want: nobody},
		{route: "GET /api/v1/projects", path: "/api/v1/projects", want: everyone},
		{route: "GET /api/v1/projects/export", path: "/api/v1/projects/export?format=json", want: everyone},
		{route: "GET /api/v1/stats", path: "/api/v1/stats", want: everyone},
		{route: "GET /api/v1/contests", path: "/api/v1/contests", want: everyone},
		{route: "GET /api/v1/contests/:year", path: "/api/v1/contests/" + y(ySubmission), want: everyone},
		{route: "GET /api/v1/contests/:year/nominees", path: "/api/v1/contests/" + y(yVoting) + "/nominees", want: everyone},
		{route: "GET /api/v1/contests/:year/results", path: "/api/v1/contests/" + y(yPublished) + "/results", want: everyone},
		{route: "GET /api/v1/contests/:year/results", path: "/api/v1/contests/" + y(yDone) + "/results", want: nobody},
		{route: "GET /api/v1/contests/:year/commitments", path: "/api/v1/contests/" + y(ySelection) + "/commitments", want: everyone},
		{route: "GET /api/v1/contests/:year/commitments", path: "/api/v1/contests/" + y(yVoting) + "/commitments", want: nobody},
		{route: "GET /api/v1/projects/:id", path: "/api/v1/projects/{published}", want: everyone},
		{route: "GET /api/v1/projects/:id", path: "/api/v1/projects/{draft}", want: ownerOrAdmin},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + y(yReview) + "}", want: ownerOrAdmin},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + y(yVoting) + "}", want: everyone},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + y(yVoting) + "c}", want: ownerOrAdmin},
		// The API: signed-in users, and owners.
		{route: "GET /api/v1/me", path: "/api/v1/me", want: apiUsers},
		{route: "PATCH /api/v1/me", path: "/api/v1/me", body: `{"name":"Matrix Name"}`, want: apiUsers},
		{route: "POST /api/v1/auth/verify-email/resend", path: "/api/v1/auth/verify-email/resend", want: verified},
		{route: "GET /api/v1/me/projects", path: "/api/v1/me/projects", want: apiUsers},
		{route: "POST /api/v1/projects", path: "/api/v1/projects", body: projectBody("Matrix project"), want: apiUsers},
		{route: "PATCH /api/v1/projects/:id", path: "/api/v1/projects/{draft}", body: `{"title":"Owner draft, edited"}`, want: apiOwner},
		{route: "DELETE /api/v1/projects/:id", path: "/api/v1/projects/{freshDraft}", want: apiOwner},
		{route: "POST /api/v1/projects/:id/submit", path: "/api/v1/projects/{freshDraft}/submit", want: apiOwner},
		{route: "GET /api/v1/me/nominations", path: "/api/v1/me/nominations", want: apiUsers},
		// Third-party nominations are allowed by default (SPEC §3).
		{route: "POST /api/v1/contests/:year/nominations", path: "/api/v1/contests/" + y(ySubmission) + "/nominations", body: nominationBody("{freshPublished}", 3), want: apiUsers},
		{route: "POST /api/v1/contests/:year/nominations", path: "/api/v1/contests/" + y(yReview) + "/nominations", body: nominationBody("{freshPublished}", 3), want: [actorCount]string{"401", "409", "409", "409", "409", "409"}},
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + y(ySubmission) + "}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: apiOwner},
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + y(yReview) + "}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: [actorCount]string{"401", "404", "409", "404", "404", "404"}},
		{route: "DELETE /api/v1/nominations/:id", path: "/api/v1/nominations/{freshNomination}", want: apiOwner},
		// A nomination of the owner's project by another stakeholder: its
		// nominator edits it, and both may withdraw it (SPEC §5).
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{thirdParty}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: [actorCount]string{"401", "2xx", "404", "404", "404", "404"}},
		{route: "DELETE /api/v1/nominations/:id", path: "/api/v1/nominations/{freshThirdParty}", want: [actorCount]string{"401", "2xx", "2xx", "404", "404", "404"}},
		{route: "GET /api/v1/contests/:year/ballot", path: "/api/v1/contests/" + y(yVoting) + "/ballot", want: apiUsers},
		{route: "POST /api/v1/contests/:year/votes", path: "/api/v1/contests/" + y(yVoting) + "/votes", body: `{"category":3,"nomination_id":"{n` + y(yVoting) + `}"}`, want: apiUsers},
		{route: "POST /api/v1/contests/:year/votes", path: "/api/v1/contests/" + y(ySelection) + "/votes", body: `{"category":4,"nomination_id":"{n` + y(ySelection) + `b}"}`, want: [actorCount]string{"401", "409", "409", "409", "409", "409"}},
		{route: "GET /api/v1/me/votes", path: "/api/v1/me/votes?contest=" + y(ySelection), want: apiUsers},
		{route: "GET /api/v1/me/votes/:id/proof", path: "/api/v1/me/votes/{v" + y(ySelection) + "}/proof", want: apiOwner},
		// The API: the Expert Group.
		{route: "GET /api/v1/reviewer/conflicts", path: "/api/v1/reviewer/conflicts", want: apiReviewers},
		{route: "PUT /api/v1/reviewer/conflicts", path: "/api/v1/reviewer/conflicts", body: `{"organizations":["Nowhere Org"],"countries":[]}`, want: apiReviewers},
		{route: "GET /api/v1/reviewer/assignments", path: "/api/v1/reviewer/assignments", want: apiReviewers},
		{route: "PUT /api/v1/reviewer/assignments/:id/review", path: "/api/v1/reviewer/assignments/{a" + y(yReview) + "}/review",
			body: `{"scores":` + fullScores + `,"comment":"Sound work.","submit":false}`, want: [actorCount]string{"401", "403", "403", "404", "2xx", "403"}},
		{route: "PUT /api/v1/reviewer/assignments/:id/review", path: "/api/v1/reviewer/assignments/{a" + y(yShortlist) + "}/review",
			body: `{"scores":` + fullScores + `,"comment":"Sound work.","submit":false}`, want: [actorCount]string{"401", "403", "403", "404", "409", "403"}},
		{route: "GET /api/v1/reviewer/contests/:year/selection", path: "/api/v1/reviewer/contests/" + y(ySelection) + "/selection", want: apiReviewers},
		{route: "PUT /api/v1/reviewer/contests/:year/selection/:category", path: "/api/v1/reviewer/contests/" + y(ySelection) + "/selection/3",
			body: `{"nomination_id":"{n` + y(ySelection) + `}"}`, want: apiReviewers},
		{route: "PUT /api/v1/reviewer/contests/:year/selection/:category", path: "/api/v1/reviewer/contests/" + y(yDone) + "/selection/3",
			body: `{"nomination_id":"{n` + y(yDone) + `}"}`, want: [actorCount]string{"401", "403", "403", "409", "409", "403"}},
		// The API: the secretariat.
		{route: "GET /api/v1/admin/users", path: "/api/v1/admin/users", want: apiAdmins},
		{route: "PATCH /api/v1/admin/users/:id", path: "/api/v1/admin/users/{freshUser}", body: `{"disabled":true}`, want: apiAdmins},
		{route: "GET /api/v1/admin/audit", path: "/api/v1/admin/audit", want: apiAdmins},
		{route: "GET /api/v1/admin/projects", path: "/api/v1/admin/projects?state=submitted", want: apiAdmins},
		{route: "POST /api/v1/admin/projects/:id/publish", path: "/api/v1/admin/projects/{freshSubmitted}/publish", body: `{"note":"Fine."}`, want: apiAdmins},
		{route: "POST /api/v1/admin/projects/:id/return", path: "/api/v1/admin/projects/{freshSubmitted}/return", body: `{"note":"Say more."}`, want: apiAdmins},
		{route: "POST /api/v1/admin/projects/:id/reject", path: "/api/v1/admin/projects/{freshSubmitted}/reject", body: `{"note":"Out of scope."}`, want: apiAdmins},
		{route: "POST /api/v1/admin/contests", path: "/api/v1/admin/contests", body: `{"year":{freshYear},"title":"WSIS Prizes","schedule":` + schedule2027() + `}`, want: apiAdmins},
		{route: "PATCH /api/v1/admin/contests/:year", path: "/api/v1/admin/contests/" + y(ySubmission), body: `{"title":"WSIS Prizes, renamed"}`, want: apiAdmins},
		{route: "GET /api/v1/admin/contests/:year/nominations", path: "/api/v1/admin/contests/" + y(ySubmission) + "/nominations", want: apiAdmins},
		{route: "POST /api/v1/admin/nominations/:id/ineligible", path: "/api/v1/admin/nominations/{freshNomination}/ineligible", body: `{"reason":"Not ICT."}`, want: apiAdmins},
		{route: "GET /api/v1/admin/contests/:year/export", path: "/api/v1/admin/contests/" + y(yDone) + "/export?what=nominations&format=csv", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/assignments/auto", path: "/api/v1/admin/contests/" + y(yReview) + "/assignments/auto", body: `{"reviews_per_nomination":1}`, want: apiAdmins},
		{route: "POST /api/v1/admin/assignments", path: "/api/v1/admin/assignments", body: `{"nomination_id":"{n` + y(yReview) + `b}","reviewer_id":"{freshReviewer}"}`, want: apiAdmins},
		{route: "DELETE /api/v1/admin/assignments/:id", path: "/api/v1/admin/assignments/{freshAssignment}", want: apiAdmins},
		{route: "GET /api/v1/admin/contests/:year/rankings", path: "/api/v1/admin/contests/" + y(yReview) + "/rankings", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/nominees/publish", path: "/api/v1/admin/contests/" + y(yShortlist) + "/nominees/publish",
			body: `{"add":["{n` + y(yShortlist) + `}"],"reason":"The Expert Group met in person."}`, want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/nominees/publish", path: "/api/v1/admin/contests/" + y(yReview) + "/nominees/publish",
			body: `{"add":["{n` + y(yReview) + `}"],"reason":"The Expert Group met in person."}`, want: [actorCount]string{"401", "403", "403", "403", "403", "409"}},
		{route: "GET /api/v1/admin/contests/:year/tally", path: "/api/v1/admin/contests/" + y(yVoting) + "/tally", want: apiAdmins},
		{route: "POST /api/v1/admin/votes/invalidate", path: "/api/v1/admin/votes/invalidate",
			body: `{"contest":` + y(yVoting) + `,"vote_ids":["{freshVote}"],"reason":"One script."}`, want: apiAdmins},
		{route: "GET /api/v1/admin/contests/:year/anomalies", path: "/api/v1/admin/contests/" + y(yVoting) + "/anomalies", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/commitments/publish", path: "/api/v1/admin/contests/" + y(yTallied) + "/commitments/publish", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/champions/publish", path: "/api/v1/admin/contests/" + y(yTallied) + "/champions/publish", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/results/publish", path: "/api/v1/admin/contests/" + y(yDone) + "/results/publish", want: apiAdmins},
		{route: "POST /api/v1/admin/contests/:year/results/publish", path: "/api/v1/admin/contests/" + y(ySelection) + "/results/publish", want: [actorCount]string{"401", "403", "403", "403", "403", "409"}},
	}
}

// authzCell is one checked answer, for the matrix printed on failure.
type authzCell struct {
	route, path, actor, want string
	got                      string
	ok                       bool
}

// TestAuthz_EveryRouteAnswersEachActorAsTheMatrixSays checks the
// authorization matrix cell by cell over HTTP on the real store: every
// route the engine serves has a row, every row a route, and each of the
// six actors gets the row's answer. A GET row holds for its HEAD route too.
func TestAuthz_EveryRouteAnswersEachActorAsTheMatrixSays(t *testing.T) {
	w := newAuthzWorld(t)
	rows := authzRows()

	served := map[string]bool{}
	for _, r := range w.s.engine.Routes() {
		served[r.Method+" "+r.Path] = true
	}
	covered := map[string]bool{}
	for _, row := range rows {
		if !served[row.route] {
			t.Errorf("the matrix has a row for %s, which the engine does not serve", row.route)
		}
		covered[row.route] = true
		if strings.HasPrefix(row.route, "GET ") {
			covered["HEAD "+strings.TrimPrefix(row.route, "GET ")] = true
		}
	}
	var missing []string
	for route := range served {
		if !covered[route] {
			missing = append(missing, route)
		}
	}
	sort.Strings(missing)
	for _, route := range missing {
		t.Errorf("the engine serves %s, which has no row in the matrix", route)
	}

	var cells []authzCell
	for _, row := range rows {
		methods := []string{strings.Fields(row.route)[0]}
		if methods[0] == http.MethodGet && served["HEAD "+strings.Fields(row.route)[1]] {
			methods = append(methods, http.MethodHead)
		}
		for _, method := range methods {
			for actor := range actorCount {
				name := fmt.Sprintf("%s %s/%s", method, row.path, actorNames[actor])
				t.Run(name, func(t *testing.T) {
					path, body := w.fill(t, row.path, actor), w.fill(t, row.body, actor)
					rec := w.send(t, method, path, body, actor, row.freshSession)
					got := strconv.Itoa(rec.Code)
					if loc := rec.Header().Get("Location"); loc != "" {
						got += " " + loc
					}
					want := w.fill(t, row.want[actor], actor)
					ok := matches(want, rec.Code, rec.Header().Get("Location"))
					cells = append(cells, authzCell{route: method + " " + strings.Fields(row.route)[1], path: row.path,
						actor: actorNames[actor], want: want, got: got, ok: ok})
					if !ok {
						t.Errorf("%s %s as %s: got %s, want %s; body %.300s", method, path, actorNames[actor], got, want, rec.Body)
					}
				})
			}
		}
	}
	// The browser session is for the pages: over the API, the admin's
	// session cookie without a bearer token is no one's.
	for _, row := range rows {
		method, route, _ := strings.Cut(row.route, " ")
		if !strings.HasPrefix(route, "/api/") || row.want[actAnonymous] != "401" {
			continue
		}
		t.Run(fmt.Sprintf("%s %s/admin session cookie only", method, row.path), func(t *testing.T) {
			rec := w.sendWithCookie(t, method, w.fill(t, row.path, actAnonymous), w.fill(t, row.body, actAnonymous), actAdmin)
			ok := rec.Code == http.StatusUnauthorized
			cells = append(cells, authzCell{route: row.route, path: row.path, actor: "admin's cookie", want: "401",
				got: strconv.Itoa(rec.Code), ok: ok})
			if !ok {
				t.Errorf("%s %s with the admin's session cookie only: got %d, want 401", method, row.path, rec.Code)
			}
		})
	}
	if t.Failed() {
		t.Log("\n" + matrixTable(cells))
	}
}

// matches says whether an answer is the outcome want.
func matches(want string, code int, location string) bool {
	status, target, _ := strings.Cut(want, " ")
	if len(status) == 3 && strings.HasSuffix(status, "xx") {
		if code/100 != int(status[0]-'0') {
			return false
		}
	} else if status != strconv.Itoa(code) {
		return false
	}
	return target == "" || strings.HasPrefix(location, target)
}

// matrixTable prints the cells of the failing rows, one line per cell.
func matrixTable(cells []authzCell) string {
	failing := map[string]bool{}
	for _, c := range cells {
		if !c.ok {
			failing[c.route+c.path] = true
		}
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "route\tpath\tactor\twant\tgot\t")
	for _, c := range cells {
		if !failing[c.route+c.path] {
			continue
		}
		mark := ""
		if !c.ok {
			mark = "  <-- differs"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.60s\t%s\n", c.route, c.path, c.actor, c.want, c.got, mark)
	}
	_ = tw.Flush()
	return b.String()
}
