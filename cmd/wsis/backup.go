package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// backupCommand runs "wsis backup --out FILE": every collection of the
// configured database, with its indexes, streamed to FILE with a manifest
// and a SHA-256 per collection. The file is written beside FILE and renamed
// into place once complete, so FILE is never a partial backup.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	cfg, err := loadConfig("wsis backup", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "file to write the backup to (required); it holds password hashes and keys, so it is made private (0600)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return errors.New("backup: --out FILE is required")
	}
	log := newLogger(stderr, "warn")
	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: filepath.Join(cfg.DataDir, "db"), Logger: log})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	m, err := st.Backup(ctx, f, models.SystemClock{}.Now())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), out)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	var docs int64
	for _, c := range m.Collections {
		docs += c.Count
	}
	fmt.Fprintf(stdout, "backed up database %q: %d collections, %d documents, to %s\n", m.Database, len(m.Collections), docs, out)
	return nil
}

// restoreCommand runs "wsis restore FILE": it checks the whole file, then
// writes it into the configured database, which must hold no documents
// unless --force is given. Run it with no server using the database. On the
// embedded database it removes the search index under the data directory,
// which the next start rebuilds from the restored store.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var force bool
	var file string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	cfg, err := loadConfig("wsis restore FILE", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "replace the data of a database that is not empty: its collections are dropped first")
	})
	if err != nil {
		return err
	}
	if file == "" {
		return errors.New("restore: name the backup file first: wsis restore FILE [flags]")
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	log := newLogger(stderr, "warn")
	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: filepath.Join(cfg.DataDir, "db"), Logger: log})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	m, err := st.Restore(ctx, f, store.RestoreOptions{Force: force})
	if errors.Is(err, store.ErrDatabaseNotEmpty) {
		return fmt.Errorf("restore: %w; give --force to replace it", err)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// Indexes the platform declares since the backup was taken, too.
	if err := st.EnsureIndexes(ctx); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if st.Embedded() {
		if err := os.RemoveAll(filepath.Join(cfg.DataDir, "search")); err != nil {
			return fmt.Errorf("restore: remove the old search index: %w", err)
		}
	}
	var docs int64
	for _, c := range m.Collections {
		docs += c.Count
	}
	fmt.Fprintf(stdout, "restored database %q from %s (taken %s): %d collections, %d documents\n",
		cfg.Database, file, m.CreatedAt.Format("2006-01-02 15:04:05Z"), len(m.Collections), docs)
	return nil
}
