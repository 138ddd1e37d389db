package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
)

// FormatVersion names the layout of the database: its tables, their columns and what the
// JSON in them holds. Change it with any change of the migrations or of how records are
// written, so that a server refuses a database an older build wrote instead of answering
// from it with internal errors.
const FormatVersion = "5"

// writeFormat records the format version and the build ID in the database being built.
func writeFormat(ctx context.Context, tx *sql.Tx, seedsVersion string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('format', ?), ('build', ?)",
		FormatVersion, buildID(seedsVersion))
	if err != nil {
		return fmt.Errorf("build: format: %w", err)
	}
	return nil
}

// buildID identifies what the answers from a database depend on: its format, the seeds and
// the program that built it. The same seeds built by the same program give the same ID, so
// that replicas share ETags; a new program or new seeds give a new one.
func buildID(seedsVersion string) string {
	sum := sha256.Sum256([]byte(FormatVersion + "\x00" + seedsVersion + "\x00" + ProgramID()))
	return hex.EncodeToString(sum[:8])
}

var programID = sync.OnceValue(func() string {
	h := sha256.New()
	if exe, err := os.Executable(); err == nil {
		// The Go build ID the linker writes in its own ELF note: a hash of what the program
		// was built from, read in a few pages rather than hashing the whole executable.
		if note := goBuildIDNote(exe); len(note) > 0 {
			h.Write(note)
			return hex.EncodeToString(h.Sum(nil)[:8])
		}
		if f, err := os.Open(exe); err == nil {
			_, err = io.Copy(h, f)
			_ = f.Close()
			if err == nil {
				return hex.EncodeToString(h.Sum(nil)[:8])
			}
		}
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprint(h, info.String())
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
})

// ProgramID identifies the running program: a hash of its Go build ID (of the whole
// executable where it has none, of its build information when the executable cannot be
// read). Any change of the code changes it.
func ProgramID() string { return programID() }

// checkLayout refuses a database whose format version is not FormatVersion or that lacks a
// table the migrations create, and returns its build ID.
func checkLayout(ctx context.Context, db *sql.DB) (build string, err error) {
	var format sql.NullString
	_ = db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'format'").Scan(&format)
	if format.String != FormatVersion {
		got := "none"
		if format.Valid {
			got = format.String
		}
		return "", fmt.Errorf("the database has format %s and this program reads format %s: rebuild it with `treatygraph build`", got, FormatVersion)
	}
	if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'build'").Scan(&build); err != nil {
		return "", fmt.Errorf("the database has no build ID: rebuild it with `treatygraph build`")
	}
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return "", fmt.Errorf("list tables: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			_ = rows.Close()
			return "", fmt.Errorf("list tables: %w", err)
		}
		have[strings.ToLower(name)] = true
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("list tables: %w", err)
	}
	var missing []string
	for _, t := range expectedTables() {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("the database lacks the tables %s: rebuild it with `treatygraph build`", strings.Join(missing, ", "))
	}
	return build, nil
}

var createTable = regexp.MustCompile(`(?i)CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["\x60]?(\w+)`)

// expectedTables lists the tables the embedded migrations create.
func expectedTables() []string {
	files, _ := fs.Glob(migrations, "migration/*.sql")
	var names []string
	for _, f := range files {
		ddl, _ := migrations.ReadFile(f)
		for _, m := range createTable.FindAllStringSubmatch(string(ddl), -1) {
			names = append(names, strings.ToLower(m[1]))
		}
	}
	sort.Strings(names)
	return names
}

// CheckIntegrity runs SQLite's integrity_check over the whole file: it reads every page and
// index, so that a file damaged after it was built is found. It takes about 2 s for the
// 96 MB database of 200 times the seeds; Check runs it with the file's checksum.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	return integrityCheck(ctx, s.db, "integrity_check")
}

// integrityCheck runs SQLite's integrity_check or quick_check, reporting the first ten
// problems it finds.
func integrityCheck(ctx context.Context, db *sql.DB, pragma string) error {
	rows, err := db.QueryContext(ctx, "PRAGMA "+pragma+"(10)")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: the database is damaged: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: the database is damaged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// BuildID identifies the database's build: its format, seeds and the program that built it.
func (s *Store) BuildID() string { return s.build }

// goBuildIDNote is the content of the executable's .note.go.buildid section, which the Go
// linker writes on ELF systems; nil elsewhere or when it cannot be read.
func goBuildIDNote(exe string) []byte {
	f, err := elf.Open(exe)
	if err != nil {
		return nil
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return nil
	}
	b, err := sec.Data()
	if err != nil || len(b) > 4096 {
		return nil
	}
	return b
}
