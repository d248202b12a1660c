package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The admins' and the Expert Group's steps of the browser journey, each
// through the console pages as a person would use them: forms filled,
// buttons pressed, and the confirmation the page announces read back.

// logIn signs in through the login form in lang and waits for the page it
// leads to.
func logIn(t *testing.T, ctx context.Context, base, email, password, lang string) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/login?lang="+lang),
		chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, password, chromedp.ByQuery),
		chromedp.Submit(`#email`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav form[action="/logout"] button`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("log in as %s: %v", email, err)
	}
}

// notice waits for the confirmation a page announces in its live region
// and returns it.
func notice(t *testing.T, ctx context.Context, step string) string {
	t.Helper()
	var text string
	if err := chromedp.Run(ctx, chromedp.WaitVisible(`.notice p`, chromedp.ByQuery),
		chromedp.Text(`.notice p`, &text, chromedp.ByQuery)); err != nil {
		t.Fatalf("%s: no confirmation: %v", step, err)
	}
	return text
}

// formErrors returns the errors the page shows, empty when it shows none.
func formErrors(ctx context.Context) string {
	var errs string
	_ = chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("main .error, main [role=alert]")].map(e => e.textContent.trim()).join("; ")`, &errs))
	return errs
}

// userID finds the account of email on the admins' accounts page and
// returns its id, which the page's row carries.
func userID(t *testing.T, admin context.Context, base, email string) string {
	t.Helper()
	var row string
	err := chromedp.Run(admin,
		chromedp.Navigate(base+"/admin/users"),
		chromedp.SendKeys(`#q`, email, chromedp.ByQuery),
		chromedp.Submit(`#q`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("search %s on the accounts page: %v", email, err)
	}
	// The unfiltered list has rows too: wait for the search's answer.
	waitFor(admin, t, `location.search.includes("q=")`)
	err = chromedp.Run(admin,
		chromedp.Evaluate(`[...document.querySelectorAll("tbody tr[id^='user-']")].filter(r => r.querySelector(".email").textContent.trim() === `+jsString(email)+`).map(r => r.id.slice(5)).join(",")`, &row),
	)
	if err != nil {
		t.Fatalf("find %s on the accounts page: %v", email, err)
	}
	if row == "" || strings.Contains(row, ",") {
		t.Fatalf("the accounts page lists %q for %s, want one account", row, email)
	}
	return row
}

// grantReviewer ticks the reviewer role of the account id on the accounts
// page the admin shows and saves it.
func grantReviewer(t *testing.T, admin context.Context, id string) {
	t.Helper()
	row := `#user-` + id
	err := chromedp.Run(admin,
		chromedp.Click(row+` .roles-form input[value=reviewer]`, chromedp.ByQuery),
		chromedp.Click(row+` .roles-form button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("grant the reviewer role to %s: %v", id, err)
	}
	if got := notice(t, admin, "grant the reviewer role"); got != "The roles are saved." {
		t.Fatalf("after granting the reviewer role: %q %s", got, formErrors(admin))
	}
	var roles string
	if err := chromedp.Run(admin, chromedp.Text(row+` .roles`, &roles, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(roles, "reviewer") {
		t.Errorf("after granting the reviewer role, the account's roles read %q", roles)
	}
}

// scoreAssignments opens each assignment the reviewer's console lists,
// fills the scoring form with scores and a comment and submits it; it
// returns how many it scored.
func scoreAssignments(t *testing.T, reviewer context.Context, base string, scores []string) int {
	t.Helper()
	var links []string
	err := chromedp.Run(reviewer,
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("main tbody th a")].map(a => a.href)`, &links),
	)
	if err != nil {
		t.Fatalf("the reviewer's console: %v", err)
	}
	checkAccessibility(t, reviewer, "reviewer's console")
	for _, link := range links {
		if err := chromedp.Run(reviewer, chromedp.Navigate(link), chromedp.WaitVisible(`select[name^="scores."]`, chromedp.ByQuery)); err != nil {
			t.Fatalf("scoring form %s: %v", link, err)
		}
		var criteria int
		if err := chromedp.Run(reviewer, chromedp.Evaluate(`document.querySelectorAll('select[name^="scores."]').length`, &criteria)); err != nil {
			t.Fatal(err)
		}
		if criteria != len(scores) {
			t.Fatalf("the scoring form has %d criteria, want %d", criteria, len(scores))
		}
		var actions []chromedp.Action
		for i, s := range scores {
			actions = append(actions, chromedp.SetValue(`fieldset.scores > div:nth-of-type(`+strconv.Itoa(i+1)+`) select`, s, chromedp.ByQuery))
		}
		actions = append(actions,
			chromedp.SendKeys(`#comment`, "Un travail solide, facile à reproduire.", chromedp.ByQuery),
			chromedp.Click(`button[name=action][value=submit]`, chromedp.ByQuery))
		if err := chromedp.Run(reviewer, actions...); err != nil {
			t.Fatalf("score %s: %v", link, err)
		}
		if got := notice(t, reviewer, "submit a review"); got != "Votre évaluation est soumise." {
			t.Fatalf("after submitting the review %s: %q %s", link, got, formErrors(reviewer))
		}
	}
	return len(links)
}

// pickWinners picks, on the reviewer's selection page, the first champion
// of each category listed, one form at a time.
func pickWinners(t *testing.T, reviewer context.Context, base string, year string, categories []string) {
	t.Helper()
	page := base + "/review/contests/" + year + "/selection"
	for _, category := range categories {
		form := `form.selection:has(input[name=category][value="` + category + `"])`
		err := chromedp.Run(reviewer,
			chromedp.Navigate(page),
			chromedp.Click(form+` input[name=nomination_id]`, chromedp.ByQuery),
			chromedp.Click(form+` button[type=submit]`, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("pick the winner of category %s: %v", category, err)
		}
		if got := notice(t, reviewer, "pick a winner"); got != "Votre choix est enregistré." {
			t.Fatalf("after picking in category %s: %q %s", category, got, formErrors(reviewer))
		}
	}
}

// invalidateVoter invalidates every vote of the voter id in contest year
// from the anomalies page, giving reason and confirming; it returns the
// confirmation the page announces.
func invalidateVoter(t *testing.T, admin context.Context, base, year, voterID, reason string) string {
	t.Helper()
	err := chromedp.Run(admin,
		chromedp.Navigate(base+"/admin/contests/"+year+"/anomalies"),
		chromedp.WaitVisible(`#voter_id`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("anomalies page: %v", err)
	}
	screenshot(t, admin, "journey-14a-console-anomalies")
	err = chromedp.Run(admin,
		chromedp.SendKeys(`#voter_id`, voterID, chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, reason, chromedp.ByQuery),
		chromedp.Click(`#invalidate form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#invalidate .confirm form button`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("invalidate the votes of %s: %v %s", voterID, err, formErrors(admin))
	}
	checkAccessibility(t, admin, "anomalies page, confirming the invalidation")
	if err := chromedp.Run(admin, chromedp.Click(`#invalidate .confirm form button`, chromedp.ByQuery)); err != nil {
		t.Fatalf("confirm the invalidation: %v", err)
	}
	return notice(t, admin, "invalidate votes")
}

// publish runs a publication of the publication page without overrides:
// the step's button, then the confirmation's; it returns the confirmation
// the page announces.
func publish(t *testing.T, admin context.Context, base, year, step string) string {
	t.Helper()
	err := chromedp.Run(admin,
		chromedp.Navigate(base+"/admin/contests/"+year+"/publish"),
		chromedp.Click(`section[aria-labelledby=`+step+`-title] form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`section.confirm form button`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("publish the %s: %v %s", step, err, formErrors(admin))
	}
	checkAccessibility(t, admin, "publication page, confirming the "+step)
	if err := chromedp.Run(admin, chromedp.Click(`section.confirm form button`, chromedp.ByQuery)); err != nil {
		t.Fatalf("confirm the %s: %v", step, err)
	}
	return notice(t, admin, "publish the "+step)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
