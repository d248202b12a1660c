package main

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUI_StakeholderJourneyInArabicInARealBrowser drives the stakeholder
// pages in Arabic through a real browser, whose forms must pass the
// cross-site protection as the platform's own: register, verify the email
// through the link in the development mailbox, record a project with the
// word counter counting live, and log out.
func TestUI_StakeholderJourneyInArabicInARealBrowser(t *testing.T) {
	exe := browserPath(t)
	base, stop := startServer(t, t.TempDir(), io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx := newBrowserContext(t, exe, 2*time.Minute)

	var unverified string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/register?lang=ar"),
		chromedp.SendKeys(`#email`, "amina@example.org", chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "a long enough password", chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "أمينة", chromedp.ByQuery),
		chromedp.SendKeys(`#organization`, "Digital Sahel", chromedp.ByQuery),
		chromedp.SetValue(`#stakeholder_type`, "civil-society", chromedp.ByQuery),
		chromedp.SetValue(`#country`, "SN", chromedp.ByQuery),
		chromedp.Submit(`#email`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[dir=rtl] .unverified`, chromedp.ByQuery),
		chromedp.Text(`.unverified`, &unverified, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	checkAccessibility(t, ctx, "profile after registering")
	if !strings.Contains(unverified, "لم يتم التحقق") {
		t.Errorf("the new profile says %q", unverified)
	}

	token := verificationToken(t, base, "amina@example.org")
	var verified, counter, before string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/verify-email?token="+token),
		chromedp.Click(`form[action="/verify-email"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice p`, chromedp.ByQuery),
		chromedp.Text(`.notice p`, &verified, chromedp.ByQuery),
		chromedp.Navigate(base+"/my/projects/new"),
		chromedp.Text(`[data-word-count-for=summary]`, &before, chromedp.ByQuery),
		chromedp.SendKeys(`#summary`, "شبكات مجتمعية تربط القرى", chromedp.ByQuery),
		chromedp.Text(`[data-word-count-for=summary]`, &counter, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("verify and the project form: %v", err)
	}
	if verified != "تم التحقق من بريدك الإلكتروني. شكرًا لك." {
		t.Errorf("after verifying: %q", verified)
	}
	checkAccessibility(t, ctx, "project form")
	if before != "٠ / ٣٠٠ كلمة" || counter != "٤ / ٣٠٠ كلمة" {
		t.Errorf("word counter %q before typing and %q after, want ٠ then ٤ of ٣٠٠", before, counter)
	}

	var loggedOut string
	err = chromedp.Run(ctx,
		chromedp.Click(`nav form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice p`, chromedp.ByQuery),
		chromedp.Text(`.notice p`, &loggedOut, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("logout: %v", err)
	}
	if loggedOut != "تم تسجيل خروجك." {
		t.Errorf("after logging out: %q", loggedOut)
	}
}

var mailToken = regexp.MustCompile(`/verify-email\?token=([A-Za-z0-9_-]+)`)

// verificationToken reads the newest verification link mailed to email
// from the development mailbox.
func verificationToken(t *testing.T, base, email string) string {
	t.Helper()
	res, err := http.Get(base + "/api/v1/dev/mailbox")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var mails []struct {
		To   string `json:"to"`
		Body string `json:"body"`
	}
	if err := json.NewDecoder(res.Body).Decode(&mails); err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == email {
			if match := mailToken.FindStringSubmatch(m.Body); match != nil {
				return match[1]
			}
		}
	}
	t.Fatalf("no verification link to %s in the mailbox", email)
	return ""
}
