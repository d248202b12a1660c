package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
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
