package models

import (
	"fmt"
	"maps"
	"slices"
)

// AssignInput is one automatic reviewer assignment problem of the Expert Group
// review (SPEC §5, Reviewing).
type AssignInput struct {
	// Nominations are the eligible nominations, in a stable order; a repeated
	// one counts once.
	Nominations []string
	// Reviewers are the candidate reviewers, in a stable order; a repeated one
	// counts once.
	Reviewers []string
	// PerNomination is k, the number of distinct reviewers each nomination
	// needs (the contest's reviews_per_nomination).
	PerNomination int
	// Existing maps a nomination to the reviewers already assigned to it. They
	// are kept, count toward k for that nomination and toward the reviewer's
	// load. A reviewer here who is not in Reviewers still counts toward k but
	// gets no new work; a nomination here that is not in Nominations gets
	// nothing new but still weighs on its reviewers' loads. Existing
	// assignments are taken as they are: checking a hand assignment against
	// Conflict is the caller's job.
	Existing map[string][]string
	// Conflict reports that reviewer must never review nomination. It is
	// called at most once per pair; nil means no conflicts.
	Conflict func(nomination, reviewer string) bool
}

// Uncovered names a nomination that could not get k reviewers and why.
type Uncovered struct {
	Nomination string `json:"nomination"`
	// Missing is how many reviewers it lacks: k minus its final count.
	Missing int `json:"missing"`
	// Reason says how many reviewers without a conflict exist for it, already
	// assigned ones included, e.g. "only 2 reviewers without a conflict".
	Reason string `json:"reason"`
	// Possible is how many reviewers without a conflict exist for it,
	// already assigned ones included: the number Reason says.
	Possible int `json:"possible"`
}

// AssignResult is the new assignments and the nominations left short.
type AssignResult struct {
	// New maps a nomination to the reviewers newly assigned to it, in
	// Reviewers order; nominations that get nobody new are absent. Never nil.
	New map[string][]string
	// Uncovered lists, in Nominations order, the nominations that end with
	// fewer than k reviewers; nil when every one has k.
	Uncovered []Uncovered
}

// AutoAssign assigns reviewers to nominations. It guarantees:
//
//  1. Every nomination ends with max(e, min(k, p)) distinct reviewers, where e
//     counts its existing reviewers and p its possible ones (existing ones
//     plus the conflict-free Reviewers not already on it). No new assignment
//     has a conflict, no reviewer appears twice on a nomination, and no
//     existing assignment is removed.
//  2. Coverage is maximal: no set of assignments obeying rule 1 has more new
//     assignments.
//  3. Loads are as even as conflicts allow: among the maximal assignments it
//     returns one that minimises the sum over Reviewers of the squared final
//     load (existing plus new assignments). With neither conflicts nor existing
//     assignments, max − min load ≤ 1; in every case no new assignment can
//     move to a reviewer with a load lower by 2 or more.
//  4. It is deterministic: the same input gives the same result.
//  5. It is idempotent: run again with the result merged into Existing, it
//     assigns nothing new and reports the same Uncovered.
//  6. Uncovered names each nomination left short, by how many, and how many
//     conflict-free reviewers exist for it.
//
// It solves a min-cost flow, in the manner of HotCRP's assigner: source →
// nomination (capacity: reviewers still needed) → reviewer (capacity 1, the
// arc missing on a conflict or an existing assignment) → sink, where the j-th
// new unit of a reviewer with load L costs 2(L+j)−1, so the cost of a flow is
// the sum of squared loads up to a constant. Successive shortest paths from
// each nomination in turn keep every intermediate flow of least cost, and the
// last one is therefore a least-cost maximum flow.
func AutoAssign(in AssignInput) AssignResult {
	a := newAssigner(in)
	for n := range a.noms {
		for range min(a.need[n], len(a.cand[n])) {
			a.augment(n)
		}
	}
	return a.result(in.PerNomination)
}

// assigner is the residual flow network of one AutoAssign call. Nominations
// and reviewers are indices into noms and revs.
type assigner struct {
	noms, revs []string
	need       []int   // per nomination: k minus its existing reviewers, at least 0
	existing   []int   // per nomination: distinct existing reviewers
	cand       [][]int // per nomination: reviewers it may newly get, ascending
	given      []bool  // nomination*len(revs)+reviewer: newly assigned
	holders    [][]int // per reviewer: nominations newly assigned to it
	load       []int   // per reviewer: existing plus new assignments
	wanted     []bool  // per reviewer: some nomination's candidate
	floor      int     // lowestWantedLoad, kept current

	// Search state of augment, valid where the stamp matches.
	stamp            int
	revSeen, nomSeen []int
	viaNom           []int // reviewer → the nomination whose free arc reached it
	viaRev           []int // nomination → the reviewer it would give up
	queue            []int
}

func newAssigner(in AssignInput) *assigner {
	a := &assigner{noms: distinctStrings(in.Nominations), revs: distinctStrings(in.Reviewers)}
	nn, nr := len(a.noms), len(a.revs)
	revIndex := make(map[string]int, nr)
	for i, r := range a.revs {
		revIndex[r] = i
	}
	a.load = make([]int, nr)
	for _, nom := range slices.Sorted(maps.Keys(in.Existing)) {
		for _, r := range distinctStrings(in.Existing[nom]) {
			if i, ok := revIndex[r]; ok {
				a.load[i]++
			}
		}
	}

	a.need, a.existing, a.cand = make([]int, nn), make([]int, nn), make([][]int, nn)
	a.given, a.holders = make([]bool, nn*nr), make([][]int, nr)
	a.wanted = make([]bool, nr)
	on := make([]bool, nr)
	for n, nom := range a.noms {
		clear(on)
		present := distinctStrings(in.Existing[nom])
		for _, r := range present {
			if i, ok := revIndex[r]; ok {
				on[i] = true
			}
		}
		a.existing[n] = len(present)
		a.need[n] = max(0, in.PerNomination-len(present))
		for r, rev := range a.revs {
			if !on[r] && (in.Conflict == nil || !in.Conflict(nom, rev)) {
				a.cand[n] = append(a.cand[n], r)
				a.wanted[r] = true
			}
		}
	}
	a.floor = a.lowestWantedLoad()

	a.revSeen, a.nomSeen = make([]int, nr), make([]int, nn)
	a.viaNom, a.viaRev = make([]int, nr), make([]int, nn)
	return a
}

// augment sends one unit from nomination s to the sink along a shortest
// residual path. Arcs into and out of nominations cost nothing, so a path
// costs the next unit of its last reviewer: the shortest path ends at the
// least-loaded reviewer reachable from s, through chains where a nomination
// hands a reviewer over to the one before it and takes another. A
// breadth-first search finds it, stopping early at a reviewer with the
// lowest load of all; ties go to the first reviewer reached, which keeps the
// result deterministic. s must have a candidate it does not hold yet.
func (a *assigner) augment(s int) {
	a.stamp++
	a.queue = a.queue[:0]
	a.nomSeen[s] = a.stamp
	best := -1
	done := a.reach(s, &best)
	for head := 0; !done && head < len(a.queue); head++ {
		r := a.queue[head]
		for _, n := range a.holders[r] {
			if a.nomSeen[n] == a.stamp {
				continue
			}
			a.nomSeen[n] = a.stamp
			a.viaRev[n] = r
			if done = a.reach(n, &best); done {
				break
			}
		}
	}

	a.load[best]++
	a.floor = a.lowestWantedLoad()
	for r := best; ; {
		n := a.viaNom[r]
		a.setGiven(n, r, true)
		if n == s {
			return
		}
		r = a.viaRev[n]
		a.setGiven(n, r, false)
	}
}

// reach queues the unseen reviewers nomination n may newly get, keeping in
// *best the least-loaded one seen, and reports whether that one is as low as
// any load can be.
func (a *assigner) reach(n int, best *int) bool {
	for _, r := range a.cand[n] {
		if a.given[n*len(a.revs)+r] || a.revSeen[r] == a.stamp {
			continue
		}
		a.revSeen[r] = a.stamp
		a.viaNom[r] = n
		a.queue = append(a.queue, r)
		if *best < 0 || a.load[r] < a.load[*best] {
			*best = r
			if a.load[r] == a.floor {
				return true
			}
		}
	}
	return false
}

// lowestWantedLoad is the lowest load of a reviewer who is some nomination's
// candidate: no search can end at a lower one.
func (a *assigner) lowestWantedLoad() int {
	low := -1
	for r, l := range a.load {
		if a.wanted[r] && (low < 0 || l < low) {
			low = l
		}
	}
	return low
}

func (a *assigner) setGiven(n, r int, on bool) {
	a.given[n*len(a.revs)+r] = on
	if on {
		a.holders[r] = append(a.holders[r], n)
		return
	}
	i := slices.Index(a.holders[r], n)
	a.holders[r] = slices.Delete(a.holders[r], i, i+1)
}

func (a *assigner) result(k int) AssignResult {
	res := AssignResult{New: map[string][]string{}}
	for n, nom := range a.noms {
		var got []string
		for _, r := range a.cand[n] {
			if a.given[n*len(a.revs)+r] {
				got = append(got, a.revs[r])
			}
		}
		if len(got) > 0 {
			res.New[nom] = got
		}
		if short := k - a.existing[n] - len(got); short > 0 {
			res.Uncovered = append(res.Uncovered, Uncovered{
				Nomination: nom,
				Missing:    short,
				Reason:     conflictFreeReason(a.existing[n] + len(a.cand[n])),
				Possible:   a.existing[n] + len(a.cand[n]),
			})
		}
	}
	return res
}

func conflictFreeReason(possible int) string {
	switch possible {
	case 0:
		return "no reviewer without a conflict"
	case 1:
		return "only 1 reviewer without a conflict"
	}
	return fmt.Sprintf("only %d reviewers without a conflict", possible)
}

// distinctStrings returns xs without repeats, first occurrences in order.
func distinctStrings(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
