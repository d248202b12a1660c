package search_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func openIndex(t *testing.T) *search.Index {
	t.Helper()
	x, err := search.Open(filepath.Join(t.TempDir(), "idx"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func catalogueTitles(t *testing.T, x *search.Index) []string {
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

func TestIndex_OlderNotificationNeverReplacesANewerOne(t *testing.T) {
	x := openIndex(t)
	p := seed.Project(rand.New(rand.NewPCG(1, 1)), "owner", time.Now().UTC())
	p.ID = "p1"
	newer, older := p, p
	newer.Seq, older.Seq = 8, 7
	newer.Published = &models.ProjectContent{Title: "Newer title", Countries: []string{"KE"}, ActionLines: []string{"c3"}}
	older.Published = &models.ProjectContent{Title: "Older title", Countries: []string{"KE"}, ActionLines: []string{"c3"}}
	x.ProjectChanged(newer)
	x.ProjectChanged(older) // arrives late
	if got := catalogueTitles(t, x); len(got) != 1 || got[0] != "Newer title" {
		t.Fatalf("catalogue = %v, want the newer version", got)
	}
	deleted := newer
	deleted.Seq, deleted.Deleted = 9, true
	x.ProjectChanged(deleted)
	if got := catalogueTitles(t, x); len(got) != 0 {
		t.Fatalf("a deleted project is still listed: %v", got)
	}
}

// TestIndex_CatchUpSeesWritesOfAnotherReplica: two replicas share one store;
// each has its own index and hears only its own writes.
func TestIndex_CatchUpSeesWritesOfAnotherReplica(t *testing.T) {
	st := storetest.Store(t)
	ctx := context.Background()
	mine, theirs := openIndex(t), openIndex(t)
	st.Observe(theirs) // writes below go through the other replica
	rng := rand.New(rand.NewPCG(2, 2))
	now := time.Now().UTC()
	var ids []string
	for range 3 {
		p, err := st.CreateProject(ctx, seed.Project(rng, "owner", now))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := st.UpdateProject(ctx, ids[0], "", 0, now, func(p *models.Project) error {
		p.Deleted = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := len(catalogueTitles(t, mine)); got != 0 {
		t.Fatalf("this replica lists %d projects before catching up", got)
	}
	if _, err := mine.CatchUp(ctx, st); err != nil {
		t.Fatal(err)
	}
	if a, b := catalogueTitles(t, mine), catalogueTitles(t, theirs); len(a) != 2 || len(b) != 2 || a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("after catching up: %v, the other replica: %v", a, b)
	}
	if mine.LastSeq() != theirs.LastSeq() || mine.Stale() {
		t.Fatalf("last sequences %d and %d, stale %v", mine.LastSeq(), theirs.LastSeq(), mine.Stale())
	}
}
