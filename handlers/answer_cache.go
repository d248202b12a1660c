package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
)

// answerCacheSize bounds the public answers kept: past it the cache starts
// again.
const answerCacheSize = 2048

// answerCache keeps whole public answers (the catalogue's pages, the
// statistics) for the search index generation they were computed at, so
// that the front page and the popular queries are answered from memory
// until the index changes; a write that changes the index moves the
// generation, and the next answer is computed anew. Answers carry a strong
// ETag (If-None-Match → 304) and a short Cache-Control for shared caches.
type answerCache struct {
	mu      sync.Mutex
	entries map[string]cachedAnswer
}

type cachedAnswer struct {
	gen  int64
	body []byte
	etag string
}

// publicMaxAge is how long a shared cache may keep a public answer: short,
// because a publication must show soon everywhere.
const publicMaxAge = "public, max-age=5"

// serve answers c from the cache entry of key when it is of generation gen,
// or computes it with compute, keeps it, and answers it.
func (a *answerCache) serve(c *gin.Context, key string, gen int64, compute func() (any, error)) {
	a.mu.Lock()
	e, ok := a.entries[key]
	a.mu.Unlock()
	if !ok || e.gen != gen {
		v, err := compute()
		if err != nil {
			respondError(c, err)
			return
		}
		body, err := json.Marshal(v)
		if err != nil {
			respondError(c, err)
			return
		}
		sum := sha256.Sum256(body)
		e = cachedAnswer{gen: gen, body: body, etag: `"` + strconv.FormatInt(gen, 36) + "-" + hex.EncodeToString(sum[:12]) + `"`}
		a.mu.Lock()
		if a.entries == nil || len(a.entries) >= answerCacheSize {
			a.entries = make(map[string]cachedAnswer, answerCacheSize)
		}
		a.entries[key] = e
		a.mu.Unlock()
	}
	if notModified(c, e.etag) {
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", e.body)
}

// notModified gives a public answer its strong ETag and short shared-cache
// lifetime, and answers 304 when the client holds that very answer.
func notModified(c *gin.Context, etag string) bool {
	c.Header("ETag", etag)
	c.Header("Cache-Control", publicMaxAge)
	if inm := c.GetHeader("If-None-Match"); inm != "" && (inm == etag || inm == "W/"+etag) {
		c.Status(http.StatusNotModified)
		return true
	}
	return false
}
