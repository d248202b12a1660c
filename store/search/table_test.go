package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

func ids(ps []models.PublicProject) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// The catalogue table answers every page without text exactly as the index
// does — items, order, cursor, total and facets — for random filters,
// sorts and cursors, after loading from the index at open and after
// changes it heard.
func TestCatalogueTable_AnswersAsTheIndexDoes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	now := time.Now().UTC()
	ps := make([]models.Project, 400)
	for i := range ps {
		ps[i] = seed.Project(rng, "owner", now.Add(-time.Duration(rng.IntN(3))*time.Hour)) // equal times happen
		ps[i].ID, ps[i].Seq = fmt.Sprintf("p%04d", i), int64(i+1)
		if i%7 == 0 {
			ps[i].Published.Title = "Same title" // ties in the title sort
		}
	}
	if _, err := x.CatchUp(context.Background(), sliceSource(ps)); err != nil {
		t.Fatal(err)
	}
	x.WaitTable()
	compare := func(x *search.Index, rounds int) {
		t.Helper()
		ctx := context.Background()
		for round := range rounds {
			q := search.CatalogueQuery{Sort: []string{"newest", "oldest", "title"}[round%3], Limit: rng.IntN(30), Facets: rng.IntN(2) == 0}
			if rng.IntN(2) == 0 {
				q.ActionLines = []string{models.ActionLines[rng.IntN(len(models.ActionLines))].Code}
			}
			if rng.IntN(2) == 0 {
				q.Regions = []string{string(models.Regions[rng.IntN(len(models.Regions))]), string(models.Regions[rng.IntN(len(models.Regions))])}
			}
			if rng.IntN(3) == 0 {
				q.SDGs = []string{fmt.Sprint(1 + rng.IntN(17))}
			}
			if rng.IntN(4) == 0 {
				// A country of some entry, and one of none.
				q.Countries = []string{ps[rng.IntN(len(ps))].Published.Countries[0], "AQ"}
			}
			if rng.IntN(5) == 0 {
				q.StakeholderTypes = []string{string(models.StakeholderTypes[rng.IntN(len(models.StakeholderTypes))])}
			}
			for page := 0; page < 4; page++ {
				fromTable, err := x.Catalogue(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				fromIndex, err := x.CatalogueFromIndex(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if fromTable.Total != fromIndex.Total || !reflect.DeepEqual(ids(fromTable.Items), ids(fromIndex.Items)) ||
					!reflect.DeepEqual(fromTable.Next, fromIndex.Next) || !reflect.DeepEqual(fromTable.Facets, fromIndex.Facets) {
					t.Fatalf("%+v page %d:\ntable %d %v next %v facets %v\nindex %d %v next %v facets %v", q, page,
						fromTable.Total, ids(fromTable.Items), fromTable.Next, fromTable.Facets,
						fromIndex.Total, ids(fromIndex.Items), fromIndex.Next, fromIndex.Facets)
				}
				if fromIndex.Next == nil {
					break
				}
				q.After = fromIndex.Next
			}
		}
	}
	compare(x, 150)
	// Changes heard: an unpublished entry, a deleted one, a renamed one.
	changed := ps[3]
	changed.Seq, changed.Published = 1001, nil
	x.ProjectChanged(changed)
	deleted := ps[4]
	deleted.Seq, deleted.Deleted = 1002, true
	x.ProjectChanged(deleted)
	renamed := ps[5]
	renamed.Seq = 1003
	pub := *renamed.Published
	pub.Title = "Aaa first of all"
	renamed.Published = &pub
	x.ProjectChanged(renamed)
	compare(x, 60)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// Loaded from the index at open.
	again, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	again.WaitTable()
	res, err := again.Catalogue(context.Background(), search.CatalogueQuery{Sort: "title", Limit: 1})
	if err != nil || len(res.Items) != 1 || res.Items[0].Title != "Aaa first of all" || res.Total != 398 {
		t.Fatalf("after reopening: %+v, %v", res, err)
	}
	compare(again, 60)
}

// allPages walks every page of q and returns the ids in order, failing on
// an id met twice or a walk that does not add up to the total.
func allPages(t *testing.T, find func(search.CatalogueQuery) (search.CatalogueResult, error), q search.CatalogueQuery) ([]string, search.CatalogueResult) {
	t.Helper()
	var got []string
	seen := map[string]bool{}
	var first search.CatalogueResult
	for page := 0; ; page++ {
		res, err := find(q)
		if err != nil {
			t.Fatal(err)
		}
		if page == 0 {
			first = res
		}
		for _, id := range ids(res.Items) {
			if seen[id] {
				t.Fatalf("%+v: %s on two pages", q, id)
			}
			seen[id] = true
			got = append(got, id)
		}
		if res.Next == nil {
			break
		}
		q.After = res.Next
	}
	if uint64(len(got)) != first.Total {
		t.Fatalf("%+v: pages hold %d entries, total says %d", q, len(got), first.Total)
	}
	return got, first
}

// The table's text search finds exactly the entries the index finds —
// every word required, any word when no entry has them all, words like
// "the" left out — with the same totals and facet counts, pages that add
// up, relevance that puts a word in the title before the same word in the
// description, and the same answers after reopening, when its words come
// from the index's postings instead of from the changes it heard.
func TestCatalogueTable_SearchesFindWhatTheIndexFinds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 9))
	now := time.Now().UTC()
	ps := make([]models.Project, 300)
	for i := range ps {
		ps[i] = seed.Project(rng, "owner", now)
		ps[i].ID, ps[i].Seq = fmt.Sprintf("p%04d", i), int64(i+1)
	}
	// Two entries with a rare word: one in its title, one deep in its
	// description.
	ps[11].Published.Title = "Zebrafish telemetry for rivers"
	ps[10].Published.Description += " It also keeps a zebrafish registry."
	if _, err := x.CatchUp(context.Background(), sliceSource(ps)); err != nil {
		t.Fatal(err)
	}
	x.WaitTable()
	ctx := context.Background()
	vocabulary := []string{"digital", "health", "rural", "schools", "community", "data", "the", "e-health",
		"zebrafish", "nothingmatchesthis", "Mobile", "LEARNING", "climate", "women"}
	queries := make([]search.CatalogueQuery, 120)
	for i := range queries {
		n := 1 + rng.IntN(3)
		var words []string
		for range n {
			words = append(words, vocabulary[rng.IntN(len(vocabulary))])
		}
		q := search.CatalogueQuery{Text: strings.Join(words, " "), Limit: 1 + rng.IntN(25), Facets: true,
			Sort: []string{"relevance", "relevance", "newest", "title"}[rng.IntN(4)]}
		if rng.IntN(3) == 0 {
			q.Regions = []string{string(models.Regions[rng.IntN(len(models.Regions))])}
		}
		if rng.IntN(4) == 0 {
			q.SDGs = []string{fmt.Sprint(1 + rng.IntN(17))}
		}
		queries[i] = q
	}
	compare := func(x *search.Index) {
		t.Helper()
		for _, q := range queries {
			fromTable, tableFirst := allPages(t, func(q search.CatalogueQuery) (search.CatalogueResult, error) { return x.Catalogue(ctx, q) }, q)
			fromIndex, indexFirst := allPages(t, func(q search.CatalogueQuery) (search.CatalogueResult, error) { return x.CatalogueFromIndex(ctx, q) }, q)
			if q.Sort != "relevance" {
				if !reflect.DeepEqual(fromTable, fromIndex) {
					t.Fatalf("%+v: table %v, index %v", q, fromTable, fromIndex)
				}
			} else {
				slices.Sort(fromTable)
				slices.Sort(fromIndex)
				if !reflect.DeepEqual(fromTable, fromIndex) {
					t.Fatalf("%+v: table finds %v, index %v", q, fromTable, fromIndex)
				}
			}
			if !reflect.DeepEqual(tableFirst.Facets, indexFirst.Facets) {
				t.Fatalf("%+v: facets\ntable %v\nindex %v", q, tableFirst.Facets, indexFirst.Facets)
			}
		}
	}
	compare(x)
	rare, err := x.Catalogue(ctx, search.CatalogueQuery{Text: "zebrafish", Sort: "relevance", Limit: 10})
	if err != nil || !reflect.DeepEqual(ids(rare.Items), []string{"p0011", "p0010"}) {
		t.Fatalf("zebrafish: %v, %v; want the title's entry first", ids(rare.Items), err)
	}
	if res, _ := x.Catalogue(ctx, search.CatalogueQuery{Text: "the", Sort: "relevance", Limit: 10, Facets: true}); res.Total != 0 {
		t.Fatalf("a search for only %q finds %d entries", "the", res.Total)
	}
	if res, _ := x.Catalogue(ctx, search.CatalogueQuery{Text: "the zebrafish", Sort: "relevance", Limit: 10}); res.Total != 2 {
		t.Fatalf("%q finds %d entries, want the 2 with zebrafish", "the zebrafish", res.Total)
	}
	// Changes heard: the rare word leaves one entry and comes to another.
	moved := ps[11]
	moved.Seq = 1001
	pub := *moved.Published
	pub.Title = "River telemetry"
	moved.Published = &pub
	x.ProjectChanged(moved)
	gained := ps[20]
	gained.Seq = 1002
	pub = *gained.Published
	pub.Summary = "Zebrafish monitoring by schools. " + pub.Summary
	gained.Published = &pub
	x.ProjectChanged(gained)
	gone := ps[10]
	gone.Seq, gone.Deleted = 1003, true
	x.ProjectChanged(gone)
	rare, _ = x.Catalogue(ctx, search.CatalogueQuery{Text: "zebrafish", Sort: "relevance", Limit: 10})
	if !reflect.DeepEqual(ids(rare.Items), []string{"p0020"}) {
		t.Fatalf("zebrafish after the changes: %v, want [p0020]", ids(rare.Items))
	}
	compare(x)
	before := make([]search.CatalogueResult, len(queries))
	for i, q := range queries {
		if before[i], err = x.Catalogue(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	again.WaitTable()
	for i, q := range queries {
		res, err := again.Catalogue(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != before[i].Total || !reflect.DeepEqual(ids(res.Items), ids(before[i].Items)) || !reflect.DeepEqual(res.Next, before[i].Next) {
			t.Fatalf("%+v after reopening: %d %v next %v; before: %d %v next %v", q, res.Total, ids(res.Items), res.Next,
				before[i].Total, ids(before[i].Items), before[i].Next)
		}
	}
	compare(again)
}

// Searches and filtered pages read the table while changes write it: the
// race detector watches the table's locking, and once the writes are done
// the table answers as the index does.
func TestCatalogueTable_ConcurrentSearchesWhileChangesLand(t *testing.T) {
	x, err := search.Open(filepath.Join(t.TempDir(), "idx"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	now := time.Now().UTC()
	ps := make([]models.Project, 80)
	for i := range ps {
		ps[i] = seed.Project(rng, "owner", now)
		ps[i].ID, ps[i].Seq = fmt.Sprintf("p%04d", i), int64(i+1)
	}
	if _, err := x.CatchUp(context.Background(), sliceSource(ps)); err != nil {
		t.Fatal(err)
	}
	x.WaitTable()
	ctx := context.Background()
	queries := []search.CatalogueQuery{
		{Text: "digital health", Sort: "relevance", Limit: 10, Facets: true},
		{Text: "rural zebrafish", Sort: "relevance", Limit: 5, Facets: true},
		{Sort: "newest", Limit: 20, Facets: true, Regions: []string{string(models.Regions[0])}},
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := x.Catalogue(ctx, queries[(r+i)%len(queries)]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 2 {
		writers.Go(func() {
			for i := range 20 {
				p := ps[w*40+i]
				p.Seq = int64(1000 + w*40 + i)
				pub := *p.Published
				pub.Title = fmt.Sprintf("Zebrafish river telemetry %d", i)
				p.Published = &pub
				if i%10 == 0 {
					p.Deleted = true
				}
				x.ProjectChanged(p)
			}
		})
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	for _, q := range queries {
		fromTable, err := x.Catalogue(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		fromIndex, err := x.CatalogueFromIndex(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if fromTable.Total != fromIndex.Total || !reflect.DeepEqual(fromTable.Facets, fromIndex.Facets) {
			t.Fatalf("%+v after the changes: table %d %v, index %d %v", q, fromTable.Total, fromTable.Facets, fromIndex.Total, fromIndex.Facets)
		}
	}
	if res, _ := x.Catalogue(ctx, search.CatalogueQuery{Text: "zebrafish", Sort: "relevance", Limit: 1}); res.Total != 36 {
		t.Fatalf("zebrafish finds %d entries, want the 40 renamed less the 4 deleted", res.Total)
	}
}
