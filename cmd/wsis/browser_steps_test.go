package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// person is someone who registers through the registration form, in the
// language they read.
type person struct {
	email, name, organization, stakeholderType, country, lang string
}

// password is every journey person's password.
const password = "a long enough password"

// register fills the registration form in p's language and waits for the
// profile it leads to.
func register(t *testing.T, ctx context.Context, base string, p person) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/register?lang="+p.lang),
		chromedp.SendKeys(`#email`, p.email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, p.name, chromedp.ByQuery),
		chromedp.SendKeys(`#organization`, p.organization, chromedp.ByQuery),
		chromedp.SetValue(`#stakeholder_type`, p.stakeholderType, chromedp.ByQuery),
		chromedp.SetValue(`#country`, p.country, chromedp.ByQuery),
		chromedp.Submit(`#email`, chromedp.ByQuery),
		chromedp.WaitVisible(`.unverified`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("register %s: %v", p.email, err)
	}
}

// verifyEmail follows the verification link mailed to email and confirms
// it on the page it opens.
func verifyEmail(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/verify-email?token="+verificationToken(t, base, email)),
		chromedp.Click(`form[action="/verify-email"] button`, chromedp.ByQuery), chromedp.WaitVisible(`.notice p`, chromedp.ByQuery)); err != nil {
		t.Fatalf("verify %s: %v", email, err)
	}
}

// recordProject fills the project form, saves it, submits it to the
// moderators and returns its id.
func recordProject(t *testing.T, ctx context.Context, base, title, line string) string {
	t.Helper()
	var location string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/my/projects/new"),
		chromedp.SendKeys(`#title`, title, chromedp.ByQuery),
		chromedp.SetValue(`#summary`, strings.Repeat("شبكة مجتمعية توفر الإنترنت بأسعار معقولة ", 5), chromedp.ByQuery),
		chromedp.SendKeys(`#organization`, "Digital Sahel", chromedp.ByQuery),
		chromedp.SetValue(`#stakeholder_type`, "civil-society", chromedp.ByQuery),
		chromedp.SetValue(`#countries`, "SN", chromedp.ByQuery),
		chromedp.SetValue(`#coverage`, "national", chromedp.ByQuery),
		chromedp.Click(`input[name=action_lines][value=`+line+`]`, chromedp.ByQuery),
		chromedp.Click(`input[name=sdgs][value="9"]`, chromedp.ByQuery),
		chromedp.SetValue(`#status`, "ongoing", chromedp.ByQuery),
		chromedp.SetValue(`#start_date`, "2024-03-01", chromedp.ByQuery),
		chromedp.SendKeys(`#contact_email`, "contact@sahel.example", chromedp.ByQuery),
		chromedp.Submit(`#title`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/submit"] button`, chromedp.ByQuery),
		chromedp.Location(&location),
		chromedp.Click(`form[action$="/submit"] button`, chromedp.ByQuery),
		// The list of the user's projects, where submitting leads.
		chromedp.WaitVisible(`a.button[href="/my/projects/new"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("record %s: %v", title, err)
	}
	id := regexp.MustCompile(`/my/projects/([0-9a-f]+)/edit`).FindStringSubmatch(location)
	if id == nil {
		t.Fatalf("the saved project is at %s", location)
	}
	return id[1]
}

// nominate enters the project into category through the nomination form.
func nominate(t *testing.T, ctx context.Context, base, projectID, category string) {
	t.Helper()
	text := func(n int) string { return strings.Repeat("نتائج ", n) }
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/2031/nominate?project="+projectID),
		chromedp.SetValue(`#category`, category, chromedp.ByQuery),
		chromedp.SetValue(`#short_description`, text(160), chromedp.ByQuery),
		chromedp.SetValue(`#impact`, text(60), chromedp.ByQuery),
		chromedp.SetValue(`#sdg_linkage`, text(60), chromedp.ByQuery),
		chromedp.SetValue(`#partnerships`, text(60), chromedp.ByQuery),
		chromedp.SetValue(`#challenges`, text(60), chromedp.ByQuery),
		chromedp.SetValue(`#implementation`, "completed", chromedp.ByQuery),
		chromedp.Submit(`#short_description`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice p`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("nominate %s in category %s: %v", projectID, category, err)
	}
}

// screenshot holds the page the browser shows to axe-core
// (checkAccessibility) and saves it as NAME.png in the directory
// WSIS_BROWSER_ARTIFACTS names, for CI to keep.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	checkAccessibility(t, ctx, name)
	dir := os.Getenv("WSIS_BROWSER_ARTIFACTS")
	if dir == "" {
		return
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// vote votes in category of contest year on the ballot, confirming the
// vote on the confirmation step, and returns the confirmation the page
// announces with the receipt.
func vote(t *testing.T, ctx context.Context, base, year, category string) string {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/"+year+"/ballot?category="+category),
		chromedp.Click(`input[name=nomination_id]`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/ballot/confirm"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[method=post][action$="/ballot"] button`, chromedp.ByQuery),
		chromedp.Click(`form[method=post][action$="/ballot"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.vote code.receipt`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("vote in category %s: %v", category, err)
	}
	return notice(t, ctx, "vote in category "+category)
}
