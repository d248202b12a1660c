package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The secretariat's steps of the browser journey that run a contest: its
// creation and schedule, the moderation queue, the automatic assignment of
// reviewers and the publication of the nominees.

// timetable is a contest's four windows as the schedule editor shows them,
// in its order: submission, review, voting and selection, each opening and
// closing.
type timetable [4][2]time.Time

// windowNames are the windows of a timetable, as the editor's fields name
// them.
var windowNames = [4]string{"submission", "review", "voting", "selection"}

// timetableOf is the timetable with submission from at[0] to at[1], review
// from then to at[2], voting from at[3] to at[4] and selection from then to
// at[5].
func timetableOf(at ...time.Time) timetable {
	return timetable{{at[0], at[1]}, {at[1], at[2]}, {at[3], at[4]}, {at[4], at[5]}}
}

// fillTimetable types tt into the editor's date fields, in UTC to the
// second.
func fillTimetable(tt timetable) []chromedp.Action {
	var actions []chromedp.Action
	for i, name := range windowNames {
		for j, end := range []string{"opens_at", "closes_at"} {
			// The browser writes a whole minute without its seconds, and
			// SetValue checks the value it reads back.
			value := strings.TrimSuffix(tt[i][j].UTC().Format("2006-01-02T15:04:05"), ":00")
			actions = append(actions, chromedp.SetValue(`#`+name+`_`+end, value, chromedp.ByQuery))
		}
	}
	return actions
}

// createContest opens the contest of year with its title and timetable
// through the console's form.
func createContest(t *testing.T, admin context.Context, base, year, title string, tt timetable) {
	t.Helper()
	actions := []chromedp.Action{
		chromedp.Navigate(base + "/admin/contests/new"),
		chromedp.WaitVisible(`#year`, chromedp.ByQuery),
		chromedp.SendKeys(`#year`, year, chromedp.ByQuery),
		chromedp.SendKeys(`#title`, title, chromedp.ByQuery),
	}
	actions = append(actions, fillTimetable(tt)...)
	if err := chromedp.Run(admin, actions...); err != nil {
		t.Fatalf("the new contest's form: %v", err)
	}
	checkAccessibility(t, admin, "new contest form")
	if err := chromedp.Run(admin, chromedp.Click(`form.schedule-form button[type=submit]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("create the contest: %v", err)
	}
	if got := notice(t, admin, "create the contest"); got != "The contest is created." {
		t.Fatalf("after creating the contest: %q %s", got, formErrors(admin))
	}
}

// moveSchedule sets the windows of the contest of year to tt with the
// schedule editor.
func moveSchedule(t *testing.T, admin context.Context, base, year string, tt timetable) {
	t.Helper()
	actions := []chromedp.Action{
		chromedp.Navigate(base + "/admin/contests/" + year + "/schedule"),
		chromedp.WaitVisible(`#submission_opens_at`, chromedp.ByQuery),
	}
	actions = append(actions, fillTimetable(tt)...)
	actions = append(actions, chromedp.Click(`form.schedule-form button[type=submit]`, chromedp.ByQuery))
	if err := chromedp.Run(admin, actions...); err != nil {
		t.Fatalf("move the schedule: %v", err)
	}
	if got := notice(t, admin, "move the schedule"); got != "The schedule is saved." {
		t.Fatalf("after moving the schedule: %q %s", got, formErrors(admin))
	}
}

// moderateProject publishes the project id from the moderation queue.
func moderateProject(t *testing.T, admin context.Context, base, id string) {
	t.Helper()
	err := chromedp.Run(admin,
		chromedp.Navigate(base+"/admin/projects"),
		chromedp.Click(`#project-`+id+` button[value=publish]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("publish the project %s from the queue: %v", id, err)
	}
	if got := notice(t, admin, "publish a project"); got != "The project is published." {
		t.Fatalf("after publishing the project %s: %q %s", id, got, formErrors(admin))
	}
}

// autoAssign runs the automatic assignment of the contest of year with
// perNomination reviews per nomination, and returns how many reviewers the
// report's load table lists.
func autoAssign(t *testing.T, admin context.Context, base, year, perNomination string) int {
	t.Helper()
	var loads int
	err := chromedp.Run(admin,
		chromedp.Navigate(base+"/admin/contests/"+year+"/assignments"),
		chromedp.SetValue(`#reviews_per_nomination`, perNomination, chromedp.ByQuery),
		chromedp.Click(`section[aria-labelledby=auto-title] form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#auto-report`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#auto-report .report-loads tbody tr").length`, &loads),
	)
	if err != nil {
		t.Fatalf("assign the reviewers automatically: %v %s", err, formErrors(admin))
	}
	if got := notice(t, admin, "assign the reviewers"); got != "The automatic assignment ran." {
		t.Fatalf("after the automatic assignment: %q %s", got, formErrors(admin))
	}
	return loads
}

// publishNominees publishes the ranking's nominees of the contest of year
// from the rankings page, without overrides, and returns how many
// nominations the rankings of categories then show as nominees.
func publishNominees(t *testing.T, admin context.Context, base, year string, categories ...string) int {
	t.Helper()
	rankings := base + "/admin/contests/" + year + "/rankings?category="
	err := chromedp.Run(admin,
		chromedp.Navigate(rankings+categories[0]),
		chromedp.WaitVisible(`section[aria-labelledby=publish-title] button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("rankings page: %v %s", err, formErrors(admin))
	}
	screenshot(t, admin, "journey-11a-console-rankings")
	if err := chromedp.Run(admin, chromedp.Click(`section[aria-labelledby=publish-title] button[type=submit]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("publish the nominees: %v", err)
	}
	if got := notice(t, admin, "publish the nominees"); got != "The nominees are published." {
		t.Fatalf("after publishing the nominees: %q %s", got, formErrors(admin))
	}
	nominees := 0
	for _, category := range categories {
		var n int
		err := chromedp.Run(admin, chromedp.Navigate(rankings+category), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.Evaluate(`[...document.querySelectorAll("table.rankings tbody .state")].filter(s => s.textContent.trim() === "Nominee").length`, &n))
		if err != nil {
			t.Fatalf("ranking of category %s: %v", category, err)
		}
		nominees += n
	}
	return nominees
}
