package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

func auditActions(doc *goquery.Document) []string {
	var out []string
	doc.Find("table.audit tbody .action").Each(func(_ int, c *goquery.Selection) { out = append(out, text(c)) })
	return out
}

func TestAdminAuditPage_FilteredByActionTargetAndTimeAndPaged(t *testing.T) {
	s := newServer(t)
	admin := s.createUser(t, "admin@example.org", models.RoleAdmin)
	u, other := s.createUser(t, "expert@example.org"), s.createUser(t, "other@example.org")
	b := adminPages(t, s)
	for _, change := range []struct {
		id   string
		form url.Values
	}{
		{u.ID, url.Values{"change": {"roles"}, "roles": {"reviewer"}}},
		{u.ID, url.Values{"change": {"disable"}}},
		{other.ID, url.Values{"change": {"disable"}}},
	} {
		wantRedirect(t, b.post(t, "/admin/users/"+change.id, change.form), "/admin/users?done=")
	}

	doc := b.get(t, "/admin/audit?action=user.disable&limit=1", http.StatusOK)
	if got := auditActions(doc); len(got) != 1 || got[0] != "user.disable" {
		t.Fatalf("first page %v", got)
	}
	next, _ := doc.Find("a[rel=next]").Attr("href")
	doc = b.get(t, next, http.StatusOK)
	if got := auditActions(doc); len(got) != 1 || got[0] != "user.disable" || doc.Find("a[rel=next]").Length() != 0 {
		t.Fatalf("second page %v, want the other disabling and no more", got)
	}
	if v, _ := doc.Find("#action").Attr("value"); v != "user.disable" {
		t.Errorf("the next page lost the filter: %q", v)
	}

	doc = b.get(t, "/admin/audit?target="+u.ID+"&actor="+admin.ID, http.StatusOK)
	if got := auditActions(doc); len(got) != 2 || got[0] != "user.disable" || got[1] != "user.roles" {
		t.Errorf("the account's entries, newest first: %v", got)
	}
	now := s.clock.Now().UTC()
	around := url.Values{"target": {u.ID}, "from": {now.Add(-time.Minute).Format("2006-01-02T15:04")},
		"to": {now.Add(2 * time.Minute).Format("2006-01-02T15:04")}}
	if got := auditActions(b.get(t, "/admin/audit?"+around.Encode(), http.StatusOK)); len(got) != 2 {
		t.Errorf("entries within the minute: %v", got)
	}
	later := url.Values{"from": {now.Add(time.Hour).Format("2006-01-02T15:04")}}
	if got := auditActions(b.get(t, "/admin/audit?"+later.Encode(), http.StatusOK)); len(got) != 0 {
		t.Errorf("entries after they happened: %v", got)
	}

	for name, tc := range map[string]struct{ query, field string }{
		"a time that does not parse": {"from=yesterday", "from"},
		"an end before the start":    {"from=2027-03-02T00:00&to=2027-03-01T00:00", "to"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := b.get(t, "/admin/audit?"+tc.query, http.StatusUnprocessableEntity)
			if text(doc.Find("#"+tc.field+"-error")) == "" || doc.Find("table.audit").Length() != 0 {
				t.Errorf("no error next to %s, or entries listed: %q", tc.field, text(doc.Find("main")))
			}
		})
	}
}
