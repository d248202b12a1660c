package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

func TestPatchMe_LanguageChangedAndReturned(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "amina@example.org")
	if got := decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...)); got.Language != "en" {
		t.Errorf("an account without a language has %q, want en", got.Language)
	}
	rec := s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"language":"zh"}`), bearer(tok)...)
	if rec.Code != http.StatusOK || decode[models.User](t, rec).Language != "zh" {
		t.Fatalf("patch language: %d %s", rec.Code, rec.Body)
	}
	if got := decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...)); got.Language != "zh" {
		t.Errorf("GET /me language %q, want zh", got.Language)
	}
}

func TestPatchMe_UnknownLanguageRefusedAndChangesNothing(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "amina@example.org")
	before := decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...))
	for _, body := range []string{`{"language":"de","name":"Renamed"}`, `{"language":""}`, `{"language":"FR"}`} {
		p := wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(body), bearer(tok)...), http.StatusUnprocessableEntity, "validation")
		if len(p.Errors) != 1 || p.Errors[0].Field != "language" || !strings.Contains(p.Errors[0].Message, "en, fr, es, ar, zh, ru") {
			t.Errorf("%s: errors %+v, want one on language", body, p.Errors)
		}
	}
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"language":7}`), bearer(tok)...), http.StatusBadRequest, "bad-request")
	after := decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...))
	if after.Language != before.Language || after.Name != before.Name || after.Version != before.Version {
		t.Errorf("a refused patch changed the account: %+v → %+v", before, after)
	}
}

func TestRegister_LanguageGivenOrFromAcceptLanguage(t *testing.T) {
	s := newServer(t)
	for email, tc := range map[string]struct{ field, accept, want string }{
		"given@example.org":   {`"language":"ru",`, "fr-CA", "ru"},
		"browser@example.org": {"", "es-MX,en;q=0.5", "es"},
		"none@example.org":    {"", "", "en"},
	} {
		body := strings.Replace(registerBody(email), "{", "{"+tc.field, 1)
		var headers []string
		if tc.accept != "" {
			headers = []string{"Accept-Language", tc.accept}
		}
		rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(body), headers...)
		if rec.Code != http.StatusCreated || decode[models.User](t, rec).Language != tc.want {
			t.Errorf("%s: %d %s, want language %s", email, rec.Code, rec.Body, tc.want)
		}
		u, _, err := s.store.UserCredentials(context.Background(), email)
		if err != nil || u.Language != tc.want {
			t.Errorf("%s: stored language %q (%v), want %s", email, u.Language, err, tc.want)
		}
	}
	body := strings.Replace(registerBody("bad@example.org"), "{", `{"language":"xx",`, 1)
	p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(body)), http.StatusUnprocessableEntity, "validation")
	if len(p.Errors) != 1 || p.Errors[0].Field != "language" {
		t.Errorf("errors %+v, want one on language", p.Errors)
	}
	if _, _, err := s.store.UserCredentials(context.Background(), "bad@example.org"); err == nil {
		t.Error("a registration with an unknown language stored an account")
	}
}

func TestRegisterPage_AccountTakesThePagesLanguage(t *testing.T) {
	s := newServer(t)
	b := newBrowser(s)
	b.lang = "ar"
	form := url.Values{"email": {"layla@example.org"}, "password": {testPassword}, "name": {"Layla"},
		"organization": {"Digital Levant"}, "stakeholder_type": {"civil-society"}, "country": {"JO"}}
	wantRedirect(t, b.post(t, "/register", form), "/profile")
	u, _, err := s.store.UserCredentials(context.Background(), "layla@example.org")
	if err != nil || u.Language != "ar" {
		t.Fatalf("stored language %q (%v), want ar", u.Language, err)
	}
	m, _ := s.mailTo(t, "layla@example.org", "")
	if ar, _ := locale.Builtin().Locale("ar"); m.Subject != ar.T("mail.account.verify_email.subject") {
		t.Errorf("verification mail %q", m.Subject)
	}
	if got, _ := b.get(t, "/profile", http.StatusOK).Find(`#language option[selected]`).Attr("value"); got != "ar" {
		t.Errorf("the profile shows language %q, want ar", got)
	}
}

func TestProfilePage_LanguageShownEditedAndCheckedNextToItsField(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	b := loggedIn(t, s, "amina@example.org", "")
	doc := b.get(t, "/profile", http.StatusOK)
	if got, _ := doc.Find(`#language option[selected]`).Attr("value"); got != "en" {
		t.Errorf("language shown %q, want en", got)
	}
	if got := text(doc.Find(`#language option[value=fr]`)); got != "français" {
		t.Errorf("French is offered as %q, want its own name", got)
	}
	if got := text(doc.Find(`label[for=language]`)); got != "Language of your emails" {
		t.Errorf("label %q", got)
	}
	form := url.Values{"name": {"Amina"}, "organization": {"Digital Sahel"}, "stakeholder_type": {"civil-society"},
		"country": {"SN"}, "language": {"de"}}
	bad := wantPage(t, b.post(t, "/profile", form), http.StatusUnprocessableEntity)
	if bad.Find("#language-error").Length() != 1 {
		t.Error("an unknown language has no error next to its field")
	}
	if u, _, _ := s.store.UserCredentials(context.Background(), "amina@example.org"); u.Language != "en" || u.Name == "Amina" {
		t.Errorf("a refused form changed the account: %+v", u)
	}
	form.Set("language", "fr")
	wantRedirect(t, b.post(t, "/profile", form), "/profile")
	if u, _, _ := s.store.UserCredentials(context.Background(), "amina@example.org"); u.Language != "fr" {
		t.Errorf("stored language %q, want fr", u.Language)
	}
	form.Del("language")
	form.Set("name", "Amina D.")
	wantRedirect(t, b.post(t, "/profile", form), "/profile")
	if u, _, _ := s.store.UserCredentials(context.Background(), "amina@example.org"); u.Language != "fr" || u.Name != "Amina D." {
		t.Errorf("a form without the language: %q %q, want fr kept", u.Language, u.Name)
	}
}

func TestNominationMail_FrenchNominatorGetsItInFrench(t *testing.T) {
	s := newPrizes(t, "")
	if rec := s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"language":"fr"}`), bearer(s.userTok)...); rec.Code != http.StatusOK {
		t.Fatalf("patch language: %d %s", rec.Code, rec.Body)
	}
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	// The request asks for English: the mail follows the nominator's language.
	rec := s.do(t, http.MethodPost, "/api/v1/contests/2027/nominations", jsonBody(nominationBody(p.ID, 3)),
		append(bearer(s.userTok), "Accept-Language", "en")...)
	if rec.Code != http.StatusCreated {
		t.Fatalf("nominate: %d %s", rec.Code, rec.Body)
	}
	n := decode[models.Nomination](t, rec)
	mails, err := s.store.RecentMails(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var got *models.Mail
	for i, m := range mails {
		if m.To == s.user.Email && strings.Contains(m.Body, "/nominations/"+n.ID) {
			got = &mails[i]
		}
	}
	if got == nil {
		t.Fatal("no nomination mail in the outbox")
	}
	if got.Subject != "Votre candidature aux Prix du SMSI 2027 est reçue" || !strings.HasPrefix(got.Body, "Bonjour ") ||
		!strings.Contains(got.Body, "Accès à l") {
		t.Errorf("mail not in French:\n%s\n%s", got.Subject, got.Body)
	}
}
