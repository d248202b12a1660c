package store_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

// TestEmbedded_IDLookupsSearchAnIndex holds every collection's lookups by
// _id to an index search on the embedded database: the read as FerretDB
// itself plans it (its explain command runs SQLite's EXPLAIN QUERY PLAN on the
// SQL it would push down, so a FerretDB that wrote the expression another way
// fails here), and the update and delete it writes by _id.
func TestEmbedded_IDLookupsSearchAnIndex(t *testing.T) {
	s := storetest.Store(t)
	if !s.Embedded() {
		t.Skip("a MongoDB deployment plans its own _id lookups")
	}
	ctx := context.Background()
	// A contest's vote collections are made with the contest.
	if _, err := s.CreateContest(ctx, models.Contest{Year: 2031, Title: "WSIS Prizes 2031"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(slices.Clone(store.Collections), store.VoteCollectionNames(2031)...) {
		t.Run(name, func(t *testing.T) {
			for _, id := range []any{"some-id", bson.NewObjectID()} {
				// A statement that runs makes FerretDB's pooled connections
				// read the schema again; an explain alone may plan with the
				// one they read before the index existed.
				if _, err := s.Database().Collection(name).InsertOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
					t.Fatal(err)
				}
				plan, pushed := findPlan(t, s, name, id)
				if !pushed {
					t.Fatalf("find by %T _id is not pushed down to SQL", id)
				}
				if !usesIDIndex(plan) {
					t.Fatalf("find by %T _id: plan %q, want a SEARCH using the _id lookup index", id, plan)
				}
			}
			update, del, _, err := store.IDPlans(ctx, s, name)
			if err != nil {
				t.Fatal(err)
			}
			if !usesIDIndex(update) {
				t.Fatalf("update by _id: plan %q, want a SEARCH using the _id lookup index", update)
			}
			if !usesIDIndex(del) {
				t.Fatalf("delete by _id: plan %q, want a SEARCH using the _id lookup index", del)
			}
		})
	}
}

func usesIDIndex(plan string) bool {
	return strings.Contains(plan, "SEARCH") && strings.Contains(plan, "USING INDEX wsis_id_") && !strings.Contains(plan, "SCAN")
}

// findPlan asks the server to explain a find by _id and returns the SQLite
// plan lines it reports and whether the filter was pushed down.
func findPlan(t *testing.T, s *store.Store, coll string, id any) (string, bool) {
	t.Helper()
	cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: coll}, {Key: "filter", Value: bson.D{{Key: "_id", Value: id}}}}}}
	res, err := s.Database().RunCommand(context.Background(), cmd).Raw()
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	var lines []string
	if plan, ok := res.Lookup("queryPlanner", "Plan").ArrayOK(); ok {
		values, _ := plan.Values()
		for _, v := range values {
			lines = append(lines, v.StringValue())
		}
	}
	pushed, _ := res.Lookup("filterPushdown").BooleanOK()
	if !pushed {
		t.Logf("explain answered %v", res)
	}
	return strings.Join(lines, "; "), pushed
}

// TestCollections_ListsEveryCollection keeps the list of collections created
// at start complete: a collection missing from it would have no _id lookup
// index on the embedded database. Every collection name is a constant named
// col… in this package.
func TestCollections_ListsEveryCollection(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "col") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						continue
					}
					value, _ := strconv.Unquote(lit.Value)
					if !slices.Contains(store.Collections, value) {
						t.Errorf("%s: collection %s (%q) is not created at start", path, name.Name, value)
					}
				}
			}
		}
	}
}
