package main

import (
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUI_PrizesJourneyInArabicInARealBrowser follows a WSIS year through
// the pages, with no API call, each person in a browser session of their
// own: the secretariat (in English) opens the contest with the console's
// form; a stakeholder records two projects in Arabic, which the
// secretariat publishes from the moderation queue, and nominates each in a
// category of its own; the secretariat makes two Expert Group members
// reviewers on the accounts page, moves the windows with the schedule
// editor and assigns the reviews automatically; the experts (in French)
// score both nominations with the scoring form; the secretariat publishes
// the nominees from the rankings; the stakeholder and a second voter vote;
// the secretariat invalidates the second voter's votes from the anomalies
// page and publishes the champions; the experts pick the winners on the
// selection page; the secretariat publishes the results, which show both
// winners with their one valid vote. Every page visited passes axe-core,
// and every public and console page passes it in every language.
func TestUI_PrizesJourneyInArabicInARealBrowser(t *testing.T) {
	exe := browserPath(t)
	base, stop := startServer(t, t.TempDir(), io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	const year = "2031"
	admin := newBrowserContext(t, exe, journeyLimit)
	logIn(t, admin, base, "chief@example.org", "chief admin password", "en")
	now := time.Now().UTC().Truncate(time.Second)
	createContest(t, admin, base, year, "WSIS Prizes 2031",
		timetableOf(now.Add(-time.Hour), now.Add(time.Hour), now.Add(2*time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour), now.Add(4*time.Hour)))
	screenshot(t, admin, "journey-01-console-contest-created")

	stakeholder := newBrowserContext(t, exe, journeyLimit)
	amina := person{"amina@example.org", "أمينة", "Digital Sahel", "civil-society", "SN", "ar"}
	register(t, stakeholder, base, amina)
	screenshot(t, stakeholder, "journey-02-registered")
	verifyEmail(t, stakeholder, base, amina.email)
	var projects []string
	for _, p := range []struct{ title, line string }{{"شبكات القرى المجتمعية", "c2"}, {"مدارس رقمية للجميع", "c4"}} {
		projects = append(projects, recordProject(t, stakeholder, base, p.title, p.line))
	}
	screenshot(t, stakeholder, "journey-03-projects")
	if err := chromedp.Run(admin, chromedp.Navigate(base+"/admin/projects"), chromedp.WaitVisible(`#project-`+projects[1], chromedp.ByQuery)); err != nil {
		t.Fatalf("moderation queue: %v", err)
	}
	screenshot(t, admin, "journey-04-console-moderation")
	for _, id := range projects {
		moderateProject(t, admin, base, id)
	}
	for i, category := range []string{"2", "4"} {
		nominate(t, stakeholder, base, projects[i], category)
	}
	screenshot(t, stakeholder, "journey-05-nominations")

	// The Expert Group: two experts register in French; the secretariat
	// grants them the reviewer role on the accounts page, closes the
	// submissions, opens the review and assigns both experts to both
	// nominations.
	var reviewers []reviewerSession
	for i, name := range []string{"Claire Dubois", "Moussa Diallo"} {
		p := person{"expert" + strconv.Itoa(i) + "@example.org", name, "WSIS Expert Group", "academia", "CH", "fr"}
		s := newBrowserContext(t, exe, journeyLimit)
		register(t, s, base, p)
		grantReviewer(t, admin, userID(t, admin, base, p.email))
		reviewers = append(reviewers, reviewerSession{p, s})
	}
	screenshot(t, admin, "journey-06-console-reviewers-granted")
	now = time.Now().UTC().Truncate(time.Second)
	moveSchedule(t, admin, base, year,
		timetableOf(now.Add(-4*time.Hour), now, now.Add(time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour), now.Add(4*time.Hour)))
	screenshot(t, admin, "journey-07-console-review-open")
	if loads := autoAssign(t, admin, base, year, "2"); loads != 2 {
		t.Errorf("the automatic assignment's report lists %d reviewers, want 2", loads)
	}
	screenshot(t, admin, "journey-08-console-assigned")

	scores := []string{"8", "7", "6", "9", "5", "7", "8", "9"}
	for i, r := range reviewers {
		if n := scoreAssignments(t, r.ctx, base, scores); n != 2 {
			t.Fatalf("%s scored %d assignments, want 2", r.email, n)
		}
		screenshot(t, r.ctx, "journey-09-review-submitted-"+strconv.Itoa(i))
	}
	var progress int
	if err := chromedp.Run(admin, chromedp.Navigate(base+"/admin/contests/"+year+"/reviewers"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("main tbody tr").length`, &progress)); err != nil {
		t.Fatalf("reviewers' progress: %v", err)
	}
	screenshot(t, admin, "journey-10-console-reviewers-progress")
	if progress != 2 {
		t.Errorf("the reviewers' progress lists %d reviewers, want 2", progress)
	}

	// The review closes; the nominees follow from the ranking and voting
	// opens.
	now = time.Now().UTC().Truncate(time.Second)
	moveSchedule(t, admin, base, year,
		timetableOf(now.Add(-4*time.Hour), now.Add(-3*time.Hour), now, now.Add(time.Hour), now.Add(2*time.Hour), now.Add(3*time.Hour)))
	if n := publishNominees(t, admin, base, year, "2", "4"); n != 2 {
		t.Fatalf("the rankings show %d nominees after publishing, want both nominations", n)
	}
	screenshot(t, admin, "journey-11-console-nominees")
	now = time.Now().UTC().Truncate(time.Second)
	moveSchedule(t, admin, base, year,
		timetableOf(now.Add(-4*time.Hour), now.Add(-3*time.Hour), now.Add(-2*time.Hour), now, now.Add(time.Hour), now.Add(2*time.Hour)))

	for _, category := range []string{"2", "4"} {
		if got := vote(t, stakeholder, base, year, category); !strings.Contains(got, "تم تسجيل صوتك") {
			t.Errorf("after voting in category %s: %q", category, got)
		}
		screenshot(t, stakeholder, "journey-12-voted-category-"+category)
	}
	var receipts int
	var dir string
	err := chromedp.Run(stakeholder,
		chromedp.Navigate(base+"/contests/"+year+"/my-votes"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("tbody code.receipt").length`, &receipts),
		chromedp.Evaluate(`document.documentElement.dir`, &dir),
	)
	if err != nil {
		t.Fatalf("my votes: %v", err)
	}
	screenshot(t, stakeholder, "journey-13-my-votes")
	if receipts != 2 || dir != "rtl" {
		t.Errorf("my votes in Arabic show %d receipts (dir %q), want 2", receipts, dir)
	}
	// A second voter, whose vote the secretariat will find suspect.
	sam := person{"sam@example.org", "Sam Carter", "Open Mesh", "private-sector", "GB", "en"}
	voter := newBrowserContext(t, exe, journeyLimit)
	register(t, voter, base, sam)
	verifyEmail(t, voter, base, sam.email)
	vote(t, voter, base, year, "2")

	// Voting closes and the selection opens; the secretariat invalidates
	// the second voter's vote and publishes the champions.
	now = time.Now().UTC().Truncate(time.Second)
	moveSchedule(t, admin, base, year,
		timetableOf(now.Add(-4*time.Hour), now.Add(-3*time.Hour), now.Add(-2*time.Hour), now.Add(-time.Hour), now, now.Add(time.Hour)))
	if got := invalidateVoter(t, admin, base, year, userID(t, admin, base, sam.email), "One account of a vote-buying ring."); got != "Done: 1 votes invalidated now, 0 were invalid already." {
		t.Errorf("after invalidating the second voter's votes: %q", got)
	}
	screenshot(t, admin, "journey-14-console-invalidated")
	if err := chromedp.Run(admin, chromedp.Navigate(base+"/admin/contests/"+year+"/tally"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery)); err != nil {
		t.Fatalf("tally: %v", err)
	}
	screenshot(t, admin, "journey-15-console-tally")
	if got := publish(t, admin, base, year, "champions"); got != "The champions are published." {
		t.Errorf("after publishing the champions: %q %s", got, formErrors(admin))
	}
	screenshot(t, admin, "journey-16-console-champions")

	// The experts pick each category's winner; the selection window closes
	// and the secretariat publishes the results.
	for i, r := range reviewers {
		pickWinners(t, r.ctx, base, year, []string{"2", "4"})
		screenshot(t, r.ctx, "journey-17-selection-"+strconv.Itoa(i))
	}
	now = time.Now().UTC().Truncate(time.Second)
	closes := now.Add(2 * time.Second)
	moveSchedule(t, admin, base, year,
		timetableOf(now.Add(-4*time.Hour), now.Add(-3*time.Hour), now.Add(-2*time.Hour), now.Add(-time.Hour), now.Add(-time.Minute), closes))
	time.Sleep(time.Until(closes)) // until the selection window has closed
	if got := publish(t, admin, base, year, "results"); got != "The results are published." {
		t.Errorf("after publishing the results: %q %s", got, formErrors(admin))
	}
	screenshot(t, admin, "journey-18-console-results")
	checkResults(t, stakeholder, base, year)
	checkProof(t, stakeholder, base, year)

	// Every page of the journey, in every language, passes axe-core and is
	// right-to-left exactly in Arabic: the public and stakeholder pages as
	// the stakeholder. The console pages pass it in the language of the
	// journey's secretariat (English) or experts (French) and in Arabic.
	var proofPage, assignment string
	if err := chromedp.Run(stakeholder, chromedp.Navigate(base+"/contests/"+year+"/my-votes"),
		chromedp.AttributeValue(`tbody a[href$="/proof"]`, "href", &proofPage, nil, chromedp.ByQuery)); err != nil {
		t.Fatalf("my votes: %v", err)
	}
	if err := chromedp.Run(reviewers[0].ctx, chromedp.Navigate(base+"/review"),
		chromedp.AttributeValue(`main tbody th a`, "href", &assignment, nil, chromedp.ByQuery)); err != nil {
		t.Fatalf("reviewer's console: %v", err)
	}
	everyLanguage(t, stakeholder, base, allLanguages, "/", "/projects", "/projects/"+projects[0], "/stats", "/contests/2031/nominees?category=2",
		"/contests/2031/results", "/contests/2031/ballot?category=2", "/contests/2031/my-votes", proofPage, "/profile",
		"/my/projects", "/my/projects/"+projects[0]+"/edit", "/my/nominations", "/contests/2031/nominate")
	everyLanguage(t, admin, base, []string{"en", "ar"}, "/admin", "/admin/contests/new", "/admin/contests/2031/schedule", "/admin/projects",
		"/admin/contests/2031/nominations", "/admin/contests/2031/assignments", "/admin/contests/2031/rankings?category=2",
		"/admin/users", "/admin/audit", "/admin/exports", "/admin/contests/2031/reviewers",
		"/admin/contests/2031/tally", "/admin/contests/2031/anomalies", "/admin/contests/2031/publish")
	everyLanguage(t, reviewers[0].ctx, base, []string{"fr", "ar"}, "/review", "/review/conflicts", assignment, "/review/contests/2031/selection")
}

// journeyLimit bounds each browser of the prizes journey.
const journeyLimit = 4 * time.Minute

// reviewerSession is an Expert Group member's browser session.
type reviewerSession struct {
	person
	ctx context.Context
}

// checkResults reads the published results in Arabic: each category's
// nominee is its winner with the one valid vote, and category 2 counts the
// invalidated vote.
func checkResults(t *testing.T, ctx context.Context, base, year string) {
	t.Helper()
	var tables, winners int
	var invalidated []string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/"+year+"/results?lang=ar"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("main table")].filter(t => t.querySelector("tbody tr")).length`, &tables),
		chromedp.Evaluate(`[...document.querySelectorAll("tbody tr.winner")].filter(r => r.cells[2].textContent === "١" && r.cells[3].textContent === "فائز").length`, &winners),
		chromedp.Evaluate(`[...document.querySelectorAll("main section .meta")].map(p => p.textContent)`, &invalidated),
	)
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	screenshot(t, ctx, "journey-19-results")
	if tables != 2 || winners != 2 {
		t.Errorf("the results show %d categories and %d winners with one vote, want 2 and 2", tables, winners)
	}
	if len(invalidated) != 2 || invalidated[0] != "أُلغي صوت واحد في هذه الفئة." || invalidated[1] != "لم يُلغ أي صوت في هذه الفئة." {
		t.Errorf("the results count the invalidated votes as %q, want one in category 2 and none in 4", invalidated)
	}
}

// checkProof has the voter check, in the browser, that their first vote is
// in the published tree of its category; a proof towards another root
// fails.
func checkProof(t *testing.T, ctx context.Context, base, year string) {
	t.Helper()
	var state, tampered string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/contests/"+year+"/my-votes?lang=ar"),
		chromedp.Click(`tbody a[href$="/proof"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-verify-proof]`, chromedp.ByQuery),
		chromedp.Click(`button[data-verify-proof]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-proof-result][data-state]`, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-proof-result]`, "data-state", &state, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("proof: %v", err)
	}
	screenshot(t, ctx, "journey-20-proof-verified")
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
}

// allLanguages are the languages of the platform's catalogues.
var allLanguages = []string{"en", "fr", "es", "ar", "zh", "ru"}

// everyLanguage shows each of pages in each of langs in the session ctx:
// each passes axe-core, names its language, is right-to-left exactly in
// Arabic and fits the window's width; its screenshot in Arabic is kept
// (screenshot). The session keeps the last language.
func everyLanguage(t *testing.T, ctx context.Context, base string, langs []string, pages ...string) {
	t.Helper()
	for _, lang := range langs {
		for _, page := range pages {
			sep := "?"
			if strings.Contains(page, "?") {
				sep = "&"
			}
			var dir, htmlLang string
			var overflow int
			err := chromedp.Run(ctx, chromedp.Navigate(base+page+sep+"lang="+lang), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.dir`, &dir), chromedp.Evaluate(`document.documentElement.lang`, &htmlLang),
				chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
			if err != nil {
				t.Fatalf("%s in %s: %v", page, lang, err)
			}
			if htmlLang != lang || (dir == "rtl") != (lang == "ar") {
				t.Errorf("%s in %s: lang %q, dir %q", page, lang, htmlLang, dir)
			}
			if overflow > 0 {
				var widest string
				_ = chromedp.Run(ctx, chromedp.Evaluate(overflowingJS, &widest))
				t.Errorf("%s in %s is %dpx wider than the window, at %s", page, lang, overflow, widest)
			}
			if lang == "ar" {
				screenshot(t, ctx, "rtl"+pageName.ReplaceAllString(strings.SplitN(page, "?", 2)[0]+"/page", "-"))
			} else {
				checkAccessibility(t, ctx, page+" in "+lang)
			}
		}
	}
}

// overflowingJS names the innermost elements that reach past the window's
// edges, so that a failure says what widens the page.
const overflowingJS = `(() => {
	const w = document.documentElement.clientWidth;
	const out = el => { const r = el.getBoundingClientRect(); return r.right > w + 0.5 || r.left < -0.5; };
	return [...document.querySelectorAll("main *")].filter(el => out(el) && ![...el.children].some(out))
		.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + " " + Math.round(el.getBoundingClientRect().width) + "px").join(", ");
})()`

// pageName matches the runs of a path that a screenshot's name replaces.
var pageName = regexp.MustCompile(`[^a-z0-9]+`)
