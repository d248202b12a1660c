package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func projectFormFor(title string) url.Values {
	return url.Values{"title": {title},
		"summary":      {strings.Repeat("A community network brings affordable internet to villages. ", 4)},
		"description":  {"First paragraph.\n\nSecond paragraph."},
		"organization": {"Digital Sahel"}, "stakeholder_type": {"civil-society"}, "countries": {"SN", "ML"},
		"coverage": {"regional"}, "action_lines": {"c2", "c4"}, "sdgs": {"9", "4"}, "status": {"ongoing"},
		"start_date": {"2024-03-01"}, "end_date": {""}, "website": {"https://sahel.example"},
		"partners": {"Village councils\n\nA university "}, "contact_email": {"contact@sahel.example"}}
}

func TestMyProjectsPages_FormErrorsNextToTheirFields(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	b := loggedIn(t, s, "amina@example.org", "")
	form := url.Values{"title": {"Tiny"}, "summary": {"Too short."}, "stakeholder_type": {"civil-society"}, "coverage": {"local"},
		"status": {"planned"}, "start_date": {"2024-05-01"}, "end_date": {"2024-01-01"}, "website": {"ftp://x"}, "organization": {"Org"},
		"sdgs": {"99"}}
	doc := wantPage(t, b.post(t, "/my/projects", form), http.StatusUnprocessableEntity)
	for field, message := range map[string]string{
		"title": "Use at least 5 characters.", "summary": "Write at least 20 words.", "countries": "Choose at least one.",
		"action_lines": "Choose at least one.", "sdgs": "This value is not valid.", "end_date": "The end cannot be before the start.",
		"website": "Enter a web address", "contact_email": "This field is required.",
	} {
		if got := text(doc.Find("#" + field + "-error")); !strings.Contains(got, message) {
			t.Errorf("%s: error %q, want %q", field, got, message)
		}
	}
	if v := text(doc.Find("#summary")); v != "Too short." {
		t.Errorf("the summary sent is not shown again: %q", v)
	}
	if got := text(doc.Find(`[data-word-count-for=summary]`)); got != "2 / 300 words" {
		t.Errorf("word counter %q", got)
	}
}

func TestMyProjectsPages_RecordEditSubmitAndSeeTheModeratorsNote(t *testing.T) {
	s := newServer(t)
	_, adminTok := s.signIn(t, "admin@example.org", "admin")
	s.createUser(t, "amina@example.org")
	s.createUser(t, "other@example.org")
	wantRedirect(t, newBrowser(s).send(t, getRequest("/my/projects")), "/login?next=%2Fmy%2Fprojects")
	b := loggedIn(t, s, "amina@example.org", "")

	edit := wantRedirect(t, b.post(t, "/my/projects", projectFormFor("Community networks of the Sahel")), "/my/projects/")
	id := strings.TrimSuffix(strings.TrimPrefix(strings.Split(edit, "?")[0], "/my/projects/"), "/edit")
	doc := b.get(t, edit, http.StatusOK)
	if got := text(doc.Find(".notice")); got != "Your project is saved." {
		t.Errorf("notice %q", got)
	}
	var countries []string
	doc.Find("#countries option[selected]").Each(func(_ int, o *goquery.Selection) { v, _ := o.Attr("value"); countries = append(countries, v) })
	if strings.Join(countries, ",") != "ML,SN" && strings.Join(countries, ",") != "SN,ML" {
		t.Errorf("countries shown %v", countries)
	}
	if doc.Find(`input[name=action_lines][value=c4][checked]`).Length() != 1 || doc.Find(`input[name=sdgs][value="9"][checked]`).Length() != 1 {
		t.Error("the action lines and SDGs saved are not checked")
	}
	if got := text(doc.Find("#partners")); got != "Village councils A university" {
		t.Errorf("partners %q", got)
	}
	if got := text(doc.Find(".state")); got != "Draft" {
		t.Errorf("state %q", got)
	}
	version, _ := doc.Find(`form[action="/my/projects/` + id + `"] input[name=version]`).Attr("value")

	// Another user's project is not found; a stale edit is refused.
	other := loggedIn(t, s, "other@example.org", "")
	other.get(t, "/my/projects/"+id+"/edit", http.StatusNotFound)
	wantPage(t, other.post(t, "/my/projects/"+id, projectFormFor("Taken over")), http.StatusNotFound)
	changed := projectFormFor("Community networks of the Sahel, phase two")
	changed.Set("version", version)
	wantRedirect(t, b.post(t, "/my/projects/"+id, changed), "/my/projects/"+id+"/edit?done=saved")
	doc = wantPage(t, b.post(t, "/my/projects/"+id, changed), http.StatusPreconditionFailed)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "changed since you opened it") {
		t.Errorf("stale edit: %q", got)
	}

	doc = b.get(t, "/my/projects/"+id+"/edit", http.StatusOK)
	version, _ = doc.Find(`form[action="/my/projects/` + id + `/submit"] input[name=version]`).Attr("value")
	wantRedirect(t, b.post(t, "/my/projects/"+id+"/submit", url.Values{"version": {version}}), "/my/projects?done=submitted")
	doc = b.get(t, "/my/projects?done=submitted", http.StatusOK)
	row := doc.Find("tbody tr")
	if row.Length() != 1 || text(row.Find(".state")) != "With the moderators" || row.Find(`a[href$="/edit"]`).Length() != 0 {
		t.Errorf("after submitting, the list shows %q", text(row))
	}
	doc = wantPage(t, b.post(t, "/my/projects/"+id, projectFormFor("Changed under review")), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "cannot be changed now") {
		t.Errorf("edit under review: %q", got)
	}

	if rec := s.do(t, http.MethodPost, "/api/v1/admin/projects/"+id+"/return", jsonBody(`{"note":"Add the partners' roles."}`), bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("return: %d %s", rec.Code, rec.Body)
	}
	if got := text(b.get(t, "/my/projects", http.StatusOK).Find("tbody .note")); !strings.Contains(got, "Add the partners' roles.") {
		t.Errorf("the list does not show the moderators' note: %q", got)
	}
	doc = b.get(t, "/my/projects/"+id+"/edit", http.StatusOK)
	if got := text(doc.Find("div.note")); !strings.HasPrefix(got, "The moderators wrote:") || !strings.HasSuffix(got, "Add the partners' roles.") || text(doc.Find(".state")) != "Returned for changes" {
		t.Errorf("the form does not show the note: %q", got)
	}
}
