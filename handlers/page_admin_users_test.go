package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

func (s *testServer) catchUp(t *testing.T) {
	t.Helper()
	if _, err := s.search.CatchUp(t.Context(), s.store); err != nil {
		t.Fatal(err)
	}
}

func userEmails(doc *goquery.Document) []string {
	var out []string
	doc.Find("table.users tbody .email").Each(func(_ int, c *goquery.Selection) { out = append(out, text(c)) })
	return out
}

func TestAdminUsersPage_PagedOnTheServerAndFoundByText(t *testing.T) {
	s := newServer(t)
	var ids []string
	for _, email := range []string{"admin@example.org", "alpha@example.org", "beta@example.org", "gamma@example.org", "zeta@unesco.example"} {
		roles := []models.Role{}
		if email == "admin@example.org" {
			roles = append(roles, models.RoleAdmin)
		}
		ids = append(ids, s.createUser(t, email, roles...).ID)
	}
	s.catchUp(t)
	b := adminPages(t, s)
	var seen []string
	next, pages := "/admin/users?limit=2", 0
	for next != "" {
		doc := b.get(t, next, http.StatusOK)
		if got := len(userEmails(doc)); got > 2 {
			t.Fatalf("a page of 2 lists %d", got)
		}
		seen = append(seen, userEmails(doc)...)
		next, _ = doc.Find("a[rel=next]").Attr("href")
		pages++
	}
	if pages != 3 || len(seen) != 5 {
		t.Fatalf("%d pages listing %v, want 3 pages of the 5 accounts", pages, seen)
	}
	byID := slices.Clone(ids)
	slices.Sort(byID)
	var want []string
	for _, id := range byID {
		u, err := s.store.UserByID(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, u.Email)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("listed %v, want the accounts in id order %v", seen, want)
	}
	doc := b.get(t, "/admin/users?q=UNESCO", http.StatusOK)
	if got := userEmails(doc); len(got) != 1 || got[0] != "zeta@unesco.example" {
		t.Errorf("found %v", got)
	}
	if v, _ := doc.Find("#q").Attr("value"); v != "UNESCO" {
		t.Errorf("the search box lost the text: %q", v)
	}
	// The role filter keeps the admins, and its pages keep the filter.
	doc = b.get(t, "/admin/users?role=admin", http.StatusOK)
	if got := userEmails(doc); len(got) != 1 || got[0] != "admin@example.org" {
		t.Errorf("role=admin lists %v", got)
	}
	if v, _ := doc.Find("#role option[selected]").Attr("value"); v != "admin" {
		t.Errorf("the role filter shows %q chosen", v)
	}
	doc = b.get(t, "/admin/users?state=active&limit=4", http.StatusOK)
	if next, _ := doc.Find("a[rel=next]").Attr("href"); !strings.Contains(next, "state=active") {
		t.Errorf("the next page %q drops the filter", next)
	}
	if got := userEmails(b.get(t, "/admin/users?state=disabled", http.StatusOK)); len(got) != 0 {
		t.Errorf("state=disabled lists %v", got)
	}
	b.get(t, "/admin/users?role=owner", http.StatusNotFound)
}

func TestAdminUsersPage_RolesAndStateChangeUnderTheAPIsRules(t *testing.T) {
	s := newServer(t)
	admin := s.createUser(t, "admin@example.org", models.RoleAdmin)
	u := s.createUser(t, "expert@example.org")
	s.catchUp(t)
	b := adminPages(t, s)
	stored := func(id string) models.User {
		t.Helper()
		got, err := s.store.UserByID(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	wantRedirect(t, b.post(t, "/admin/users/"+u.ID, url.Values{"change": {"roles"}, "roles": {"reviewer"}, "back": {"q=expert"}}),
		"/admin/users?done=roles&q=expert")
	if got := stored(u.ID); !got.HasRole(models.RoleReviewer) {
		t.Fatalf("roles %v, want reviewer", got.Roles)
	}
	wantRedirect(t, b.post(t, "/admin/users/"+u.ID, url.Values{"change": {"disable"}, "back": {"q=expert"}}), "/admin/users?done=disabled&q=expert")
	if !stored(u.ID).Disabled {
		t.Fatal("the account is not disabled")
	}
	s.catchUp(t)
	doc := b.get(t, "/admin/users?done=disabled&q=expert", http.StatusOK)
	row := doc.Find("#user-" + u.ID)
	if text(row.Find(".roles")) != "Expert Group (reviewer)" || text(row.Find(".state")) != "Disabled" || text(doc.Find(".notice")) == "" {
		t.Errorf("row after the changes: %q, notice %q", text(row), text(doc.Find(".notice")))
	}
	if row.Find(`form.state-form input[name=change][value=enable]`).Length() != 1 {
		t.Error("a disabled account offers no enabling")
	}
	wantRedirect(t, b.post(t, "/admin/users/"+u.ID, url.Values{"change": {"enable"}}), "/admin/users?done=enabled")
	if stored(u.ID).Disabled {
		t.Fatal("the account is not enabled again")
	}

	for name, form := range map[string]url.Values{
		"disabling oneself":           {"change": {"disable"}},
		"withdrawing one's own admin": {"change": {"roles"}, "roles": {"reviewer"}},
	} {
		t.Run(name, func(t *testing.T) {
			doc := wantPage(t, b.post(t, "/admin/users/"+admin.ID, form), http.StatusConflict)
			if got := text(doc.Find("#user-" + admin.ID + "-error")); !strings.Contains(got, "cannot disable yourself") {
				t.Errorf("refusal beside the account: %q", got)
			}
		})
	}
	doc = wantPage(t, b.post(t, "/admin/users/"+u.ID, url.Values{"change": {"roles"}, "roles": {"owner"}}), http.StatusUnprocessableEntity)
	if text(doc.Find("#user-"+u.ID+"-error")) == "" {
		t.Error("an unknown role is not refused beside the account")
	}
	if got := stored(admin.ID); got.Disabled || !got.HasRole(models.RoleAdmin) {
		t.Fatalf("the admin locked themselves out: %+v", got)
	}
	if got := stored(u.ID); !slices.Equal(got.Roles, []models.Role{models.RoleReviewer}) {
		t.Fatalf("a refused change changed the roles: %v", got.Roles)
	}
}
