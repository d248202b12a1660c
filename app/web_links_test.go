package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func TestRenderMailIn_AccountMailsInEveryLanguage(t *testing.T) {
	data := app.MailData{Name: "Amina", Link: "http://wsis.test/verify-email?token=t"}
	for _, key := range []app.MailKey{app.MailVerifyEmail, app.MailResetPassword} {
		enSubject, enBody, err := app.RenderMail(key, data)
		if err != nil {
			t.Fatal(err)
		}
		subjects := map[string]bool{}
		for _, l := range locale.Builtin().All() {
			subject, body, err := app.RenderMailIn(l, key, data)
			if err != nil || !strings.Contains(body, "Amina") || !strings.Contains(body, data.Link) {
				t.Fatalf("%s %s: %q %q %v", l.Code, key, subject, body, err)
			}
			if l.Code == "en" && (subject != enSubject || body != enBody) {
				t.Errorf("en %s differs from RenderMail", key)
			}
			if subjects[subject] {
				t.Errorf("%s %s: subject %q is another language's", l.Code, key, subject)
			}
			subjects[subject] = true
		}
	}
}

// mailRecorder is a Mailer that keeps what it is given.
type mailRecorder struct {
	mu    sync.Mutex
	mails []models.Mail
}

func (r *mailRecorder) Send(_ context.Context, m models.Mail) (models.Mail, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mails = append(r.mails, m)
	return m, nil
}

func TestMailResetLink_DecoyForUnknownAndDisabledAccounts(t *testing.T) {
	clock := models.NewFixedClock(subOpens)
	f := newFixture(t, clock, clock)
	ctx := context.Background()
	sent := &mailRecorder{}
	svc, err := app.New(app.Config{Store: f.store, Mailer: sent, Clock: clock, PublicURL: "http://wsis.test"})
	if err != nil {
		t.Fatal(err)
	}
	ru, _ := locale.Builtin().Locale("ru")
	gone := f.createUser(t, "gone@example.org")
	yes := true
	if _, err := svc.ChangeAccess(ctx, f.admin, gone.ID, 0, store.AccessPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"amina@example.org", "nobody@example.org", "gone@example.org"} {
		if err := svc.MailResetLink(ctx, ru, email); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
	}
	kinds := map[string]string{}
	for _, m := range sent.mails {
		kinds[m.To] = m.Kind
		if m.To == "amina@example.org" && (!strings.Contains(m.Subject, "Сброс пароля") || !strings.Contains(m.Body, "http://wsis.test/reset-password?token=")) {
			t.Errorf("reset mail in Russian: %q\n%s", m.Subject, m.Body)
		}
	}
	want := map[string]string{"amina@example.org": models.ActionResetPassword, "nobody@example.org": models.MailDecoy,
		"gone@example.org": models.MailDecoy}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("mails %v, want %v: a real mail only to the active account", kinds, want)
	}
}
