package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// auditFields are the audit log's filters, in the form's order.
var auditFields = []string{"actor", "action", "target", "from", "to"}

// localMinute is the form of an <input type="datetime-local">: the audit
// log's times are UTC, and so are the filter's.
const localMinute = "2006-01-02T15:04"

// auditView is one page of the audit log with its filters.
type auditView struct {
	Filters []fieldInput
	Entries []auditRow
	Next    string
}

type auditRow struct {
	Time, TimeISO, Actor, Action, Target, Before, After, ClientIP string
}

// adminAuditPage lists the audit log, newest first, a page at a time,
// filtered by actor id, action, target id and a time range in UTC (from
// inclusive, to exclusive), as app.Service.ListAudit serves them. A filter
// that does not parse is said next to its field and lists nothing.
func (w *webUI) adminAuditPage(c *gin.Context) {
	v := w.newView(c)
	v.Title = v.L.T("oversight.audit.title")
	v.Form = formValues(c.Request.URL.Query(), auditFields...)
	limit, err := strconv.Atoi(c.DefaultQuery("limit", "50"))
	if err != nil || limit < 1 || limit > maxLimit {
		limit = 50
	}
	q := store.AuditQuery{ActorID: v.Form.Get("actor"), Action: v.Form.Get("action"), TargetID: v.Form.Get("target"),
		Before: c.Query("before"), Limit: limit}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Form.Get(f.name); s != "" {
			t, err := time.ParseInLocation(localMinute, s, time.UTC)
			if err != nil {
				v.Errors = append(v.Errors, fieldError{Field: f.name, Message: v.L.T("oversight.audit.bad_time")})
			}
			*f.dst = t
		}
	}
	if len(v.Errors) == 0 && !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		v.Errors = []fieldError{{Field: "to", Message: v.L.T("oversight.audit.bad_range")}}
	}
	data := auditView{}
	for _, name := range auditFields {
		typ := "text"
		if name == "from" || name == "to" {
			typ = "datetime-local"
		}
		data.Filters = append(data.Filters, inputField(v, name, typ, "oversight.audit."+name))
	}
	v.Data = &data
	if len(v.Errors) > 0 {
		w.render(c, http.StatusUnprocessableEntity, "admin_audit", v)
		return
	}
	user, _ := pageUser(c)
	entries, next, err := w.app.ListAudit(useCase(c), user, q)
	if errors.Is(err, models.ErrInvalid) { // a cursor of another list
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	for _, e := range entries {
		data.Entries = append(data.Entries, auditRow{Time: v.L.DateTime(e.Time), TimeISO: e.Time.UTC().Format(time.RFC3339),
			Actor: e.ActorID, Action: e.Action, Target: e.TargetType + " " + e.TargetID,
			Before: compactJSON(e.Before), After: compactJSON(e.After), ClientIP: e.ClientIP})
	}
	if next != "" {
		more := url.Values{}
		for _, name := range auditFields {
			if s := v.Form.Get(name); s != "" {
				more.Set(name, s)
			}
		}
		more.Set("before", next)
		data.Next = "/admin/audit?" + more.Encode()
	}
	w.render(c, http.StatusOK, "admin_audit", v)
}

// compactJSON is a change's values as one line of JSON, empty for none.
func compactJSON(m map[string]any) string {
	if len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	return string(b)
}
