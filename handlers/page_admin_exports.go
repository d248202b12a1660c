package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
)

// exportsView lists the exports an admin may download: every contest's
// page of exports, or one contest's files.
type exportsView struct {
	Contests []contestLink
	Year     int
	Files    []exportFile
}

type contestLink struct{ Title, Href string }

type exportFile struct{ Label, CSV, XLSX string }

// exportFormats are the file formats of a contest export, as the admin API
// offers them.
var exportFormats = []string{"csv", "xlsx"}

// adminExportsPage lists the catalogue's exports, which anyone may
// download from the API, and every contest, each leading to its exports.
func (w *webUI) adminExportsPage(c *gin.Context) {
	contests, err := w.app.Contests(useCase(c))
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("oversight.exports.title")
	data := exportsView{}
	for _, ct := range contests {
		data.Contests = append(data.Contests, contestLink{Title: ct.Title, Href: "/admin/contests/" + strconv.Itoa(ct.Year) + "/exports"})
	}
	v.Data = data
	w.render(c, http.StatusOK, "admin_exports", v)
}

// adminContestExportsPage lists one contest's exports, each as CSV and
// XLSX: its nominations, reviews and votes, and its results once
// published.
func (w *webUI) adminContestExportsPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("oversight.exports.contest_title", "Year", v.L.Plain(contest.Year))
	data := exportsView{Year: contest.Year}
	base := "/admin/contests/" + strconv.Itoa(contest.Year) + "/exports/"
	for _, what := range app.ExportKinds {
		if what == "results" && !contest.Stages.ResultsPublished {
			continue
		}
		data.Files = append(data.Files, exportFile{Label: v.L.T("oversight.exports." + what),
			CSV: base + what + "?format=csv", XLSX: base + what + "?format=xlsx"})
	}
	v.Data = data
	w.render(c, http.StatusOK, "admin_exports", v)
}

// adminContestExport streams one contest export (app.Service.ExportContest)
// with the bytes, content type and file name the admin API's export
// answers, under the browser session. An unknown kind or format, and the
// results before they are published, are the not-found page.
func (w *webUI) adminContestExport(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	what, format := c.Param("what"), c.DefaultQuery("format", "csv")
	if !slices.Contains(app.ExportKinds, what) || !slices.Contains(exportFormats, format) ||
		(what == "results" && !contest.Stages.ResultsPublished) {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	user, _ := pageUser(c)
	name := fmt.Sprintf("wsis-prizes-%d-%s.%s", contest.Year, what, format)
	produce := func(row func([]string) error) error {
		return w.app.ExportContest(useCase(c), user, contest.Year, what, row)
	}
	if format == "xlsx" {
		answerXLSX(c, name, what, produce)
		return
	}
	answerCSV(c, name, produce)
}
