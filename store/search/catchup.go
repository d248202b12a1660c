package search

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/wsis-platform/wsis/models"
)

// How the index follows the change sequences. checked is the sequence up
// to which every change is either applied or pending; pending holds the
// sequences taken whose write has not landed (yet), with when the index
// first missed them; heard holds the sequences above checked that this
// process's own writes notified. A notification moves checked over a run
// of heard sequences, so on one process checked keeps up with the writes,
// and a restart on a current index reads one counter and nothing else.
const (
	// pendingFor is how long a sequence may stay taken without its write
	// landing. A writer gives up long before (the client's operation
	// timeout is 30 s); after it, the sequence was wasted — a write refused
	// after taking it — and is dropped.
	pendingFor = 2 * time.Minute
	// rebuildAfter is how far behind the index may fall before a catch-up
	// streams every document instead of reading each change.
	rebuildAfter = 10000
	// recheckWindow is how many of the last sequences a rebuild reads again
	// after its stream: their writes may have landed behind the cursor.
	recheckWindow = 1000
)

// readProgress reads the sequences the index has followed.
func (x *Index) readProgress() error {
	for key, dst := range map[string]*int64{lastSeqKey: &x.last, checkedKey: &x.checked} {
		if v, err := x.idx.GetInternal([]byte(key)); err == nil && v != nil {
			*dst, _ = strconv.ParseInt(string(v), 10, 64)
			x.followed = x.followed || key == checkedKey
		}
	}
	v, err := x.idx.GetInternal([]byte(pendingKey))
	if err != nil || v == nil {
		return nil
	}
	var stored map[int64]int64 // sequence → first missed, Unix milliseconds
	if err := json.Unmarshal(v, &stored); err != nil {
		return fmt.Errorf("search: read pending sequences: %w", err)
	}
	for seq, ms := range stored {
		x.pending[seq] = time.UnixMilli(ms)
	}
	return nil
}

// applyHeard writes batch, the index's change for a write this process
// made with sequence seq, together with the sequences followed after it.
// The caller holds wmu.
func (x *Index) applyHeard(batch *bleve.Batch, seq int64) error {
	checked := x.checked
	if seq > checked {
		for checked+1 == seq || x.heard[checked+1] {
			checked++
		}
	}
	x.mu.Lock()
	last := max(x.last, seq)
	x.mu.Unlock()
	batch.SetInternal([]byte(lastSeqKey), []byte(strconv.FormatInt(last, 10)))
	if x.followed {
		batch.SetInternal([]byte(checkedKey), []byte(strconv.FormatInt(checked, 10)))
	}
	if err := x.idx.Batch(batch); err != nil {
		return err
	}
	x.mu.Lock()
	x.last = last
	x.mu.Unlock()
	if seq > x.checked {
		x.heard[seq] = true
	}
	for s := x.checked + 1; s <= checked; s++ {
		delete(x.heard, s)
	}
	x.checked = checked
	delete(x.pending, seq)
	return nil
}

// CatchUp applies every change the index has not seen: those of other
// processes, writes whose notification failed, and writes that landed
// after the index moved past their sequence. On an index that follows the
// store it reads the sequence counter and, per change it missed, the
// change's fact and its document, all by _id; an empty index, or one far
// behind, is rebuilt by streaming every document once. It returns how many
// documents it indexed.
func (x *Index) CatchUp(ctx context.Context, src Source) (int, error) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.stale.Store(false)
	c := &catchUp{x: x, src: src, batch: x.idx.NewBatch(), now: time.Now()}
	current, err := src.CurrentSeq(ctx)
	if err == nil {
		switch {
		case current < x.checked:
			x.log.Warn("search index is ahead of the store: rebuilding it from the store", "index", x.checked, "store", current)
			x.pending = map[int64]time.Time{}
			err = c.rebuild(ctx, current)
		case !x.followed, current-x.checked > rebuildAfter:
			err = c.rebuild(ctx, current)
		default:
			err = c.follow(ctx, x.checked+1, current)
		}
	}
	if err == nil {
		err = c.finish(current)
	}
	if err != nil {
		x.stale.Store(true)
		x.recent = map[string]appliedSeq{} // nothing of this run counts as applied
		return c.n, fmt.Errorf("search: catch up: %w", err)
	}
	if c.n >= compactAfter {
		x.compact(ctx)
	}
	return c.n, nil
}

// catchUp is one catch-up's state.
type catchUp struct {
	x      *Index
	src    Source
	batch  *bleve.Batch
	now    time.Time
	n      int
	maxSeq int64
	// dirty says the pending set changed.
	dirty bool
	// projects are the batch's projects, for the catalogue table.
	projects []tableChange
}

type tableChange struct {
	p       models.Project
	deleted bool
}

// rebuild streams every project and account, then reads again the last
// sequences and the pending ones.
func (c *catchUp) rebuild(ctx context.Context, current int64) error {
	if err := c.src.EachProjectForIndex(ctx, c.project); err != nil {
		return err
	}
	if err := c.src.EachUserForIndex(ctx, c.user); err != nil {
		return err
	}
	return c.follow(ctx, max(current-recheckWindow+1, 1), current)
}

// follow resolves the pending sequences and those from from to to that
// this process did not hear of.
func (c *catchUp) follow(ctx context.Context, from, to int64) error {
	for _, seq := range slices.Sorted(maps.Keys(c.x.pending)) {
		if err := c.resolve(ctx, seq); err != nil {
			return err
		}
	}
	for seq := from; seq <= to; seq++ {
		if c.x.heard[seq] {
			continue
		}
		if _, ok := c.x.pending[seq]; ok {
			continue // resolved above
		}
		if err := c.resolve(ctx, seq); err != nil {
			return err
		}
	}
	return nil
}

// resolve applies the document that change seq is about once its write has
// landed, or keeps seq pending.
func (c *catchUp) resolve(ctx context.Context, seq int64) error {
	ch, ok, err := c.src.Change(ctx, seq)
	if err != nil {
		return err
	}
	if !ok {
		c.wait(seq)
		return nil
	}
	switch ch.Kind {
	case models.ChangeProject:
		p, deleted, found, err := c.src.ProjectForIndex(ctx, ch.ID)
		if err != nil {
			return err
		}
		if !found || p.Seq < seq {
			c.wait(seq)
			return nil
		}
		c.landed(seq)
		return c.project(p, deleted)
	case models.ChangeUser:
		u, found, err := c.src.UserForIndex(ctx, ch.ID)
		if err != nil {
			return err
		}
		if !found || u.Seq < seq {
			c.wait(seq)
			return nil
		}
		c.landed(seq)
		return c.user(u)
	default:
		c.landed(seq) // about nothing the index holds
		return nil
	}
}

// wait keeps seq pending, or drops it once it has waited pendingFor.
func (c *catchUp) wait(seq int64) {
	first, ok := c.x.pending[seq]
	switch {
	case !ok:
		c.x.pending[seq] = c.now
		c.dirty = true
	case c.now.Sub(first) > pendingFor:
		delete(c.x.pending, seq)
		c.dirty = true
		c.x.log.Info("search: a change sequence was taken but no write landed with it", "seq", seq, "since", first)
	}
}

func (c *catchUp) landed(seq int64) {
	if _, ok := c.x.pending[seq]; ok {
		delete(c.x.pending, seq)
		c.dirty = true
	}
}

func (c *catchUp) project(p models.Project, deleted bool) error {
	if !c.x.fresher("p:"+p.ID, p.Seq) {
		return nil
	}
	if err := addToBatch(c.batch, p, deleted); err != nil {
		return err
	}
	c.projects = append(c.projects, tableChange{p, deleted})
	return c.added(p.Seq)
}

func (c *catchUp) user(u models.User) error {
	if !c.x.fresher("u:"+u.ID, u.Seq) {
		return nil
	}
	if err := c.batch.Index(userID(u.ID), userDoc(u)); err != nil {
		return fmt.Errorf("index user %s: %w", u.ID, err)
	}
	return c.added(u.Seq)
}

func (c *catchUp) added(seq int64) error {
	c.n++
	c.maxSeq = max(c.maxSeq, seq)
	if c.batch.Size() >= 1000 {
		return c.flush()
	}
	return nil
}

// flush writes the documents batched so far with the largest sequence
// applied.
func (c *catchUp) flush() error {
	if c.batch.Size() == 0 {
		return nil
	}
	c.x.mu.Lock()
	last := max(c.x.last, c.maxSeq)
	c.x.mu.Unlock()
	c.batch.SetInternal([]byte(lastSeqKey), []byte(strconv.FormatInt(last, 10)))
	if err := c.x.idx.Batch(c.batch); err != nil {
		return err
	}
	c.batch.Reset()
	for _, ch := range c.projects {
		c.x.tbl.put(ch.p, ch.deleted)
	}
	c.projects = c.projects[:0]
	c.x.gen.Add(1)
	c.x.mu.Lock()
	c.x.last = last
	c.x.mu.Unlock()
	return nil
}

// finish writes the rest of the documents and that every sequence up to
// current is followed, with the pending ones. Nothing is written when
// nothing changed, so a catch-up that finds nothing leaves the index (and
// the answers cached on its generation) as they were.
func (c *catchUp) finish(current int64) error {
	if err := c.flush(); err != nil {
		return err
	}
	if c.x.followed && current == c.x.checked && !c.dirty {
		return nil
	}
	stored := make(map[int64]int64, len(c.x.pending))
	for seq, at := range c.x.pending {
		stored[seq] = at.UnixMilli()
	}
	pending, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	b := c.x.idx.NewBatch()
	b.SetInternal([]byte(checkedKey), []byte(strconv.FormatInt(current, 10)))
	b.SetInternal([]byte(pendingKey), pending)
	if err := c.x.idx.Batch(b); err != nil {
		return err
	}
	for seq := range c.x.heard {
		if seq <= current {
			delete(c.x.heard, seq)
		}
	}
	c.x.checked, c.x.followed = current, true
	return nil
}

// Checked is the sequence up to which the index has applied every change
// or holds it pending, and how many are pending.
func (x *Index) Checked() (seq int64, pending int) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	return x.checked, len(x.pending)
}
