package search

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/wsis-platform/wsis/models"
)

// The catalogue table: every published entry's filter values, sort keys
// and card, in memory, so that a catalogue page without text — the front
// page, any filter combination, the field sorts, any cursor — is answered
// by one pass over compact rows instead of by the index. Bleve's cost for
// such pages is reading each hit's doc values, whose chunks of a thousand
// entries it decompresses whole however few of their entries are hits;
// the pass costs a few nanoseconds an entry, and its facet counts cost in
// proportion to the entries it counts. Text searches, ranked by relevance,
// stay with the index. The table follows the index: every change the index
// applies is applied to it before the generation moves.
type table struct {
	mu    sync.RWMutex
	rows  map[string]*tableRow // by project id
	ready bool                 // loaded from the index at open
	// touched holds the ids changed while the table was loading, which
	// the load must not overwrite with the older values it read.
	touched map[string]bool
}

type tableRow struct {
	docID       string // the index's document id, the sorts' tie-break
	actionLines []string
	sdgs        []string
	countries   []string
	regions     []string
	stakeholder string
	status      string
	year        string
	publishedAt string
	titleSort   string
	card        models.PublicProject
}

// tableSorts are the sorts the table answers; the others (relevance, start
// date, whose entries may lack the field) are the index's.
var tableSorts = map[string]bool{"newest": true, "oldest": true, "title": true}

func newRow(pub models.PublicProject) *tableRow {
	card := pub
	card.Description, card.Partners = "", nil
	r := &tableRow{docID: publicID(pub.ID), actionLines: pub.ActionLines, countries: pub.Countries,
		stakeholder: string(pub.StakeholderType), status: pub.Status, titleSort: strings.ToLower(pub.Title), card: card}
	for _, g := range pub.SDGs {
		r.sdgs = append(r.sdgs, strconv.Itoa(g))
	}
	for _, reg := range pub.Regions {
		r.regions = append(r.regions, string(reg))
	}
	year := 0
	if pub.PublishedAt != nil {
		r.publishedAt = pub.PublishedAt.UTC().Format(timeKey)
		year = pub.PublishedAt.Year()
	}
	r.year = strconv.Itoa(year)
	return r
}

// put records a project as the index now holds it: its published version,
// or nothing when it is deleted or unpublished.
func (t *table) put(p models.Project, deleted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows == nil {
		t.rows = map[string]*tableRow{}
	}
	if !t.ready {
		if t.touched == nil {
			t.touched = map[string]bool{}
		}
		t.touched[p.ID] = true
	}
	if deleted || p.Published == nil {
		delete(t.rows, p.ID)
		return
	}
	t.rows[p.ID] = newRow(p.Public())
}

// load fills the table from the index's stored cards, in pages, leaving
// alone what changed meanwhile; until it is done the index answers.
func (t *table) load(ctx context.Context, idx bleve.Index) error {
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(term("kind", "pub"), 2000, 0, false)
		req.SortBy([]string{"_id"})
		req.Score = bleve.ScoreNone
		req.Fields = []string{"card"}
		if after != nil {
			req.SearchAfter = after
		}
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		rows := make([]*tableRow, 0, len(res.Hits))
		for _, h := range res.Hits {
			var card models.PublicProject
			s, _ := h.Fields["card"].(string)
			if err := json.Unmarshal([]byte(s), &card); err != nil {
				return err
			}
			rows = append(rows, newRow(card))
		}
		t.mu.Lock()
		if t.rows == nil {
			t.rows = map[string]*tableRow{}
		}
		for _, r := range rows {
			if !t.touched[r.card.ID] {
				t.rows[r.card.ID] = r
			}
		}
		t.mu.Unlock()
		if len(res.Hits) < 2000 {
			break
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
	t.mu.Lock()
	t.ready, t.touched = true, nil
	t.mu.Unlock()
	return nil
}

// catalogue answers q from the table, and false when the table cannot: a
// text query, a sort it does not keep, or a table still loading.
func (t *table) catalogue(q CatalogueQuery) (CatalogueResult, bool) {
	if strings.TrimSpace(q.Text) != "" || !tableSorts[q.Sort] {
		return CatalogueResult{}, false
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if !t.ready {
		return CatalogueResult{}, false
	}
	filters := []struct {
		values []string
		of     func(*tableRow) []string
	}{
		{q.ActionLines, func(r *tableRow) []string { return r.actionLines }},
		{q.SDGs, func(r *tableRow) []string { return r.sdgs }},
		{q.Countries, func(r *tableRow) []string { return r.countries }},
		{q.Regions, func(r *tableRow) []string { return r.regions }},
		{q.StakeholderTypes, func(r *tableRow) []string { return []string{r.stakeholder} }},
		{q.Statuses, func(r *tableRow) []string { return []string{r.status} }},
		{q.Years, func(r *tableRow) []string { return []string{r.year} }},
	}
	active := filters[:0:0]
	for _, f := range filters {
		if len(f.values) > 0 {
			active = append(active, f)
		}
	}
	var counts map[string]map[string]int
	if q.Facets {
		counts = map[string]map[string]int{}
		for field := range FacetFields {
			counts[field] = map[string]int{}
		}
	}
	key := tableSortKey(q.Sort)
	var after *sortPoint
	if len(q.After) == 2 {
		after = &sortPoint{value: q.After[0], docID: q.After[1]}
	}
	top := make([]*tableRow, 0, q.Limit+1)
	out := CatalogueResult{Items: []models.PublicProject{}}
rows:
	for _, r := range t.rows {
		for _, f := range active {
			if !anyIn(f.of(r), f.values) {
				continue rows
			}
		}
		out.Total++
		if counts != nil {
			count(counts["action_line"], r.actionLines)
			count(counts["sdg"], r.sdgs)
			count(counts["region"], r.regions)
			counts["stakeholder_type"][r.stakeholder]++
			counts["status"][r.status]++
			counts["year"][r.year]++
		}
		if after != nil && key.compare(sortPoint{key.value(r), r.docID}, *after) <= 0 {
			continue
		}
		if q.Limit >= 0 {
			top = keepTop(top, r, q.Limit+1, key)
		}
	}
	if len(top) > q.Limit {
		top = top[:q.Limit]
		if q.Limit > 0 {
			last := top[len(top)-1]
			out.Next = []string{key.value(last), last.docID}
		}
	}
	for _, r := range top {
		out.Items = append(out.Items, r.card)
	}
	out.Facets = counts
	return out, true
}

// sortPoint is a place in a sort: the field's value and the document id.
type sortPoint struct{ value, docID string }

type sortSpec struct {
	value func(*tableRow) string
	desc  bool
}

func tableSortKey(sort string) sortSpec {
	switch sort {
	case "newest":
		return sortSpec{value: func(r *tableRow) string { return r.publishedAt }, desc: true}
	case "oldest":
		return sortSpec{value: func(r *tableRow) string { return r.publishedAt }}
	default: // title
		return sortSpec{value: func(r *tableRow) string { return r.titleSort }}
	}
}

// compare orders two places as the index's sort does: the field (reversed
// when descending), then the document id ascending.
func (s sortSpec) compare(a, b sortPoint) int {
	c := strings.Compare(a.value, b.value)
	if s.desc {
		c = -c
	}
	return cmp.Or(c, strings.Compare(a.docID, b.docID))
}

// keepTop inserts r into top, kept sorted and at most n long.
func keepTop(top []*tableRow, r *tableRow, n int, s sortSpec) []*tableRow {
	p := sortPoint{s.value(r), r.docID}
	i, _ := slices.BinarySearchFunc(top, p, func(e *tableRow, p sortPoint) int { return s.compare(sortPoint{s.value(e), e.docID}, p) })
	if i >= n {
		return top
	}
	if len(top) < n {
		top = append(top, nil)
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = r
	return top
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

func count(m map[string]int, values []string) {
	for _, v := range values {
		m[v]++
	}
}
