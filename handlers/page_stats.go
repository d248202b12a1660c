package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/store/search"
)

// statsView is the Stocktaking's statistics: the published projects
// counted along each dimension, each drawn as bars with its numbers.
type statsView struct {
	Total  uint64
	Charts []statsChart
}

// statsChart is one dimension's counts. Each row has its name, its count
// and its bar's length in percent of the largest count.
type statsChart struct {
	ID, Title, Column string
	Rows              []statsRow
}

type statsRow struct {
	Name, Count string
	Percent     int
}

// statsPage shows the published projects counted by action line, SDG,
// region, stakeholder type and year of publication (the numbers the JSON
// API's stats answer), as bar charts drawn in SVG on the server with the
// numbers in the same table. Anyone may see it.
func (w *webUI) statsPage(c *gin.Context) {
	res, err := w.search.Catalogue(c.Request.Context(), search.CatalogueQuery{Sort: "newest", Facets: true})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	l := v.L
	v.Title, v.Description, v.Public = l.T("stats.title"), l.T("stats.meta"), true
	var years []string
	for y := range res.Facets["year"] {
		years = append(years, y)
	}
	slices.Sort(years)
	number := func(s string) int { n, _ := strconv.Atoi(s); return n }
	v.Data = statsView{Total: res.Total, Charts: []statsChart{
		chartOf(l, "action_line", "stats.by_action_line", referenceCodes.actionLines, res.Facets, l.ActionLine),
		chartOf(l, "sdg", "stats.by_sdg", referenceCodes.sdgs, res.Facets, func(s string) string { return l.Plain(number(s)) + ". " + l.SDG(number(s)) }),
		chartOf(l, "region", "stats.by_region", referenceCodes.regions, res.Facets, l.Region),
		chartOf(l, "stakeholder_type", "stats.by_stakeholder_type", referenceCodes.stakeholders, res.Facets, l.Stakeholder),
		chartOf(l, "year", "stats.by_year", years, res.Facets, func(s string) string { return l.Plain(number(s)) }),
	}}
	w.render(c, http.StatusOK, "stats", v)
}

func chartOf(l *locale.Locale, field, titleKey string, codes []string, facets map[string]map[string]int, name func(string) string) statsChart {
	most := 0
	for _, code := range codes {
		most = max(most, facets[field][code])
	}
	chart := statsChart{ID: "stats-" + field, Title: l.T(titleKey), Column: l.T("filter." + field)}
	for _, code := range codes {
		n := facets[field][code]
		row := statsRow{Name: name(code), Count: l.Num(n)}
		if most > 0 {
			row.Percent = n * 100 / most
		}
		chart.Rows = append(chart.Rows, row)
	}
	return chart
}
