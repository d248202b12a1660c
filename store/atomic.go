package store

import (
	"context"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
)

// docLocks serializes the read-modify-writes of the embedded database per
// document. FerretDB 1.24 on SQLite runs an update, a findAndModify or a
// replace as read, filter in Go, then overwrite by _id without checking the
// filter again (its issue 3040), so two of them on one document can both
// "match" and the later silently undoes the earlier. The embedded database is
// private to this process (its Unix socket is in a 0700 directory), so a lock
// here makes each such write atomic, as MongoDB's are; several app processes
// need a real MongoDB. A lock lives while someone holds or waits for it, so
// the table follows the documents being written, not all documents.
type docLocks struct {
	mu    sync.Mutex
	locks map[string]*docLock
}

type docLock struct {
	sync.Mutex
	users int // holders and waiters; the entry goes when it drops to zero
}

// lock takes the lock of key and returns its release.
func (l *docLocks) lock(key string) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*docLock{}
	}
	dl := l.locks[key]
	if dl == nil {
		dl = &docLock{}
		l.locks[key] = dl
	}
	dl.users++
	l.mu.Unlock()
	dl.Lock()
	return func() {
		dl.Unlock()
		l.mu.Lock()
		if dl.users--; dl.users == 0 {
			delete(l.locks, key)
		}
		l.mu.Unlock()
	}
}

// serialize runs fn, a read-modify-write of the document coll/id, alone
// among the writes of that document through this process: on the embedded
// database under its lock, on MongoDB as it is (MongoDB's updates are atomic
// per document and fn's own filters decide). Every update, replace, upsert,
// findAndModify and conditional delete of the store goes through it; an
// insert needs not, its unique _id decides.
func (s *Store) serialize(coll, id string, fn func() error) error {
	if s.embedded == nil {
		return fn()
	}
	unlock := s.embedded.locks.lock(s.db.Name() + "\x00" + coll + "\x00" + id)
	defer unlock()
	return fn()
}

// match returns the filter of a write of document id that must find it at
// version read. Under serialize on the embedded database nobody can have
// written it since it was read, so the filter is the _id alone: FerretDB
// pushes only a bare _id filter down to its index (any other filter reads
// the whole collection). On MongoDB the version in the filter makes the write
// conditional.
func (s *Store) match(id string, read int) bson.D {
	if s.embedded != nil {
		return bson.D{{Key: "_id", Value: id}}
	}
	return bson.D{{Key: "_id", Value: id}, {Key: "version", Value: read}}
}

// maxAttempts bounds the re-reads of a read-modify-write that lost to a
// concurrent writer on MongoDB (on the embedded database it never loses).
const maxAttempts = 5

// readModifyWrite is the one read-decide-write cycle of the store's
// versioned documents (projects, contests, nominations, assignments), run
// under serialize. attempt reads the document, decides, and writes it with
// the filter match gives for the version it read, reporting whether the
// write found it. When it did not, a concurrent writer won: with the
// client's If-Match (ifMatch) that is ErrPreconditionFailed at once, without
// it the cycle starts again from a fresh read, up to maxAttempts times.
func (s *Store) readModifyWrite(coll, id, op string, ifMatch bool, attempt func() (matched bool, err error)) error {
	return s.serialize(coll, id, func() error {
		for i := 1; ; i++ {
			matched, err := attempt()
			if err != nil || matched {
				return err
			}
			if ifMatch || i == maxAttempts {
				return fmt.Errorf("store: %s: %w", op, models.Stale())
			}
		}
	})
}

// replaceRead is the write of a read-modify-write: it replaces the document
// id of coll, read at version read, with doc (filtered by match) and reports
// whether it still found it there; a failed write's error goes through
// mapWrite.
func (s *Store) replaceRead(ctx context.Context, coll, op, id string, read int, doc any, mapWrite func(string, error) error) (bool, error) {
	res, err := s.db.Collection(coll).ReplaceOne(ctx, s.match(id, read), doc)
	if err != nil {
		return false, mapWrite(op, err)
	}
	return res.MatchedCount == 1, nil
}

// checkVersion is the If-Match check of a read-modify-write: with want > 0
// the document read must be at that version.
func checkVersion(op string, want, got int) error {
	if want > 0 && want != got {
		return fmt.Errorf("store: %s: %w", op, models.Stale())
	}
	return nil
}
