package handlers

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// etag is the ETag of an object at version: the version, quoted.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch reads an optional If-Match header holding an object's version (as
// its ETag or a bare number). It returns 0 when absent and answers 400 for a
// header it cannot read.
func ifMatch(c *gin.Context) (int, bool) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, true
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		respondError(c, badRequest(`If-Match must be the object's ETag, e.g. "3"`))
		return 0, false
	}
	return v, true
}
