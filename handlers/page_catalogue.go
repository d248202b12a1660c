package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
)

// cataloguePageSize is how many projects a catalogue page lists.
const cataloguePageSize = 20

// catalogueView is a page of the Stocktaking catalogue: the search as the
// URL states it, each filter with its values and their counts in the
// result, the sort, the projects found and the links to other pages.
type catalogueView struct {
	Query     string
	Sorts     []fieldOption
	Filters   []facetGroup
	Countries []fieldOption
	Total     uint64
	Items     []catalogueItem
	// Next continues after the last project listed; First starts again.
	Next, First string
	// Failed is true when the search could not run (a filter value that is
	// not reference data); the page then lists nothing.
	Failed bool
}

// facetGroup is one filter: its query parameter and legend, and each of its
// values with the number of projects of the result that have it.
type facetGroup struct {
	Param, Legend string
	Values        []facetValue
}

type facetValue struct {
	Value, Label string
	Count        int
	Checked      bool
}

// catalogueItem is one project of a catalogue page, named in the page's
// language.
type catalogueItem struct {
	ID, Title, Organization, Summary, Countries string
	ActionLines                                 []string
}

// cataloguePage searches the published projects as the JSON catalogue does
// (the same read model, rules and facets), from a query that the URL holds,
// so that a search can be shared and the Back button works. Anyone may see
// it.
func (w *webUI) cataloguePage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Description, v.Public = v.L.T("catalogue.title"), v.L.T("catalogue.meta"), true
	values := c.Request.URL.Query()
	q, err := pageCatalogueQuery(values)
	var res search.CatalogueResult
	if err == nil {
		res, err = w.search.Catalogue(c.Request.Context(), q)
	}
	data := catalogueView{Query: values.Get("q")}
	status := http.StatusOK
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		status, data.Failed = http.StatusUnprocessableEntity, true
		for _, f := range ve.Fields {
			v.Errors = append(v.Errors, fieldError{Message: v.L.T("catalogue.invalid", "Field", f.Field)})
		}
	case err != nil:
		w.failPage(c, err)
		return
	}
	data.Total = res.Total
	data.Sorts = sortOptions(v.L, q)
	data.Filters = facetGroups(v.L, values, res.Facets)
	for _, o := range countryOptions(v.L) {
		o.Selected = slices.Contains(values["country"], o.Value)
		if n := res.Facets["country"][o.Value]; n > 0 {
			o.Label += " (" + v.L.Num(n) + ")"
		}
		data.Countries = append(data.Countries, o)
	}
	for _, p := range res.Items {
		data.Items = append(data.Items, itemOf(v.L, p))
	}
	if res.Next != nil {
		data.Next = pageLink(c, values, encodeKey(q.Sort, res.Next))
	}
	if values.Get("cursor") != "" {
		data.First = pageLink(c, values, "")
	}
	v.Data = data
	w.render(c, status, "catalogue", v)
}

// pageCatalogueQuery reads the catalogue's query from a page's URL under
// the JSON catalogue's rules; parameters of the page itself (lang, done)
// and unknown ones are left aside rather than refused.
func pageCatalogueQuery(values url.Values) (search.CatalogueQuery, error) {
	q := search.CatalogueQuery{Text: strings.TrimSpace(values.Get("q")), Limit: cataloguePageSize, Facets: true,
		ActionLines: nonEmpty(values["action_line"]), SDGs: nonEmpty(values["sdg"]), Countries: nonEmpty(values["country"]),
		Regions: nonEmpty(values["region"]), StakeholderTypes: nonEmpty(values["stakeholder_type"]),
		Statuses: nonEmpty(values["status"]), Years: nonEmpty(values["year"])}
	if len([]rune(q.Text)) > 200 {
		return q, models.Invalid("q", "must have at most 200 characters")
	}
	if err := checkFilters(q); err != nil {
		return q, err
	}
	q.Sort = values.Get("sort")
	if q.Sort == "" || (q.Sort == "relevance" && q.Text == "") {
		q.Sort = "newest"
		if q.Text != "" {
			q.Sort = "relevance"
		}
	}
	if _, ok := search.CatalogueSorts[q.Sort]; !ok {
		return q, models.Invalid("sort", "is not a sort of the catalogue")
	}
	after, err := decodeKey(values.Get("cursor"), q.Sort, len(search.CatalogueSorts[q.Sort]))
	q.After = after
	return q, err
}

// nonEmpty drops the empty values a form's "any" choice sends.
func nonEmpty(values []string) []string {
	return slices.DeleteFunc(slices.Clone(values), func(s string) bool { return s == "" })
}

func sortOptions(l *locale.Locale, q search.CatalogueQuery) []fieldOption {
	var out []fieldOption
	for _, name := range []string{"relevance", "newest", "oldest", "title", "start_date"} {
		if name == "relevance" && q.Text == "" {
			continue
		}
		out = append(out, fieldOption{Value: name, Label: l.T("catalogue.sort." + name), Selected: name == q.Sort})
	}
	return out
}

// facetGroups are the catalogue's filters with every value they can take
// (years: those the result has), each with its count in the result.
func facetGroups(l *locale.Locale, values url.Values, facets map[string]map[string]int) []facetGroup {
	group := func(param string, codes []string, name func(string) string) facetGroup {
		g := facetGroup{Param: param, Legend: l.T("filter." + param)}
		for _, code := range codes {
			g.Values = append(g.Values, facetValue{Value: code, Label: name(code), Count: facets[param][code],
				Checked: slices.Contains(values[param], code)})
		}
		return g
	}
	var years []string
	for y := range facets["year"] {
		years = append(years, y)
	}
	for _, y := range values["year"] {
		if !slices.Contains(years, y) && y != "" {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	slices.Reverse(years)
	return []facetGroup{
		group("action_line", referenceCodes.actionLines, l.ActionLine),
		group("sdg", referenceCodes.sdgs, func(n string) string { i, _ := strconv.Atoi(n); return l.Plain(i) + ". " + l.SDG(i) }),
		group("region", referenceCodes.regions, l.Region),
		group("stakeholder_type", referenceCodes.stakeholders, l.Stakeholder),
		group("status", models.ProjectStatuses, l.Status),
		group("year", years, func(y string) string { i, _ := strconv.Atoi(y); return l.Plain(i) }),
	}
}

// referenceCodes are the codes of the reference data the catalogue filters
// and the statistics list, in their reference order.
var referenceCodes = func() (c struct{ actionLines, sdgs, regions, stakeholders []string }) {
	for _, al := range models.ActionLines {
		c.actionLines = append(c.actionLines, al.Code)
	}
	for _, g := range models.SDGs {
		c.sdgs = append(c.sdgs, strconv.Itoa(g.Number))
	}
	for _, r := range models.Regions {
		c.regions = append(c.regions, string(r))
	}
	for _, st := range models.StakeholderTypes {
		c.stakeholders = append(c.stakeholders, string(st))
	}
	return c
}()

func itemOf(l *locale.Locale, p models.PublicProject) catalogueItem {
	countries := make([]string, len(p.Countries))
	for i, code := range p.Countries {
		countries[i] = l.Country(code)
	}
	it := catalogueItem{ID: p.ID, Title: p.Title, Organization: p.Organization, Summary: p.Summary,
		Countries: strings.Join(countries, ", ")}
	for _, code := range p.ActionLines {
		it.ActionLines = append(it.ActionLines, l.ActionLine(code))
	}
	return it
}

// pageLink is the current catalogue page's URL with the cursor replaced.
func pageLink(c *gin.Context, values url.Values, cursor string) string {
	next := url.Values{}
	for k, vs := range values {
		if k != "cursor" && k != "done" {
			next[k] = vs
		}
	}
	if cursor != "" {
		next.Set("cursor", cursor)
	}
	if len(next) == 0 {
		return c.Request.URL.Path
	}
	return c.Request.URL.Path + "?" + next.Encode()
}
