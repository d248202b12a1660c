package app

import (
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// MailKey names one mail text of the platform: its subject and body are
// the catalogue texts KEY.subject and KEY.body of package locale where the
// catalogues have them (the account mails, in every language), else the
// English texts of mailTexts.
type MailKey string

// The platform's mails. Every mail a use case sends is one of these.
const (
	MailNominationReceived    MailKey = "mail.nomination.received"
	MailNominationWithdrawn   MailKey = "mail.nomination.withdrawn"
	MailNominationScreenedOut MailKey = "mail.nomination.screened_out"
	MailNomineeChosen         MailKey = "mail.nominee.chosen"
	MailNomineeNotShortlisted MailKey = "mail.nominee.not_shortlisted"
	MailChampionChosen        MailKey = "mail.champion.chosen"
	MailChampionDropped       MailKey = "mail.champion.dropped"
	MailResultsWinner         MailKey = "mail.results.winner"
	MailResultsChampion       MailKey = "mail.results.champion"
	MailVoteReceipts          MailKey = "mail.vote.receipts"
	MailProjectModerated      MailKey = "mail.project.moderated"
	MailAssignmentsNew        MailKey = "mail.assignment.new"
	MailVerifyEmail           MailKey = "mail.account.verify_email"
	MailResetPassword         MailKey = "mail.account.reset_password"
)

// MailData is what a mail text may name; each text uses the fields its
// mail is about.
type MailData struct {
	// Name is the recipient's name.
	Name string
	// URL is the platform's public address, for links.
	URL string
	// Year is the contest's year.
	Year int
	// Nomination is the nomination a nominator's mail is about.
	Nomination models.Nomination
	// ActionLine is the name of the nomination's category.
	ActionLine string
	// ClosesAt is when the submission window closes, in UTC.
	ClosesAt time.Time
	// Project and Decision are a moderated project and the moderators'
	// decision; KeptPublished says a rejected edit left the published
	// version in place.
	Project       models.Project
	Decision      models.ProjectState
	KeptPublished bool
	// Count and Nominations are a reviewer's new assignments and the
	// nominations found for them.
	Count       int
	Nominations []models.Nomination
	// Votes are a voter's votes with their receipts.
	Votes []models.Vote
	// Link is an emailed one-use link.
	Link string
}

type mailText struct{ subject, body string }

// nominatorMail is the text of a mail to a nomination's nominator: a
// greeting, text and the nomination's link.
func nominatorMail(subject, text string) mailText {
	return mailText{subject, "Hello {{.Name}},\n\n" + text + "\n\n{{.URL}}/nominations/{{.Nomination.ID}}\n"}
}

var mailTexts = map[MailKey]mailText{
	MailNominationReceived: nominatorMail("Your nomination for the WSIS Prizes {{.Year}} is received",
		`Your nomination of "{{.Nomination.ProjectTitle}}" in category {{.Nomination.Category}} ({{.ActionLine}}) is received. `+
			`You can edit or withdraw it until the submission window closes at {{.ClosesAt.Format "2006-01-02 15:04"}} (UTC).`),
	MailNominationWithdrawn: nominatorMail("Your nomination for the WSIS Prizes {{.Year}} was withdrawn",
		`The owner of "{{.Nomination.ProjectTitle}}" withdrew your nomination of it in category {{.Nomination.Category}}.`),
	MailNominationScreenedOut: nominatorMail("Your nomination for the WSIS Prizes {{.Year}} was screened out",
		"Your nomination of \"{{.Nomination.ProjectTitle}}\" in category {{.Nomination.Category}} does not meet the contest's rules:\n\n"+
			"{{.Nomination.IneligibleReason}}"),
	MailNomineeChosen: nominatorMail("Your nomination is a nominee of the WSIS Prizes {{.Year}}",
		`"{{.Nomination.ProjectTitle}}" is one of the nominees of category {{.Nomination.Category}}, chosen after the Expert Group's review. `+
			`The public now votes for the champions.`),
	MailNomineeNotShortlisted: nominatorMail("The nominees of the WSIS Prizes {{.Year}} are published",
		`The nominees of category {{.Nomination.Category}} are chosen; "{{.Nomination.ProjectTitle}}" is not among them this year. `+
			`Thank you for taking part.`),
	MailChampionChosen: nominatorMail("Your nomination is a champion of the WSIS Prizes {{.Year}}",
		`"{{.Nomination.ProjectTitle}}" is one of the champions of category {{.Nomination.Category}}, chosen by the public's votes. `+
			`The Expert Group now selects the winners.`),
	MailChampionDropped: nominatorMail("The champions of the WSIS Prizes {{.Year}} have changed",
		`After a recount, "{{.Nomination.ProjectTitle}}" is no longer among the champions of category {{.Nomination.Category}}; `+
			`it remains a nominee.`),
	MailResultsWinner: nominatorMail("Your nomination won the WSIS Prizes {{.Year}}",
		`"{{.Nomination.ProjectTitle}}" is a winner of category {{.Nomination.Category}} of the WSIS Prizes {{.Year}}. Congratulations!`),
	MailResultsChampion: nominatorMail("The results of the WSIS Prizes {{.Year}} are published",
		`The winners of category {{.Nomination.Category}} are chosen; "{{.Nomination.ProjectTitle}}" remains one of its champions.`),
	MailVoteReceipts: {"Your WSIS Prizes votes ({{len .Votes}})",
		"Hello {{.Name}},\n\nThank you for voting in the WSIS Prizes. Your votes and their receipts:\n\n" +
			"{{range .Votes}}- category {{.Category}}, nominee {{.NominationID}}, cast {{.CastAt.Format \"2006-01-02T15:04:05Z07:00\"}}\n" +
			"  vote {{.ID}}\n  receipt {{.Receipt}}\n{{end}}" +
			"\nYour votes are final. You can see them at any time at {{.URL}}/me/votes\n"},
	MailProjectModerated: {"Your WSIS Stocktaking entry: {{.Decision}}",
		"Hello {{.Name}},\n\nThe moderators' decision on your Stocktaking entry \"{{.Project.Title}}\": {{.Decision}}.\n" +
			"{{if .KeptPublished}}Your changes were not accepted; the published version stays as it was.\n{{end}}" +
			"{{with .Project.Note}}\nThe moderators wrote:\n\n{{.}}\n{{end}}" +
			"\nSee it at {{.URL}}/projects/{{.Project.ID}}\n"},
	MailAssignmentsNew: {"{{.Count}} new WSIS Prizes nominations to review",
		"Hello {{.Name}},\n\nYou have new nominations to review:\n\n" +
			"{{range $i, $n := .Nominations}}{{if $i}}\n{{end}}- category {{$n.Category}}: {{$n.ProjectTitle}} ({{$n.Organization}}){{end}}" +
			"\n\nReview them at {{.URL}}/reviewer\n"},
}

// mailTemplates holds each text of mailTexts as the templates KEY.subject
// and KEY.body.
var mailTemplates = func() *template.Template {
	t := template.New("mails").Option("missingkey=error")
	for key, text := range mailTexts {
		template.Must(t.New(string(key) + ".subject").Parse(text.subject))
		template.Must(t.New(string(key) + ".body").Parse(text.body))
	}
	return t
}()

// RenderMail returns the subject and body of the mail key with data, in
// English. Any caller may render; it returns an error only for a key that
// is not one of the platform's mails.
func RenderMail(key MailKey, data MailData) (subject, body string, err error) {
	return RenderMailIn(english, key, data)
}

var english, _ = locale.Builtin().Locale("en")

// RenderMailIn returns the subject and body of the mail key with data in
// the language l, from its catalogue; a mail whose texts are not in the
// catalogues yet is rendered in English. Any caller may render; it returns
// an error only for a key that is not one of the platform's mails.
func RenderMailIn(l *locale.Locale, key MailKey, data MailData) (subject, body string, err error) {
	if subject, ok := l.Text(string(key)+".subject", data); ok {
		if body, ok := l.Text(string(key)+".body", data); ok {
			return subject, body, nil
		}
	}
	var out [2]strings.Builder
	for i, part := range []string{".subject", ".body"} {
		t := mailTemplates.Lookup(string(key) + part)
		if t == nil {
			return "", "", fmt.Errorf("app: no mail %q", key)
		}
		if err := t.Execute(&out[i], data); err != nil {
			return "", "", fmt.Errorf("app: mail %q: %w", key, err)
		}
	}
	return out[0].String(), out[1].String(), nil
}

// mailUser renders key with data (the recipient's name and the public URL
// filled in) and queues it as a mail of kind to the user with userID. The
// change a mail tells of has happened, so a failure is logged with what,
// not returned.
func (s *Service) mailUser(ctx context.Context, userID, kind string, key MailKey, data MailData, what ...any) {
	to, err := s.store.UserByID(ctx, userID)
	if err == nil {
		data.Name, data.URL = to.Name, s.publicURL
		var subject, body string
		if subject, body, err = RenderMail(key, data); err == nil {
			_, err = s.mailer.Send(ctx, models.Mail{To: to.Email, Kind: kind, Subject: subject, Body: body})
		}
	}
	if err != nil {
		s.origin(ctx).Logger.ErrorContext(ctx, string(key)+" not queued", append([]any{"err", err}, what...)...)
	}
}
