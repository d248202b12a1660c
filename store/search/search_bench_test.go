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
)

// BenchmarkCatalogue measures the read model alone on 20,000 published
// projects: go test -run '^$' -bench Catalogue ./store/search/
func BenchmarkCatalogue(b *testing.B) {
	x, err := search.Open(filepath.Join(b.TempDir(), "idx"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	ps := make([]models.Project, 20000)
	for i := range ps {
		ps[i] = seed.Project(rng, "owner", now)
		ps[i].ID, ps[i].Seq = "p"+string(rune('a'+i%26))+time.Duration(i).String(), int64(i+1)
	}
	if _, err := x.CatchUp(context.Background(), sliceSource(ps)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for name, q := range map[string]search.CatalogueQuery{
		"faceted first page":    {Sort: "newest", Limit: 20, Facets: true},
		"first page, no facets": {Sort: "newest", Limit: 20},
		"filtered":              {Sort: "newest", Limit: 20, Facets: true, ActionLines: []string{"c3"}, Regions: []string{"africa"}},
		"text":                  {Text: "telemedicine rural", Sort: "relevance", Limit: 20, Facets: true},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Catalogue(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sliceSource is a store of projects whose sequences are their places
// plus one.
type sliceSource []models.Project

func (s sliceSource) CurrentSeq(context.Context) (int64, error) { return int64(len(s)), nil }

func (s sliceSource) Change(_ context.Context, seq int64) (models.Change, bool, error) {
	if seq < 1 || seq > int64(len(s)) {
		return models.Change{}, false, nil
	}
	return models.Change{Seq: seq, Kind: models.ChangeProject, ID: s[seq-1].ID}, true, nil
}

func (s sliceSource) ProjectForIndex(_ context.Context, id string) (models.Project, bool, bool, error) {
	for _, p := range s {
		if p.ID == id {
			return p, false, true, nil
		}
	}
	return models.Project{}, false, false, nil
}

func (s sliceSource) UserForIndex(context.Context, string) (models.User, bool, error) {
	return models.User{}, false, nil
}

func (s sliceSource) EachProjectForIndex(_ context.Context, fn func(models.Project, bool) error) error {
	for _, p := range s {
		if err := fn(p, false); err != nil {
			return err
		}
	}
	return nil
}

func (s sliceSource) EachUserForIndex(context.Context, func(models.User) error) error { return nil }
