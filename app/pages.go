package app

import (
	"fmt"

	"github.com/wsis-platform/wsis/models"
)

// PageRequest asks for one page of a list: at most Limit items (every item
// when it is 0) that come after the item whose cursor is After (from the
// first item when it is empty).
type PageRequest struct {
	Limit int
	After string
}

// Page is one page of a list and Next, the cursor of its last item when
// more items follow (empty on the last page).
type Page[T any] struct {
	Items []T
	Next  string
}

// pageOf cuts the page r asks for out of list, whose items are in the
// ascending order of key. A cursor is the last item's sort key, not its
// position, so the next page starts at the same place when items before it
// come or go between the requests.
func pageOf[T any](list []T, r PageRequest, key func(T) string) Page[T] {
	start := 0
	if r.After != "" {
		start = len(list)
		for i, item := range list {
			if key(item) > r.After {
				start = i
				break
			}
		}
	}
	p := Page[T]{Items: list[start:]}
	if r.Limit > 0 && len(p.Items) > r.Limit {
		p.Items = p.Items[:r.Limit]
		p.Next = key(p.Items[r.Limit-1])
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// The sort keys below join their fields with NUL, which sorts before every
// character of an id, so that a shorter id sorts first as it does in the
// store.

// nominationKey is a nomination's place in the order of store.Nominations
// (newest contest first, then category, time of nomination and id) as a
// string of the same order.
func nominationKey(n models.Nomination) string {
	return fmt.Sprintf("%04d\x00%02d\x00%s\x00%s", 9999-n.Contest, n.Category,
		n.CreatedAt.UTC().Format("20060102T150405.000000000"), n.ID)
}

// assignmentKey is an assignment's place in the order of store.Assignments
// (newest contest first, then category, nomination and reviewer).
func assignmentKey(a models.Assignment) string {
	return fmt.Sprintf("%04d\x00%02d\x00%s\x00%s", 9999-a.Contest, a.Category, a.NominationID, a.ReviewerID)
}

// rankingKey is a ranking row's place: by category, then rank.
func rankingKey(r RankingRow) string {
	return fmt.Sprintf("%02d\x00%06d\x00%s", r.Category, r.Rank, r.NominationID)
}
