package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// scheduleInput is the form's value of a time: a datetime-local input
// read in UTC.
const scheduleInput = "2006-01-02T15:04"

// historyLimit is how many changes of a contest its schedule page shows.
const historyLimit = 50

// scheduleView is the schedule editor of a contest, or the form that
// creates one (Create).
type scheduleView struct {
	Create      bool
	Year        int
	Version     int
	Action      string
	YearField   fieldInput
	TitleField  fieldInput
	Windows     []scheduleWindow
	History     []historyLine
	HistoryNone bool
}

// scheduleWindow is one window of the form: its dates now (UTC, and the
// viewer's local time by the page's script) and its two inputs.
type scheduleWindow struct {
	windowView
	OpensField, ClosesField fieldInput
}

// historyLine is one audited change of the contest: when, who, what, and
// for a schedule the windows' old and new dates.
type historyLine struct {
	When, WhenISO, Who, What string
	Changes                  []windowChange
}

// windowChange is one date of a window as a change moved it.
type windowChange struct {
	Label, Before, After, BeforeISO, AfterISO string
}

// scheduleField is the form field of a window's date: "review_opens_at".
func scheduleField(name models.WindowName, end string) string { return string(name) + "_" + end }

// schedulePage shows a contest's four windows, each in UTC and in the
// viewer's time, editable in UTC, beside the contest's change history
// (app.Service.ContestHistory).
func (w *webUI) schedulePage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "saved" {
		v.Notice = v.L.T("console.schedule.saved")
	}
	v.Form = url.Values{}
	for _, name := range models.WindowNames {
		win := contest.Schedule.Window(name)
		v.Form.Set(scheduleField(name, "opens_at"), win.OpensAt.UTC().Format(scheduleInput))
		v.Form.Set(scheduleField(name, "closes_at"), win.ClosesAt.UTC().Format(scheduleInput))
	}
	w.showSchedule(c, v, contest, http.StatusOK)
}

func (w *webUI) showSchedule(c *gin.Context, v *pageView, contest models.Contest, status int) {
	user, _ := pageUser(c)
	history, err := w.app.ContestHistory(useCase(c), user, contest.Year, historyLimit)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v.Title = v.L.T("console.schedule.title", "Year", v.L.Plain(contest.Year))
	data := scheduleView{Year: contest.Year, Version: contest.Version,
		Action: "/admin/contests/" + strconv.Itoa(contest.Year) + "/schedule"}
	sum := summarize(v.L, contest, w.clock.Now())
	for i, name := range models.WindowNames {
		data.Windows = append(data.Windows, scheduleWindowOf(v, name, sum.Windows[i]))
	}
	for _, e := range history {
		data.History = append(data.History, historyLineOf(v.L, e))
	}
	data.HistoryNone = len(data.History) == 0
	v.Data = &data
	w.render(c, status, "admin_schedule", v)
}

func scheduleWindowOf(v *pageView, name models.WindowName, now windowView) scheduleWindow {
	field := func(end, key string) fieldInput {
		f := fieldInput{Name: scheduleField(name, end), Type: "datetime-local", Required: true,
			Label: v.L.T(key, "Window", v.L.T("window."+string(name))), Value: v.Form.Get(scheduleField(name, end))}
		f.describe(v)
		return f
	}
	return scheduleWindow{windowView: now, OpensField: field("opens_at", "console.schedule.opens_utc"),
		ClosesField: field("closes_at", "console.schedule.closes_utc")}
}

// historyLineOf says an audited change of a contest in l; a change of the
// schedule lists each date it moved, old and new.
func historyLineOf(l *locale.Locale, e app.ContestChange) historyLine {
	what, ok := l.Text("console.history."+e.Action, nil)
	if !ok {
		what = e.Action
	}
	line := historyLine{When: l.DateTime(e.Time), WhenISO: e.Time.UTC().Format(time.RFC3339), Who: e.ActorName, What: what}
	before, _ := e.Before["schedule"].(map[string]any)
	after, _ := e.After["schedule"].(map[string]any)
	for _, name := range models.WindowNames {
		for _, end := range []string{"opens_at", "closes_at"} {
			old, now := auditTime(before, name, end), auditTime(after, name, end)
			if old.Equal(now) || now.IsZero() {
				continue
			}
			ch := windowChange{Label: l.T("console.schedule."+end, "Window", l.T("window."+string(name))),
				After: l.DateTime(now), AfterISO: now.UTC().Format(time.RFC3339)}
			if !old.IsZero() {
				ch.Before, ch.BeforeISO = l.DateTime(old), old.UTC().Format(time.RFC3339)
			}
			line.Changes = append(line.Changes, ch)
		}
	}
	return line
}

// auditTime reads a window's date from an audited schedule, as the audit
// log stores it (the API's names, RFC 3339); zero when it has none.
func auditTime(schedule map[string]any, name models.WindowName, end string) time.Time {
	win, _ := schedule[string(name)].(map[string]any)
	raw, _ := win[end].(string)
	t, _ := time.Parse(time.RFC3339Nano, raw)
	return t
}

// readSchedule reads the eight dates of a schedule form, in UTC, and says
// in l which do not parse.
func readSchedule(l *locale.Locale, form url.Values) (app.ScheduleChange, []fieldError) {
	change := app.ScheduleChange{}
	var errs []fieldError
	for _, name := range models.WindowNames {
		var win models.Window
		for _, end := range []struct {
			name string
			dst  *time.Time
		}{{"opens_at", &win.OpensAt}, {"closes_at", &win.ClosesAt}} {
			field := scheduleField(name, end.name)
			t, err := parseScheduleTime(form.Get(field))
			if err != nil {
				errs = append(errs, fieldError{Field: field, Message: l.T("console.schedule.error.time")})
			}
			*end.dst = t
		}
		change[name] = win
	}
	return change, errs
}

func parseScheduleTime(raw string) (time.Time, error) {
	raw = strings.TrimSpace(raw)
	t, err := time.ParseInLocation(scheduleInput, raw, time.UTC)
	if err != nil {
		t, err = time.ParseInLocation(scheduleInput+":05", raw, time.UTC)
	}
	return t, err
}

// scheduleErrors says in l what a use case found wrong with a schedule
// (models.Schedule.Validate), next to the fields it names; nil for any
// other error.
func scheduleErrors(l *locale.Locale, err error) []fieldError {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []fieldError
	for _, f := range ve.Fields {
		name, end, ok := strings.Cut(strings.TrimPrefix(f.Field, "schedule."), ".")
		i := slices.Index(models.WindowNames, models.WindowName(name))
		if !ok || i < 0 {
			out = append(out, fieldError{Message: l.T("form.error.invalid")})
			continue
		}
		msg := l.T("console.schedule.error.closes")
		if end == "opens_at" && i > 0 {
			msg = l.T("console.schedule.error.opens", "Window", l.T("window."+string(models.WindowNames[i-1])))
		}
		out = append(out, fieldError{Field: scheduleField(models.WindowNames[i], end), Message: msg})
	}
	return out
}

// saveSchedule moves the contest's windows to the form's dates, at the
// version the form was filled from (app.Service.UpdateContest); the form
// comes back with its errors next to their fields.
func (w *webUI) saveSchedule(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	v.Form = form
	change, errs := readSchedule(v.L, form)
	if v.Errors = errs; len(errs) > 0 {
		w.showSchedule(c, v, contest, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	_, err := w.app.UpdateContest(useCase(c), user, contest.Year, version, app.ContestUpdate{Schedule: change})
	if err != nil {
		if v.Errors = scheduleErrors(v.L, err); v.Errors == nil {
			v.Errors = consoleRefusal(v.L, err)
		}
		if v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showSchedule(c, v, contest, statusOf(err))
		return
	}
	redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/schedule", url.Values{"done": {"saved"}})
}

// consoleRefusal says in l why a use case refused a console form, for the
// refusals every console form may meet; nil for any other error.
func consoleRefusal(l *locale.Locale, err error) []fieldError {
	var pc *models.PhaseClosedError
	switch {
	case errors.As(err, &pc) && pc.Detail == "":
		return []fieldError{{Message: l.T("console.error.phase_closed", "Window", l.T("window."+string(pc.Name)),
			"Opens", l.DateTime(pc.Dates.OpensAt), "Closes", l.DateTime(pc.Dates.ClosesAt))}}
	case errors.Is(err, models.ErrPhaseClosed):
		return []fieldError{{Message: l.T("console.error.not_now")}}
	case errors.Is(err, models.ErrPreconditionFailed):
		return []fieldError{{Message: l.T("console.error.stale")}}
	case errors.Is(err, models.ErrConflict):
		return []fieldError{{Message: l.T("console.error.conflict")}}
	case errors.Is(err, models.ErrInvalid):
		return []fieldError{{Message: l.T("form.error.invalid")}}
	}
	return nil
}

// newContestPage shows the form that opens a year's contest.
func (w *webUI) newContestPage(c *gin.Context) {
	v := w.newView(c)
	v.Form = url.Values{}
	w.showNewContest(c, v, http.StatusOK)
}

func (w *webUI) showNewContest(c *gin.Context, v *pageView, status int) {
	v.Title = v.L.T("console.contest.new")
	data := scheduleView{Create: true, Action: "/admin/contests",
		YearField:  inputField(v, "year", "number", "console.contest.year", "required"),
		TitleField: inputField(v, "title", "text", "console.contest.title_field", "required")}
	for _, name := range models.WindowNames {
		data.Windows = append(data.Windows, scheduleWindowOf(v, name, windowView{Name: v.L.T("window." + string(name))}))
	}
	v.Data = &data
	w.render(c, status, "admin_schedule", v)
}

// createContestForm opens the form's year's contest with its title and
// schedule and the default settings (app.Service.CreateContest).
func (w *webUI) createContestForm(c *gin.Context) {
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	v.Form = form
	year, err := strconv.Atoi(strings.TrimSpace(form.Get("year")))
	if err != nil || year < 2000 || year > 2200 {
		v.Errors = append(v.Errors, fieldError{Field: "year", Message: v.L.T("console.contest.error.year")})
	}
	title := strings.TrimSpace(form.Get("title"))
	if title == "" || len([]rune(title)) > 200 || strings.ContainsAny(title, "\r\n\t") {
		v.Errors = append(v.Errors, fieldError{Field: "title", Message: v.L.T("console.contest.error.title")})
	}
	change, errs := readSchedule(v.L, form)
	if v.Errors = append(v.Errors, errs...); len(v.Errors) > 0 {
		w.showNewContest(c, v, http.StatusUnprocessableEntity)
		return
	}
	_, err = w.app.CreateContest(useCase(c), user, app.NewContest{Year: year, Title: title, Schedule: change})
	if err != nil {
		v.Errors = scheduleErrors(v.L, err)
		if v.Errors == nil && errors.Is(err, models.ErrConflict) {
			v.Errors = []fieldError{{Field: "year", Message: v.L.T("console.contest.error.taken")}}
		}
		if v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showNewContest(c, v, statusOf(err))
		return
	}
	redirect(c, "/admin", url.Values{"done": {"created"}})
}
