// Package search is the platform's search read model (SPEC §8): an embedded
// Bleve index of the Stocktaking entries that serves the public catalogue
// with relevance-ranked full-text search, filters, sorting and facet counts,
// and the lists of entries by owner and by state. The store stays the source
// of truth: every write notifies the index, the index catches up from the
// store by change sequence at start, and it can always be rebuilt.
package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // the "en" analyzer of the text fields
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/wsis-platform/wsis/models"
)

// Source is where the index catches up from: the store. Every write of a
// project or an account takes a change sequence and, before it writes the
// document, records which document the sequence is about (a fact keyed by
// the sequence), so the index learns what it missed by _id reads of the
// sequences it has not seen, and its catch-up costs what changed, not the
// size of the catalogue.
type Source interface {
	// CurrentSeq is the last sequence taken.
	CurrentSeq(ctx context.Context) (int64, error)
	// Change is what a sequence is about; false while nothing recorded it.
	Change(ctx context.Context, seq int64) (models.Change, bool, error)
	// ProjectForIndex and UserForIndex read one document as stored.
	ProjectForIndex(ctx context.Context, id string) (p models.Project, deleted, found bool, err error)
	UserForIndex(ctx context.Context, id string) (models.User, bool, error)
	// EachProjectForIndex and EachUserForIndex stream every document, in
	// any order: the rebuild of an empty index.
	EachProjectForIndex(ctx context.Context, fn func(p models.Project, deleted bool) error) error
	EachUserForIndex(ctx context.Context, fn func(u models.User) error) error
}

const (
	lastSeqKey = "last_seq"
	// checkedKey is the sequence up to which every change is applied or
	// pending; pendingKey the pending ones (catchup.go).
	checkedKey = "checked_seq"
	pendingKey = "pending_seqs"
	// schemaKey marks the mapping the index was built with; an index of
	// another schema is rebuilt.
	schemaKey     = "schema"
	schemaVersion = "7"
)

// Index is the search read model. It is safe for concurrent use.
type Index struct {
	idx  bleve.Index
	dir  string
	log  *slog.Logger
	mu   sync.Mutex // orders writes of last_seq
	last int64
	// wmu orders the index's writes: notifications and catch-ups.
	wmu    sync.Mutex
	recent map[string]appliedSeq
	// checked, pending and heard follow the change sequences (catchup.go).
	checked  int64
	followed bool // a catch-up has run: checked means something
	pending  map[int64]time.Time
	heard    map[int64]bool
	stale    atomic.Bool
	// gen counts the index's changes; facet counts cached at one
	// generation are stale at the next.
	gen    atomic.Int64
	facets facetCache
	// tbl answers the catalogue's pages without text (table.go).
	tbl       table
	tableDone chan struct{}
	// analyzer is the text fields' analyzer, which makes a search's words
	// into terms.
	analyzer analysis.Analyzer
}

// Open opens the index in dir, creating it when missing and rebuilding it
// (empty, to be caught up) when it is corrupt or of another schema.
func Open(dir string, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.Default()
	}
	idx, err := bleve.Open(dir)
	if err == nil {
		if v, verr := idx.GetInternal([]byte(schemaKey)); verr != nil || string(v) != schemaVersion {
			_ = idx.Close()
			err = errors.New("index of another schema")
		}
	}
	if err != nil {
		if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
			log.Warn("search index unusable: rebuilding it from the store", "dir", dir, "err", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("search: remove index: %w", err)
		}
		if idx, err = bleve.New(dir, newMapping()); err != nil {
			return nil, fmt.Errorf("search: create index: %w", err)
		}
		if err := idx.SetInternal([]byte(schemaKey), []byte(schemaVersion)); err != nil {
			return nil, fmt.Errorf("search: create index: %w", err)
		}
	}
	x := &Index{idx: idx, dir: dir, log: log, recent: map[string]appliedSeq{}, pending: map[int64]time.Time{}, heard: map[int64]bool{}}
	if err := x.readProgress(); err != nil {
		_ = idx.Close()
		return nil, err
	}
	x.analyzer = idx.Mapping().AnalyzerNamed("en")
	x.tbl.words.analyzer = x.analyzer
	x.tableDone = make(chan struct{})
	go func() {
		defer close(x.tableDone)
		start := time.Now()
		if err := x.tbl.load(context.Background(), idx); err != nil {
			if !errors.Is(err, bleve.ErrorIndexClosed) {
				log.Warn("search: the catalogue table did not load; the index answers every page", "err", err)
			}
			return
		}
		log.Info("search: catalogue table loaded", "entries", x.tbl.size(), "took", time.Since(start).Round(time.Millisecond).String())
	}()
	return x, nil
}

// Close closes the index files, once the catalogue table's load is done.
func (x *Index) Close() error {
	err := x.idx.Close()
	<-x.tableDone
	return err
}

// LastSeq is the largest change sequence the index has applied.
func (x *Index) LastSeq() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.last
}

// compactAfter is the size of a catch-up after which the index is merged
// into one segment: a large catch-up leaves many small segments, and every
// query visits each of them.
const compactAfter = 1000

func (x *Index) compact(ctx context.Context) {
	adv, err := x.idx.Advanced()
	if err != nil {
		return
	}
	if sc, ok := adv.(*scorch.Scorch); ok {
		if err := sc.ForceMerge(ctx, nil); err != nil {
			x.log.Warn("search: compacting the index failed", "err", err)
		}
	}
}

// ProjectChanged indexes p as written, unless a newer version of it is
// indexed already. A failure is logged and marks the index stale: the store
// has the write, and the next catch-up indexes it.
func (x *Index) ProjectChanged(p models.Project) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if !x.fresher("p:"+p.ID, p.Seq) {
		return
	}
	batch := x.idx.NewBatch()
	err := addToBatch(batch, p, p.Deleted)
	if err == nil {
		err = x.applyHeard(batch, p.Seq)
	}
	if err == nil {
		x.tbl.put(p, p.Deleted)
	}
	x.gen.Add(1)
	if err != nil {
		x.stale.Store(true)
		delete(x.recent, "p:"+p.ID)
		x.log.Error("search: index project", "id", p.ID, "err", err)
	}
}

// UserChanged indexes the account as written, for the admins' list.
// Failures are logged, like ProjectChanged's.
func (x *Index) UserChanged(u models.User) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if !x.fresher("u:"+u.ID, u.Seq) {
		return
	}
	batch := x.idx.NewBatch()
	err := batch.Index(userID(u.ID), userDoc(u))
	if err == nil {
		err = x.applyHeard(batch, u.Seq)
	}
	if err != nil {
		x.stale.Store(true)
		delete(x.recent, "u:"+u.ID)
		x.log.Error("search: index user", "id", u.ID, "err", err)
	}
}

// Stale reports whether a write failed to reach the index since the last
// catch-up, so that one is due.
func (x *Index) Stale() bool { return x.stale.Load() }

// fresher reports whether seq is newer than what the index last applied for
// key, recording it when it is. Notifications of two quick writes of one
// document may arrive out of order; the older one is then dropped. Entries
// are kept a minute, far longer than such a race lasts, so memory follows
// the recent writes.
func (x *Index) fresher(key string, seq int64) bool {
	now := time.Now()
	if len(x.recent) > 10000 {
		for k, a := range x.recent {
			if now.Sub(a.at) > time.Minute {
				delete(x.recent, k)
			}
		}
	}
	if a, ok := x.recent[key]; ok && seq <= a.seq {
		return false
	}
	x.recent[key] = appliedSeq{seq: seq, at: now}
	return true
}

type appliedSeq struct {
	seq int64
	at  time.Time
}

// facetCache keeps the facet counts of recent queries for the index
// generation they were counted at. Facets depend on a query's text and
// filters only, so every page of a query, and every reader of the common
// first pages, shares one count until the index changes.
type facetCache struct {
	mu      sync.Mutex
	entries map[string]facetEntry
}

type facetEntry struct {
	gen    int64
	counts map[string]map[string]int
}

const facetCacheSize = 8192 // a few hundred counts each

func (c *facetCache) get(key string, gen int64) (map[string]map[string]int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.gen != gen {
		return nil, false
	}
	return e.counts, true
}

func (c *facetCache) put(key string, gen int64, counts map[string]map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= facetCacheSize {
		c.entries = make(map[string]facetEntry, facetCacheSize)
	}
	c.entries[key] = facetEntry{gen: gen, counts: counts}
}

// The index holds two documents per project: its public version under
// "pub:<id>" (only while published) and the owner's working copy under
// "work:<id>", for the owner's and the moderators' lists.
func publicID(id string) string { return "pub:" + id }
func workID(id string) string   { return "work:" + id }
func userID(id string) string   { return "user:" + id }

func addToBatch(b *bleve.Batch, p models.Project, deleted bool) error {
	if deleted {
		b.Delete(publicID(p.ID))
		b.Delete(workID(p.ID))
		return nil
	}
	if p.Published != nil {
		if err := b.Index(publicID(p.ID), publicDoc(p)); err != nil {
			return fmt.Errorf("search: index project %s: %w", p.ID, err)
		}
	} else {
		b.Delete(publicID(p.ID))
	}
	if err := b.Index(workID(p.ID), workDoc(p)); err != nil {
		return fmt.Errorf("search: index project %s: %w", p.ID, err)
	}
	return nil
}

func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = "en"
	text.Store = false
	text.IncludeInAll = false
	keyword := bleve.NewKeywordFieldMapping()
	keyword.Store = false
	keyword.IncludeInAll = false
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"title", "summary", "description", "organization"} {
		doc.AddFieldMappingsAt(f, text)
	}
	for _, f := range []string{"kind", "action_line", "sdg", "country", "region", "stakeholder_type", "status", "year",
		"state", "owner_id", "published_at", "updated_at", "start_date", "title_sort", "id", "facet",
		"email_kw", "name_kw", "org_kw", "role", "user_state"} {
		doc.AddFieldMappingsAt(f, keyword)
	}
	doc.AddFieldMappingsAt("card", stored)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = "en"
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// Generation counts the index's changes: an answer computed at one
// generation may be served again while it is still the generation, and
// never after. It moves after each change is visible to readers, so an
// answer read before a change is never kept past it.
func (x *Index) Generation() int64 { return x.gen.Load() }
