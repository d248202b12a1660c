package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// checkedGDC returns the GDC objectives the project form shows checked.
func checkedGDC(doc *goquery.Document) []string {
	var got []string
	doc.Find(`input[name=gdc_objectives][checked]`).Each(func(_ int, i *goquery.Selection) {
		v, _ := i.Attr("value")
		got = append(got, v)
	})
	return got
}

func TestProjectForm_ShowsAndEditsTheGDCObjectives(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	b := loggedIn(t, s, "amina@example.org", "fr")

	doc := b.get(t, "/my/projects/new", http.StatusOK)
	boxes := doc.Find(`fieldset#gdc_objectives input[type=checkbox][name=gdc_objectives]`)
	if boxes.Length() != 5 {
		t.Fatalf("%d GDC objective boxes, want 5", boxes.Length())
	}
	if got := text(doc.Find("fieldset#gdc_objectives legend")); got != "Objectifs du Pacte numérique mondial" {
		t.Errorf("legend %q", got)
	}
	if got := text(boxes.Eq(4).Parent()); !strings.Contains(got, "intelligence artificielle") {
		t.Errorf("objective 5 is named %q, not in French", got)
	}

	form := projectFormFor("Community networks of the Sahel")
	form["gdc_objectives"] = []string{"2", "5"}
	edit := wantRedirect(t, b.post(t, "/my/projects", form), "/my/projects/")
	path := strings.Split(edit, "?")[0]
	id := strings.TrimSuffix(strings.TrimPrefix(path, "/my/projects/"), "/edit")
	if got := checkedGDC(b.get(t, path, http.StatusOK)); !slices.Equal(got, []string{"2", "5"}) {
		t.Errorf("after creating, checked %v, want [2 5]", got)
	}

	form["gdc_objectives"] = []string{"3"}
	wantRedirect(t, b.post(t, "/my/projects/"+id, form), path)
	if got := checkedGDC(b.get(t, path, http.StatusOK)); !slices.Equal(got, []string{"3"}) {
		t.Errorf("after editing, checked %v, want [3]", got)
	}
	p, err := s.store.Project(context.Background(), id)
	if err != nil || !slices.Equal(p.GDCObjectives, []int{3}) {
		t.Fatalf("stored %v (%v), want [3]", p.GDCObjectives, err)
	}

	delete(form, "gdc_objectives")
	wantRedirect(t, b.post(t, "/my/projects/"+id, form), path)
	if got := checkedGDC(b.get(t, path, http.StatusOK)); len(got) != 0 {
		t.Errorf("after unchecking all, checked %v", got)
	}

	form["gdc_objectives"] = []string{"9"}
	bad := wantPage(t, b.post(t, "/my/projects/"+id, form), http.StatusUnprocessableEntity)
	if bad.Find("#gdc_objectives-error").Length() != 1 {
		t.Error("an unknown objective has no error next to its field")
	}
	if p, _ := s.store.Project(context.Background(), id); len(p.GDCObjectives) != 0 {
		t.Errorf("a refused form changed the objectives to %v", p.GDCObjectives)
	}
}
