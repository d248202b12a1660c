package handlers

import (
	"encoding/base64"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

const (
	defaultLimit = 20
	maxLimit     = 100
)

// page is a list's answer (SPEC §6): the items and the opaque cursor of the
// next page, empty on the last.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// countedPage is a page that also answers how many items the whole list
// holds.
type countedPage[T any] struct {
	page[T]
	Total uint64 `json:"total"`
}

// pageParams reads limit (1–100, default 20) and the opaque cursor a list
// of id-ordered pages gave. A bad value answers 422 naming the parameter.
// Lists with their own cursor form read only the limit from it.
func pageParams(c *gin.Context) (limit int, after string, ok bool) {
	limit = defaultLimit
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			respondError(c, models.Invalid("limit", "must be an integer from 1 to 100"))
			return 0, "", false
		}
		limit = n
	}
	if cur := c.Query("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		if err != nil || len(b) == 0 {
			respondError(c, models.Invalid("cursor", "is not a cursor this list gave"))
			return 0, "", false
		}
		after = string(b)
	}
	return limit, after, true
}

// pageRequest reads limit and cursor for a list that app pages
// (app.PageRequest); a bad value answers 422 naming the parameter.
func pageRequest(c *gin.Context) (app.PageRequest, bool) {
	limit, after, ok := pageParams(c)
	return app.PageRequest{Limit: limit, After: after}, ok
}

// pageOf is the answer of a page app cut.
func pageOf[T any](p app.Page[T]) page[T] {
	return page[T]{Items: p.Items, NextCursor: encodeCursor(p.Next)}
}

func encodeCursor(after string) string {
	if after == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(after))
}
