package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

const validSummary = "A network of community centres that trains young people and women in digital skills, " +
	"connects rural clinics to national health records and measures the results every year."

func projectBody(title string, extra ...string) string {
	fields := map[string]any{
		"title": title, "summary": validSummary, "description": "Longer description of the work.",
		"organization": "Digital Sahel", "stakeholder_type": "civil-society", "countries": []string{"SN", "ML"},
		"coverage": "regional", "action_lines": []string{"c3", "c7-e-health"}, "sdgs": []int{3, 4}, "gdc_objectives": []int{1},
		"status": "ongoing", "start_date": "2022-03-01", "website": "https://digitalsahel.example",
		"partners": []string{"ITU"}, "contact_email": "team@digitalsahel.example",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		var v any
		if err := json.Unmarshal([]byte(extra[i+1]), &v); err != nil {
			panic(err)
		}
		fields[extra[i]] = v
	}
	b, _ := json.Marshal(fields)
	return string(b)
}

// signIn creates a verified account and returns its access token.
func (s *testServer) signIn(t *testing.T, email string, roles ...models.Role) (models.User, string) {
	t.Helper()
	u := s.createUser(t, email, roles...)
	return u, s.login(t, email, testPassword).AccessToken
}

func (s *testServer) createProject(t *testing.T, tok, title string) models.Project {
	t.Helper()
	rec := s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody(title)), bearer(tok)...)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create project: %d %s", rec.Code, rec.Body)
	}
	return decode[models.Project](t, rec)
}

func TestCreateProject_ValidationErrorsPerField(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	body := projectBody("Tiny", "summary", `"too short to count"`, "countries", `["XX"]`, "action_lines", `["c99"]`,
		"sdgs", `[18]`, "gdc_objectives", `[6]`, "coverage", `"galactic"`, "status", `"dreaming"`,
		"start_date", `"2024-05-01"`, "end_date", `"2023-01-01"`, "website", `"javascript:alert(1)"`,
		"contact_email", `"nobody"`, "stakeholder_type", `"ngo"`)
	p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...), http.StatusUnprocessableEntity, "validation")
	got := map[string]string{}
	for _, e := range p.Errors {
		got[e.Field] = e.Message
	}
	for _, f := range []string{"title", "summary", "countries[0]", "action_lines[0]", "sdgs[0]", "gdc_objectives[0]",
		"coverage", "status", "end_date", "website", "contact_email", "stakeholder_type"} {
		if got[f] == "" {
			t.Errorf("no error for %s; got %v", f, got)
		}
	}
	for _, missing := range []string{"countries", "action_lines", "sdgs"} {
		body := projectBody("A valid title", missing, `[]`)
		p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...), http.StatusUnprocessableEntity, "validation")
		if len(p.Errors) != 1 || p.Errors[0].Field != missing {
			t.Errorf("empty %s: %+v", missing, p.Errors)
		}
	}
}

func TestCreateProject_ClientCannotSetStateOwnerOrVersion(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	for _, field := range []string{`"state":"published"`, `"owner_id":"someone"`, `"version":9`, `"published_at":"2020-01-01T00:00:00Z"`} {
		body := strings.Replace(projectBody("Valid project title"), "{", "{"+field+",", 1)
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...), http.StatusBadRequest, "bad-request")
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody("Valid project title", "title", `{"$gt":""}`)), bearer(tok)...),
		http.StatusBadRequest, "bad-request")
	p := s.createProject(t, tok, "Valid project title")
	if p.State != models.ProjectDraft || p.Version != 1 {
		t.Fatalf("new project = %s v%d", p.State, p.Version)
	}
}

func TestProjects_NotFoundWhenNotOwner(t *testing.T) {
	s := newServer(t)
	_, owner := s.signIn(t, "owner@example.org")
	_, other := s.signIn(t, "other@example.org")
	p := s.createProject(t, owner, "Owner's private draft")
	path := "/api/v1/projects/" + p.ID
	for name, rec := range map[string]func() int{
		"read":             func() int { return s.do(t, http.MethodGet, path, nil, bearer(other)...).Code },
		"read anonymously": func() int { return s.do(t, http.MethodGet, path, nil).Code },
		"edit": func() int {
			return s.do(t, http.MethodPatch, path, jsonBody(`{"title":"Taken over title"}`), bearer(other)...).Code
		},
		"delete": func() int { return s.do(t, http.MethodDelete, path, nil, bearer(other)...).Code },
		"submit": func() int { return s.do(t, http.MethodPost, path+"/submit", nil, bearer(other)...).Code },
	} {
		if code := rec(); code != http.StatusNotFound {
			t.Errorf("%s another user's draft: %d, want 404", name, code)
		}
	}
	if got, _ := s.store.Project(context.Background(), p.ID); got.Title != "Owner's private draft" || got.Version != 1 {
		t.Fatalf("the project changed: %+v", got)
	}
}

func TestPatchProject_StaleIfMatchIs412(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	p := s.createProject(t, tok, "First title here")
	path := "/api/v1/projects/" + p.ID
	rec := s.do(t, http.MethodPatch, path, jsonBody(`{"title":"Second title here"}`), append(bearer(tok), "If-Match", `"1"`)...)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
		t.Fatalf("patch: %d %q", rec.Code, rec.Header().Get("ETag"))
	}
	if got := decode[models.Project](t, rec); got.Title != "Second title here" || got.Summary != validSummary {
		t.Fatalf("patch replaced more than the title: %+v", got)
	}
	wantProblem(t, s.do(t, http.MethodPatch, path, jsonBody(`{"title":"Third title here"}`), append(bearer(tok), "If-Match", `"1"`)...),
		http.StatusPreconditionFailed, "precondition-failed")
	wantProblem(t, s.do(t, http.MethodPatch, path, jsonBody(`{"end_date":"1999-01-01"}`), bearer(tok)...),
		http.StatusUnprocessableEntity, "validation")
}

func TestModeration_WholeLifecycleAuditedAndMailed(t *testing.T) {
	s := newServer(t)
	owner, tok := s.signIn(t, "owner@example.org")
	admin, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "Community networks for Sahel")
	path := "/api/v1/projects/" + p.ID
	step := func(tok, method, path, body string, want int) models.Project {
		t.Helper()
		var b *strings.Reader
		if body != "" {
			b = jsonBody(body)
		}
		var rec = s.do(t, method, path, nilIfEmpty(b), bearer(tok)...)
		if rec.Code != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, rec.Code, rec.Body, want)
		}
		if want != http.StatusOK {
			return models.Project{}
		}
		return decode[models.Project](t, rec)
	}

	step(adminTok, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", "", http.StatusConflict) // a draft
	if got := step(tok, http.MethodPost, path+"/submit", "", http.StatusOK); got.State != models.ProjectSubmitted {
		t.Fatalf("submitted state = %s", got.State)
	}
	step(tok, http.MethodPatch, path, `{"title":"Edited under review"}`, http.StatusConflict)
	queue := decode[struct {
		Items []models.ProjectSummary `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/projects", nil, bearer(adminTok)...))
	if len(queue.Items) != 1 || queue.Items[0].ID != p.ID {
		t.Fatalf("moderation queue = %+v", queue.Items)
	}
	step(adminTok, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/return", `{}`, http.StatusUnprocessableEntity) // no note
	if got := step(adminTok, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/return", `{"note":"Add the partners."}`, http.StatusOK); got.State != models.ProjectReturned {
		t.Fatalf("returned state = %s", got.State)
	}
	wantProblem(t, s.do(t, http.MethodGet, path, nil), http.StatusNotFound, "not-found")
	step(tok, http.MethodPatch, path, `{"partners":["ITU","UNESCO"]}`, http.StatusOK)
	step(tok, http.MethodPost, path+"/submit", "", http.StatusOK)
	published := step(adminTok, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", "", http.StatusOK)
	if published.State != models.ProjectPublished || published.Published == nil || published.PublishedAt == nil {
		t.Fatalf("published = %+v", published)
	}
	public := decode[models.PublicProject](t, s.do(t, http.MethodGet, path, nil))
	if public.Title != "Community networks for Sahel" || strings.Contains(fmt.Sprint(public), "digitalsahel.example") && public.Website == "" {
		t.Fatalf("public view = %+v", public)
	}
	if raw := s.do(t, http.MethodGet, path, nil).Body.String(); strings.Contains(raw, "team@digitalsahel.example") {
		t.Fatalf("the public view shows the contact email: %s", raw)
	}

	// An edit of the published entry leaves the published version public
	// until it is submitted and published.
	step(tok, http.MethodPatch, path, `{"title":"Community networks for the Sahel"}`, http.StatusOK)
	if got := decode[models.PublicProject](t, s.do(t, http.MethodGet, path, nil)); got.Title != "Community networks for Sahel" {
		t.Fatalf("an unsubmitted edit is public: %q", got.Title)
	}
	step(tok, http.MethodPost, path+"/submit", "", http.StatusOK)
	if got := decode[models.PublicProject](t, s.do(t, http.MethodGet, path, nil)); got.Title != "Community networks for Sahel" {
		t.Fatalf("an edit under review is public: %q", got.Title)
	}
	// A rejected edit falls back to the published version, which stays
	// public and can be edited again.
	rejected := step(adminTok, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/reject", `{"note":"Out of scope."}`, http.StatusOK)
	if rejected.State != models.ProjectPublished || rejected.Title != "Community networks for Sahel" || rejected.Note != "Out of scope." {
		t.Fatalf("after a rejected edit: %s %q %q", rejected.State, rejected.Title, rejected.Note)
	}
	step(tok, http.MethodPost, path+"/submit", "", http.StatusConflict) // nothing changed to submit
	step(tok, http.MethodPatch, path, `{"title":"Community networks, second try"}`, http.StatusOK)
	wantProblem(t, s.do(t, http.MethodDelete, path, nil, bearer(tok)...), http.StatusConflict, "conflict")

	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?target="+p.ID, nil, bearer(adminTok)...))
	var actions []string
	for _, e := range audit.Items {
		if e.ActorID != admin.ID {
			t.Errorf("audit entry by %s, want the admin", e.ActorID)
		}
		actions = append(actions, e.Action)
	}
	if fmt.Sprint(actions) != "[project.reject project.publish project.return]" {
		t.Fatalf("audit actions newest first = %v", actions)
	}
	mails, _ := s.store.RecentMails(context.Background(), 50)
	var subjects []string
	for _, m := range mails {
		if m.To == owner.Email {
			subjects = append(subjects, m.Subject)
		}
	}
	if len(subjects) != 3 || !strings.Contains(subjects[0], "rejected") || !strings.Contains(subjects[1], "published") || !strings.Contains(subjects[2], "returned") {
		t.Fatalf("mails to the owner = %v", subjects)
	}
}

func TestDeleteProject_OwnerDeletesDraft(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	p := s.createProject(t, tok, "Draft to delete soon")
	if rec := s.do(t, http.MethodDelete, "/api/v1/projects/"+p.ID, nil, bearer(tok)...); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/projects/"+p.ID, nil, bearer(tok)...), http.StatusNotFound, "not-found")
	mine := decode[struct {
		Items []models.ProjectSummary `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/projects", nil, bearer(tok)...))
	if len(mine.Items) != 0 {
		t.Fatalf("a deleted project is still listed: %+v", mine.Items)
	}
}
