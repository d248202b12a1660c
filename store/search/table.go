package search

import (
	"cmp"
	"context"
	"encoding/json"
	"math/bits"
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
	mu sync.RWMutex
	// The rows' filter values, packed and contiguous, so that a pass over
	// them reads memory in order; rows holds the rest, at the same place.
	masks []rowMask
	rows  []*tableRow
	at    map[string]int // project id → place
	dicts [facetCount]dictionary
	ready bool // loaded from the index at open
	// touched holds the ids changed while the table was loading, which
	// the load must not overwrite with the older values it read.
	touched map[string]bool
	// broken is set when values no longer fit the masks: the index
	// answers again.
	broken bool
}

// The facets in their mask order.
const (
	facetActionLine = iota
	facetSDG
	facetRegion
	facetStakeholder
	facetStatus
	facetYear
	facetCount
)

var facetNames = [facetCount]string{"action_line", "sdg", "region", "stakeholder_type", "status", "year"}

// rowMask is one row's filter values: a bit per value it has, of each
// facet's dictionary.
type rowMask [facetCount]uint64

// dictionary numbers a facet's values in the order they are first seen;
// 64 at most, one bit each.
type dictionary struct {
	values []string
	index  map[string]int
}

func (d *dictionary) bit(v string, add bool) (uint64, bool) {
	if i, ok := d.index[v]; ok {
		return 1 << i, true
	}
	if !add {
		return 0, true
	}
	if len(d.values) == 64 {
		return 0, false
	}
	if d.index == nil {
		d.index = map[string]int{}
	}
	d.index[v] = len(d.values)
	d.values = append(d.values, v)
	return 1 << (len(d.values) - 1), true
}

type tableRow struct {
	docID       string // the index's document id, the sorts' tie-break
	countries   []string
	publishedAt string
	titleSort   string
	card        models.PublicProject
	values      [facetCount][]string
}

// tableSorts are the sorts the table answers; the others (relevance, start
// date, whose entries may lack the field) are the index's.
var tableSorts = map[string]bool{"newest": true, "oldest": true, "title": true}

func newRow(pub models.PublicProject) *tableRow {
	card := pub
	card.Description, card.Partners = "", nil
	r := &tableRow{docID: publicID(pub.ID), countries: pub.Countries, titleSort: strings.ToLower(pub.Title), card: card}
	r.values[facetActionLine] = pub.ActionLines
	for _, g := range pub.SDGs {
		r.values[facetSDG] = append(r.values[facetSDG], strconv.Itoa(g))
	}
	for _, reg := range pub.Regions {
		r.values[facetRegion] = append(r.values[facetRegion], string(reg))
	}
	r.values[facetStakeholder] = []string{string(pub.StakeholderType)}
	r.values[facetStatus] = []string{pub.Status}
	year := 0
	if pub.PublishedAt != nil {
		r.publishedAt = pub.PublishedAt.UTC().Format(timeKey)
		year = pub.PublishedAt.Year()
	}
	r.values[facetYear] = []string{strconv.Itoa(year)}
	return r
}

// set puts r at the place of its project, or removes the project when r
// is nil. The caller holds mu.
func (t *table) set(id string, r *tableRow) {
	if t.at == nil {
		t.at = map[string]int{}
	}
	i, ok := t.at[id]
	if r == nil {
		if !ok {
			return
		}
		last := len(t.rows) - 1
		t.masks[i], t.rows[i] = t.masks[last], t.rows[last]
		t.at[t.rows[i].card.ID] = i
		t.masks, t.rows = t.masks[:last], t.rows[:last]
		delete(t.at, id)
		return
	}
	var m rowMask
	for f := range facetCount {
		for _, v := range r.values[f] {
			b, fits := t.dicts[f].bit(v, true)
			if !fits {
				t.broken = true
			}
			m[f] |= b
		}
	}
	if ok {
		t.masks[i], t.rows[i] = m, r
		return
	}
	t.at[id] = len(t.rows)
	t.masks, t.rows = append(t.masks, m), append(t.rows, r)
}

// put records a project as the index now holds it: its published version,
// or nothing when it is deleted or unpublished.
func (t *table) put(p models.Project, deleted bool) {
	var r *tableRow
	if !deleted && p.Published != nil {
		r = newRow(p.Public())
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.ready {
		if t.touched == nil {
			t.touched = map[string]bool{}
		}
		t.touched[p.ID] = true
	}
	t.set(p.ID, r)
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
		for _, r := range rows {
			if !t.touched[r.card.ID] {
				t.set(r.card.ID, r)
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
	if !t.ready || t.broken {
		return CatalogueResult{}, false
	}
	// A filter is a mask per facet: a row matches when it has a bit of
	// each; a value the table never saw has no bit and matches nothing.
	var want rowMask
	var active []int
	for f, values := range [facetCount][]string{q.ActionLines, q.SDGs, q.Regions, q.StakeholderTypes, q.Statuses, q.Years} {
		if len(values) == 0 {
			continue
		}
		for _, v := range values {
			b, _ := t.dicts[f].bit(v, false)
			want[f] |= b
		}
		active = append(active, f)
	}
	var counts [facetCount][64]int
	// Countries are too many for a mask: they are counted by name.
	var countries map[string]int
	if q.Facets {
		countries = map[string]int{}
	}
	key := tableSortKey(q.Sort)
	var after *sortPoint
	if len(q.After) == 2 {
		after = &sortPoint{value: q.After[0], docID: q.After[1]}
	}
	top := make([]*tableRow, 0, q.Limit+1)
	out := CatalogueResult{Items: []models.PublicProject{}}
rows:
	for i := range t.masks {
		m := &t.masks[i]
		for _, f := range active {
			if m[f]&want[f] == 0 {
				continue rows
			}
		}
		r := t.rows[i]
		if len(q.Countries) > 0 && !anyIn(r.countries, q.Countries) {
			continue
		}
		out.Total++
		if q.Facets {
			for f := range facetCount {
				for b := m[f]; b != 0; b &= b - 1 {
					counts[f][bits.TrailingZeros64(b)]++
				}
			}
			for _, c := range r.countries {
				countries[c]++
			}
		}
		if after != nil && key.compare(sortPoint{key.value(r), r.docID}, *after) <= 0 {
			continue
		}
		top = keepTop(top, r, q.Limit+1, key)
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
	if q.Facets {
		out.Facets = map[string]map[string]int{}
		for f := range facetCount {
			m := map[string]int{}
			for i, v := range t.dicts[f].values {
				if counts[f][i] > 0 {
					m[v] = counts[f][i]
				}
			}
			out.Facets[facetNames[f]] = m
		}
		out.Facets["country"] = countries
	}
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
