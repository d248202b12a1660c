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
// the answer each actor must get, in the order of authzActorNames. An outcome is
// a status ("404"), a class ("2xx") or a redirect with the start of its
// target ("303 /login").
type authzRow struct {
	route string // "METHOD /gin/path", as the engine lists it
	path  string
	body  string
	want  [authzActors]string
	// freshSession gives the cell a browser of its own, signed in as the
	// actor, for a form that ends or replaces the session it is sent with.
	freshSession bool
}

// Columns: anonymous, stakeholder, owner, reviewer, assigned reviewer, admin.
var (
	wantEveryone     = [authzActors]string{"2xx", "2xx", "2xx", "2xx", "2xx", "2xx"}
	wantNobody       = [authzActors]string{"404", "404", "404", "404", "404", "404"}
	wantBadToken     = [authzActors]string{"422", "422", "422", "422", "422", "422"}
	wantAPIUsers     = [authzActors]string{"401", "2xx", "2xx", "2xx", "2xx", "2xx"}
	wantAPIOwner     = [authzActors]string{"401", "404", "2xx", "404", "404", "404"}
	wantAPIReviewers = [authzActors]string{"401", "403", "403", "2xx", "2xx", "403"}
	wantAPIAdmins    = [authzActors]string{"401", "403", "403", "403", "403", "2xx"}
	wantPageUsers    = [authzActors]string{"303 /login", "2xx", "2xx", "2xx", "2xx", "2xx"}
	wantPageOwner    = [authzActors]string{"303 /login", "404", "2xx", "404", "404", "404"}
	wantOwnerOrAdmin = [authzActors]string{"404", "404", "2xx", "404", "404", "2xx"}
	// The consoles do not show that they exist to a user without the role.
	wantPageReviewers = [authzActors]string{"303 /login", "404", "404", "2xx", "2xx", "404"}
	wantPageAdmins    = [authzActors]string{"303 /login", "404", "404", "404", "404", "2xx"}
	// Every signed-in actor's email is verified already.
	wantVerified = [authzActors]string{"401", "409", "409", "409", "409", "409"}
)

// wantFormsTo is a form anyone may send, which answers with a redirect to
// target.
func wantFormsTo(target string) [authzActors]string {
	to := "303 " + target
	return [authzActors]string{to, to, to, to, to, to}
}

// wantUserFormsTo is a form of signed-in users, which sends a visitor to the
// login form and a user to target.
func wantUserFormsTo(target string) [authzActors]string {
	to := "303 " + target
	return [authzActors]string{"303 /login", to, to, to, to, to}
}

// wantOwnerFormTo is a form of the owner only: another user's object is 404.
func wantOwnerFormTo(target string) [authzActors]string {
	return [authzActors]string{"303 /login", "404", "303 " + target, "404", "404", "404"}
}

// wantReviewerFormTo is a form of the Expert Group's console: the
// not-found page to a user without the role, target to a reviewer.
func wantReviewerFormTo(target string) [authzActors]string {
	to := "303 " + target
	return [authzActors]string{"303 /login", "404", "404", to, to, "404"}
}

// wantAdminFormTo is a form of the secretariat's console: the not-found
// page to a user without the role, target to an admin.
func wantAdminFormTo(target string) [authzActors]string {
	return [authzActors]string{"303 /login", "404", "404", "404", "404", "303 " + target}
}

// wantAdminFormAnswers is a console form that an admin reaches and that
// answers admin's status, not a redirect: a report, or a refusal of the
// step at this time.
func wantAdminFormAnswers(admin string) [authzActors]string {
	return [authzActors]string{"303 /login", "404", "404", "404", "404", admin}
}

// authzYear is a contest year in a path.
func authzYear(year int) string { return strconv.Itoa(year) }

// authzRows is the matrix. A route the engine serves without a row here,
// or a row whose route the engine does not serve, fails the test.
func authzRows() []authzRow {
	nominate := authzForm(nominationForm("{freshPublished}", "3"))
	editNomination := authzForm(url.Values{"short_description": {words(160, "voters")}, "impact": {words(60, "impact")},
		"sdg_linkage": {words(60, "sdg")}, "partnerships": {words(60, "partners")}, "challenges": {words(60, "challenges")},
		"implementation": {"completed"}})
	profile := authzForm(url.Values{"name": {"Matrix Name"}, "organization": {"Matrix Org"}, "stakeholder_type": {"civil-society"}, "country": {"KE"}})
	rows := []authzRow{
		// Public pages.
		{route: "GET /", path: "/", want: wantEveryone},
		{route: "GET /projects", path: "/projects", want: wantEveryone},
		{route: "GET /projects/:id", path: "/projects/{published}", want: wantEveryone},
		{route: "GET /projects/:id", path: "/projects/{draft}", want: wantOwnerOrAdmin},
		{route: "GET /stats", path: "/stats", want: wantEveryone},
		{route: "GET /contests/:year/nominees", path: "/contests/" + authzYear(yVoting) + "/nominees", want: wantEveryone},
		{route: "GET /contests/:year/results", path: "/contests/" + authzYear(yPublished) + "/results", want: wantEveryone},
		// Before they are published, the page says so.
		{route: "GET /contests/:year/results", path: "/contests/" + authzYear(yDone) + "/results", want: wantEveryone},
		{route: "GET /register", path: "/register", want: wantEveryone},
		{route: "GET /verify-email", path: "/verify-email?token=not-a-token", want: wantEveryone},
		{route: "GET /login", path: "/login", want: wantEveryone},
		{route: "GET /forgot-password", path: "/forgot-password", want: wantEveryone},
		{route: "GET /reset-password", path: "/reset-password?token=not-a-token", want: wantEveryone},
		// Registering and signing in change the browser's session: each
		// cell has a browser of its own.
		{route: "POST /register", path: "/register", body: authzForm(registerForm("{freshEmail}")), want: wantFormsTo("/profile?done=registered"), freshSession: true},
		{route: "POST /verify-email", path: "/verify-email", body: authzForm(url.Values{"token": {"not-a-token"}}), want: wantBadToken},
		{route: "POST /login", path: "/login", body: authzForm(url.Values{"email": {"{bystander}"}, "password": {testPassword}}), want: wantFormsTo("/profile"), freshSession: true},
		{route: "POST /logout", path: "/logout", want: wantFormsTo("/?done=logout"), freshSession: true},
		{route: "POST /forgot-password", path: "/forgot-password", body: authzForm(url.Values{"email": {"{bystander}"}}), want: wantFormsTo("/forgot-password?done=forgot")},
		{route: "POST /reset-password", path: "/reset-password", body: authzForm(url.Values{"token": {"not-a-token"}, "password": {"a new long password"}}), want: wantBadToken},
		// Signed-in pages.
		{route: "GET /profile", path: "/profile", want: wantPageUsers},
		{route: "GET /my/projects", path: "/my/projects", want: wantPageUsers},
		{route: "GET /my/projects/new", path: "/my/projects/new", want: wantPageUsers},
		{route: "GET /my/projects/:id/edit", path: "/my/projects/{draft}/edit", want: wantPageOwner},
		{route: "GET /contests/:year/nominate", path: "/contests/" + authzYear(ySubmission) + "/nominate", want: wantPageUsers},
		{route: "GET /my/nominations", path: "/my/nominations", want: wantPageUsers},
		{route: "GET /my/nominations/:id/edit", path: "/my/nominations/{n" + authzYear(ySubmission) + "}/edit", want: wantPageOwner},
		{route: "GET /my/nominations/:id/edit", path: "/my/nominations/{thirdParty}/edit", want: [authzActors]string{"303 /login", "2xx", "404", "404", "404", "404"}},
		{route: "GET /contests/:year/ballot", path: "/contests/" + authzYear(yVoting) + "/ballot", want: wantPageUsers},
		{route: "GET /contests/:year/ballot/confirm", path: "/contests/" + authzYear(yVoting) + "/ballot/confirm?category=3&nomination_id={n" + authzYear(yVoting) + "}", want: wantPageUsers},
		{route: "GET /contests/:year/my-votes", path: "/contests/" + authzYear(ySelection) + "/my-votes", want: wantPageUsers},
		{route: "GET /contests/:year/my-votes/:id/proof", path: "/contests/" + authzYear(ySelection) + "/my-votes/{v" + authzYear(ySelection) + "}/proof", want: wantPageOwner},
		{route: "POST /profile", path: "/profile", body: profile, want: wantUserFormsTo("/profile?done=profile")},
		{route: "POST /profile/verify-email", path: "/profile/verify-email", want: wantUserFormsTo("/profile")},
		{route: "POST /contests/:year/ballot", path: "/contests/" + authzYear(yVoting) + "/ballot", body: authzForm(url.Values{"category": {"4"}, "nomination_id": {"{n" + authzYear(yVoting) + "b}"}}), want: wantUserFormsTo("/contests/" + authzYear(yVoting) + "/ballot?category=4&done=voted")},
		{route: "POST /contests/:year/ballot", path: "/contests/" + authzYear(ySelection) + "/ballot", body: authzForm(url.Values{"category": {"4"}, "nomination_id": {"{n" + authzYear(ySelection) + "b}"}}),
			want: [authzActors]string{"303 /login", "409", "409", "409", "409", "409"}},
		{route: "POST /my/projects", path: "/my/projects", body: authzForm(projectFormFor("Matrix project")), want: wantUserFormsTo("/my/projects/")},
		{route: "POST /my/projects/:id", path: "/my/projects/{draft}", body: authzForm(projectFormFor("Owner draft, edited")), want: wantOwnerFormTo("/my/projects/{draft}/edit?done=saved")},
		{route: "POST /my/projects/:id", path: "/my/projects/{published}", body: authzForm(projectFormFor("Owner project, edited")), want: wantOwnerFormTo("/my/projects/{published}/edit?done=saved")},
		{route: "POST /my/projects/:id/submit", path: "/my/projects/{freshDraft}/submit", want: wantOwnerFormTo("/my/projects?done=submitted")},
		{route: "POST /contests/:year/nominate", path: "/contests/" + authzYear(ySubmission) + "/nominate", body: nominate, want: wantUserFormsTo("/my/nominations?done=nominated")},
		// Outside its window a form comes back saying so.
		{route: "POST /contests/:year/nominate", path: "/contests/" + authzYear(yReview) + "/nominate", body: nominate, want: [authzActors]string{"303 /login", "409", "409", "409", "409", "409"}},
		{route: "POST /my/nominations/:id", path: "/my/nominations/{n" + authzYear(ySubmission) + "}", body: editNomination, want: wantOwnerFormTo("/my/nominations?done=saved")},
		{route: "POST /my/nominations/:id", path: "/my/nominations/{n" + authzYear(yReview) + "}", body: editNomination, want: [authzActors]string{"303 /login", "404", "409", "404", "404", "404"}},
		{route: "POST /my/nominations/:id/withdraw", path: "/my/nominations/{freshNomination}/withdraw", want: wantOwnerFormTo("/my/nominations?done=withdrawn")},
		{route: "POST /my/nominations/:id/withdraw", path: "/my/nominations/{freshThirdParty}/withdraw", want: [authzActors]string{"303 /login",
			"303 /my/nominations?done=withdrawn", "303 /my/nominations?done=withdrawn", "404", "404", "404"}},
		{route: "POST /my/nominations/:id", path: "/my/nominations/{thirdParty}", body: editNomination, want: [authzActors]string{"303 /login",
			"303 /my/nominations?done=saved", "404", "404", "404", "404"}},
		// Outside the pages and the API.
		{route: "GET /assets/:name", path: "/assets/app.css", want: wantEveryone},
		{route: "GET /sitemap.xml", path: "/sitemap.xml", want: wantEveryone},
		{route: "GET /robots.txt", path: "/robots.txt", want: wantEveryone},
		{route: "GET /healthz", path: "/healthz", want: wantEveryone},
		{route: "GET /readyz", path: "/readyz", want: wantEveryone},
		{route: "GET /metrics", path: "/metrics", want: wantEveryone},
		{route: "GET /.well-known/jwks.json", path: "/.well-known/jwks.json", want: wantEveryone},
		// The API: anyone.
		{route: "GET /api/v1/openapi.yaml", path: "/api/v1/openapi.yaml", want: wantEveryone},
		{route: "GET /api/v1/reference", path: "/api/v1/reference", want: wantEveryone},
		{route: "POST /api/v1/auth/register", path: "/api/v1/auth/register", body: registerBody("{freshEmail}"), want: wantEveryone},
		{route: "POST /api/v1/auth/verify-email", path: "/api/v1/auth/verify-email", body: `{"token":"not-a-token"}`, want: wantBadToken},
		{route: "POST /api/v1/auth/login", path: "/api/v1/auth/login", body: fmt.Sprintf(`{"email":"{bystander}","password":%q}`, testPassword), want: wantEveryone},
		{route: "POST /api/v1/auth/refresh", path: "/api/v1/auth/refresh", body: `{"refresh_token":"{refresh}"}`, want: wantAPIUsers},
		{route: "POST /api/v1/auth/logout", path: "/api/v1/auth/logout", body: `{"refresh_token":"{refresh}"}`, want: wantEveryone},
		{route: "POST /api/v1/auth/password/forgot", path: "/api/v1/auth/password/forgot", body: `{"email":"{bystander}"}`, want: wantEveryone},
		{route: "POST /api/v1/auth/password/reset", path: "/api/v1/auth/password/reset", body: `{"token":"not-a-token","password":"a new long password"}`, want: wantBadToken},
		{route: "GET /api/v1/dev/mailbox", path: "/api/v1/dev/mailbox", want: wantNobody},
		{route: "GET /api/v1/projects", path: "/api/v1/projects", want: wantEveryone},
		{route: "GET /api/v1/projects/export", path: "/api/v1/projects/export?format=json", want: wantEveryone},
		{route: "GET /api/v1/stats", path: "/api/v1/stats", want: wantEveryone},
		{route: "GET /api/v1/contests", path: "/api/v1/contests", want: wantEveryone},
		{route: "GET /api/v1/contests/:year", path: "/api/v1/contests/" + authzYear(ySubmission), want: wantEveryone},
		{route: "GET /api/v1/contests/:year/nominees", path: "/api/v1/contests/" + authzYear(yVoting) + "/nominees", want: wantEveryone},
		{route: "GET /api/v1/contests/:year/results", path: "/api/v1/contests/" + authzYear(yPublished) + "/results", want: wantEveryone},
		{route: "GET /api/v1/contests/:year/results", path: "/api/v1/contests/" + authzYear(yDone) + "/results", want: wantNobody},
		{route: "GET /api/v1/contests/:year/commitments", path: "/api/v1/contests/" + authzYear(ySelection) + "/commitments", want: wantEveryone},
		{route: "GET /api/v1/contests/:year/commitments", path: "/api/v1/contests/" + authzYear(yVoting) + "/commitments", want: wantNobody},
		{route: "GET /api/v1/projects/:id", path: "/api/v1/projects/{published}", want: wantEveryone},
		{route: "GET /api/v1/projects/:id", path: "/api/v1/projects/{draft}", want: wantOwnerOrAdmin},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(yReview) + "}", want: wantOwnerOrAdmin},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(yVoting) + "}", want: wantEveryone},
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(yVoting) + "c}", want: wantOwnerOrAdmin},
		// The project's owner reads a nomination of it by another, which
		// they may withdraw (SPEC §5).
		{route: "GET /api/v1/nominations/:id", path: "/api/v1/nominations/{thirdParty}", want: [authzActors]string{"404", "2xx", "2xx", "404", "404", "2xx"}},
		// The API: signed-in users, and owners.
		{route: "GET /api/v1/me", path: "/api/v1/me", want: wantAPIUsers},
		{route: "PATCH /api/v1/me", path: "/api/v1/me", body: `{"name":"Matrix Name"}`, want: wantAPIUsers},
		{route: "POST /api/v1/auth/verify-email/resend", path: "/api/v1/auth/verify-email/resend", want: wantVerified},
		{route: "GET /api/v1/me/projects", path: "/api/v1/me/projects", want: wantAPIUsers},
		{route: "POST /api/v1/projects", path: "/api/v1/projects", body: projectBody("Matrix project"), want: wantAPIUsers},
		{route: "PATCH /api/v1/projects/:id", path: "/api/v1/projects/{draft}", body: `{"title":"Owner draft, edited"}`, want: wantAPIOwner},
		// A published project is everyone's to read and only its owner's to
		// change.
		{route: "PATCH /api/v1/projects/:id", path: "/api/v1/projects/{published}", body: `{"title":"Owner project, edited"}`, want: wantAPIOwner},
		// A published project without changes has nothing to submit: its
		// owner hears so, anyone else that there is no such project.
		{route: "POST /api/v1/projects/:id/submit", path: "/api/v1/projects/{freshPublished}/submit", want: [authzActors]string{"401", "404", "409", "404", "404", "404"}},
		{route: "DELETE /api/v1/projects/:id", path: "/api/v1/projects/{freshDraft}", want: wantAPIOwner},
		{route: "POST /api/v1/projects/:id/submit", path: "/api/v1/projects/{freshDraft}/submit", want: wantAPIOwner},
		{route: "GET /api/v1/me/nominations", path: "/api/v1/me/nominations", want: wantAPIUsers},
		// Third-party nominations are allowed by default (SPEC §3).
		{route: "POST /api/v1/contests/:year/nominations", path: "/api/v1/contests/" + authzYear(ySubmission) + "/nominations", body: nominationBody("{freshPublished}", 3), want: wantAPIUsers},
		{route: "POST /api/v1/contests/:year/nominations", path: "/api/v1/contests/" + authzYear(yReview) + "/nominations", body: nominationBody("{freshPublished}", 3), want: [authzActors]string{"401", "409", "409", "409", "409", "409"}},
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(ySubmission) + "}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: wantAPIOwner},
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(yReview) + "}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: [authzActors]string{"401", "404", "409", "404", "404", "404"}},
		{route: "DELETE /api/v1/nominations/:id", path: "/api/v1/nominations/{freshNomination}", want: wantAPIOwner},
		{route: "DELETE /api/v1/nominations/:id", path: "/api/v1/nominations/{n" + authzYear(yReview) + "}", want: [authzActors]string{"401", "404", "409", "404", "404", "404"}},
		// A nomination of the owner's project by another stakeholder: its
		// nominator edits it, and both may withdraw it (SPEC §5).
		{route: "PATCH /api/v1/nominations/:id", path: "/api/v1/nominations/{thirdParty}", body: fmt.Sprintf(`{"impact":%q}`, words(60, "impact")), want: [authzActors]string{"401", "2xx", "404", "404", "404", "404"}},
		{route: "DELETE /api/v1/nominations/:id", path: "/api/v1/nominations/{freshThirdParty}", want: [authzActors]string{"401", "2xx", "2xx", "404", "404", "404"}},
		{route: "GET /api/v1/contests/:year/ballot", path: "/api/v1/contests/" + authzYear(yVoting) + "/ballot", want: wantAPIUsers},
		{route: "POST /api/v1/contests/:year/votes", path: "/api/v1/contests/" + authzYear(yVoting) + "/votes", body: `{"category":3,"nomination_id":"{n` + authzYear(yVoting) + `}"}`, want: wantAPIUsers},
		{route: "POST /api/v1/contests/:year/votes", path: "/api/v1/contests/" + authzYear(ySelection) + "/votes", body: `{"category":4,"nomination_id":"{n` + authzYear(ySelection) + `b}"}`, want: [authzActors]string{"401", "409", "409", "409", "409", "409"}},
		{route: "GET /api/v1/me/votes", path: "/api/v1/me/votes?contest=" + authzYear(ySelection), want: wantAPIUsers},
		{route: "GET /api/v1/me/votes/:id/proof", path: "/api/v1/me/votes/{v" + authzYear(ySelection) + "}/proof", want: wantAPIOwner},
		// Before the commitment is published, the voter hears when it will be.
		{route: "GET /api/v1/me/votes/:id/proof", path: "/api/v1/me/votes/{v" + authzYear(yTallied) + "}/proof", want: [authzActors]string{"401", "404", "409", "404", "404", "404"}},
		// The API: the Expert Group.
		{route: "GET /api/v1/reviewer/conflicts", path: "/api/v1/reviewer/conflicts", want: wantAPIReviewers},
		{route: "PUT /api/v1/reviewer/conflicts", path: "/api/v1/reviewer/conflicts", body: `{"organizations":["Nowhere Org"],"countries":[]}`, want: wantAPIReviewers},
		{route: "GET /api/v1/reviewer/assignments", path: "/api/v1/reviewer/assignments", want: wantAPIReviewers},
		{route: "PUT /api/v1/reviewer/assignments/:id/review", path: "/api/v1/reviewer/assignments/{a" + authzYear(yReview) + "}/review",
			body: `{"scores":` + fullScores + `,"comment":"Sound work.","submit":false}`, want: [authzActors]string{"401", "403", "403", "404", "2xx", "403"}},
		{route: "PUT /api/v1/reviewer/assignments/:id/review", path: "/api/v1/reviewer/assignments/{a" + authzYear(yShortlist) + "}/review",
			body: `{"scores":` + fullScores + `,"comment":"Sound work.","submit":false}`, want: [authzActors]string{"401", "403", "403", "404", "409", "403"}},
		{route: "GET /api/v1/reviewer/contests/:year/selection", path: "/api/v1/reviewer/contests/" + authzYear(ySelection) + "/selection", want: wantAPIReviewers},
		{route: "PUT /api/v1/reviewer/contests/:year/selection/:category", path: "/api/v1/reviewer/contests/" + authzYear(ySelection) + "/selection/3",
			body: `{"nomination_id":"{n` + authzYear(ySelection) + `}"}`, want: wantAPIReviewers},
		{route: "PUT /api/v1/reviewer/contests/:year/selection/:category", path: "/api/v1/reviewer/contests/" + authzYear(yDone) + "/selection/3",
			body: `{"nomination_id":"{n` + authzYear(yDone) + `}"}`, want: [authzActors]string{"401", "403", "403", "409", "409", "403"}},
		// The API: the secretariat.
		{route: "GET /api/v1/admin/users", path: "/api/v1/admin/users", want: wantAPIAdmins},
		{route: "PATCH /api/v1/admin/users/:id", path: "/api/v1/admin/users/{freshUser}", body: `{"disabled":true}`, want: wantAPIAdmins},
		{route: "GET /api/v1/admin/audit", path: "/api/v1/admin/audit", want: wantAPIAdmins},
		{route: "GET /api/v1/admin/projects", path: "/api/v1/admin/projects?state=submitted", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/projects/:id/publish", path: "/api/v1/admin/projects/{freshSubmitted}/publish", body: `{"note":"Fine."}`, want: wantAPIAdmins},
		{route: "POST /api/v1/admin/projects/:id/return", path: "/api/v1/admin/projects/{freshSubmitted}/return", body: `{"note":"Say more."}`, want: wantAPIAdmins},
		{route: "POST /api/v1/admin/projects/:id/reject", path: "/api/v1/admin/projects/{freshSubmitted}/reject", body: `{"note":"Out of scope."}`, want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests", path: "/api/v1/admin/contests", body: `{"year":{freshYear},"title":"WSIS Prizes","schedule":` + schedule2027() + `}`, want: wantAPIAdmins},
		{route: "PATCH /api/v1/admin/contests/:year", path: "/api/v1/admin/contests/" + authzYear(ySubmission), body: `{"title":"WSIS Prizes, renamed"}`, want: wantAPIAdmins},
		{route: "GET /api/v1/admin/contests/:year/nominations", path: "/api/v1/admin/contests/" + authzYear(ySubmission) + "/nominations", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/nominations/:id/ineligible", path: "/api/v1/admin/nominations/{freshNomination}/ineligible", body: `{"reason":"Not ICT."}`, want: wantAPIAdmins},
		{route: "GET /api/v1/admin/contests/:year/export", path: "/api/v1/admin/contests/" + authzYear(yDone) + "/export?what=nominations&format=csv", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/assignments/auto", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/assignments/auto", body: `{"reviews_per_nomination":1}`, want: wantAPIAdmins},
		{route: "POST /api/v1/admin/assignments", path: "/api/v1/admin/assignments", body: `{"nomination_id":"{n` + authzYear(yReview) + `b}","reviewer_id":"{freshReviewer}"}`, want: wantAPIAdmins},
		{route: "DELETE /api/v1/admin/assignments/:id", path: "/api/v1/admin/assignments/{freshAssignment}", want: wantAPIAdmins},
		{route: "GET /api/v1/admin/contests/:year/rankings", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/rankings", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/nominees/publish", path: "/api/v1/admin/contests/" + authzYear(yShortlist) + "/nominees/publish",
			body: `{"add":["{n` + authzYear(yShortlist) + `}"],"reason":"The Expert Group met in person."}`, want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/nominees/publish", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/nominees/publish",
			body: `{"add":["{n` + authzYear(yReview) + `}"],"reason":"The Expert Group met in person."}`, want: [authzActors]string{"401", "403", "403", "403", "403", "409"}},
		{route: "GET /api/v1/admin/contests/:year/tally", path: "/api/v1/admin/contests/" + authzYear(yVoting) + "/tally", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/votes/invalidate", path: "/api/v1/admin/votes/invalidate",
			body: `{"contest":` + authzYear(yVoting) + `,"vote_ids":["{freshVote}"],"reason":"One script."}`, want: wantAPIAdmins},
		{route: "GET /api/v1/admin/contests/:year/anomalies", path: "/api/v1/admin/contests/" + authzYear(yVoting) + "/anomalies", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/commitments/publish", path: "/api/v1/admin/contests/" + authzYear(yTallied) + "/commitments/publish", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/champions/publish", path: "/api/v1/admin/contests/" + authzYear(yTallied) + "/champions/publish", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/results/publish", path: "/api/v1/admin/contests/" + authzYear(yDone) + "/results/publish", want: wantAPIAdmins},
		{route: "POST /api/v1/admin/contests/:year/results/publish", path: "/api/v1/admin/contests/" + authzYear(ySelection) + "/results/publish", want: [authzActors]string{"401", "403", "403", "403", "403", "409"}},
		// The API: a reviewer's read of one assignment, the reviewers'
		// progress and their extensions.
		{route: "GET /api/v1/reviewer/assignments/:id", path: "/api/v1/reviewer/assignments/{a" + authzYear(yReview) + "}", want: [authzActors]string{"401", "403", "403", "404", "2xx", "403"}},
		{route: "GET /api/v1/admin/contests/:year/reviewers", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/reviewers", want: wantAPIAdmins},
		{route: "PUT /api/v1/admin/contests/:year/reviewers/:id/extension", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/reviewers/{freshReviewer}/extension",
			body: `{"closes_at":"{extensionClosesAt}","reason":"Travel."}`, want: wantAPIAdmins},
		// Once the nominees are published the review is over.
		{route: "PUT /api/v1/admin/contests/:year/reviewers/:id/extension", path: "/api/v1/admin/contests/" + authzYear(yVoting) + "/reviewers/{freshReviewer}/extension",
			body: `{"closes_at":"{extensionClosesAt}","reason":"Travel."}`, want: [authzActors]string{"401", "403", "403", "403", "403", "409"}},
		{route: "DELETE /api/v1/admin/contests/:year/reviewers/:id/extension", path: "/api/v1/admin/contests/" + authzYear(yReview) + "/reviewers/{freshExtended}/extension", want: wantAPIAdmins},
	}
	return append(rows, authzConsoleRows()...)
}

// authzConsoleRows are the rows of the consoles' pages: the Expert
// Group's under /review and the secretariat's under /admin.
func authzConsoleRows() []authzRow {
	review, voting, tallied, selection := authzYear(yReview), authzYear(yVoting), authzYear(yTallied), authzYear(ySelection)
	extension := authzForm(url.Values{"closes_at": {"{extensionCloses}"}, "reason": {"Travel."}})
	confirm := authzForm(url.Values{"confirm": {"yes"}})
	return []authzRow{
		// The Expert Group's console.
		{route: "GET /review", path: "/review", want: wantPageReviewers},
		{route: "GET /review/conflicts", path: "/review/conflicts", want: wantPageReviewers},
		{route: "GET /review/assignments/:id", path: "/review/assignments/{a" + review + "}", want: [authzActors]string{"303 /login", "404", "404", "404", "2xx", "404"}},
		{route: "GET /review/contests/:year/selection", path: "/review/contests/" + selection + "/selection", want: wantPageReviewers},
		{route: "POST /review/conflicts", path: "/review/conflicts", body: authzForm(url.Values{"organizations": {"Nowhere Org"}}), want: wantReviewerFormTo("/review/conflicts?done=saved")},
		{route: "POST /review/assignments/:id", path: "/review/assignments/{a" + review + "}", body: authzForm(scoresForm("draft")),
			want: [authzActors]string{"303 /login", "404", "404", "404", "303 /review/assignments/{a" + review + "}?done=draft", "404"}},
		// After the review window the sheet comes back closed.
		{route: "POST /review/assignments/:id", path: "/review/assignments/{a" + authzYear(yShortlist) + "}", body: authzForm(scoresForm("draft")),
			want: [authzActors]string{"303 /login", "404", "404", "404", "409", "404"}},
		{route: "POST /review/contests/:year/selection", path: "/review/contests/" + selection + "/selection",
			body: authzForm(url.Values{"category": {"3"}, "nomination_id": {"{n" + selection + "}"}}), want: wantReviewerFormTo("/review/contests/" + selection + "/selection?done=picked")},
		{route: "POST /review/contests/:year/selection", path: "/review/contests/" + authzYear(yDone) + "/selection",
			body: authzForm(url.Values{"category": {"3"}, "nomination_id": {"{n" + authzYear(yDone) + "}"}}), want: [authzActors]string{"303 /login", "404", "404", "409", "409", "404"}},
		// The secretariat's console.
		{route: "GET /admin", path: "/admin", want: wantPageAdmins},
		{route: "GET /admin/contests/new", path: "/admin/contests/new", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/schedule", path: "/admin/contests/" + authzYear(ySubmission) + "/schedule", want: wantPageAdmins},
		{route: "GET /admin/projects", path: "/admin/projects", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/nominations", path: "/admin/contests/" + authzYear(ySubmission) + "/nominations", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/assignments", path: "/admin/contests/" + review + "/assignments", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/rankings", path: "/admin/contests/" + review + "/rankings", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/reviewers", path: "/admin/contests/" + review + "/reviewers", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/tally", path: "/admin/contests/" + voting + "/tally", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/anomalies", path: "/admin/contests/" + voting + "/anomalies", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/publish", path: "/admin/contests/" + tallied + "/publish", want: wantPageAdmins},
		{route: "GET /admin/users", path: "/admin/users", want: wantPageAdmins},
		{route: "GET /admin/audit", path: "/admin/audit", want: wantPageAdmins},
		{route: "GET /admin/exports", path: "/admin/exports", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/exports", path: "/admin/contests/" + authzYear(yDone) + "/exports", want: wantPageAdmins},
		{route: "GET /admin/contests/:year/exports/:what", path: "/admin/contests/" + authzYear(yDone) + "/exports/nominations?format=csv", want: wantPageAdmins},
		// Results are no one's to export before they are published.
		{route: "GET /admin/contests/:year/exports/:what", path: "/admin/contests/" + selection + "/exports/results", want: wantAdminFormAnswers("404")},
		{route: "POST /admin/contests", path: "/admin/contests", body: "year={freshYear}&title=WSIS+Prizes&{scheduleForm}", want: wantAdminFormTo("/admin?done=created")},
		{route: "POST /admin/contests/:year/schedule", path: "/admin/contests/" + authzYear(ySubmission) + "/schedule", body: "{scheduleForm}",
			want: wantAdminFormTo("/admin/contests/" + authzYear(ySubmission) + "/schedule?done=saved")},
		{route: "POST /admin/projects/:id/moderate", path: "/admin/projects/{freshSubmitted}/moderate", body: authzForm(url.Values{"step": {"publish"}}),
			want: wantAdminFormTo("/admin/projects?done=published")},
		{route: "POST /admin/nominations/:id/ineligible", path: "/admin/nominations/{freshNomination}/ineligible", body: authzForm(url.Values{"reason": {"Not ICT."}}),
			want: wantAdminFormTo("/admin/contests/" + authzYear(ySubmission) + "/nominations?done=ineligible")},
		{route: "POST /admin/contests/:year/assignments/auto", path: "/admin/contests/" + review + "/assignments/auto", body: authzForm(url.Values{"reviews_per_nomination": {"1"}}),
			want: wantAdminFormAnswers("2xx")},
		{route: "POST /admin/contests/:year/assignments", path: "/admin/contests/" + review + "/assignments",
			body: authzForm(url.Values{"nomination_id": {"{n" + review + "b}"}, "reviewer_id": {"{freshReviewer}"}}), want: wantAdminFormTo("/admin/contests/" + review + "/assignments?done=assigned")},
		{route: "POST /admin/assignments/:id/delete", path: "/admin/assignments/{freshAssignment}/delete", body: authzForm(url.Values{"year": {review}}),
			want: wantAdminFormTo("/admin/contests/" + review + "/assignments?done=unassigned")},
		{route: "POST /admin/contests/:year/reviewers/:id/extension", path: "/admin/contests/" + review + "/reviewers/{freshReviewer}/extension", body: extension,
			want: wantAdminFormTo("/admin/contests/" + review + "/reviewers?done=granted")},
		{route: "POST /admin/contests/:year/reviewers/:id/extension", path: "/admin/contests/" + voting + "/reviewers/{freshReviewer}/extension", body: extension,
			want: wantAdminFormAnswers("409")},
		{route: "POST /admin/contests/:year/reviewers/:id/extension/revoke", path: "/admin/contests/" + review + "/reviewers/{freshExtended}/extension/revoke",
			want: wantAdminFormTo("/admin/contests/" + review + "/reviewers?done=revoked")},
		{route: "POST /admin/contests/:year/nominees/publish", path: "/admin/contests/" + authzYear(yShortlistPages) + "/nominees/publish",
			want: wantAdminFormTo("/admin/contests/" + authzYear(yShortlistPages) + "/rankings?done=published")},
		// While the review window is open the nominees wait.
		{route: "POST /admin/contests/:year/nominees/publish", path: "/admin/contests/" + review + "/nominees/publish", want: wantAdminFormAnswers("409")},
		{route: "POST /admin/contests/:year/commitment", path: "/admin/contests/" + tallied + "/commitment", body: confirm,
			want: wantAdminFormTo("/admin/contests/" + tallied + "/tally?done=committed")},
		{route: "POST /admin/contests/:year/commitment", path: "/admin/contests/" + voting + "/commitment", body: confirm, want: wantAdminFormAnswers("409")},
		{route: "POST /admin/contests/:year/anomalies/invalidate", path: "/admin/contests/" + voting + "/anomalies/invalidate",
			body: authzForm(url.Values{"vote_ids": {"{freshVote}"}, "reason": {"One script."}, "confirm": {"yes"}}), want: wantAdminFormAnswers("2xx")},
		{route: "POST /admin/contests/:year/publish/champions", path: "/admin/contests/" + tallied + "/publish/champions", body: confirm,
			want: wantAdminFormTo("/admin/contests/" + tallied + "/publish?done=champions")},
		{route: "POST /admin/contests/:year/publish/results", path: "/admin/contests/" + authzYear(yDonePages) + "/publish/results", body: confirm,
			want: wantAdminFormTo("/admin/contests/" + authzYear(yDonePages) + "/publish?done=results")},
		// While the selection window is open the results wait.
		{route: "POST /admin/contests/:year/publish/results", path: "/admin/contests/" + selection + "/publish/results", body: confirm, want: wantAdminFormAnswers("409")},
		{route: "POST /admin/users/:id", path: "/admin/users/{freshUser}", body: authzForm(url.Values{"change": {"disable"}}), want: wantAdminFormTo("/admin/users?done=disabled")},
		// An admin cannot lock themselves out.
		{route: "POST /admin/users/:id", path: "/admin/users/{admin}", body: authzForm(url.Values{"change": {"disable"}}), want: wantAdminFormAnswers("409")},
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
			for actor := range authzActors {
				name := fmt.Sprintf("%s %s/%s", method, row.path, authzActorNames[actor])
				t.Run(name, func(t *testing.T) {
					path, body := w.fill(t, row.path, actor), w.fill(t, row.body, actor)
					rec := w.send(t, method, path, body, actor, row.freshSession)
					got := strconv.Itoa(rec.Code)
					if loc := rec.Header().Get("Location"); loc != "" {
						got += " " + loc
					}
					want := w.fill(t, row.want[actor], actor)
					ok := authzMatches(want, rec.Code, rec.Header().Get("Location"))
					cells = append(cells, authzCell{route: method + " " + strings.Fields(row.route)[1], path: row.path,
						actor: authzActorNames[actor], want: want, got: got, ok: ok})
					if !ok {
						t.Errorf("%s %s as %s: got %s, want %s; body %.300s", method, path, authzActorNames[actor], got, want, rec.Body)
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
		t.Log("\n" + authzMatrixTable(cells))
	}
}

// authzMatches says whether an answer is the outcome want.
func authzMatches(want string, code int, location string) bool {
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

// authzMatrixTable prints the cells of the failing rows, one line per cell.
func authzMatrixTable(cells []authzCell) string {
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
