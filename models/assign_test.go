package models_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestAutoAssign_HandCheckedCases(t *testing.T) {
	conflicts := func(pairs ...string) func(string, string) bool {
		return func(nom, rev string) bool { return slices.Contains(pairs, nom+"/"+rev) }
	}
	for _, tc := range []struct {
		name      string
		in        models.AssignInput
		new       map[string][]string
		uncovered []models.Uncovered
	}{
		{
			name: "all reviewers in conflict leave the nomination uncovered with the reason",
			in: models.AssignInput{
				Nominations: []string{"a", "b"}, Reviewers: []string{"r1", "r2", "r3"}, PerNomination: 2,
				Conflict: func(nom, _ string) bool { return nom == "b" },
			},
			new:       map[string][]string{"a": {"r1", "r2"}},
			uncovered: []models.Uncovered{{Nomination: "b", Missing: 2, Reason: "no reviewer without a conflict", Possible: 0}},
		},
		{
			name: "a conflict leaves the nomination short by one",
			in: models.AssignInput{
				Nominations: []string{"a"}, Reviewers: []string{"r1", "r2", "r3"}, PerNomination: 3,
				Conflict: conflicts("a/r2"),
			},
			new:       map[string][]string{"a": {"r1", "r3"}},
			uncovered: []models.Uncovered{{Nomination: "a", Missing: 1, Reason: "only 2 reviewers without a conflict", Possible: 2}},
		},
		{
			name: "existing assignments are kept and counted toward k and loads",
			in: models.AssignInput{
				Nominations: []string{"a", "b"}, Reviewers: []string{"r1", "r2", "r3"}, PerNomination: 2,
				Existing: map[string][]string{"a": {"r1", "r2"}},
			},
			new: map[string][]string{"b": {"r1", "r3"}},
		},
		{
			name: "existing assignments outside the nominations still weigh on loads",
			in: models.AssignInput{
				Nominations: []string{"a", "b"}, Reviewers: []string{"r1", "r2", "r3"}, PerNomination: 1,
				Existing: map[string][]string{"x": {"r1"}, "y": {"r1", "r2"}},
			},
			new: map[string][]string{"a": {"r3"}, "b": {"r2"}},
		},
		{
			name: "a reviewer in Existing but not in Reviewers counts toward k and gets no new work",
			in: models.AssignInput{
				Nominations: []string{"a", "b"}, Reviewers: []string{"r1"}, PerNomination: 2,
				Existing: map[string][]string{"a": {"guest"}},
			},
			new:       map[string][]string{"a": {"r1"}, "b": {"r1"}},
			uncovered: []models.Uncovered{{Nomination: "b", Missing: 1, Reason: "only 1 reviewer without a conflict", Possible: 1}},
		},
		{
			name: "an existing reviewer counts among the conflict-free ones in the reason",
			in: models.AssignInput{
				Nominations: []string{"a"}, Reviewers: []string{"r1", "r2"}, PerNomination: 3,
				Existing: map[string][]string{"a": {"guest"}}, Conflict: conflicts("a/r2"),
			},
			new:       map[string][]string{"a": {"r1"}},
			uncovered: []models.Uncovered{{Nomination: "a", Missing: 1, Reason: "only 2 reviewers without a conflict", Possible: 2}},
		},
		{
			name: "a later nomination moves an earlier one to even the loads",
			in: models.AssignInput{
				Nominations: []string{"a", "b"}, Reviewers: []string{"r1", "r2"}, PerNomination: 1,
				Conflict: conflicts("b/r2"),
			},
			new: map[string][]string{"a": {"r2"}, "b": {"r1"}},
		},
		{
			name: "repeated names count once",
			in: models.AssignInput{
				Nominations: []string{"a", "a"}, Reviewers: []string{"r1", "r1", "r2"}, PerNomination: 2,
				Existing: map[string][]string{"a": {"r1", "r1"}},
			},
			new: map[string][]string{"a": {"r2"}},
		},
		{
			name:      "no reviewers leaves every nomination uncovered",
			in:        models.AssignInput{Nominations: []string{"a"}, PerNomination: 3},
			new:       map[string][]string{},
			uncovered: []models.Uncovered{{Nomination: "a", Missing: 3, Reason: "no reviewer without a conflict", Possible: 0}},
		},
		{
			name: "k of zero assigns nothing",
			in:   models.AssignInput{Nominations: []string{"a"}, Reviewers: []string{"r1"}},
			new:  map[string][]string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := models.AutoAssign(tc.in)
			if !reflect.DeepEqual(got.New, tc.new) {
				t.Errorf("New = %v, want %v", got.New, tc.new)
			}
			if !reflect.DeepEqual(got.Uncovered, tc.uncovered) {
				t.Errorf("Uncovered = %+v, want %+v", got.Uncovered, tc.uncovered)
			}
		})
	}
}

func TestAutoAssign_NeverConflictsDuplicatesOrDropsExisting(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		inst.checkRules(t, models.AutoAssign(inst.in))
	}
}

func TestAutoAssign_CoverageReachesTheUpperBound(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		res := models.AutoAssign(inst.in)
		bound := 0
		for _, nom := range inst.noms() {
			bound += max(0, min(inst.in.PerNomination, inst.possible(nom))-len(inst.existing(nom)))
		}
		if got := countNew(res); got != bound {
			t.Errorf("seed %d: %d new assignments, upper bound %d", seed, got, bound)
		}
	}
}

func TestAutoAssign_MaximalWithLeastSquaredLoadsOnSmallInstances(t *testing.T) {
	for seed := range uint64(300) {
		inst := randomInstance(seed, smallShape)
		res := models.AutoAssign(inst.in)
		bestNew, bestSquares := inst.bruteForce()
		if got := countNew(res); got != bestNew {
			t.Errorf("seed %d: %d new assignments, brute force finds %d", seed, got, bestNew)
		}
		if got := sumOfSquares(inst.loads(res)); got != bestSquares {
			t.Errorf("seed %d: sum of squared loads %d, brute force finds %d", seed, got, bestSquares)
		}
	}
}

func TestAutoAssign_EvenLoadsWithoutConflictsOrExisting(t *testing.T) {
	insts := []instance{randomInstance(0, shape{noms: 1000, revs: 100, k: 3, fixed: true})}
	for seed := range uint64(500) {
		insts = append(insts, randomInstance(seed, shape{noms: 40, revs: 12, k: 4}))
	}
	for _, inst := range insts {
		loads := inst.loads(models.AutoAssign(inst.in))
		if lo, hi := slices.Min(loads), slices.Max(loads); hi-lo > 1 {
			t.Errorf("seed %d: loads %v span %d..%d", inst.seed, loads, lo, hi)
		}
	}
}

func TestAutoAssign_NoNewAssignmentCanMoveToAReviewerLoadedTwoLess(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		res := models.AutoAssign(inst.in)
		loads := inst.loads(res)
		for nom, revs := range res.New {
			for _, from := range revs {
				for j, to := range inst.in.Reviewers {
					if loads[inst.reviewer(from)]-loads[j] >= 2 && !inst.conflicts[pair{nom, to}] &&
						!slices.Contains(inst.existing(nom), to) && !slices.Contains(revs, to) {
						t.Errorf("seed %d: %s could move from %s (load %d) to %s (load %d)",
							seed, nom, from, loads[inst.reviewer(from)], to, loads[j])
					}
				}
			}
		}
	}
}

func TestAutoAssign_SameInputSameResult(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		first := models.AutoAssign(inst.in)
		again := inst.in
		// A fresh map iterates in another order.
		again.Existing = merge(inst.in.Existing, nil)
		if second := models.AutoAssign(again); !reflect.DeepEqual(first, second) {
			t.Errorf("seed %d: %+v, then %+v", seed, first, second)
		}
	}
}

func TestAutoAssign_RunningAgainAssignsNothingNew(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		first := models.AutoAssign(inst.in)
		again := inst.in
		again.Existing = merge(inst.in.Existing, first.New)
		second := models.AutoAssign(again)
		if len(second.New) != 0 {
			t.Errorf("seed %d: second run assigns %v", seed, second.New)
		}
		if !reflect.DeepEqual(first.Uncovered, second.Uncovered) {
			t.Errorf("seed %d: Uncovered %+v, then %+v", seed, first.Uncovered, second.Uncovered)
		}
	}
}

func TestAutoAssign_UncoveredNamesShortNominationsWithTheirConflictFreeCount(t *testing.T) {
	for seed := range uint64(500) {
		inst := randomInstance(seed, anyShape)
		res := models.AutoAssign(inst.in)
		var want []models.Uncovered
		for _, nom := range inst.noms() {
			p := inst.possible(nom)
			if short := inst.in.PerNomination - len(inst.existing(nom)) - len(res.New[nom]); short > 0 {
				reason := fmt.Sprintf("only %d reviewers without a conflict", p)
				switch p {
				case 0:
					reason = "no reviewer without a conflict"
				case 1:
					reason = "only 1 reviewer without a conflict"
				}
				want = append(want, models.Uncovered{Nomination: nom, Missing: short, Reason: reason, Possible: p})
			}
		}
		if !reflect.DeepEqual(res.Uncovered, want) {
			t.Errorf("seed %d: Uncovered %+v, want %+v", seed, res.Uncovered, want)
		}
	}
}

func BenchmarkAutoAssign(b *testing.B) {
	inst := randomInstance(1, shape{noms: 1000, revs: 60, k: 3, fixed: true, density: 0.05})
	for b.Loop() {
		models.AutoAssign(inst.in)
	}
}

type pair struct{ nom, rev string }

// instance is a random assignment problem whose conflicts are kept as data,
// so the checks do not depend on the code under test.
type instance struct {
	seed      uint64
	in        models.AssignInput
	conflicts map[pair]bool
}

// shape bounds a random instance: up to noms nominations, revs reviewers and
// k reviews each (exactly, when fixed), with conflicts of the given density
// (a random one up to maxDensity) and random existing assignments.
type shape struct {
	noms, revs, k int
	fixed         bool
	density       float64
	maxDensity    float64
	existing      bool
}

var (
	anyShape   = shape{noms: 40, revs: 12, k: 4, maxDensity: 0.6, existing: true}
	smallShape = shape{noms: 4, revs: 4, k: 3, maxDensity: 0.6, existing: true}
)

func randomInstance(seed uint64, sh shape) instance {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	nn, nr, k := sh.noms, sh.revs, sh.k
	if !sh.fixed {
		nn, nr, k = 1+rng.IntN(nn), 1+rng.IntN(nr), 1+rng.IntN(k)
	}
	density := sh.density
	if sh.maxDensity > 0 {
		density = rng.Float64() * sh.maxDensity
	}
	inst := instance{seed: seed, conflicts: map[pair]bool{}}
	inst.in = models.AssignInput{Nominations: names("n", nn), Reviewers: names("r", nr), PerNomination: k,
		Existing: map[string][]string{}}
	for _, nom := range inst.in.Nominations {
		for _, rev := range inst.in.Reviewers {
			if rng.Float64() < density {
				inst.conflicts[pair{nom, rev}] = true
			}
		}
	}
	inst.in.Conflict = func(nom, rev string) bool { return inst.conflicts[pair{nom, rev}] }
	if !sh.existing {
		return inst
	}
	// Existing ones respect conflicts, may exceed k, may name reviewers
	// outside Reviewers, and may belong to a nomination outside Nominations.
	for _, nom := range append(slices.Clone(inst.in.Nominations), "withdrawn") {
		if rng.IntN(3) != 0 {
			continue
		}
		want := rng.IntN(k + 2)
		var revs []string
		for _, i := range rng.Perm(nr) {
			if rev := inst.in.Reviewers[i]; len(revs) < want && !inst.conflicts[pair{nom, rev}] {
				revs = append(revs, rev)
			}
		}
		if rng.IntN(4) == 0 {
			revs = append(revs, "guest")
		}
		inst.in.Existing[nom] = revs
	}
	return inst
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

func (inst instance) noms() []string { return inst.in.Nominations }

func (inst instance) existing(nom string) []string { return inst.in.Existing[nom] }

func (inst instance) reviewer(rev string) int { return slices.Index(inst.in.Reviewers, rev) }

// candidates are the reviewers nom may newly get, in Reviewers order.
func (inst instance) candidates(nom string) []string {
	var out []string
	for _, rev := range inst.in.Reviewers {
		if !inst.conflicts[pair{nom, rev}] && !slices.Contains(inst.existing(nom), rev) {
			out = append(out, rev)
		}
	}
	return out
}

// possible counts nom's conflict-free reviewers, existing ones included.
func (inst instance) possible(nom string) int {
	return len(inst.existing(nom)) + len(inst.candidates(nom))
}

// loads are the final loads of Reviewers, in order.
func (inst instance) loads(res models.AssignResult) []int {
	loads := make([]int, len(inst.in.Reviewers))
	for _, m := range []map[string][]string{inst.in.Existing, res.New} {
		for _, revs := range m {
			for _, rev := range revs {
				if i := inst.reviewer(rev); i >= 0 {
					loads[i]++
				}
			}
		}
	}
	return loads
}

func (inst instance) checkRules(t *testing.T, res models.AssignResult) {
	t.Helper()
	k := inst.in.PerNomination
	for nom, revs := range res.New {
		if !slices.Contains(inst.noms(), nom) {
			t.Errorf("seed %d: %s is not a nomination but gets %v", inst.seed, nom, revs)
		}
	}
	for _, nom := range inst.noms() {
		revs, existing := res.New[nom], inst.existing(nom)
		for i, rev := range revs {
			switch {
			case inst.reviewer(rev) < 0:
				t.Errorf("seed %d: %s gets %s, who is not a reviewer", inst.seed, nom, rev)
			case inst.conflicts[pair{nom, rev}]:
				t.Errorf("seed %d: %s gets %s despite a conflict", inst.seed, nom, rev)
			case slices.Contains(existing, rev) || slices.Contains(revs[:i], rev):
				t.Errorf("seed %d: %s gets %s twice", inst.seed, nom, rev)
			case i > 0 && inst.reviewer(revs[i-1]) > inst.reviewer(rev):
				t.Errorf("seed %d: %s gets %v, not in Reviewers order", inst.seed, nom, revs)
			}
		}
		want := max(len(existing), min(k, inst.possible(nom)))
		if got := len(existing) + len(revs); got != want {
			t.Errorf("seed %d: %s ends with %d reviewers, want %d", inst.seed, nom, got, want)
		}
	}
}

// bruteForce tries every set of new assignments that obeys the rules and
// returns the most new assignments possible and, among those, the least sum
// of squared loads.
func (inst instance) bruteForce() (bestNew, bestSquares int) {
	noms := inst.noms()
	loads := inst.loads(models.AssignResult{})
	bestNew, bestSquares = -1, 0
	var try func(i, placed int)
	try = func(i, placed int) {
		if i == len(noms) {
			if sq := sumOfSquares(loads); placed > bestNew || placed == bestNew && sq < bestSquares {
				bestNew, bestSquares = placed, sq
			}
			return
		}
		cand := inst.candidates(noms[i])
		need := max(0, inst.in.PerNomination-len(inst.existing(noms[i])))
		for mask := range 1 << len(cand) {
			var picked []int
			for b, rev := range cand {
				if mask&(1<<b) != 0 {
					picked = append(picked, inst.reviewer(rev))
				}
			}
			if len(picked) > need {
				continue
			}
			for _, r := range picked {
				loads[r]++
			}
			try(i+1, placed+len(picked))
			for _, r := range picked {
				loads[r]--
			}
		}
	}
	try(0, 0)
	return bestNew, bestSquares
}

func sumOfSquares(loads []int) int {
	sum := 0
	for _, l := range loads {
		sum += l * l
	}
	return sum
}

func countNew(res models.AssignResult) int {
	n := 0
	for _, revs := range res.New {
		n += len(revs)
	}
	return n
}

// merge returns a fresh map holding a's assignments followed by b's.
func merge(a, b map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range []map[string][]string{a, b} {
		for nom, revs := range m {
			out[nom] = append(slices.Clone(out[nom]), revs...)
		}
	}
	return out
}
