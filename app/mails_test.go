package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// useCaseMails are the mails the use cases send, each with the text of its
// data that its body must show.
var useCaseMails = map[app.MailKey]string{
	app.MailNominationReceived:    "Open maps",
	app.MailNominationWithdrawn:   "Open maps",
	app.MailNominationScreenedOut: "Not an ICT project",
	app.MailNomineeChosen:         "Open maps",
	app.MailNomineeNotShortlisted: "Open maps",
	app.MailChampionChosen:        "Open maps",
	app.MailChampionDropped:       "Open maps",
	app.MailResultsWinner:         "Open maps",
	app.MailResultsChampion:       "Open maps",
	app.MailVoteReceipts:          "receipt-r1",
	app.MailProjectModerated:      "Add sources",
	app.MailAssignmentsNew:        "Sahel Org",
}

func mailData() app.MailData {
	closes := time.Date(2027, time.March, 2, 14, 30, 0, 0, time.UTC)
	n := models.Nomination{ID: "n1", ProjectTitle: "Open maps", Category: 3, Organization: "Sahel Org",
		IneligibleReason: "Not an ICT project"}
	return app.MailData{Name: "Amina", URL: "http://wsis.test", Year: 2027, Nomination: n, ClosesAt: closes,
		Project:  models.Project{ID: "p1", ProjectContent: models.ProjectContent{Title: "Open maps"}, Note: "Add sources"},
		Decision: models.ProjectReturned, KeptPublished: true, Count: 1, Nominations: []models.Nomination{n},
		Votes: []models.Vote{{ID: "v1", Category: 3, NominationID: "n1", Receipt: "receipt-r1", CastAt: closes}}}
}

func TestRenderMailIn_UseCaseMailsInEveryLanguage(t *testing.T) {
	data := mailData()
	for key, shows := range useCaseMails {
		enSubject, enBody, err := app.RenderMail(key, data)
		if err != nil {
			t.Fatalf("%s in English: %v", key, err)
		}
		for _, l := range locale.Builtin().All() {
			t.Run(string(key)+"/"+l.Code, func(t *testing.T) {
				subject, body, err := app.RenderMailIn(l, key, data)
				if err != nil {
					t.Fatal(err)
				}
				for _, part := range []string{subject, body} {
					if part == "" || strings.Contains(part, "<no value>") || strings.Contains(part, "{{") || strings.Contains(part, "mail.") {
						t.Errorf("unfilled text %q", part)
					}
				}
				if !strings.Contains(body, "Amina") || !strings.Contains(body, shows) {
					t.Errorf("body lacks the name or %q:\n%s", shows, body)
				}
				if l.Code != "en" && (subject == enSubject || body == enBody) {
					t.Errorf("not translated: %q", subject)
				}
			})
		}
	}
}

func TestRenderMailIn_DatesAndNamesInTheMailsLanguage(t *testing.T) {
	data := mailData()
	for _, l := range locale.Builtin().All() {
		_, body, err := app.RenderMailIn(l, app.MailNominationReceived, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{l.DateTime(data.ClosesAt), l.ActionLine("c3")} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body lacks %q:\n%s", l.Code, want, body)
			}
		}
		_, body, _ = app.RenderMailIn(l, app.MailVoteReceipts, data)
		if !strings.Contains(body, l.DateTime(data.Votes[0].CastAt)) {
			t.Errorf("%s: receipts lack the vote's time in the language:\n%s", l.Code, body)
		}
	}
	fr, _ := locale.Builtin().Locale("fr")
	if _, body, _ := app.RenderMailIn(fr, app.MailNominationReceived, data); !strings.Contains(body, "2 mars 2027") {
		t.Errorf("French date: %s", body)
	}
}

func TestMailLocale_AccountsWithoutALanguageGetEnglish(t *testing.T) {
	for lang, want := range map[string]string{"": "en", "fr": "fr", "ar": "ar", "xx": "en"} {
		if got := app.MailLocale(models.User{Language: lang}).Code; got != want {
			t.Errorf("language %q: mails in %s, want %s", lang, got, want)
		}
	}
}
