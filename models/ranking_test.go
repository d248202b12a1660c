package models_test

import (
	"math"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

const rankTolerance = 1e-9

var rankT0 = time.Date(2027, time.February, 1, 9, 0, 0, 0, time.UTC)

// review is a submitted review scored on the two criteria of these tests, "impact" and
// "relevance", so its total is (impact + relevance) / 2.
func review(nomination, reviewer string, impact, relevance int) models.SubmittedReview {
	return models.SubmittedReview{NominationID: nomination, ReviewerID: reviewer,
		Scores: map[string]int{"impact": impact, "relevance": relevance}}
}

// candidate is a nomination submitted minutes after rankT0.
func candidate(id string, category, minutes int) models.RankCandidate {
	return models.RankCandidate{ID: id, Category: category, SubmittedAt: rankT0.Add(time.Duration(minutes) * time.Minute)}
}

func rankInput(normalization string, nominations []models.RankCandidate, reviews ...models.SubmittedReview) models.RankInput {
	return models.RankInput{Nominations: nominations, Reviews: reviews,
		Criteria: []string{"impact", "relevance"}, Normalization: normalization}
}

// want is what a test expects of one ranked nomination, in rank order.
type want struct {
	id      string
	reviews int
	raw     float64
	z       float64
	spread  float64
}

// checkRanking fails unless the category's ranking is exactly wants, in order, with ranks 1..n,
// scores within rankTolerance and Score taken from RawMean ("none") or ZMean (otherwise).
func checkRanking(t *testing.T, ranking map[int][]models.RankedNomination, category int, normalization string, wants []want) {
	t.Helper()
	got := ranking[category]
	if len(got) != len(wants) {
		t.Fatalf("category %d: %d nominations ranked, want %d: %+v", category, len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		score := w.z
		if normalization == "none" {
			score = w.raw
		}
		if g.NominationID != w.id || g.Rank != i+1 || g.Category != category || g.Reviews != w.reviews {
			t.Errorf("category %d place %d: got %s rank %d category %d reviews %d, want %s rank %d category %d reviews %d",
				category, i+1, g.NominationID, g.Rank, g.Category, g.Reviews, w.id, i+1, category, w.reviews)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"raw_mean", g.RawMean, w.raw}, {"z_mean", g.ZMean, w.z}, {"spread", g.Spread, w.spread}, {"score", g.Score, score}} {
			if math.IsNaN(f.got) || math.Abs(f.got-f.want) > rankTolerance {
				t.Errorf("%s %s = %.15g, want %.15g", g.NominationID, f.name, f.got, f.want)
			}
		}
	}
}

// handTable is three reviewers scoring four nominations on two criteria. Every number below was
// worked out by hand; the tests compare the code against these literals, never against a second
// computation.
//
//	review      impact relevance  total
//	A → N1        10       8        9
//	A → N2         4       2        3
//	A → N3         3       3        3
//	A → N4         0       2        1      (N4 is in category 2: A's scale spans categories)
//	B → N2         6       8        7
//	B → N3         5       5        5
//	B → N4         7       5        6
//	C → N1         1       3        2
//	C → N3        10      10       10
//
// Reviewer A, 4 reviews: mean = (9+3+3+1)/4 = 16/4 = 4; deviations 5, −1, −1, −3;
// population variance = (25+1+1+9)/4 = 36/4 = 9; sd = 3.
// z: N1 5/3 = 1.666666666666667, N2 −1/3, N3 −1/3, N4 −3/3 = −1.
//
// Reviewer B, 3 reviews: mean = (7+5+6)/3 = 6; deviations 1, −1, 0;
// population variance = (1+1+0)/3 = 2/3; sd = √(2/3) = 0.816496580927726.
// z: N2 1/0.816496580927726 = 1.224744871391589, N3 −1.224744871391589, N4 0.
//
// Reviewer C, 2 reviews (< 3): z = 0 on N1 and N3, however far 2 and 10 are apart.
func handTable(normalization string) models.RankInput {
	return rankInput(normalization,
		[]models.RankCandidate{candidate("N1", 1, 0), candidate("N2", 1, 1), candidate("N3", 1, 2), candidate("N4", 2, 3)},
		review("N1", "A", 10, 8), review("N2", "A", 4, 2), review("N3", "A", 3, 3), review("N4", "A", 0, 2),
		review("N2", "B", 6, 8), review("N3", "B", 5, 5), review("N4", "B", 7, 5),
		review("N1", "C", 1, 3), review("N3", "C", 10, 10),
	)
}

// Per nomination, from the table above:
//
//	N1: totals 9, 2      raw = 11/2 = 5.5   z = (1.666666666666667 + 0)/2 = 0.833333333333333
//	                     spread: mean 5.5, deviations ±3.5, variance 12.25, sd 3.5
//	N2: totals 3, 7      raw = 10/2 = 5     z = (−0.333333333333333 + 1.224744871391589)/2 = 0.445705769029128
//	                     spread: mean 5, deviations ±2, variance 4, sd 2
//	N3: totals 3, 5, 10  raw = 18/3 = 6     z = (−0.333333333333333 − 1.224744871391589 + 0)/3 = −0.519359401574974
//	                     spread: mean 6, deviations −3, −1, 4, variance 26/3, sd √(26/3) = 2.943920288775949
//	N4: totals 1, 6      raw = 7/2 = 3.5    z = (−1 + 0)/2 = −0.5
//	                     spread: mean 3.5, deviations ±2.5, variance 6.25, sd 2.5
var (
	handN1 = want{id: "N1", reviews: 2, raw: 5.5, z: 0.833333333333333, spread: 3.5}
	handN2 = want{id: "N2", reviews: 2, raw: 5, z: 0.445705769029128, spread: 2}
	handN3 = want{id: "N3", reviews: 3, raw: 6, z: -0.519359401574974, spread: 2.943920288775949}
	handN4 = want{id: "N4", reviews: 2, raw: 3.5, z: -0.5, spread: 2.5}
)

func TestRank_ZScoreMatchesHandComputedTable(t *testing.T) {
	ranking := models.Rank(handTable("zscore"))
	if len(ranking) != 2 {
		t.Fatalf("ranked %d categories, want 2: %+v", len(ranking), ranking)
	}
	// By z, N1 (0.83) > N2 (0.45) > N3 (−0.52), although N3 has the highest raw score.
	checkRanking(t, ranking, 1, "zscore", []want{handN1, handN2, handN3})
	checkRanking(t, ranking, 2, "zscore", []want{handN4})
}

func TestRank_NoneRanksByRawMean(t *testing.T) {
	ranking := models.Rank(handTable("none"))
	// The same reviews by raw score: N3 (6) > N1 (5.5) > N2 (5); z is still reported.
	checkRanking(t, ranking, 1, "none", []want{handN3, handN1, handN2})
	checkRanking(t, ranking, 2, "none", []want{handN4})
}

func TestRank_ReviewerWithZeroSpreadContributesZeroZ(t *testing.T) {
	// D gives every nomination a total of 6 (three reviews, sd 0): z = 0, never NaN.
	// E: totals 2, 4, 6; mean 4; variance (4+0+4)/3 = 8/3; sd = √(8/3) = 1.632993161855452;
	// z = −2/1.632993161855452 = −1.224744871391589, 0, 1.224744871391589.
	// P: D 0 and E 1.224744871391589 → z = 0.612372435695795 (D's 0 counts in the mean).
	ranking := models.Rank(rankInput("zscore",
		[]models.RankCandidate{candidate("P", 1, 0), candidate("Q", 1, 1), candidate("R", 1, 2), candidate("S", 1, 3)},
		review("P", "D", 6, 6), review("Q", "D", 7, 5), review("R", "D", 4, 8),
		review("S", "E", 1, 3), review("Q", "E", 4, 4), review("P", "E", 5, 7),
	))
	checkRanking(t, ranking, 1, "zscore", []want{
		{id: "P", reviews: 2, raw: 6, z: 0.612372435695795, spread: 0},
		{id: "R", reviews: 1, raw: 6, z: 0, spread: 0}, // ties Q on z 0, wins on raw 6 > 5
		{id: "Q", reviews: 2, raw: 5, z: 0, spread: 1},
		{id: "S", reviews: 1, raw: 2, z: -1.224744871391589, spread: 0},
	})
}

func TestRank_TiesBreakByRawThenEarlierSubmissionThenID(t *testing.T) {
	// Every reviewer has fewer than 3 reviews, so every z and every score is 0.
	ranking := models.Rank(rankInput("zscore",
		[]models.RankCandidate{
			candidate("a-late", 1, 30),  // raw 5, the latest of those
			candidate("b-high", 1, 40),  // raw 7: wins on raw despite the latest submission
			candidate("c-early", 1, 10), // raw 5, the earliest of those
			candidate("d-same", 1, 20),  // raw 5, same time as e-same, smaller ID
			candidate("e-same", 1, 20),  // raw 5
			candidate("f-unrev", 1, 0),  // no review: last although earliest
		},
		review("a-late", "R1", 5, 5), review("b-high", "R1", 7, 7),
		review("c-early", "R2", 4, 6), review("d-same", "R2", 6, 4),
		review("e-same", "R3", 5, 5),
	))
	checkRanking(t, ranking, 1, "zscore", []want{
		{id: "b-high", reviews: 1, raw: 7},
		{id: "c-early", reviews: 1, raw: 5},
		{id: "d-same", reviews: 1, raw: 5},
		{id: "e-same", reviews: 1, raw: 5},
		{id: "a-late", reviews: 1, raw: 5},
		{id: "f-unrev"},
	})
}

func TestRank_UnreviewedNominationsRankLastWithZeroReviews(t *testing.T) {
	// R: totals 2, 4, 6; z = −1.224744871391589, 0, 1.224744871391589 (sd √(8/3), as above).
	// The unreviewed ones come after "low" although its score is below their 0, and among
	// themselves by earlier submission.
	ranking := models.Rank(rankInput("zscore",
		[]models.RankCandidate{
			candidate("unreviewed-2", 1, 1), candidate("unreviewed-1", 1, 0),
			candidate("low", 1, 2), candidate("mid", 1, 3), candidate("high", 1, 4),
		},
		review("low", "R", 2, 2), review("mid", "R", 4, 4), review("high", "R", 6, 6),
	))
	checkRanking(t, ranking, 1, "zscore", []want{
		{id: "high", reviews: 1, raw: 6, z: 1.224744871391589},
		{id: "mid", reviews: 1, raw: 4, z: 0},
		{id: "low", reviews: 1, raw: 2, z: -1.224744871391589},
		{id: "unreviewed-1"},
		{id: "unreviewed-2"},
	})

	alone := models.Rank(rankInput("none", []models.RankCandidate{candidate("only", 3, 0)}))
	checkRanking(t, alone, 3, "none", []want{{id: "only"}})
}

func TestRank_SpreadIsPopulationSDOfReviewTotals(t *testing.T) {
	// Totals 2, 4, 9 (each the mean of two criteria, not the criteria themselves):
	// mean 5, deviations −3, −1, 4, variance (9+1+16)/3 = 26/3, sd √(26/3) = 2.943920288775949
	// (the sample sd would be √13 = 3.605551275463989). Z-scores are unaffected: each reviewer
	// has one review.
	ranking := models.Rank(rankInput("none",
		[]models.RankCandidate{candidate("split", 1, 0), candidate("single", 1, 1)},
		review("split", "X", 0, 4), review("split", "Y", 3, 5), review("split", "Z", 8, 10),
		review("single", "X", 1, 10),
	))
	checkRanking(t, ranking, 1, "none", []want{
		{id: "single", reviews: 1, raw: 5.5, spread: 0},
		{id: "split", reviews: 3, raw: 5, spread: 2.943920288775949},
	})
}

func TestRank_ReviewsOfUnlistedNominationsStillCalibrateTheirReviewer(t *testing.T) {
	// R reviewed "gone" (say, since ruled ineligible) as well: totals 2, 4, 6 give R a scale
	// (mean 4, sd √(8/3)), so "kept" at 6 gets z = 1.224744871391589. "gone" itself is not ranked.
	ranking := models.Rank(rankInput("zscore",
		[]models.RankCandidate{candidate("kept", 1, 0), candidate("other", 1, 1)},
		review("gone", "R", 2, 2), review("other", "R", 4, 4), review("kept", "R", 6, 6),
	))
	checkRanking(t, ranking, 1, "zscore", []want{
		{id: "kept", reviews: 1, raw: 6, z: 1.224744871391589},
		{id: "other", reviews: 1, raw: 4, z: 0},
	})
}

func TestRank_ScoresWithinEpsilonAreTiedAndBreakByRaw(t *testing.T) {
	// P's totals 1, 0, 0: mean 1/3, deviations 2/3, −1/3, −1/3, variance (4/9+1/9+1/9)/3 = 2/9,
	// sd √2/3, so "low-raw" at 1 has z = (2/3)/(√2/3) = √2 = 1.414213562373095.
	// Q's totals 10, 9, 9 are P's shifted by 9: "high-raw" at 10 also has z = √2, but 9⅓ is not
	// exact in binary and the computed z falls about 1e-15 below P's. Equal within 1e-9, the two
	// tie and the higher raw score (10 > 1) ranks first.
	ranking := models.Rank(rankInput("zscore",
		[]models.RankCandidate{
			candidate("low-raw", 1, 0), candidate("high-raw", 1, 1),
			candidate("p2", 2, 2), candidate("p3", 2, 3), candidate("q2", 2, 4), candidate("q3", 2, 5),
		},
		review("low-raw", "P", 0, 2), review("p2", "P", 0, 0), review("p3", "P", 0, 0),
		review("high-raw", "Q", 10, 10), review("q2", "Q", 8, 10), review("q3", "Q", 9, 9),
	))
	checkRanking(t, ranking, 1, "zscore", []want{
		{id: "high-raw", reviews: 1, raw: 10, z: 1.414213562373095},
		{id: "low-raw", reviews: 1, raw: 1, z: 1.414213562373095},
	})
}
