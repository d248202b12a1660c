package store_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
	"github.com/wsis-platform/wsis/store/storetest"
)

// countingSource is the store, counting what a catch-up asks of it.
type countingSource struct {
	*store.Store
	counter, changes, documents, streams atomic.Int64
}

func (c *countingSource) CurrentSeq(ctx context.Context) (int64, error) {
	c.counter.Add(1)
	return c.Store.CurrentSeq(ctx)
}

func (c *countingSource) Change(ctx context.Context, seq int64) (models.Change, bool, error) {
	c.changes.Add(1)
	return c.Store.Change(ctx, seq)
}

func (c *countingSource) ProjectForIndex(ctx context.Context, id string) (models.Project, bool, bool, error) {
	c.documents.Add(1)
	return c.Store.ProjectForIndex(ctx, id)
}

func (c *countingSource) UserForIndex(ctx context.Context, id string) (models.User, bool, error) {
	c.documents.Add(1)
	return c.Store.UserForIndex(ctx, id)
}

func (c *countingSource) EachProjectForIndex(ctx context.Context, fn func(models.Project, bool) error) error {
	c.streams.Add(1)
	return c.Store.EachProjectForIndex(ctx, fn)
}

func (c *countingSource) EachUserForIndex(ctx context.Context, fn func(models.User) error) error {
	c.streams.Add(1)
	return c.Store.EachUserForIndex(ctx, fn)
}

func openIndexAt(t *testing.T, dir string) *search.Index {
	t.Helper()
	x, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func publishedTitles(t *testing.T, x *search.Index) []string {
	t.Helper()
	res, err := x.Catalogue(context.Background(), search.CatalogueQuery{Sort: "title", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range res.Items {
		out = append(out, p.Title)
	}
	return out
}

// A restart on an index that heard every write reads the sequence counter
// and nothing else, however many projects there are.
func TestCatchUp_RestartOnACurrentIndexReadsOnlyTheCounter(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.CatchUp(ctx, s); err != nil { // as a start does
		t.Fatal(err)
	}
	s.Observe(x)
	rng := rand.New(rand.NewPCG(3, 3))
	now := time.Now().UTC()
	var first models.Project
	for i := range 6 {
		p, err := s.CreateProject(ctx, seed.Project(rng, "owner", now))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = p
		}
	}
	if _, err := s.UpdateProject(ctx, first.ID, "", 0, now, func(p *models.Project) error {
		p.Published.Title = "Renamed entry"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := publishedTitles(t, x)
	current, _ := s.CurrentSeq(ctx)
	if checked, pending := x.Checked(); checked != current || pending != 0 {
		t.Fatalf("the index followed %d (%d pending), the store is at %d", checked, pending, current)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	src := &countingSource{Store: s}
	again := openIndexAt(t, dir)
	if n, err := again.CatchUp(ctx, src); err != nil || n != 0 {
		t.Fatalf("catch-up on a current index indexed %d: %v", n, err)
	}
	if src.counter.Load() != 1 || src.changes.Load() != 0 || src.documents.Load() != 0 || src.streams.Load() != 0 {
		t.Fatalf("catch-up read the counter %d times, %d changes, %d documents, %d streams; want the counter once",
			src.counter.Load(), src.changes.Load(), src.documents.Load(), src.streams.Load())
	}
	if got := publishedTitles(t, again); !slices.Equal(got, want) || !slices.Contains(got, "Renamed entry") {
		t.Fatalf("after the restart: %v, before: %v", got, want)
	}
}

// A replica that heard none of another's writes reads each change it missed
// by _id, not the collection; and a write that took its sequence before a
// later one but landed after it is indexed once it lands.
func TestCatchUp_ReadsMissedChangesAndAWriteThatLandedLate(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	mine, theirs := openIndexAt(t, filepath.Join(t.TempDir(), "mine")), openIndexAt(t, filepath.Join(t.TempDir(), "theirs"))
	src := &countingSource{Store: s}
	if _, err := mine.CatchUp(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Observe(theirs) // the writes below are the other replica's
	rng := rand.New(rand.NewPCG(4, 4))
	now := time.Now().UTC()
	var ps []models.Project
	for range 3 {
		p, err := s.CreateProject(ctx, seed.Project(rng, "owner", now))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	// A write of ps[0] takes its sequence, then a later write lands first.
	late, err := store.TakeChange(ctx, s, ps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateProject(ctx, ps[1].ID, "", 0, now, func(p *models.Project) error {
		p.Published.Title = "Second, renamed"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.CatchUp(ctx, src); err != nil {
		t.Fatal(err)
	}
	if src.streams.Load() != 0 || src.changes.Load() != 5 {
		t.Fatalf("the catch-up streamed %d times and read %d changes; want 5 changes read by _id", src.streams.Load(), src.changes.Load())
	}
	if _, pending := mine.Checked(); pending != 1 {
		t.Fatalf("%d sequences pending, want the late write's", pending)
	}
	if got := publishedTitles(t, mine); !slices.Contains(got, "Second, renamed") || len(got) != 3 {
		t.Fatalf("catalogue after the catch-up: %v", got)
	}
	landed := ps[0]
	landed.Published.Title = "First, landed late"
	if err := store.LandProject(ctx, s, landed, late); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.CatchUp(ctx, src); err != nil {
		t.Fatal(err)
	}
	if got := publishedTitles(t, mine); !slices.Contains(got, "First, landed late") {
		t.Fatalf("the late write is missing: %v", got)
	}
	if _, pending := mine.Checked(); pending != 0 {
		t.Fatalf("%d sequences still pending after the late write landed", pending)
	}
}
