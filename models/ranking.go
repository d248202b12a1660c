package models

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// rankEpsilon is how far apart two scores may be and still count as equal when ranking, so that
// rounding noise in the means never decides an order that the tie-breaks should decide.
const rankEpsilon = 1e-9

// minReviewsForZScore is how many submitted reviews a reviewer needs before their totals are
// standardised; with fewer, a mean and a spread say nothing about how the reviewer scores.
const minReviewsForZScore = 3

// RankCandidate is a nomination to be ranked in its category.
type RankCandidate struct {
	ID          string
	Category    int
	SubmittedAt time.Time
}

// SubmittedReview is one reviewer's submitted review of a nomination.
type SubmittedReview struct {
	NominationID string
	ReviewerID   string
	Scores       map[string]int // criterion key → 0..10
}

// RankedNomination is a nomination's place in its category. None of its numbers is rounded.
type RankedNomination struct {
	NominationID string  `json:"nomination_id"`
	Category     int     `json:"category"`
	Reviews      int     `json:"reviews"`  // submitted reviews
	RawMean      float64 `json:"raw_mean"` // mean over its reviews of the mean of the criteria
	ZMean        float64 `json:"z_mean"`   // mean of its reviews' z-scores
	Spread       float64 `json:"spread"`   // population standard deviation of its reviews' totals (disagreement)
	Score        float64 `json:"score"`    // the score ranked by: ZMean with "zscore", RawMean with "none"
	Rank         int     `json:"rank"`     // 1-based within the category
}

// RankInput is a contest's nominations and the Expert Group's submitted reviews of them.
type RankInput struct {
	Nominations []RankCandidate
	Reviews     []SubmittedReview
	// Criteria are the contest's criterion keys; a review's total is the mean of its scores over
	// these keys.
	Criteria []string
	// Normalization is the contest's score_normalization: "zscore" or "none".
	Normalization string
}

// Rank orders each category's nominations by their Expert Group reviews (SPEC §5) and returns,
// for every category that has a nomination, its nominations in rank order with Rank 1..n.
//
// A review's total is the mean of its scores over in.Criteria (a key missing from the review
// scores 0; with no criteria every total is 0). A nomination's RawMean is the mean of its
// reviews' totals and its Spread the population standard deviation of those totals.
//
// Each review also gets a z-score against its reviewer's own scale: z = (total − m) / s, where m
// is the mean and s the population standard deviation (divide by n, not n − 1) of the totals of
// all that reviewer's reviews in in.Reviews, across categories — including reviews of nominations
// not in in.Nominations, which calibrate the reviewer but are not ranked. A reviewer with fewer
// than 3 reviews, or whose totals do not spread (s ≤ 1e-9), gets z = 0 on every review. A
// nomination's ZMean is the mean of its reviews' z.
//
// Score is RawMean when in.Normalization is "none" and ZMean otherwise ("zscore" is the
// default). Nominations are ordered by higher Score, then higher RawMean, then earlier
// SubmittedAt, then ID, so the order is total and repeatable; scores within 1e-9 of each other
// count as equal. Nominations without a submitted review have Reviews 0 and every score 0, and
// come after all reviewed nominations of their category. Ranks are never shared.
func Rank(in RankInput) map[int][]RankedNomination {
	totals := make([]float64, len(in.Reviews))
	byReviewer := map[string][]float64{}
	for i, r := range in.Reviews {
		totals[i] = reviewTotal(r.Scores, in.Criteria)
		byReviewer[r.ReviewerID] = append(byReviewer[r.ReviewerID], totals[i])
	}
	scales := map[string]reviewerScale{}
	for reviewer, ts := range byReviewer {
		scales[reviewer] = newReviewerScale(ts)
	}

	type marks struct{ totals, zs []float64 }
	byNomination := map[string]*marks{}
	for i, r := range in.Reviews {
		m := byNomination[r.NominationID]
		if m == nil {
			m = &marks{}
			byNomination[r.NominationID] = m
		}
		m.totals = append(m.totals, totals[i])
		m.zs = append(m.zs, scales[r.ReviewerID].z(totals[i]))
	}

	byCategory := map[int][]rankEntry{}
	for _, c := range in.Nominations {
		rn := RankedNomination{NominationID: c.ID, Category: c.Category}
		if m := byNomination[c.ID]; m != nil {
			rn.Reviews = len(m.totals)
			rn.RawMean, rn.Spread = meanAndPopulationSD(m.totals)
			rn.ZMean, _ = meanAndPopulationSD(m.zs)
		}
		rn.Score = rn.ZMean
		if in.Normalization == "none" {
			rn.Score = rn.RawMean
		}
		byCategory[c.Category] = append(byCategory[c.Category], rankEntry{rn, c.SubmittedAt})
	}

	ranking := make(map[int][]RankedNomination, len(byCategory))
	for category, entries := range byCategory {
		slices.SortFunc(entries, compareRankEntries)
		ranked := make([]RankedNomination, len(entries))
		for i, e := range entries {
			ranked[i] = e.RankedNomination
			ranked[i].Rank = i + 1
		}
		ranking[category] = ranked
	}
	return ranking
}

// rankEntry is a RankedNomination with the submission time its ties break on.
type rankEntry struct {
	RankedNomination
	submittedAt time.Time
}

// compareRankEntries orders a before b when a ranks higher.
func compareRankEntries(a, b rankEntry) int {
	if aNone, bNone := a.Reviews == 0, b.Reviews == 0; aNone != bNone {
		if aNone {
			return 1
		}
		return -1
	}
	if c := compareDescending(a.Score, b.Score); c != 0 {
		return c
	}
	if c := compareDescending(a.RawMean, b.RawMean); c != 0 {
		return c
	}
	if c := a.submittedAt.Compare(b.submittedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.NominationID, b.NominationID)
}

// compareDescending orders the higher of x and y first, treating values within rankEpsilon as
// equal.
func compareDescending(x, y float64) int {
	switch {
	case math.Abs(x-y) <= rankEpsilon:
		return 0
	case x > y:
		return -1
	default:
		return 1
	}
}

// reviewerScale is how one reviewer scores: the mean and population standard deviation of their
// review totals. The zero value standardises every total to 0.
type reviewerScale struct {
	mean, sd float64
}

// newReviewerScale returns the scale of a reviewer with these review totals, or the zero scale when
// there are too few totals or they do not spread.
func newReviewerScale(totals []float64) reviewerScale {
	if len(totals) < minReviewsForZScore {
		return reviewerScale{}
	}
	mean, sd := meanAndPopulationSD(totals)
	if sd <= rankEpsilon {
		return reviewerScale{}
	}
	return reviewerScale{mean: mean, sd: sd}
}

// z is the total standardised to the reviewer's scale.
func (s reviewerScale) z(total float64) float64 {
	if s.sd == 0 {
		return 0
	}
	return (total - s.mean) / s.sd
}

// reviewTotal is the mean of scores over criteria.
func reviewTotal(scores map[string]int, criteria []string) float64 {
	if len(criteria) == 0 {
		return 0
	}
	sum := 0
	for _, key := range criteria {
		sum += scores[key]
	}
	return float64(sum) / float64(len(criteria))
}

// meanAndPopulationSD returns the mean and the population standard deviation (divide by n) of xs,
// both 0 when xs is empty.
func meanAndPopulationSD(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var squares float64
	for _, x := range xs {
		squares += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(squares / float64(len(xs)))
}
