package handlers

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
)

// catalogueParams are the query parameters GET /projects accepts; any other
// is refused, so that nothing a client sends is taken as an operator.
var catalogueParams = []string{"q", "action_line", "sdg", "country", "region", "stakeholder_type", "status", "year",
	"sort", "limit", "cursor"}

// cursorKey is what an opaque catalogue or list cursor holds: the sort it
// belongs to and the sort key to continue after.
type cursorKey struct {
	Sort  string   `json:"s"`
	After []string `json:"a"`
}

func encodeKey(sort string, after []string) string {
	if after == nil {
		return ""
	}
	b, _ := json.Marshal(cursorKey{Sort: sort, After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeKey(raw, sort string, n int) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	var k cursorKey
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil || k.Sort != sort || len(k.After) != n {
		return nil, models.Invalid("cursor", "is not a cursor of this list and sort")
	}
	return k.After, nil
}

// catalogueAnswer is a page of the public catalogue (SPEC §6).
type catalogueAnswer struct {
	Items      []models.PublicProject    `json:"items"`
	NextCursor string                    `json:"next_cursor"`
	Total      uint64                    `json:"total"`
	Facets     map[string]map[string]int `json:"facets"`
}

// catalogue searches the published projects: full-text `q` ranked by
// relevance, filters (values of one filter are alternatives), an
// allow-listed sort, facet counts of the result for every filter, and
// cursor pages that neither repeat nor skip when projects are added.
func (s *server) catalogue(c *gin.Context) {
	q, ok := catalogueQuery(c)
	if !ok {
		return
	}
	// The key is the query as parsed: equal queries share an answer
	// whatever the order of their parameters.
	key := "catalogue?" + c.Request.URL.Query().Encode()
	s.answers.serve(c, key, s.search.Generation(), func() (any, error) {
		res, err := s.search.Catalogue(c.Request.Context(), q)
		if err != nil {
			return nil, err
		}
		return catalogueAnswer{Items: res.Items, NextCursor: encodeKey(q.Sort, res.Next), Total: res.Total, Facets: res.Facets}, nil
	})
}

func catalogueQuery(c *gin.Context) (search.CatalogueQuery, bool) {
	values := c.Request.URL.Query()
	for name := range values {
		if !slices.Contains(catalogueParams, name) {
			respondError(c, models.Invalid(name, "is not a parameter of this list; use "+strings.Join(catalogueParams, ", ")))
			return search.CatalogueQuery{}, false
		}
	}
	limit, _, ok := pageParams(c)
	if !ok {
		return search.CatalogueQuery{}, false
	}
	q := search.CatalogueQuery{Text: values.Get("q"), Limit: limit, Facets: true,
		ActionLines: values["action_line"], SDGs: values["sdg"], Countries: values["country"], Regions: values["region"],
		StakeholderTypes: values["stakeholder_type"], Statuses: values["status"], Years: values["year"]}
	if len([]rune(q.Text)) > 200 {
		respondError(c, models.Invalid("q", "must have at most 200 characters"))
		return q, false
	}
	if err := checkFilters(q); err != nil {
		respondError(c, err)
		return q, false
	}
	q.Sort = values.Get("sort")
	if q.Sort == "" {
		q.Sort = "newest"
		if strings.TrimSpace(q.Text) != "" {
			q.Sort = "relevance"
		}
	}
	if _, ok := search.CatalogueSorts[q.Sort]; !ok || (q.Sort == "relevance" && strings.TrimSpace(q.Text) == "") {
		respondError(c, models.Invalid("sort", "must be one of newest, oldest, title, start_date, or relevance with q"))
		return q, false
	}
	after, err := decodeKey(values.Get("cursor"), q.Sort, len(search.CatalogueSorts[q.Sort]))
	if err != nil {
		respondError(c, err)
		return q, false
	}
	q.After = after
	return q, true
}

// checkFilters refuses any filter value that is not reference data.
func checkFilters(q search.CatalogueQuery) error {
	var fields []models.FieldError
	check := func(name string, values []string, valid func(string) bool) {
		for _, v := range values {
			if !valid(v) {
				fields = append(fields, models.FieldError{Field: name, Message: strconv.Quote(v) + " is not a known value"})
			}
		}
	}
	check("action_line", q.ActionLines, func(v string) bool { _, ok := models.ActionLineByCode(v); return ok })
	check("sdg", q.SDGs, func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= 1 && n <= 17 && strconv.Itoa(n) == v
	})
	check("country", q.Countries, func(v string) bool { _, ok := models.CountryByCode(v); return ok })
	check("region", q.Regions, func(v string) bool { return models.ValidRegion(models.Region(v)) })
	check("stakeholder_type", q.StakeholderTypes, func(v string) bool { return models.ValidStakeholderType(models.StakeholderType(v)) })
	check("status", q.Statuses, func(v string) bool { return slices.Contains(models.ProjectStatuses, v) })
	check("year", q.Years, func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n >= 1990 && n <= 2200 })
	if len(fields) > 0 {
		return &models.ValidationError{Fields: fields}
	}
	return nil
}

// stats answers the counts of published projects by action line, SDG,
// region, stakeholder type, status and year.
func (s *server) stats(c *gin.Context) {
	s.answers.serve(c, "stats", s.search.Generation(), func() (any, error) {
		res, err := s.search.Catalogue(c.Request.Context(), search.CatalogueQuery{Sort: "newest", Limit: 0, Facets: true})
		if err != nil {
			return nil, err
		}
		return gin.H{"total": res.Total, "action_line": res.Facets["action_line"], "sdg": res.Facets["sdg"],
			"region": res.Facets["region"], "stakeholder_type": res.Facets["stakeholder_type"], "status": res.Facets["status"],
			"year": res.Facets["year"]}, nil
	})
}

// listWork answers a page of working copies: an owner's, or those in some
// states for the moderators (`state` may narrow or change them).
func (s *server) listWork(c *gin.Context, ownerID string, states []models.ProjectState) {
	limit, _, ok := pageParams(c)
	if !ok {
		return
	}
	if raw := c.QueryArray("state"); len(raw) > 0 {
		states = nil
		for _, v := range raw {
			if !slices.Contains(models.ProjectStates, models.ProjectState(v)) {
				respondError(c, models.Invalid("state", "must be one of draft, submitted, published, returned, rejected"))
				return
			}
			states = append(states, models.ProjectState(v))
		}
	}
	after, err := decodeKey(c.Query("cursor"), "work", 2)
	if err != nil {
		respondError(c, err)
		return
	}
	items, total, next, err := s.search.Work(c.Request.Context(), search.WorkQuery{OwnerID: ownerID, States: states, After: after, Limit: limit})
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, countedPage[models.ProjectSummary]{page: page[models.ProjectSummary]{Items: items,
		NextCursor: encodeKey("work", next)}, Total: total})
}
