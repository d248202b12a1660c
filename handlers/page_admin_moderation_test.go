package handlers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/seed"
)

// submittedProjects stores n projects of the user waiting for moderation,
// the i-th submitted i minutes after the first, and indexes them.
func (s *prizesServer) submittedProjects(t *testing.T, n int) []models.Project {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	ps := make([]models.Project, n)
	for i := range ps {
		p := seed.Project(rng, s.user.ID, s.clock.Now())
		p.Title, p.State = fmt.Sprintf("Queued project %02d", i), models.ProjectSubmitted
		p.Published, p.UpdatedAt = nil, s.clock.Now().Add(time.Duration(i)*time.Minute)
		ps[i] = p
	}
	if err := s.store.InsertProjects(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	s.reindex(t)
	return ps
}

func (s *prizesServer) reindex(t *testing.T) {
	t.Helper()
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
}

func (s *prizesServer) projectState(t *testing.T, id string) models.Project {
	t.Helper()
	p, err := s.store.Project(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func queueTitles(doc *goquery.Document) []string {
	var out []string
	doc.Find("article.moderation-item h2 a").Each(func(_ int, a *goquery.Selection) { out = append(out, text(a)) })
	return out
}

func TestModerationPage_PublishesReturnsAndRejectsWithTheNotesTheyNeed(t *testing.T) {
	s := newPrizes(t, "")
	ps := s.submittedProjects(t, 3)
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/projects", http.StatusOK)
	if got := queueTitles(doc); strings.Join(got, "|") != "Queued project 00|Queued project 01|Queued project 02" {
		t.Fatalf("queue %v, want the longest waiting first", got)
	}
	item := doc.Find("#project-" + ps[1].ID)
	if href, _ := item.Find("h2 a").Attr("href"); href != "/projects/"+ps[1].ID {
		t.Errorf("link to the project %q", href)
	}
	action, _ := item.Find("form").Attr("action")
	version, _ := item.Find("input[name=version]").Attr("value")

	doc = wantPage(t, b.post(t, action, url.Values{"version": {version}, "step": {"return"}, "note": {"  "}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#note-" + ps[1].ID + "-error")); got != "Write a note to the owner: returning or rejecting needs one." {
		t.Errorf("return without a note: %q", got)
	}
	if d, _ := doc.Find("#note-" + ps[1].ID).Attr("aria-describedby"); !strings.Contains(d, "note-"+ps[1].ID+"-error") {
		t.Errorf("the note's error is not tied to it: %q", d)
	}
	if st := s.projectState(t, ps[1].ID).State; st != models.ProjectSubmitted {
		t.Fatalf("a refused return changed the project to %s", st)
	}
	wantPage(t, b.post(t, "/admin/projects/"+ps[2].ID+"/moderate", url.Values{"step": {"reject"}}), http.StatusUnprocessableEntity)

	wantRedirect(t, b.post(t, action, url.Values{"version": {version}, "step": {"return"}, "note": {"Add the results of 2026."}}),
		"/admin/projects?done=returned&sort=oldest")
	if p := s.projectState(t, ps[1].ID); p.State != models.ProjectReturned || p.Note != "Add the results of 2026." {
		t.Errorf("returned: %s %q", p.State, p.Note)
	}
	wantRedirect(t, b.post(t, "/admin/projects/"+ps[2].ID+"/moderate", url.Values{"step": {"reject"}, "note": {"Not an ICT project."}}),
		"/admin/projects?done=rejected")
	wantRedirect(t, b.post(t, "/admin/projects/"+ps[0].ID+"/moderate", url.Values{"step": {"publish"}}), "/admin/projects?done=published")
	if st := s.projectState(t, ps[2].ID).State; st != models.ProjectRejected {
		t.Errorf("rejected: %s", st)
	}
	if p := s.projectState(t, ps[0].ID); p.State != models.ProjectPublished || p.Published == nil {
		t.Errorf("published: %s", p.State)
	}
	doc = wantPage(t, b.post(t, "/admin/projects/"+ps[0].ID+"/moderate", url.Values{"step": {"publish"}}), http.StatusConflict)
	if doc.Find(".form-errors").Length() != 1 {
		t.Error("publishing a project twice gives no error")
	}
	s.reindex(t)
	doc = b.get(t, "/admin/projects?done=published", http.StatusOK)
	if len(queueTitles(doc)) != 0 || text(doc.Find(".notice")) != "The project is published." {
		t.Errorf("after the decisions the queue holds %v, notice %q", queueTitles(doc), text(doc.Find(".notice")))
	}
}

func TestModerationPage_PagesAndSortsLongQueuesOnTheServer(t *testing.T) {
	s := newPrizes(t, "")
	s.submittedProjects(t, 25)
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/projects", http.StatusOK)
	first := queueTitles(doc)
	if len(first) != 20 || first[0] != "Queued project 00" || first[19] != "Queued project 19" {
		t.Fatalf("first page %v", first)
	}
	if got := text(doc.Find(".total")); got != "Projects waiting: 25" {
		t.Errorf("total %q", got)
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok {
		t.Fatal("no link to the next page")
	}
	rest := queueTitles(b.get(t, next, http.StatusOK))
	if len(rest) != 5 || rest[0] != "Queued project 20" || rest[4] != "Queued project 24" {
		t.Errorf("second page %v", rest)
	}
	newest := queueTitles(b.get(t, "/admin/projects?sort=newest", http.StatusOK))
	if newest[0] != "Queued project 24" || len(newest) != 20 {
		t.Errorf("newest first %v", newest)
	}
	b.get(t, "/admin/projects?sort=title", http.StatusNotFound)
	b.get(t, "/admin/projects?cursor=bogus", http.StatusNotFound)
}

func TestModerationPage_ConcurrentDecisionsOnOneProjectApplyOnce(t *testing.T) {
	s := newPrizes(t, "")
	p := s.submittedProjects(t, 1)[0]
	b := s.adminBrowser(t)
	recs := s.concurrently(t, 6, func(i int) *http.Request {
		form := url.Values{"step": {"publish"}, "version": {fmt.Sprint(p.Version)}}
		if i%2 == 1 {
			form = url.Values{"step": {"reject"}, "note": {"Not an ICT project."}, "version": {fmt.Sprint(p.Version)}}
		}
		return b.formRequest("/admin/projects/"+p.ID+"/moderate", form)
	})
	counts := statusCounts(recs)
	if counts[http.StatusSeeOther] != 1 || counts[http.StatusSeeOther]+counts[http.StatusConflict]+counts[http.StatusPreconditionFailed] != 6 {
		t.Errorf("answers %v, want one decision applied and the others refused", counts)
	}
	if got := s.projectState(t, p.ID); got.State == models.ProjectSubmitted || got.Version != p.Version+1 {
		t.Errorf("after the decisions: %s at version %d (from %d)", got.State, got.Version, p.Version)
	}
}
