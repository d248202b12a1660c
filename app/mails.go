package app

import (
	"context"
	"fmt"
	"time"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// MailKey names one mail text of the platform: its subject and body are
// the catalogue texts KEY.subject and KEY.body of package locale, in every
// language (the use cases' mails in static/i18n/mails.CODE.json).
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
// mail is about. Its year, dates, category name and decision reach the
// texts written in the mail's language (mailView).
type MailData struct {
	// Name is the recipient's name.
	Name string
	// URL is the platform's public address, for links.
	URL string
	// Year is the contest's year.
	Year int
	// Nomination is the nomination a nominator's mail is about.
	Nomination models.Nomination
	// ActionLine is the name of the nomination's category; a mail names
	// the category of Nomination in its own language instead.
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

// mailView is what the catalogue texts of a mail see: MailData with its
// dates, year, category name and decision written in the mail's language.
type mailView struct {
	MailData
	Year       string
	ActionLine string
	ClosesAt   string
	Decision   string
	Votes      []mailVote
}

// mailVote is one vote of a receipts mail, its time written in the mail's
// language.
type mailVote struct {
	ID, NominationID, Receipt string
	Category                  int
	CastAt                    string
}

func newMailView(l *locale.Locale, data MailData) mailView {
	v := mailView{MailData: data, Year: l.Plain(data.Year), ActionLine: data.ActionLine}
	if c := data.Nomination.Category; c >= 1 && c <= len(models.ActionLines) {
		v.ActionLine = l.ActionLine(models.ActionLines[c-1].Code)
	}
	if !data.ClosesAt.IsZero() {
		v.ClosesAt = l.DateTime(data.ClosesAt)
	}
	if data.Decision != "" {
		v.Decision = l.T("mail.project.decision." + string(data.Decision))
	}
	for _, vote := range data.Votes {
		v.Votes = append(v.Votes, mailVote{ID: vote.ID, NominationID: vote.NominationID, Receipt: vote.Receipt,
			Category: vote.Category, CastAt: l.DateTime(vote.CastAt)})
	}
	return v
}

// RenderMail returns the subject and body of the mail key with data, in
// English. Any caller may render; it returns an error only for a key that
// is not one of the platform's mails.
func RenderMail(key MailKey, data MailData) (subject, body string, err error) {
	return RenderMailIn(english, key, data)
}

var english, _ = locale.Builtin().Locale(models.DefaultLanguage)

// MailLocale returns the language of the mails to u: the account's
// preferred language, English for an account that has none.
func MailLocale(u models.User) *locale.Locale {
	if l, ok := locale.Builtin().Locale(u.Language); ok {
		return l
	}
	return english
}

// RenderMailIn returns the subject and body of the mail key with data in
// the language l, from its catalogue texts KEY.subject and KEY.body. Any
// caller may render; it returns an error only for a key that is not one of
// the platform's mails.
func RenderMailIn(l *locale.Locale, key MailKey, data MailData) (subject, body string, err error) {
	view := newMailView(l, data)
	subject, ok := l.Text(string(key)+".subject", view)
	if !ok {
		return "", "", fmt.Errorf("app: no mail %q in %s", key, l.Code)
	}
	body, ok = l.Text(string(key)+".body", view)
	if !ok {
		return "", "", fmt.Errorf("app: no mail body %q in %s", key, l.Code)
	}
	return subject, body, nil
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
		if subject, body, err = RenderMailIn(MailLocale(to), key, data); err == nil {
			_, err = s.mailer.Send(ctx, models.Mail{To: to.Email, Kind: kind, Subject: subject, Body: body})
		}
	}
	if err != nil {
		s.origin(ctx).Logger.ErrorContext(ctx, string(key)+" not queued", append([]any{"err", err}, what...)...)
	}
}
