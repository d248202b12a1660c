package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// idPath is the expression FerretDB 1.24's SQLite handler compares when it
// pushes a filter on _id down to SQL (`WHERE _ferretdb_sjson->'$._id' = ?`,
// metadata.IDColumn in its sources), for reads, updates and deletes alike.
// Its own unique _id index is on `_ferretdb_sjson->"_id"`: the same value,
// but SQLite matches an expression index by its written form, so the planner
// never uses it and every lookup by _id scans the table. An index on exactly
// this expression turns those scans into index searches.
const idPath = `_ferretdb_sjson->'$._id'`

// idIndexPrefix names the extra indexes. FerretDB names its own indexes
// after their table ("<table>_<index>"), so this prefix cannot collide.
const idIndexPrefix = "wsis_id_"

// sqliteName is what FerretDB accepts as a database or table name; anything
// else is refused before it reaches SQL text.
var sqliteName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// IndexIDLookups creates, in every collection of the embedded database, the
// SQLite index that FerretDB's _id lookups can use (see idPath). It is
// idempotent and cheap once the indexes exist. A collection created after it
// ran has no such index until it runs again, so the store creates all of its
// collections first (EnsureIndexes). Returns an error when the database file
// cannot be read or an index cannot be created.
func (e *Embedded) IndexIDLookups(ctx context.Context, database string) error {
	db, err := e.openSQLite(database)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := collectionTables(ctx, db)
	if err != nil {
		return err
	}
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS %q ON %q (%s)`, idIndexPrefix+table, table, idPath)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: embedded database: index _id of %s: %w", table, err)
		}
	}
	return nil
}

// openSQLite opens the SQLite file of one database of the embedded server
// beside FerretDB's own connections, waiting as they do when the file is
// busy.
func (e *Embedded) openSQLite(database string) (*sql.DB, error) {
	if !sqliteName.MatchString(database) {
		return nil, fmt.Errorf("store: embedded database: unexpected database name %q", database)
	}
	// FerretDB keeps each database in "<name>.sqlite" in its directory.
	path := filepath.Join(e.dir, database+".sqlite")
	uri := "file:" + filepath.ToSlash(path) + "?" + url.Values{"_pragma": {"busy_timeout(10000)"}, "mode": {"rw"}}.Encode()
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, fmt.Errorf("store: embedded database: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// collectionTables lists the tables of a database's collections from
// FerretDB's catalogue of them.
func collectionTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return nil, fmt.Errorf("store: embedded database: list collections: %w", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: embedded database: list collections: %w", err)
		}
		if !sqliteName.MatchString(t) {
			return nil, fmt.Errorf("store: embedded database: unexpected table name %q", t)
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: embedded database: list collections: %w", err)
	}
	return tables, nil
}
