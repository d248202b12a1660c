package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A backup file is a header line followed by frames, each one tag byte and
// one BSON document (which carries its own length):
//
//	wsis-backup 1\n
//	C {name, indexes}          a collection begins
//	D <stored document>        …its documents, as the database holds them
//	E {name, count, sha256}    it ends: the SHA-256 of its D documents' bytes
//	…
//	M <BackupManifest>         the manifest, last
//
// Every collection is read with one cursor, so it is consistent in itself,
// and the file is written and read as a stream: neither end holds more than
// one insert batch in memory.
const (
	backupHeader  = "wsis-backup 1\n"
	backupVersion = 1

	frameCollection = 'C'
	frameDocument   = 'D'
	frameEnd        = 'E'
	frameManifest   = 'M'

	// maxFrame bounds one frame: MongoDB's largest document with room for
	// the frame's own fields.
	maxFrame = 16<<20 + 64<<10
	// restoreBatchDocs and restoreBatchBytes bound one InsertMany of a
	// restore.
	restoreBatchDocs  = 500
	restoreBatchBytes = 8 << 20
)

// ErrBackupCorrupt is returned by ReadBackup and Restore when a backup file
// is truncated, malformed, or a collection's checksum or count differs from
// what the file records.
var ErrBackupCorrupt = errors.New("backup file is corrupt")

// ErrDatabaseNotEmpty is returned by Restore when the database holds
// documents and RestoreOptions.Force is not set.
var ErrDatabaseNotEmpty = errors.New("database is not empty")

// BackupManifest describes a backup: its format, when it was taken, and
// every collection with its document count, checksum and indexes.
type BackupManifest struct {
	Format      string             `bson:"format" json:"format"`
	Version     int                `bson:"version" json:"version"`
	Database    string             `bson:"database" json:"database"`
	CreatedAt   time.Time          `bson:"created_at" json:"created_at"`
	Collections []BackupCollection `bson:"collections" json:"collections"`
}

// BackupCollection is one collection of a backup. SHA256 is the hex SHA-256
// of its documents' BSON bytes in the order the file holds them.
type BackupCollection struct {
	Name    string        `bson:"name" json:"name"`
	Count   int64         `bson:"count" json:"count"`
	SHA256  string        `bson:"sha256" json:"sha256"`
	Indexes []BackupIndex `bson:"indexes" json:"indexes"`
}

// BackupIndex is one index of a collection other than the one on _id.
type BackupIndex struct {
	Name   string `bson:"name" json:"name"`
	Keys   bson.D `bson:"keys" json:"keys"`
	Unique bool   `bson:"unique" json:"unique"`
}

// Backup writes every collection of the database, with its indexes, to w
// and returns the manifest it wrote last. now is the manifest's time.
// Anyone with access to the database may call it; the file holds password
// hashes and signing keys. Returns an error when the database cannot be read
// or w cannot be written.
func (s *Store) Backup(ctx context.Context, w io.Writer, now time.Time) (BackupManifest, error) {
	m := BackupManifest{Format: "wsis-backup", Version: backupVersion, Database: s.db.Name(), CreatedAt: now.UTC()}
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return m, fmt.Errorf("store: backup: list collections: %w", err)
	}
	slices.Sort(names)
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.WriteString(backupHeader); err != nil {
		return m, fmt.Errorf("store: backup: %w", err)
	}
	for _, name := range names {
		if strings.HasPrefix(name, "system.") {
			continue
		}
		c, err := s.backupCollection(ctx, bw, name)
		if err != nil {
			return m, err
		}
		m.Collections = append(m.Collections, c)
	}
	if err := writeFrame(bw, frameManifest, m); err != nil {
		return m, err
	}
	if err := bw.Flush(); err != nil {
		return m, fmt.Errorf("store: backup: %w", err)
	}
	return m, nil
}

// backupCollection writes one collection's frames, reading it with one
// cursor.
func (s *Store) backupCollection(ctx context.Context, w *bufio.Writer, name string) (BackupCollection, error) {
	c := BackupCollection{Name: name}
	coll := s.db.Collection(name)
	var err error
	if c.Indexes, err = listIndexes(ctx, coll); err != nil {
		return c, err
	}
	if err := writeFrame(w, frameCollection, bson.D{{Key: "name", Value: name}, {Key: "indexes", Value: c.Indexes}}); err != nil {
		return c, err
	}
	cur, err := coll.Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return c, fmt.Errorf("store: backup %s: %w", name, err)
	}
	defer cur.Close(ctx)
	sum := sha256.New()
	for cur.Next(ctx) {
		if err := w.WriteByte(frameDocument); err != nil {
			return c, fmt.Errorf("store: backup %s: %w", name, err)
		}
		if _, err := io.MultiWriter(w, sum).Write(cur.Current); err != nil {
			return c, fmt.Errorf("store: backup %s: %w", name, err)
		}
		c.Count++
	}
	if err := cur.Err(); err != nil {
		return c, fmt.Errorf("store: backup %s: %w", name, err)
	}
	c.SHA256 = hex.EncodeToString(sum.Sum(nil))
	end := bson.D{{Key: "name", Value: name}, {Key: "count", Value: c.Count}, {Key: "sha256", Value: c.SHA256}}
	return c, writeFrame(w, frameEnd, end)
}

// listIndexes returns a collection's indexes except the one on _id.
func listIndexes(ctx context.Context, coll *mongo.Collection) ([]BackupIndex, error) {
	cur, err := coll.Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: backup %s: list indexes: %w", coll.Name(), err)
	}
	var specs []struct {
		Name   string `bson:"name"`
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, fmt.Errorf("store: backup %s: list indexes: %w", coll.Name(), err)
	}
	out := []BackupIndex{}
	for _, ix := range specs {
		if ix.Name != "_id_" {
			out = append(out, BackupIndex{Name: ix.Name, Keys: ix.Key, Unique: ix.Unique})
		}
	}
	slices.SortFunc(out, func(a, b BackupIndex) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func writeFrame(w *bufio.Writer, tag byte, v any) error {
	b, err := bson.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := w.WriteByte(tag); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// backupReader reads a backup's frames and checks them as they pass: every
// collection's count and checksum against its end frame, and the manifest
// against the collections read.
type backupReader struct {
	r       *bufio.Reader
	current *BackupCollection
	sum     hash.Hash
	seen    []BackupCollection
}

func newBackupReader(r io.Reader) (*backupReader, error) {
	br := &backupReader{r: bufio.NewReaderSize(r, 1<<20)}
	header := make([]byte, len(backupHeader))
	if _, err := io.ReadFull(br.r, header); err != nil || string(header) != backupHeader {
		return nil, fmt.Errorf("store: restore: not a wsis backup of format %d: %w", backupVersion, ErrBackupCorrupt)
	}
	return br, nil
}

// next returns the next frame; for a D frame, the document's bytes. It
// returns the manifest, checked, with tag M, and ErrBackupCorrupt for
// anything out of place.
func (br *backupReader) next() (tag byte, doc bson.Raw, err error) {
	corrupt := func(format string, args ...any) (byte, bson.Raw, error) {
		return 0, nil, fmt.Errorf("store: restore: %s: %w", fmt.Sprintf(format, args...), ErrBackupCorrupt)
	}
	tag, err = br.r.ReadByte()
	if err != nil {
		return corrupt("file ends before its manifest")
	}
	var size [4]byte
	if _, err := io.ReadFull(br.r, size[:]); err != nil {
		return corrupt("file ends inside a frame")
	}
	n := binary.LittleEndian.Uint32(size[:])
	if n < 5 || n > maxFrame {
		return corrupt("frame of %d bytes", n)
	}
	doc = make(bson.Raw, n)
	copy(doc, size[:])
	if _, err := io.ReadFull(br.r, doc[4:]); err != nil {
		return corrupt("file ends inside a frame")
	}
	if err := doc.Validate(); err != nil {
		return corrupt("malformed document: %v", err)
	}
	switch tag {
	case frameCollection:
		if br.current != nil {
			return corrupt("collection %s has no end", br.current.Name)
		}
		var c BackupCollection
		if err := bson.Unmarshal(doc, &c); err != nil || c.Name == "" {
			return corrupt("malformed collection frame")
		}
		br.current, br.sum = &c, sha256.New()
	case frameDocument:
		if br.current == nil {
			return corrupt("document outside a collection")
		}
		br.sum.Write(doc)
		br.current.Count++
	case frameEnd:
		var end BackupCollection
		if br.current == nil || bson.Unmarshal(doc, &end) != nil || end.Name != br.current.Name {
			return corrupt("collection end out of place")
		}
		sum := hex.EncodeToString(br.sum.Sum(nil))
		if end.Count != br.current.Count || end.SHA256 != sum {
			return corrupt("collection %s: %d documents with SHA-256 %s, the file says %d with %s",
				end.Name, br.current.Count, sum, end.Count, end.SHA256)
		}
		br.current.SHA256 = sum
		br.seen = append(br.seen, *br.current)
		br.current = nil
	case frameManifest:
		if br.current != nil {
			return corrupt("collection %s has no end", br.current.Name)
		}
		if err := br.checkManifest(doc); err != nil {
			return 0, nil, err
		}
	default:
		return corrupt("unknown frame %q", tag)
	}
	return tag, doc, nil
}

// checkManifest compares the manifest with the collections read, and makes
// sure nothing follows it.
func (br *backupReader) checkManifest(doc bson.Raw) error {
	var m BackupManifest
	if err := bson.Unmarshal(doc, &m); err != nil || m.Format != "wsis-backup" || m.Version != backupVersion {
		return fmt.Errorf("store: restore: manifest of another format: %w", ErrBackupCorrupt)
	}
	if len(m.Collections) != len(br.seen) {
		return fmt.Errorf("store: restore: manifest lists %d collections, the file holds %d: %w",
			len(m.Collections), len(br.seen), ErrBackupCorrupt)
	}
	for i, c := range m.Collections {
		s := br.seen[i]
		if c.Name != s.Name || c.Count != s.Count || c.SHA256 != s.SHA256 || !sameIndexes(c.Indexes, s.Indexes) {
			return fmt.Errorf("store: restore: manifest disagrees with collection %s: %w", s.Name, ErrBackupCorrupt)
		}
	}
	if _, err := br.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("store: restore: data after the manifest: %w", ErrBackupCorrupt)
	}
	return nil
}

func sameIndexes(a, b []BackupIndex) bool {
	return slices.EqualFunc(a, b, func(x, y BackupIndex) bool {
		kx, _ := bson.Marshal(x.Keys)
		ky, _ := bson.Marshal(y.Keys)
		return x.Name == y.Name && x.Unique == y.Unique && string(kx) == string(ky)
	})
}

// ReadBackup reads a whole backup from r, checking every collection's
// count and SHA-256 and the manifest, and returns the manifest. It holds one
// document in memory at a time. Returns ErrBackupCorrupt when any check
// fails.
func ReadBackup(r io.Reader) (BackupManifest, error) {
	br, err := newBackupReader(r)
	if err != nil {
		return BackupManifest{}, err
	}
	for {
		tag, doc, err := br.next()
		if err != nil {
			return BackupManifest{}, err
		}
		if tag == frameManifest {
			var m BackupManifest
			err := bson.Unmarshal(doc, &m)
			return m, err
		}
	}
}

// RestoreOptions says how Restore treats a database that holds data.
type RestoreOptions struct {
	// Force replaces the collections of a database that holds documents;
	// without it Restore refuses such a database.
	Force bool
}

// Restore reads the backup in r twice: first it checks the whole file
// (ReadBackup), then, when the file is sound, it drops the database's
// collections and writes every collection back with its indexes, and on
// the embedded database the _id lookup indexes. Operators call it on a
// database no server is using. Returns ErrBackupCorrupt for a file that
// fails a check (the database untouched), ErrDatabaseNotEmpty when the
// database holds documents and opts.Force is not set.
func (s *Store) Restore(ctx context.Context, r io.ReadSeeker, opts RestoreOptions) (BackupManifest, error) {
	m, err := ReadBackup(r)
	if err != nil {
		return m, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return m, fmt.Errorf("store: restore: %w", err)
	}
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return m, fmt.Errorf("store: restore: list collections: %w", err)
	}
	for _, name := range existing {
		if strings.HasPrefix(name, "system.") || opts.Force {
			continue
		}
		n, err := s.db.Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			return m, fmt.Errorf("store: restore: count %s: %w", name, err)
		}
		if n > 0 {
			return m, fmt.Errorf("store: restore: collection %s holds %d documents: %w", name, n, ErrDatabaseNotEmpty)
		}
	}
	for _, name := range existing {
		if !strings.HasPrefix(name, "system.") {
			if err := s.db.Collection(name).Drop(ctx); err != nil {
				return m, fmt.Errorf("store: restore: drop %s: %w", name, err)
			}
		}
	}
	if err := s.restoreFrames(ctx, r); err != nil {
		return m, err
	}
	if s.embedded != nil {
		if err := s.embedded.IndexIDLookups(ctx, s.db.Name()); err != nil {
			return m, err
		}
	}
	return m, nil
}

// restoreFrames writes the collections of a checked backup, in batches of
// unordered inserts. The file is checked again as it is read, so one that
// changed since the first pass stops the restore.
func (s *Store) restoreFrames(ctx context.Context, r io.Reader) error {
	br, err := newBackupReader(r)
	if err != nil {
		return err
	}
	var (
		coll  *mongo.Collection
		batch []any
		bytes int
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := coll.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		batch, bytes = batch[:0], 0
		if err != nil {
			return fmt.Errorf("store: restore %s: %w", coll.Name(), err)
		}
		return nil
	}
	for {
		tag, doc, err := br.next()
		if err != nil {
			return err
		}
		switch tag {
		case frameCollection:
			var c BackupCollection
			_ = bson.Unmarshal(doc, &c) // next checked it
			if err := s.createRestored(ctx, c); err != nil {
				return err
			}
			coll = s.db.Collection(c.Name)
		case frameDocument:
			batch, bytes = append(batch, doc), bytes+len(doc)
			if len(batch) >= restoreBatchDocs || bytes >= restoreBatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		case frameEnd:
			if err := flush(); err != nil {
				return err
			}
		case frameManifest:
			return nil
		}
	}
}

// createRestored creates a collection and its indexes before its documents
// go in, so the unique ones hold from the first insert.
func (s *Store) createRestored(ctx context.Context, c BackupCollection) error {
	if err := s.db.CreateCollection(ctx, c.Name); err != nil && !isNamespaceExists(err) {
		return fmt.Errorf("store: restore: create collection %s: %w", c.Name, err)
	}
	for _, ix := range c.Indexes {
		opts := options.Index().SetName(ix.Name)
		if ix.Unique {
			opts.SetUnique(true)
		}
		if _, err := s.db.Collection(c.Name).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.Keys, Options: opts}); err != nil {
			return fmt.Errorf("store: restore: index %s of %s: %w", ix.Name, c.Name, err)
		}
	}
	return nil
}
