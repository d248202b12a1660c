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

	"github.com/RoaringBitmap/roaring/v2"
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
	// A row keeps its place while it lives, so that the words' bitmaps
	// (table_text.go) can name rows by place; a removed row leaves a nil
	// row and an empty mask until a new row takes its place.
	hot   []rowHot
	rows  []*tableRow
	at    map[string]int // project id → place
	free  []int          // places of removed rows
	live  int            // rows that are not nil
	dicts [facetCount]dictionary
	// countries numbers the country codes, too many for a mask: a row's
	// are counted by number.
	countries map[string]uint16
	countryOf []string
	// byValue and byCountry are the places of the rows having each value
	// of each facet (by its bit) and each country (by its number).
	byValue   [facetCount][64]*roaring.Bitmap
	byCountry []*roaring.Bitmap
	ready     bool // loaded from the index at open
	// touched holds the ids changed while the table was loading, which
	// the load must not overwrite with the older values it read.
	touched map[string]bool
	// broken is set when values no longer fit the masks: the index
	// answers again.
	broken bool
	// words answers the text searches (table_text.go).
	words words
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

// rowHot is what a pass reads of each row it visits, together, so that a
// visit costs a cache line or two rather than a miss per field: the filter
// values, the first countries, where the row's words are and its id's
// first bytes, which order rows as their ids do until they are equal.
type rowHot struct {
	mask       rowMask
	idKey      uint64
	wordsAt    uint32
	nwords     uint32
	countries  [hotCountries]uint16
	ncountries uint16
}

// hotCountries is how many of a row's countries its rowHot holds; a row of
// more reads them from its tableRow.
const hotCountries = 3

// idKey is the first eight bytes of a document id after its "pub:", as a
// number: ids with different keys order as their keys do.
func idKey(docID string) uint64 {
	id := strings.TrimPrefix(docID, "pub:")
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(id) {
			k |= uint64(id[i])
		}
	}
	return k
}

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
	countryIDs  []uint16 // countries by their numbers in the table
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

// set puts r at the place of its project with its terms (by term id), or
// removes the project when r is nil. The caller holds mu.
func (t *table) set(id string, r *tableRow, words []termWeight) {
	if t.at == nil {
		t.at = map[string]int{}
	}
	i, ok := t.at[id]
	if ok {
		t.words.remove(uint32(i), t.words.of(&t.hot[i]))
		t.index(i, &t.hot[i], t.rowCountries(&t.hot[i], i), true)
	}
	if r == nil {
		if !ok {
			return
		}
		t.hot[i], t.rows[i] = rowHot{}, nil
		t.free = append(t.free, i)
		t.live--
		delete(t.at, id)
		return
	}
	h := rowHot{idKey: idKey(r.docID)}
	for f := range facetCount {
		for _, v := range r.values[f] {
			b, fits := t.dicts[f].bit(v, true)
			if !fits {
				t.broken = true
			}
			h.mask[f] |= b
		}
	}
	r.countryIDs = make([]uint16, len(r.countries))
	for k, c := range r.countries {
		r.countryIDs[k] = t.country(c, true)
	}
	h.ncountries = uint16(len(r.countryIDs))
	copy(h.countries[:], r.countryIDs)
	if !ok {
		// While the table loads, places are not reused, so that the load
		// tells the places it read from newer ones (loadWords).
		if n := len(t.free); n > 0 && t.ready {
			i = t.free[n-1]
			t.free = t.free[:n-1]
		} else {
			i = len(t.rows)
			t.hot, t.rows = append(t.hot, rowHot{}), append(t.rows, nil)
		}
		t.at[id] = i
		t.live++
	}
	h.wordsAt, h.nwords = t.words.store(words)
	t.words.add(uint32(i), words)
	t.hot[i], t.rows[i] = h, r
	t.index(i, &h, r.countryIDs, false)
	t.words.compact(t.hot, t.rows)
}

// candidates narrows a pass to the rows that can match: those having a
// wanted value of each filtered facet, a wanted country and the text's
// words, as one intersection of the values' bitmaps; nil when nothing
// narrows it, and every row is visited. The visit still checks each row,
// so the bitmaps only save the visits of rows that cannot match.
func (t *table) candidates(want rowMask, active []int, countries []uint16, byCountry bool, text *textMatch) *roaring.Bitmap {
	var sets []*roaring.Bitmap
	union := func(of []*roaring.Bitmap) {
		switch len(of) {
		case 0:
			sets = append(sets, roaring.New())
		case 1:
			sets = append(sets, of[0])
		default:
			sets = append(sets, roaring.FastOr(of...))
		}
	}
	for _, f := range active {
		var of []*roaring.Bitmap
		for b := want[f]; b != 0; b &= b - 1 {
			if bm := t.byValue[f][bits.TrailingZeros64(b)]; bm != nil {
				of = append(of, bm)
			}
		}
		union(of)
	}
	if byCountry {
		var of []*roaring.Bitmap
		for _, c := range countries {
			if int(c) < len(t.byCountry) {
				of = append(of, t.byCountry[c])
			}
		}
		union(of)
	}
	if text != nil {
		sets = append(sets, text.hits)
	}
	switch len(sets) {
	case 0:
		return nil
	case 1:
		return sets[0]
	default:
		return roaring.FastAnd(sets...)
	}
}

// index adds (or with remove, takes) the row at place i to the bitmaps of
// its values and countries.
func (t *table) index(i int, h *rowHot, countries []uint16, remove bool) {
	for f := range facetCount {
		for b := h.mask[f]; b != 0; b &= b - 1 {
			bm := &t.byValue[f][bits.TrailingZeros64(b)]
			if *bm == nil {
				*bm = roaring.New()
			}
			if remove {
				(*bm).Remove(uint32(i))
			} else {
				(*bm).Add(uint32(i))
			}
		}
	}
	for _, c := range countries {
		for int(c) >= len(t.byCountry) {
			t.byCountry = append(t.byCountry, roaring.New())
		}
		if remove {
			t.byCountry[c].Remove(uint32(i))
		} else {
			t.byCountry[c].Add(uint32(i))
		}
	}
}

// size is the number of entries in the table.
func (t *table) size() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.live
}

// rowCountries are the country numbers of the row at place i.
func (t *table) rowCountries(h *rowHot, i int) []uint16 {
	if h.ncountries <= hotCountries {
		return h.countries[:h.ncountries]
	}
	return t.rows[i].countryIDs
}

// country numbers a country code, 0 when it is new and add is not set
// (numbers start at 1).
func (t *table) country(code string, add bool) uint16 {
	if n, ok := t.countries[code]; ok || !add {
		return n
	}
	if t.countries == nil {
		t.countries = map[string]uint16{}
		t.countryOf = []string{""}
	}
	n := uint16(len(t.countryOf))
	t.countries[code] = n
	t.countryOf = append(t.countryOf, code)
	return n
}

// put records a project as the index now holds it: its published version,
// or nothing when it is deleted or unpublished.
func (t *table) put(p models.Project, deleted bool) {
	var r *tableRow
	var weights map[string]float32
	if !deleted && p.Published != nil {
		pub := p.Public()
		r = newRow(pub)
		weights = t.words.analyze(pub)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var words []termWeight
	if r != nil {
		words = t.words.list(weights)
	}
	if !t.ready {
		if t.touched == nil {
			t.touched = map[string]bool{}
		}
		t.touched[p.ID] = true
	}
	t.set(p.ID, r, words)
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
				t.set(r.card.ID, r, nil) // its words come from the index's postings (loadWords)
			}
		}
		t.mu.Unlock()
		if len(res.Hits) < 2000 {
			break
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
	if err := t.loadWords(ctx, idx); err != nil {
		return err
	}
	t.mu.Lock()
	t.ready, t.touched = true, nil
	t.mu.Unlock()
	return nil
}

// catalogue answers q from the table, and false when the table cannot: a
// sort it does not keep, or a table still loading.
func (t *table) catalogue(q CatalogueQuery) (CatalogueResult, bool) {
	text := strings.TrimSpace(q.Text)
	if !tableSorts[q.Sort] && !(q.Sort == "relevance" && text != "") {
		return CatalogueResult{}, false
	}
	key := tableSortKey(q.Sort)
	var after *sortPoint
	if len(q.After) == 2 {
		after = &sortPoint{value: q.After[0], docID: q.After[1], idKey: idKey(q.After[1])}
		if key.byScore {
			score, err := strconv.ParseFloat(q.After[0], 64)
			if err != nil {
				return CatalogueResult{}, false
			}
			after.score = score
		}
	}
	var ws [][]string
	if text != "" {
		ws = queryWords(t.words.analyzer, text)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if !t.ready || t.broken || (text != "" && t.words.analyzer == nil) {
		return CatalogueResult{}, false
	}
	if text == "" {
		return t.pass(q, key, after, nil), true
	}
	// Every word is required, so a word found in almost every entry narrows
	// the result instead of widening it; only when no entry has them all do
	// entries with any of them answer.
	m := t.words.match(ws, false, t.live)
	out := t.pass(q, key, after, &m)
	if out.Total == 0 && len(ws) > 1 {
		m = t.words.match(ws, true, t.live)
		out = t.pass(q, key, after, &m)
	}
	return out, true
}

// pass counts, sorts and pages the rows that match q's filters: every row,
// or with text only the rows text matches, each scored. The caller holds
// mu for reading.
func (t *table) pass(q CatalogueQuery, key sortSpec, after *sortPoint, text *textMatch) CatalogueResult {
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
	var wantCountries []uint16
	for _, c := range q.Countries {
		if n := t.country(c, false); n != 0 {
			wantCountries = append(wantCountries, n)
		}
	}
	var counts [facetCount][64]int
	countries := make([]int, len(t.countryOf))
	top := make([]candidate, 0, q.Limit+1)
	out := CatalogueResult{Items: []models.PublicProject{}}
	visit := func(i int) {
		r := t.rows[i]
		if r == nil {
			return
		}
		h := &t.hot[i]
		for _, f := range active {
			if h.mask[f]&want[f] == 0 {
				return
			}
		}
		if len(q.Countries) > 0 && !anyIn(t.rowCountries(h, i), wantCountries) {
			return
		}
		out.Total++
		if q.Facets {
			for f := range facetCount {
				for b := h.mask[f]; b != 0; b &= b - 1 {
					counts[f][bits.TrailingZeros64(b)]++
				}
			}
			for _, c := range t.rowCountries(h, i) {
				countries[c]++
			}
		}
		c := candidate{row: r, idKey: h.idKey}
		if key.byScore {
			c.score = text.score(uint32(i))
		}
		p := key.point(c)
		if after != nil && key.compare(p, *after) <= 0 {
			return
		}
		// Most rows come after the page: one comparison tells.
		if n := len(top); n == q.Limit+1 && key.compare(p, key.point(top[n-1])) >= 0 {
			return
		}
		top = keepTop(top, c, q.Limit+1, key)
	}
	if cands := t.candidates(want, active, wantCountries, len(q.Countries) > 0, text); cands == nil {
		for i := range t.hot {
			visit(i)
		}
	} else {
		it := cands.Iterator()
		for it.HasNext() {
			visit(int(it.Next()))
		}
	}
	if len(top) > q.Limit {
		top = top[:q.Limit]
		if q.Limit > 0 {
			last := top[len(top)-1]
			out.Next = key.cursor(last)
		}
	}
	for _, c := range top {
		out.Items = append(out.Items, c.row.card)
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
		byName := map[string]int{}
		for n, count := range countries {
			if count > 0 {
				byName[t.countryOf[n]] = count
			}
		}
		out.Facets["country"] = byName
	}
	return out
}

// candidate is a row on its way to a page, with its relevance when the
// page is sorted by it.
type candidate struct {
	row   *tableRow
	score float64
	idKey uint64
}

// sortPoint is a place in a sort: the field's value or the relevance, and
// the document id (with its idKey).
type sortPoint struct {
	value string
	score float64
	idKey uint64
	docID string
	row   *tableRow // the id is its docID, read only on a tie
}

func (p sortPoint) id() string {
	if p.row != nil {
		return p.row.docID
	}
	return p.docID
}

type sortSpec struct {
	value   func(*tableRow) string
	desc    bool
	byScore bool
}

func tableSortKey(sort string) sortSpec {
	switch sort {
	case "newest":
		return sortSpec{value: func(r *tableRow) string { return r.publishedAt }, desc: true}
	case "oldest":
		return sortSpec{value: func(r *tableRow) string { return r.publishedAt }}
	case "relevance":
		return sortSpec{byScore: true}
	default: // title
		return sortSpec{value: func(r *tableRow) string { return r.titleSort }}
	}
}

func (s sortSpec) point(c candidate) sortPoint {
	if s.byScore {
		return sortPoint{score: c.score, idKey: c.idKey, row: c.row}
	}
	return sortPoint{value: s.value(c.row), idKey: c.idKey, row: c.row}
}

// cursor is the search-after key of c, as the index writes it.
func (s sortSpec) cursor(c candidate) []string {
	if s.byScore {
		return []string{strconv.FormatFloat(c.score, 'g', -1, 64), c.row.docID}
	}
	return []string{s.value(c.row), c.row.docID}
}

// compare orders two places as the index's sort does: the field (reversed
// when descending) or the relevance, highest first, then the document id
// ascending.
func (s sortSpec) compare(a, b sortPoint) int {
	var c int
	switch {
	case s.byScore:
		c = cmp.Compare(b.score, a.score)
	case s.desc:
		c = -strings.Compare(a.value, b.value)
	default:
		c = strings.Compare(a.value, b.value)
	}
	if c != 0 {
		return c
	}
	if a.idKey != b.idKey {
		return cmp.Compare(a.idKey, b.idKey)
	}
	return strings.Compare(a.id(), b.id())
}

// keepTop inserts c into top, kept sorted and at most n long.
func keepTop(top []candidate, c candidate, n int, s sortSpec) []candidate {
	p := s.point(c)
	i, _ := slices.BinarySearchFunc(top, p, func(e candidate, p sortPoint) int { return s.compare(s.point(e), p) })
	if i >= n {
		return top
	}
	if len(top) < n {
		top = append(top, candidate{})
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = c
	return top
}

func anyIn[T comparable](have, want []T) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}
