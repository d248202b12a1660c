package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// projectView is a project as its page shows it, every code named in the
// page's language.
type projectView struct {
	Title, Summary, Organization, StakeholderType, Countries, Coverage, Status, Dates, Website, Partners string
	ActionLines, SDGs                                                                                    []namedCode
	// Description is the description's paragraphs.
	Description []string
}

// projectPage shows a project: its published version to anyone; to its
// owner and admins also before it is published, their working copy
// (app.Service.Project). Another user's unpublished project is the
// not-found page.
func (w *webUI) projectPage(c *gin.Context) {
	user, _ := pageUser(c)
	p, whole, err := w.app.Project(useCase(c), user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	pub := p.Public()
	if whole && !p.IsPublic() {
		draft := p
		draft.Published = &draft.ProjectContent
		pub = draft.Public()
	}
	v := w.newView(c)
	v.Title, v.Description, v.Public = pub.Title, v.L.T("project.meta", "Title", pub.Title, "Organization", pub.Organization), p.IsPublic()
	v.Data = projectOf(v.L, pub)
	w.render(c, http.StatusOK, "project", v)
}

func projectOf(l *locale.Locale, p models.PublicProject) projectView {
	countries := make([]string, len(p.Countries))
	for i, code := range p.Countries {
		countries[i] = l.Country(code)
	}
	v := projectView{Title: p.Title, Summary: p.Summary, Organization: p.Organization,
		StakeholderType: l.Stakeholder(string(p.StakeholderType)), Countries: strings.Join(countries, ", "),
		Coverage: l.Coverage(p.Coverage), Status: l.Status(p.Status), Website: p.Website,
		Partners: strings.Join(p.Partners, ", ")}
	start := localDate(l, p.StartDate)
	v.Dates = l.T("project.dates.since", "Start", start)
	if p.EndDate != "" {
		v.Dates = l.T("project.dates.range", "Start", start, "End", localDate(l, p.EndDate))
	}
	for _, code := range p.ActionLines {
		v.ActionLines = append(v.ActionLines, namedCode{Code: code, Name: l.ActionLine(code)})
	}
	for _, n := range p.SDGs {
		v.SDGs = append(v.SDGs, namedCode{Code: strconv.Itoa(n), Name: l.Plain(n) + ". " + l.SDG(n)})
	}
	for _, para := range strings.Split(strings.ReplaceAll(p.Description, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			v.Description = append(v.Description, para)
		}
	}
	return v
}

// localDate formats a YYYY-MM-DD date in l; anything else is shown as it is.
func localDate(l *locale.Locale, date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return l.Date(t)
}
