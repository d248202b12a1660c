package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/wsis-platform/wsis/models"
)

// timeKey writes a time so that its text sorts as the time does.
const timeKey = "2006-01-02T15:04:05.000000000Z"

func publicDoc(p models.Project) map[string]any {
	pub := p.Public()
	card := pub
	card.Description, card.Partners = "", nil
	cardJSON, _ := json.Marshal(card)
	sdgs := make([]string, len(pub.SDGs))
	for i, g := range pub.SDGs {
		sdgs[i] = strconv.Itoa(g)
	}
	regions := make([]string, len(pub.Regions))
	for i, r := range pub.Regions {
		regions[i] = string(r)
	}
	publishedAt := ""
	if p.PublishedAt != nil {
		publishedAt = p.PublishedAt.UTC().Format(timeKey)
	}
	year := strconv.Itoa(p.PublicYear())
	// One field holds every facet value as "<facet code><value>", so that
	// counting all facets reads one doc-value column per hit instead of six,
	// and a short one: counting decompresses the column's chunks of every
	// hit, which is most of a broad query's cost.
	var facets []string
	for field, values := range map[string][]string{"action_line": pub.ActionLines, "sdg": sdgs, "region": regions,
		"country": pub.Countries, "stakeholder_type": {string(pub.StakeholderType)}, "status": {pub.Status}, "year": {year}} {
		for _, v := range values {
			facets = append(facets, facetCodes[field]+v)
		}
	}
	return map[string]any{
		"kind": "pub", "id": p.ID,
		"title": pub.Title, "summary": pub.Summary, "description": pub.Description, "organization": pub.Organization,
		"action_line": pub.ActionLines, "sdg": sdgs, "country": pub.Countries, "region": regions,
		"stakeholder_type": string(pub.StakeholderType), "status": pub.Status, "year": year, "facet": facets,
		"published_at": publishedAt, "start_date": pub.StartDate, "title_sort": strings.ToLower(pub.Title),
		"card": string(cardJSON),
	}
}

func workDoc(p models.Project) map[string]any {
	card, _ := json.Marshal(p.Line())
	return map[string]any{
		"kind": "work", "id": p.ID, "title": p.Title, "organization": p.Organization, "state": string(p.State),
		"owner_id": p.OwnerID, "updated_at": p.UpdatedAt.UTC().Format(timeKey), "title_sort": strings.ToLower(p.Title),
		"card": string(card),
	}
}

// CatalogueSorts are the orders the catalogue offers; "relevance" needs a
// text query.
var CatalogueSorts = map[string][]string{
	"relevance":  {"-_score", "_id"},
	"newest":     {"-published_at", "_id"},
	"oldest":     {"published_at", "_id"},
	"title":      {"title_sort", "_id"},
	"start_date": {"-start_date", "_id"},
}

// FacetFields are the catalogue's facets, each with the most values it can
// have.
var FacetFields = map[string]int{"action_line": 18, "sdg": 17, "region": 6, "country": 250, "stakeholder_type": 6, "status": 3, "year": 200}

// facetCodes are the facets' one-letter codes in the "facet" field, and
// facetOfCode the reverse.
var facetCodes = map[string]string{"action_line": "a", "sdg": "s", "region": "r", "country": "c", "stakeholder_type": "t", "status": "u", "year": "y"}

var facetOfCode = func() map[byte]string {
	m := map[byte]string{}
	for field, code := range facetCodes {
		m[code[0]] = field
	}
	return m
}()

// facetValues bounds the values of all facets together.
var facetValues = func() int {
	n := 0
	for _, size := range FacetFields {
		n += size
	}
	return n
}()

// CatalogueQuery is a search of the public catalogue. Values within one
// filter are alternatives; filters combine. Text is words to look for, never
// a query language.
type CatalogueQuery struct {
	Text             string
	ActionLines      []string
	SDGs             []string
	Countries        []string
	Regions          []string
	StakeholderTypes []string
	Statuses         []string
	Years            []string
	Sort             string
	After            []string
	Limit            int
	Facets           bool
}

// facetKey is what a query's facet counts depend on: its text and filters,
// not its sort or page.
func (q CatalogueQuery) facetKey() string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(q.Text))
	for _, f := range [][]string{q.ActionLines, q.SDGs, q.Countries, q.Regions, q.StakeholderTypes, q.Statuses, q.Years} {
		b.WriteByte(0)
		b.WriteString(strings.Join(f, "\x01"))
	}
	return b.String()
}

// CatalogueResult is a page of the catalogue. Next is the sort key to
// continue after, nil on the last page.
type CatalogueResult struct {
	Items  []models.PublicProject
	Total  uint64
	Facets map[string]map[string]int
	Next   []string
}

// Catalogue searches the published projects.
func (x *Index) Catalogue(ctx context.Context, q CatalogueQuery) (CatalogueResult, error) {
	if res, ok := x.tbl.catalogue(q); ok {
		return res, nil
	}
	return x.catalogueFromIndex(ctx, q)
}

// catalogueFromIndex answers q with the index.
func (x *Index) catalogueFromIndex(ctx context.Context, q CatalogueQuery) (CatalogueResult, error) {
	must := []query.Query{term("kind", "pub")}
	for _, f := range []struct {
		field  string
		values []string
	}{{"action_line", q.ActionLines}, {"sdg", q.SDGs}, {"country", q.Countries}, {"region", q.Regions},
		{"stakeholder_type", q.StakeholderTypes}, {"status", q.Statuses}, {"year", q.Years}} {
		if len(f.values) > 0 {
			must = append(must, anyOf(f.field, f.values))
		}
	}
	gen := x.gen.Load()
	cached, hit := x.facets.get(q.facetKey(), gen)
	var words []string
	if strings.TrimSpace(q.Text) != "" {
		if words = searchWords(x.analyzer, q.Text); len(words) == 0 {
			must = append(must, bleve.NewMatchNoneQuery()) // only words like "the"
		}
	}
	run := func(all bool) (*bleve.SearchResult, error) {
		must := must
		if len(words) > 0 {
			must = append(must[:len(must):len(must)], textQuery(words, all))
		}
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), q.Limit+1, 0, false)
		req.SortBy(CatalogueSorts[q.Sort])
		if q.Sort != "relevance" {
			req.Score = bleve.ScoreNone // the order is a field's: skip scoring
		}
		req.Fields = []string{"card"}
		if len(q.After) > 0 {
			req.SearchAfter = q.After
		}
		if q.Facets && !hit {
			req.AddFacet("facet", bleve.NewFacetRequest("facet", facetValues))
		}
		return x.idx.SearchInContext(ctx, req)
	}
	// Every word is required, so a word found in almost every entry narrows
	// the result instead of widening it; only when no entry has them all do
	// entries with any of them answer (SPEC §6: relevance-ranked words).
	// Words the analyzer makes nothing of, like "the", are left out.
	res, err := run(true)
	if err == nil && res.Total == 0 && len(words) > 1 {
		res, err = run(false)
	}
	if err != nil {
		return CatalogueResult{}, fmt.Errorf("search: catalogue: %w", err)
	}
	out := CatalogueResult{Total: res.Total, Items: []models.PublicProject{}}
	hits := res.Hits
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		if q.Limit > 0 {
			out.Next = sortKey(hits[len(hits)-1], CatalogueSorts[q.Sort])
		}
	}
	for _, h := range hits {
		var card models.PublicProject
		s, _ := h.Fields["card"].(string)
		if err := json.Unmarshal([]byte(s), &card); err != nil {
			return CatalogueResult{}, fmt.Errorf("search: catalogue: card of %s: %w", h.ID, err)
		}
		out.Items = append(out.Items, card)
	}
	if q.Facets && hit {
		out.Facets = cached
	} else if q.Facets {
		out.Facets = map[string]map[string]int{}
		for field := range FacetFields {
			out.Facets[field] = map[string]int{}
		}
		if fr := res.Facets["facet"]; fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term == "" {
					continue
				}
				if field, ok := facetOfCode[t.Term[0]]; ok && out.Facets[field] != nil {
					out.Facets[field][t.Term[1:]] = t.Count
				}
			}
		}
		x.facets.put(q.facetKey(), gen, out.Facets)
	}
	return out, nil
}

// WorkQuery lists working copies of projects: an owner's, or those in some
// states for the moderators. Newest change first.
type WorkQuery struct {
	OwnerID string
	States  []models.ProjectState
	// Oldest lists the least recently changed first (a moderation queue's
	// order); the most recently changed come first by default.
	Oldest bool
	After  []string
	Limit  int
}

var workSort, oldestWorkSort = []string{"-updated_at", "_id"}, []string{"updated_at", "_id"}

// Work returns a page of working copies, the total and the sort key to
// continue after.
func (x *Index) Work(ctx context.Context, q WorkQuery) ([]models.ProjectSummary, uint64, []string, error) {
	must := []query.Query{term("kind", "work")}
	if q.OwnerID != "" {
		must = append(must, term("owner_id", q.OwnerID))
	}
	if len(q.States) > 0 {
		states := make([]string, len(q.States))
		for i, s := range q.States {
			states[i] = string(s)
		}
		must = append(must, anyOf("state", states))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), q.Limit+1, 0, false)
	if q.Oldest {
		req.SortBy(oldestWorkSort)
	} else {
		req.SortBy(workSort)
	}
	req.Score = bleve.ScoreNone
	req.Fields = []string{"card"}
	if len(q.After) > 0 {
		req.SearchAfter = q.After
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("search: work list: %w", err)
	}
	hits, next := res.Hits, []string(nil)
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		next = sortKey(hits[len(hits)-1], workSort)
	}
	items := make([]models.ProjectSummary, 0, len(hits))
	for _, h := range hits {
		var s models.ProjectSummary
		card, _ := h.Fields["card"].(string)
		if err := json.Unmarshal([]byte(card), &s); err != nil {
			return nil, 0, nil, fmt.Errorf("search: work list: card of %s: %w", h.ID, err)
		}
		items = append(items, s)
	}
	return items, res.Total, next, nil
}

// sortKey is the search-after key of a hit under sort.
func sortKey(h *search.DocumentMatch, sort []string) []string {
	key := make([]string, len(sort))
	for i, field := range sort {
		switch strings.TrimPrefix(field, "-") {
		case "_score":
			key[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		case "_id":
			key[i] = h.ID
		default:
			if i < len(h.Sort) {
				key[i] = h.Sort[i]
			}
		}
	}
	return key
}

func term(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

func anyOf(field string, values []string) query.Query {
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = term(field, v)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// textQuery matches words in the title (weighted most), the summary, the
// description and the organization. With all, every word must be found
// (each in any of those fields); otherwise any word will do. A match query
// analyses each word as the index did, so operators, wildcards and
// regular-expression characters are only characters.
func textQuery(words []string, all bool) query.Query {
	if !all || len(words) < 2 {
		return anyField(strings.Join(words, " "))
	}
	qs := make([]query.Query, len(words))
	for i, w := range words {
		qs[i] = anyField(w)
	}
	return bleve.NewConjunctionQuery(qs...)
}

// anyField matches text in any of the searched fields, with their weights.
func anyField(text string) query.Query {
	qs := make([]query.Query, len(textFields))
	for i, f := range textFields {
		m := bleve.NewMatchQuery(text)
		m.SetField(f.name)
		m.SetBoost(f.boost)
		qs[i] = m
	}
	return bleve.NewDisjunctionQuery(qs...)
}
