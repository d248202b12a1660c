package search

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/wsis-platform/wsis/models"
)

// The catalogue table's words: an inverted index in memory of the text the
// catalogue searches, so that a text search costs in proportion to the
// entries it finds, not to the postings of its words. Bleve answers a
// two-word search by walking both words' postings in all four fields and
// scoring every match, then reads every hit's facet doc values; at 100,000
// entries, words found in a quarter of them, that is some 50 ms a query.
// Here each term has a compressed bitmap of the rows that have it, so the
// entries having every word are one intersection, and each hit is scored
// from its row's own short list of terms with their weights. The terms are
// the index's own (its "en" analyzer's), and the weights follow its
// tf-idf: the square root of a term's frequency times the field's length
// norm, times the field's boost.

// textFields are the fields a text search looks in, with their weights
// (the title most).
var textFields = []struct {
	name  string
	boost float64
}{{"title", 3}, {"summary", 2}, {"organization", 1.5}, {"description", 1}}

// termWeight is a term of a row and its weight there, summed over the
// fields that have it.
type termWeight struct {
	term   uint32
	weight float32
}

// words is the table's inverted index; it names rows by their places.
// The rows' own term lists lie end to end in one arena, in the order of
// their places after a load or a compaction, so that a pass reads them
// nearly in order.
type words struct {
	analyzer analysis.Analyzer
	termID   map[string]uint32
	postings []*roaring.Bitmap // by term id: the places of the rows having it
	// weighted holds the same postings with their weights, by place: a
	// search scores its hits by walking each of its terms' lists forward
	// with them, reading memory in order, instead of looking each hit's
	// term up in its own list.
	weighted [][]posting
	arena    []termWeight
	garbage  int // entries of the arena no row uses
}

// of is a row's term list.
func (w *words) of(h *rowHot) []termWeight {
	return w.arena[h.wordsAt : h.wordsAt+h.nwords : h.wordsAt+h.nwords]
}

// store puts a row's list in the arena.
func (w *words) store(list []termWeight) (at, n uint32) {
	at = uint32(len(w.arena))
	w.arena = append(w.arena, list...)
	return at, uint32(len(list))
}

// compact rewrites the arena in place order once most of it is garbage.
func (w *words) compact(hot []rowHot, rows []*tableRow) {
	if w.garbage < 1<<16 || w.garbage < len(w.arena)/2 {
		return
	}
	arena := make([]termWeight, 0, len(w.arena)-w.garbage)
	for i := range hot {
		if rows[i] == nil {
			continue
		}
		list := w.of(&hot[i])
		hot[i].wordsAt = uint32(len(arena))
		arena = append(arena, list...)
	}
	w.arena, w.garbage = arena, 0
}

// fieldWeight is what one field adds to a term's weight: its boost times
// the square root of the term's frequency times the field's length norm,
// the norm rounded as the index stores it.
func fieldWeight(boost float64, freq uint64, norm float32) float32 {
	return float32(boost * math.Sqrt(float64(freq)) * float64(norm))
}

// analyze returns the weights of the terms of a published entry's text,
// by term, as the index's analyzer finds them.
func (w *words) analyze(pub models.PublicProject) map[string]float32 {
	out := map[string]float32{}
	if w.analyzer == nil {
		return out
	}
	for _, f := range textFields {
		var text string
		switch f.name {
		case "title":
			text = pub.Title
		case "summary":
			text = pub.Summary
		case "organization":
			text = pub.Organization
		default:
			text = pub.Description
		}
		tokens := w.analyzer.Analyze([]byte(text))
		if len(tokens) == 0 {
			continue
		}
		norm := float32(1 / math.Sqrt(float64(len(tokens))))
		freq := map[string]uint64{}
		for _, tok := range tokens {
			freq[string(tok.Term)]++
		}
		for term, n := range freq {
			out[term] += fieldWeight(f.boost, n, norm)
		}
	}
	return out
}

// id returns a term's id, adding the term when add is set.
func (w *words) id(term string, add bool) (uint32, bool) {
	if id, ok := w.termID[term]; ok {
		return id, true
	}
	if !add {
		return 0, false
	}
	if w.termID == nil {
		w.termID = map[string]uint32{}
	}
	id := uint32(len(w.postings))
	w.termID[term] = id
	w.postings = append(w.postings, roaring.New())
	w.weighted = append(w.weighted, nil)
	return id, true
}

// list turns analysed weights into a row's term list, sorted by term id.
func (w *words) list(weights map[string]float32) []termWeight {
	out := make([]termWeight, 0, len(weights))
	for term, weight := range weights {
		id, _ := w.id(term, true)
		out = append(out, termWeight{id, weight})
	}
	slices.SortFunc(out, func(a, b termWeight) int { return int(a.term) - int(b.term) })
	return out
}

// posting is a row's place and its weight of a term.
type posting struct {
	place  uint32
	weight float32
}

func comparePlace(p posting, place uint32) int { return cmp.Compare(p.place, place) }

func (w *words) add(slot uint32, list []termWeight) {
	for _, tw := range list {
		w.postings[tw.term].Add(slot)
		l := w.weighted[tw.term]
		i, found := slices.BinarySearchFunc(l, slot, comparePlace)
		if found {
			l[i].weight = tw.weight
		} else {
			w.weighted[tw.term] = slices.Insert(l, i, posting{slot, tw.weight})
		}
	}
}

func (w *words) remove(slot uint32, list []termWeight) {
	for _, tw := range list {
		w.postings[tw.term].Remove(slot)
		l := w.weighted[tw.term]
		if i, found := slices.BinarySearchFunc(l, slot, comparePlace); found {
			w.weighted[tw.term] = slices.Delete(l, i, i+1)
		}
	}
	w.garbage += len(list)
}

// searchWords are the words of a search the analyzer makes terms of;
// words it makes nothing of, like "the", are left out, by the table and
// by the index alike.
func searchWords(a analysis.Analyzer, text string) []string {
	var out []string
	for _, word := range strings.Fields(text) {
		if len(a.Analyze([]byte(word))) > 0 {
			out = append(out, word)
		}
	}
	return out
}

// queryWords are the searchWords of text, each as the terms the analyzer
// makes of it (a word may make several, like "e-health").
func queryWords(a analysis.Analyzer, text string) [][]string {
	var out [][]string
	for _, word := range searchWords(a, text) {
		var terms []string
		for _, tok := range a.Analyze([]byte(word)) {
			if t := string(tok.Term); !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
		out = append(out, terms)
	}
	return out
}

// textMatch is a search's terms in the table: which rows match, and how
// to score one.
type textMatch struct {
	hits  *roaring.Bitmap
	terms []uint32
	idf   []float64
	// lists are the terms' weighted postings and at the place in each that
	// the last hit scored reached: hits are scored in ascending places.
	lists [][]posting
	at    []int
}

// match finds the rows having every word of ws or, with any, at least one.
// The caller holds the table's lock.
func (w *words) match(ws [][]string, any bool, rows int) textMatch {
	var m textMatch
	perWord := make([]*roaring.Bitmap, 0, len(ws))
	for _, terms := range ws {
		var of []*roaring.Bitmap
		for _, term := range terms {
			id, ok := w.id(term, false)
			if !ok || slices.Contains(m.terms, id) {
				if ok {
					of = append(of, w.postings[id])
				}
				continue
			}
			p := w.postings[id]
			of = append(of, p)
			m.terms = append(m.terms, id)
			m.lists = append(m.lists, w.weighted[id])
			m.at = append(m.at, 0)
			// The index's idf: 1 + ln(entries / (1 + entries with the term)).
			m.idf = append(m.idf, 1+math.Log(float64(rows)/float64(1+p.GetCardinality())))
		}
		switch len(of) {
		case 0:
			perWord = append(perWord, roaring.New())
		case 1:
			perWord = append(perWord, of[0])
		default:
			perWord = append(perWord, roaring.FastOr(of...))
		}
	}
	switch {
	case len(perWord) == 0:
		m.hits = roaring.New()
	case len(perWord) == 1:
		m.hits = perWord[0]
	case any:
		m.hits = roaring.FastOr(perWord...)
	default:
		m.hits = roaring.FastAnd(perWord...)
	}
	return m
}

// score is a row's relevance: each term's weight in the row times its idf.
// score is the relevance of the row at place: each term's weight there
// times its idf. Places must come in ascending order: each term's list is
// walked forward from where the last one left it, galloping over the
// places no hit has.
func (m *textMatch) score(place uint32) float64 {
	s := 0.0
	for i, l := range m.lists {
		at := m.at[i]
		if at < len(l) && l[at].place < place {
			step := 1
			for at+step < len(l) && l[at+step].place < place {
				at += step
				step *= 2
			}
			hi := min(at+step, len(l))
			j, _ := slices.BinarySearchFunc(l[at:hi], place, comparePlace)
			at += j
		}
		m.at[i] = at
		if at < len(l) && l[at].place == place {
			s += float64(l[at].weight) * m.idf[i]
		}
	}
	return s
}

// loadWords fills the words of the rows loaded from the index's cards,
// from the index's own postings: each term of each searched field with
// its frequency and norm per entry. It reads without the table's lock and
// takes it once, at the end, to merge; rows that changed meanwhile have
// their words from the change and are left alone.
func (t *table) loadWords(ctx context.Context, idx bleve.Index) error {
	t.mu.RLock()
	slotOf := make(map[string]uint32, len(t.rows))
	for i, r := range t.rows {
		if r != nil && !t.touched[r.card.ID] {
			slotOf[r.docID] = uint32(i)
		}
	}
	slots := len(t.rows)
	t.mu.RUnlock()
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	reader, err := adv.Reader()
	if err != nil {
		return err
	}
	defer reader.Close()
	// The index's internal ids of the rows, read once.
	var places internalPlaces
	kinds, err := reader.TermFieldReader(ctx, []byte("pub"), "kind", false, false, false)
	if err != nil {
		return err
	}
	for {
		d, err := kinds.Next(nil)
		if err != nil {
			_ = kinds.Close()
			return err
		}
		if d == nil {
			break
		}
		ext, err := reader.ExternalID(d.ID)
		if err != nil {
			_ = kinds.Close()
			return err
		}
		if s, ok := slotOf[ext]; ok {
			places.add(d.ID, s)
		}
	}
	_ = kinds.Close()
	// The terms of the four fields, each in order.
	var terms []string
	inField := map[string][]bool{}
	for fi, f := range textFields {
		dict, err := reader.FieldDict(f.name)
		if err != nil {
			return err
		}
		for {
			e, err := dict.Next()
			if err != nil {
				_ = dict.Close()
				return err
			}
			if e == nil {
				break
			}
			has, seen := inField[e.Term]
			if !seen {
				has = make([]bool, len(textFields))
				inField[e.Term] = has
				terms = append(terms, e.Term)
			}
			has[fi] = true
		}
		_ = dict.Close()
	}
	// Each term's postings, field by field in textFields' order, so that a
	// row's weight sums its fields as analyze does.
	local := make([]*roaring.Bitmap, len(terms))
	perSlot := make([][]termWeight, slots)
	var doc index.TermFieldDoc
	for ti, term := range terms {
		if err := ctx.Err(); err != nil {
			return err
		}
		local[ti] = roaring.New()
		for fi, f := range textFields {
			if !inField[term][fi] {
				continue
			}
			tfr, err := reader.TermFieldReader(ctx, []byte(term), f.name, true, true, false)
			if err != nil {
				return err
			}
			for {
				d, err := tfr.Next(&doc)
				if err != nil {
					_ = tfr.Close()
					return err
				}
				if d == nil {
					break
				}
				s, ok := places.of(d.ID)
				if !ok {
					continue // a working copy, or a row changed meanwhile
				}
				add := fieldWeight(f.boost, d.Freq, float32(d.Norm))
				list := perSlot[s]
				if n := len(list); n > 0 && list[n-1].term == uint32(ti) {
					list[n-1].weight += add
				} else {
					perSlot[s] = append(list, termWeight{uint32(ti), add})
					local[ti].Add(s)
				}
			}
			_ = tfr.Close()
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// Rows changed since the start of this load keep the words of their
	// change; their old slots are dropped from what was read.
	var changed []uint32
	for id := range t.touched {
		if s, ok := slotOf[publicID(id)]; ok {
			changed = append(changed, s)
		}
	}
	skip := roaring.BitmapOf(changed...)
	global := make([]uint32, len(terms))
	for ti, term := range terms {
		global[ti], _ = t.words.id(term, true)
		local[ti].AndNot(skip)
		t.words.postings[global[ti]].Or(local[ti])
	}
	for s, list := range perSlot {
		if list == nil || skip.Contains(uint32(s)) {
			continue
		}
		for i := range list {
			list[i].term = global[list[i].term]
		}
		slices.SortFunc(list, func(a, b termWeight) int { return int(a.term) - int(b.term) })
		h := &t.hot[s]
		t.words.garbage += int(h.nwords)
		h.wordsAt, h.nwords = t.words.store(list)
		for _, tw := range list {
			t.words.weighted[tw.term] = append(t.words.weighted[tw.term], posting{uint32(s), tw.weight})
		}
		perSlot[s] = nil
	}
	// The rows changed meanwhile were in the lists first, out of order
	// with the places appended after them.
	for _, l := range t.words.weighted {
		if !slices.IsSortedFunc(l, func(a, b posting) int { return cmp.Compare(a.place, b.place) }) {
			slices.SortFunc(l, func(a, b posting) int { return cmp.Compare(a.place, b.place) })
		}
	}
	t.words.compact(t.hot, t.rows)
	return nil
}

// internalPlaces maps the index's internal document ids to the rows'
// places. Scorch's ids are 8-byte document numbers, dense enough for a
// slice; other ids go to a map.
type internalPlaces struct {
	dense []int32 // by document number: the place, -1 for none
	other map[string]uint32
}

func internalNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	var n uint64
	for _, b := range id {
		n = n<<8 | uint64(b)
	}
	return n, true
}

// denseLimit bounds the slice: document numbers beyond it go to the map.
const denseLimit = 1 << 24

func (p *internalPlaces) add(id index.IndexInternalID, place uint32) {
	if n, ok := internalNumber(id); ok && n < denseLimit {
		for uint64(len(p.dense)) <= n {
			p.dense = append(p.dense, -1)
		}
		p.dense[n] = int32(place)
		return
	}
	if p.other == nil {
		p.other = map[string]uint32{}
	}
	p.other[string(id)] = place
}

func (p *internalPlaces) of(id index.IndexInternalID) (uint32, bool) {
	if n, ok := internalNumber(id); ok && n < uint64(len(p.dense)) {
		if place := p.dense[n]; place >= 0 {
			return uint32(place), true
		}
		return 0, false
	}
	place, ok := p.other[string(id)]
	return place, ok
}
