package store

import (
	"sync"

	"github.com/wsis-platform/wsis/models"
)

// userCacheSize bounds the accounts kept: past it the cache starts again.
const userCacheSize = 100_000

// userCache keeps accounts read by _id on the embedded database, where
// every request's authentication reads its account. It is exact, not
// merely fresh: the embedded database has no writer but this process
// (SPEC §8), and every write of an account goes through the store, which
// moves the cache's write count on. A read keeps what it found only when no
// write of any account happened while it read, so a read that raced a write
// can never leave the older account behind. On MongoDB there is no cache:
// other replicas write too, and the read is an index lookup there.
type userCache struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]cachedUser
}

type cachedUser struct {
	user models.User
	hash string
}

// get returns the cached account with id.
func (c *userCache) get(id string) (cachedUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.entries[id]
	return u, ok
}

// begin returns the write count to hand to put after reading from the
// database.
func (c *userCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// put keeps u unless an account was written since begin returned writes.
func (c *userCache) put(id string, writes uint64, u cachedUser) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes != writes {
		return
	}
	if c.entries == nil || len(c.entries) >= userCacheSize {
		c.entries = map[string]cachedUser{}
	}
	c.entries[id] = u
}

// written drops the account with id and moves the write count on; the
// store calls it around every write of an account.
func (c *userCache) written(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	delete(c.entries, id)
}
