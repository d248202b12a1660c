package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

// scheduleForm is the schedule form as the page fills it.
func scheduleForm(doc *goquery.Document) url.Values {
	form := url.Values{}
	doc.Find("form.schedule-form input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		form.Set(name, value)
	})
	return form
}

func (s *prizesServer) contest(t *testing.T) models.Contest {
	t.Helper()
	return decode[models.Contest](t, s.do(t, http.MethodGet, "/api/v1/contests/2027", nil))
}

func TestSchedulePage_ShowsWindowsInUTCAndLocalTimeAndMovesADeadlineWithItsHistory(t *testing.T) {
	s := newPrizes(t, "")
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/2027/schedule", http.StatusOK)
	voting := doc.Find("fieldset.window").Eq(2)
	if got := text(voting.Find("legend")); got != "Voting" {
		t.Fatalf("third window %q", got)
	}
	if dt, _ := voting.Find(".window-now time").Last().Attr("datetime"); dt != "2027-04-01T00:00:00Z" {
		t.Errorf("voting closes at datetime %q, want the UTC instant for the page's script", dt)
	}
	if got := text(voting.Find(".window-now time").Last()); got != "1 April 2027, 00:00 UTC" {
		t.Errorf("voting closes %q", got)
	}
	if v, _ := voting.Find("input#voting_closes_at[type=datetime-local]").Attr("value"); v != "2027-04-01T00:00" {
		t.Errorf("voting closes input %q", v)
	}
	if got := text(doc.Find(`label[for=voting_closes_at]`)); got != "Voting closes (UTC)" {
		t.Errorf("label %q", got)
	}
	if got := text(doc.Find(".history-entry .what")); got != "Contest created" {
		t.Errorf("history before any change: %q", got)
	}

	form := scheduleForm(doc)
	form.Set("voting_closes_at", "2027-03-25T12:30")
	wantRedirect(t, b.post(t, "/admin/contests/2027/schedule", form), "/admin/contests/2027/schedule?done=saved")
	if got := s.contest(t).Schedule.Voting.ClosesAt; !got.Equal(time.Date(2027, 3, 25, 12, 30, 0, 0, time.UTC)) {
		t.Fatalf("voting closes at %v after the change", got)
	}
	doc = b.get(t, "/admin/contests/2027/schedule?done=saved", http.StatusOK)
	if got := text(doc.Find(".notice")); got != "The schedule is saved." {
		t.Errorf("notice %q", got)
	}
	latest := doc.Find(".history-entry").First()
	if got := text(latest.Find(".what")); got != "Schedule changed" || text(latest.Find(".who")) != "Test admin@example.org" {
		t.Errorf("latest change %q by %q", got, text(latest.Find(".who")))
	}
	if got := text(latest.Find(".changes li")); got != "Voting closes: 1 April 2027, 00:00 UTC → 25 March 2027, 12:30 UTC" {
		t.Errorf("change %q", got)
	}
	if dt, _ := latest.Find(".changes ins time").Attr("datetime"); dt != "2027-03-25T12:30:00Z" {
		t.Errorf("new value datetime %q", dt)
	}
}

func TestSchedulePage_OrderAndTimeErrorsStayOnTheFormAndChangeNothing(t *testing.T) {
	s := newPrizes(t, "")
	b := s.adminBrowser(t)
	base := scheduleForm(b.get(t, "/admin/contests/2027/schedule", http.StatusOK))
	for _, tc := range []struct {
		name, field, value, errorField, message string
		status                                  int
	}{
		{"review opens before submission closes", "review_opens_at", "2027-01-20T00:00", "review_opens_at",
			"Must not be before the Submission window closes.", http.StatusUnprocessableEntity},
		{"voting closes before it opens", "voting_closes_at", "2027-02-20T00:00", "voting_closes_at",
			"Must be after the window opens.", http.StatusUnprocessableEntity},
		{"not a time", "selection_opens_at", "next week", "selection_opens_at", "Enter a date and time, in UTC.",
			http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range base {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			doc := wantPage(t, b.post(t, "/admin/contests/2027/schedule", form), tc.status)
			if got := text(doc.Find("#" + tc.errorField + "-error")); got != tc.message {
				t.Errorf("error next to %s: %q", tc.errorField, got)
			}
			if v, _ := doc.Find("#" + tc.field).Attr("value"); v != tc.value {
				t.Errorf("the value sent is not shown again: %q", v)
			}
			if d, _ := doc.Find("#" + tc.errorField).Attr("aria-describedby"); d != tc.errorField+"-error" {
				t.Errorf("the error is not tied to its field: %q", d)
			}
		})
	}
	stale := url.Values{}
	for k, v := range base {
		stale[k] = v
	}
	stale.Set("version", "99")
	stale.Set("voting_closes_at", "2027-04-02T00:00")
	doc := wantPage(t, b.post(t, "/admin/contests/2027/schedule", stale), http.StatusPreconditionFailed)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "changed this since you opened the page") {
		t.Errorf("stale form: %q", got)
	}
	if got := s.contest(t).Schedule; !got.Voting.ClosesAt.Equal(voteCloses) || !got.Review.OpensAt.Equal(subCloses) {
		t.Errorf("a refused form changed the schedule: %+v", got)
	}
}

func TestNewContestPage_CreatesAContestAndRefusesATakenYear(t *testing.T) {
	s := newPrizes(t, "")
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/new", http.StatusOK)
	if doc.Find("form.schedule-form input[type=datetime-local]").Length() != 8 {
		t.Fatal("the form has not the eight dates of the four windows")
	}
	form := url.Values{"year": {"2028"}, "title": {"WSIS Prizes 2028"}}
	for i, w := range []string{"submission", "review", "voting", "selection"} {
		form.Set(w+"_opens_at", time.Date(2028, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04"))
		form.Set(w+"_closes_at", time.Date(2028, time.Month(2+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04"))
	}
	taken := url.Values{}
	for k, v := range form {
		taken[k] = v
	}
	taken.Set("year", "2027")
	doc = wantPage(t, b.post(t, "/admin/contests", taken), http.StatusConflict)
	if got := text(doc.Find("#year-error")); got != "This year already has a contest." {
		t.Errorf("taken year: %q", got)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("year", "20x8")
	bad.Set("title", "")
	doc = wantPage(t, b.post(t, "/admin/contests", bad), http.StatusUnprocessableEntity)
	if text(doc.Find("#year-error")) == "" || text(doc.Find("#title-error")) == "" {
		t.Errorf("errors: %q", text(doc.Find(".form-errors")))
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2028", nil), http.StatusNotFound, "not-found")

	wantRedirect(t, b.post(t, "/admin/contests", form), "/admin?done=created")
	created := decode[models.Contest](t, s.do(t, http.MethodGet, "/api/v1/contests/2028", nil))
	if created.Title != "WSIS Prizes 2028" || !created.Schedule.Selection.ClosesAt.Equal(time.Date(2028, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("created %+v", created)
	}
	if got := b.get(t, "/admin?done=created", http.StatusOK).Find("article.console-contest h3"); !strings.Contains(text(got.First()), "2028") {
		t.Errorf("the console does not list the new contest first: %q", text(got))
	}
}
