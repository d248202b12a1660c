package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// jsonString is s as a JSON string literal, with every character that JSON
// lets through as it is.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestProject_OneLineFieldsRefuseControlFormatAndBidiCharacters(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	for _, tc := range []struct{ name, field, value, path string }{
		{"line feed in the title", "title", jsonString("A valid\ntitle"), "title"},
		{"tab in the title", "title", jsonString("A valid\ttitle"), "title"},
		{"right-to-left override in the title", "title", jsonString("Project \u202eexe.txt"), "title"},
		{"zero-width space in the organization", "organization", jsonString("\u200bDigital Sahel"), "organization"},
		{"soft hyphen in the organization", "organization", jsonString("Digital\u00adSahel"), "organization"},
		{"NUL in the organization", "organization", `"Digital\u0000Sahel"`, "organization"},
		{"word joiner in a partner", "partners", `["ITU","U\u2060NESCO"]`, "partners[1]"},
		{"line separator in a partner", "partners", `["ITU\u2028UNESCO"]`, "partners[0]"},
		{"left-to-right isolate in the summary", "summary", jsonString(validSummary + " \u2066hidden\u2069"), "summary"},
		{"vertical tab in the description", "description", jsonString("First part.\vSecond part."), "description"},
		{"lone carriage return in the description", "description", jsonString("First part.\rSecond part."), "description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody("A valid title", tc.field, tc.value)), bearer(tok)...)
			p := wantProblem(t, rec, http.StatusUnprocessableEntity, "validation")
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.path || p.Errors[0].Message == "" {
				t.Fatalf("errors = %+v, want one naming %s", p.Errors, tc.path)
			}
		})
	}
	mine := decode[struct {
		Items []json.RawMessage `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/projects", nil, bearer(tok)...))
	if len(mine.Items) != 0 {
		t.Fatalf("refused projects were stored: %d", len(mine.Items))
	}
}

func TestProject_LongTextsKeepLineBreaks(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	body := projectBody("A valid title", "description", jsonString("First paragraph.\n\nSecond paragraph.\r\nThird line."),
		"organization", jsonString("Fundación Señal · مؤسسة"))
	rec := s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `Second paragraph.\r\nThird line.`) {
		t.Fatalf("line breaks in a description: %d %s", rec.Code, rec.Body)
	}
}

func TestNomination_LongTextsAllowLineBreaksOnly(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	impact := words(30, "impact") + "\n\n" + words(30, "impact")
	wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 3, "impact", jsonString(impact+"\u202e"))),
		http.StatusUnprocessableEntity, "validation")
	tabbed := wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 3, "challenges", jsonString(words(60, "x\t")))),
		http.StatusUnprocessableEntity, "validation")
	if tabbed.Errors[0].Field != "challenges" {
		t.Fatalf("errors = %+v", tabbed.Errors)
	}
	if rec := s.nominate(t, s.userTok, nominationBody(p.ID, 3, "impact", jsonString(impact))); rec.Code != http.StatusCreated {
		t.Fatalf("an answer with paragraphs: %d %s", rec.Code, rec.Body)
	}
}

func TestDecode_InvalidUTF8AnywhereIs400(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	valid := projectBody("A valid title")
	for name, body := range map[string]string{
		"invalid byte in a value":       strings.Replace(valid, "Digital Sahel", "Digital \xffSahel", 1),
		"truncated sequence in a value": strings.Replace(valid, "Longer description", "Longer \xc3description", 1),
		"invalid byte in a key":         strings.Replace(valid, `"title"`, `"ti\xfetle"`, 1),
		"lone high surrogate escape":    strings.Replace(valid, "Digital Sahel", `Digital \ud83d Sahel`, 1),
		"lone low surrogate escape":     strings.Replace(valid, "Digital Sahel", `Digital \ude00 Sahel`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...), http.StatusBadRequest, "bad-request")
		})
	}
	// An escaped backslash before a u is no escape, and a whole pair is a character.
	body := projectBody("A valid title", "description", `"a path C:\\ud800 and an emoji \ud83d\ude00"`)
	if rec := s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(body), bearer(tok)...); rec.Code != http.StatusCreated {
		t.Fatalf("valid escapes: %d %s", rec.Code, rec.Body)
	}
}
