package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	ctx := newBrowserContext(t, exe)

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

// TestUI_PrizesJourneyInArabicInARealBrowser follows a contest through the
// pages in Arabic: a stakeholder records two projects with the project form
// and submits them, the secretariat publishes them (through the API until
// the admin pages exist), the stakeholder nominates each in a category of
// its own, the nominees are published and voting opens (the API again), the
// stakeholder votes in both categories, confirming each vote, and finds
// both receipts among their votes; the results, once published, show both
// nominees as champions with their vote.
func TestUI_PrizesJourneyInArabicInARealBrowser(t *testing.T) {
	exe := browserPath(t)
	base, stop := startServer(t, t.TempDir(), io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	admin := apiClient{t: t, base: base}
	admin.token = admin.login("chief@example.org", "chief admin password")
	now := time.Now().UTC().Truncate(time.Second)
	admin.call(http.MethodPost, "/api/v1/admin/contests", http.StatusCreated, map[string]any{"year": 2031, "title": "WSIS Prizes 2031",
		"schedule": schedule(now.Add(-time.Hour), now.Add(time.Hour), now.Add(2*time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour), now.Add(4*time.Hour))})

	ctx := newBrowserContext(t, exe)
	register(t, ctx, base, "amina@example.org")
	screenshot(t, ctx, "journey-1-registered")
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/verify-email?token="+verificationToken(t, base, "amina@example.org")),
		chromedp.Click(`form[action="/verify-email"] button`, chromedp.ByQuery), chromedp.WaitVisible(`.notice p`, chromedp.ByQuery)); err != nil {
		t.Fatalf("verify: %v", err)
	}
	var projects []string
	for _, p := range []struct{ title, line string }{{"شبكات القرى المجتمعية", "c2"}, {"مدارس رقمية للجميع", "c4"}} {
		id := recordProject(t, ctx, base, p.title, p.line)
		admin.call(http.MethodPost, "/api/v1/admin/projects/"+id+"/publish", http.StatusOK, nil)
		projects = append(projects, id)
	}
	screenshot(t, ctx, "journey-2-projects")
	for i, category := range []string{"2", "4"} {
		nominate(t, ctx, base, projects[i], category)
	}
	screenshot(t, ctx, "journey-3-nominations")

	// The Expert Group: submissions close and the review opens; two
	// reviewers, each assigned both nominations, score and submit them. The
	// review closes and the nominees follow from the ranking; voting opens.
	admin.call(http.MethodPatch, "/api/v1/admin/contests/2031", http.StatusOK, map[string]any{
		"schedule": schedule(now.Add(-4*time.Hour), now.Add(-time.Minute), now.Add(time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour), now.Add(4*time.Hour))})
	anonymous := apiClient{t: t, base: base}
	var experts []apiClient
	var expertIDs []string
	for i := range 2 {
		email := fmt.Sprintf("expert%d@example.org", i)
		var u struct {
			ID string `json:"id"`
		}
		anonymous.decode(anonymous.call(http.MethodPost, "/api/v1/auth/register", http.StatusCreated, map[string]any{
			"email": email, "password": "expert group password", "name": fmt.Sprintf("Expert %d", i),
			"organization": "WSIS Expert Group", "stakeholder_type": "academia", "country": "CH"}), &u)
		admin.call(http.MethodPatch, "/api/v1/admin/users/"+u.ID, http.StatusOK, map[string]any{"roles": []string{"reviewer"}})
		expert := apiClient{t: t, base: base}
		expert.token = expert.login(email, "expert group password")
		experts, expertIDs = append(experts, expert), append(expertIDs, u.ID)
	}
	admin.call(http.MethodPost, "/api/v1/admin/contests/2031/assignments/auto", http.StatusOK,
		map[string]any{"reviews_per_nomination": 2, "reviewer_ids": expertIDs})
	scores := map[string]int{"relevance": 8, "impact": 7, "empowerment": 6, "sdg_gdc": 9, "replicability": 5,
		"sustainability": 7, "partnerships": 8, "wsis_values": 9}
	for _, expert := range experts {
		var assignments struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		expert.get("/api/v1/reviewer/assignments", &assignments)
		if len(assignments.Items) != 2 {
			t.Fatalf("a reviewer has %d assignments, want 2", len(assignments.Items))
		}
		for _, a := range assignments.Items {
			expert.call(http.MethodPut, "/api/v1/reviewer/assignments/"+a.ID+"/review", http.StatusOK,
				map[string]any{"scores": scores, "comment": "Sound, replicable work.", "submit": true})
		}
	}
	admin.call(http.MethodPatch, "/api/v1/admin/contests/2031", http.StatusOK, map[string]any{
		"schedule": schedule(now.Add(-4*time.Hour), now.Add(-3*time.Hour), now.Add(-2*time.Hour), now.Add(time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour))})
	var published struct {
		Nominees []string `json:"nominees"`
	}
	admin.decode(admin.call(http.MethodPost, "/api/v1/admin/contests/2031/nominees/publish", http.StatusOK, nil), &published)
	if len(published.Nominees) != 2 {
		t.Fatalf("the ranking made %d nominees, want both nominations", len(published.Nominees))
	}
	admin.call(http.MethodPatch, "/api/v1/admin/contests/2031", http.StatusOK, map[string]any{
		"schedule": map[string]any{"voting": map[string]string{"opens_at": now.Add(-time.Minute).Format(time.RFC3339),
			"closes_at": now.Add(time.Hour).Format(time.RFC3339)}}})

	for _, category := range []string{"2", "4"} {
		var notice string
		err := chromedp.Run(ctx,
			chromedp.Navigate(base+"/contests/2031/ballot?lang=ar&category="+category),
			chromedp.Click(`input[name=nomination_id]`, chromedp.ByQuery),
			chromedp.Click(`form[action$="/ballot/confirm"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`form[method=post][action$="/ballot"] button`, chromedp.ByQuery),
			chromedp.Click(`form[method=post][action$="/ballot"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`.vote code.receipt`, chromedp.ByQuery),
			chromedp.Text(`.notice p`, &notice, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("vote in category %s: %v", category, err)
		}
		if !strings.Contains(notice, "تم تسجيل صوتك") {
			t.Errorf("after voting in category %s: %q", category, notice)
		}
		screenshot(t, ctx, "journey-4-voted-category-"+category)
	}
	var receipts int
	var dir string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/2031/my-votes"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("tbody code.receipt").length`, &receipts),
		chromedp.Evaluate(`document.documentElement.dir`, &dir),
	)
	if err != nil {
		t.Fatalf("my votes: %v", err)
	}
	screenshot(t, ctx, "journey-5-my-votes")
	if receipts != 2 || dir != "rtl" {
		t.Errorf("my votes in Arabic show %d receipts (dir %q), want 2", receipts, dir)
	}

	// Voting closes and the champions are published; the selection window
	// closes (no reviewer picked a winner) and the results are published:
	// the results page shows each category's champion with its vote.
	closed := time.Now().UTC().Truncate(time.Second)
	window := func(opens, closes time.Time) map[string]string {
		return map[string]string{"opens_at": opens.Format(time.RFC3339), "closes_at": closes.Format(time.RFC3339)}
	}
	admin.call(http.MethodPatch, "/api/v1/admin/contests/2031", http.StatusOK, map[string]any{"schedule": map[string]any{
		"voting": window(now.Add(-time.Minute), closed), "selection": window(closed, closed.Add(time.Hour))}})
	admin.call(http.MethodPost, "/api/v1/admin/contests/2031/champions/publish", http.StatusOK, nil)
	admin.call(http.MethodPatch, "/api/v1/admin/contests/2031", http.StatusOK, map[string]any{"schedule": map[string]any{
		"selection": window(closed, closed.Add(time.Second))}})
	time.Sleep(time.Until(closed.Add(time.Second))) // until the selection window has closed
	admin.call(http.MethodPost, "/api/v1/admin/contests/2031/results/publish", http.StatusOK, nil)
	var tables, champions int
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/2031/results?lang=ar"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("main table")].filter(t => t.querySelector("tbody tr")).length`, &tables),
		chromedp.Evaluate(`[...document.querySelectorAll("tbody tr")].filter(r => r.cells[2].textContent === "١" && r.cells[3].textContent === "بطل").length`, &champions),
	)
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	screenshot(t, ctx, "journey-6-results")
	if tables != 2 || champions != 2 {
		t.Errorf("the results show %d categories with champions and %d champions with one vote, want 2 and 2", tables, champions)
	}

	// The voter checks, in the browser, that their first vote is in the
	// published tree of its category; a proof towards another root fails.
	var state, tampered string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/2031/my-votes?lang=ar"),
		chromedp.Click(`tbody a[href$="/proof"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-verify-proof]`, chromedp.ByQuery),
		chromedp.Click(`button[data-verify-proof]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-proof-result][data-state]`, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-proof-result]`, "data-state", &state, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("proof: %v", err)
	}
	screenshot(t, ctx, "journey-7-proof-verified")
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector("[data-proof]").dataset.root = "00".repeat(32); document.querySelector("[data-proof-result]").removeAttribute("data-state")`, nil),
		chromedp.Click(`button[data-verify-proof]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-proof-result][data-state]`, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-proof-result]`, "data-state", &tampered, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("proof towards another root: %v", err)
	}
	if state != "verified" || tampered != "failed" {
		t.Errorf("the browser's check: %q for the published root, %q for another; want verified and failed", state, tampered)
	}

	// Every page of the journey, in every language, passes axe-core and is
	// right-to-left exactly in Arabic.
	var proofPage string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/contests/2031/my-votes"),
		chromedp.AttributeValue(`tbody a[href$="/proof"]`, "href", &proofPage, nil, chromedp.ByQuery)); err != nil {
		t.Fatalf("my votes: %v", err)
	}
	pages := []string{"/", "/projects", "/projects/" + projects[0], "/stats", "/contests/2031/nominees?category=2",
		"/contests/2031/results", "/contests/2031/ballot?category=2", "/contests/2031/my-votes", proofPage, "/profile",
		"/my/projects", "/my/projects/" + projects[0] + "/edit", "/my/nominations", "/contests/2031/nominate"}
	for _, lang := range []string{"en", "fr", "es", "ar", "zh", "ru"} {
		for _, page := range pages {
			sep := "?"
			if strings.Contains(page, "?") {
				sep = "&"
			}
			var dir, htmlLang string
			err := chromedp.Run(ctx, chromedp.Navigate(base+page+sep+"lang="+lang), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.dir`, &dir), chromedp.Evaluate(`document.documentElement.lang`, &htmlLang))
			if err != nil {
				t.Fatalf("%s in %s: %v", page, lang, err)
			}
			if htmlLang != lang || (dir == "rtl") != (lang == "ar") {
				t.Errorf("%s in %s: lang %q, dir %q", page, lang, htmlLang, dir)
			}
			checkAccessibility(t, ctx, page+" in "+lang)
		}
	}
}

// register fills the registration form in Arabic and waits for the
// profile it leads to.
func register(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/register?lang=ar"),
		chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "a long enough password", chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "أمينة", chromedp.ByQuery),
		chromedp.SendKeys(`#organization`, "Digital Sahel", chromedp.ByQuery),
		chromedp.SetValue(`#stakeholder_type`, "civil-society", chromedp.ByQuery),
		chromedp.SetValue(`#country`, "SN", chromedp.ByQuery),
		chromedp.Submit(`#email`, chromedp.ByQuery),
		chromedp.WaitVisible(`.unverified`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
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

// schedule is a contest schedule: submission from at[0] to at[1], review
// from then to at[2], voting from at[3] to at[4] and selection from then to
// at[5].
func schedule(at ...time.Time) map[string]any {
	w := func(a, b time.Time) map[string]string {
		return map[string]string{"opens_at": a.Format(time.RFC3339), "closes_at": b.Format(time.RFC3339)}
	}
	return map[string]any{"submission": w(at[0], at[1]), "review": w(at[1], at[2]), "voting": w(at[3], at[4]), "selection": w(at[4], at[5])}
}

// apiClient calls the JSON API as one signed-in user.
type apiClient struct {
	t           *testing.T
	base, token string
}

func (a apiClient) login(email, password string) string {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.decode(a.call(http.MethodPost, "/api/v1/auth/login", http.StatusOK, map[string]string{"email": email, "password": password}), &tok)
	return tok.AccessToken
}

func (a apiClient) get(path string, into any) {
	a.decode(a.call(http.MethodGet, path, http.StatusOK, nil), into)
}

func (a apiClient) call(method, path string, want int, body any) []byte {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		a.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, got, want)
	}
	return got
}

func (a apiClient) decode(body []byte, into any) {
	a.t.Helper()
	if err := json.Unmarshal(body, into); err != nil {
		a.t.Fatalf("%v: %s", err, body)
	}
}
