package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// A database is sealed when it is built: what proves at open, without reading the file,
// that it is the file build wrote, and what lets a full check find any byte changed since.
//
//   - SQLite's header carries the format version (user_version) and the first 32 bits of
//     the build ID (application_id), beside the build ID in full in the meta table;
//   - the meta table records the pages the file holds (pages), which the header's own page
//     count and the file's size must match;
//   - the meta table records a SHA-256 of every row of every table (checksum), which Verify
//     computes again.
//
// Open reads the header and the meta rows (well under a millisecond for any size); Verify
// reads every page (PRAGMA integrity_check) and every row. Build runs SQLite's
// quick_check before it renames the file into place.

// headerSize is the length of SQLite's database header.
const headerSize = 100

// pagesWidth is the width of the pages meta value, fixed so that writing the real count in
// place of the placeholder changes no page count.
const pagesWidth = 12

// header is what Open reads of SQLite's database header.
type header struct {
	pageSize, pages      int64
	countValid           bool // the page count is current (written by a SQLite that keeps it)
	formatVersion, appID int32
}

// readHeader reads and checks the database header at the start of f.
func readHeader(f io.ReaderAt) (header, error) {
	var b [headerSize]byte
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return header{}, fmt.Errorf("not a SQLite database: reading its header: %w", err)
	}
	if string(b[:16]) != "SQLite format 3\x00" {
		return header{}, fmt.Errorf("not a SQLite database")
	}
	h := header{pageSize: int64(binary.BigEndian.Uint16(b[16:18])), pages: int64(binary.BigEndian.Uint32(b[28:32]))}
	if h.pageSize == 1 {
		h.pageSize = 65536
	}
	h.countValid = binary.BigEndian.Uint32(b[24:28]) == binary.BigEndian.Uint32(b[92:96])
	h.formatVersion = int32(binary.BigEndian.Uint32(b[60:64]))
	h.appID = int32(binary.BigEndian.Uint32(b[68:72]))
	return h, nil
}

// buildFingerprint is the application_id written for a build ID: its first 32 bits.
func buildFingerprint(build string) int32 {
	b, err := hex.DecodeString(build)
	if err != nil || len(b) < 4 {
		return 0
	}
	return int32(binary.BigEndian.Uint32(b[:4]))
}

// formatNumber is FormatVersion as the header's user_version holds it.
func formatNumber() int32 {
	n, _ := strconv.Atoi(FormatVersion)
	return int32(n)
}

// sealHeader writes the header's part of the seal, inside the build's transaction.
func sealHeader(ctx context.Context, tx *sql.Tx, build string) error {
	for _, p := range []string{
		fmt.Sprintf("PRAGMA user_version = %d", formatNumber()),
		fmt.Sprintf("PRAGMA application_id = %d", buildFingerprint(build)),
	} {
		if _, err := tx.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("build: seal: %w", err)
		}
	}
	return nil
}

// seal writes the checksum of the rows and the page count into a committed database.
func seal(ctx context.Context, db *sql.DB) error {
	sum, err := contentChecksum(ctx, db)
	if err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	placeholder := fmt.Sprintf("%0*d", pagesWidth, 0)
	if _, err := db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('checksum', ?), ('pages', ?)", sum, placeholder); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	var pages int64
	if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE meta SET value = ? WHERE key = 'pages'", fmt.Sprintf("%0*d", pagesWidth, pages)); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	var after int64
	if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&after); err != nil || after != pages {
		return fmt.Errorf("build: seal: the page count moved from %d to %d while it was written", pages, after)
	}
	return nil
}

// fileSeal is what the file itself says of its seal: its header and its size.
type fileSeal struct {
	header
	size int64
}

// readFileSeal reads the header of the file at path, before SQLite opens it, so that a file
// that is not a database, or was cut or extended, is named as such.
func readFileSeal(path string) (fileSeal, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSeal{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fileSeal{}, err
	}
	h, err := readHeader(f)
	if err != nil {
		return fileSeal{}, err
	}
	fs := fileSeal{header: h, size: info.Size()}
	if h.formatVersion == 0 && h.appID == 0 {
		return fs, fmt.Errorf("not a treatygraph database, or one an older treatygraph built (its header carries no format): rebuild it with `treatygraph build`")
	}
	if h.formatVersion != formatNumber() {
		return fs, fmt.Errorf("the database's header has format %d and this program reads format %s: rebuild it with `treatygraph build`", h.formatVersion, FormatVersion)
	}
	if h.pageSize < 512 || (h.countValid && h.pages*h.pageSize != fs.size) {
		return fs, fmt.Errorf("the database is %d bytes and its header says %d pages of %d bytes: the file was cut, extended or changed after it was built; rebuild it with `treatygraph build`",
			fs.size, h.pages, h.pageSize)
	}
	return fs, nil
}

// check proves, with the meta rows build wrote, that the file is the one build wrote: the
// build ID the header was sealed with and the pages it had. It reads no page besides the
// first and the meta table's.
func (fs fileSeal) check(ctx context.Context, db *sql.DB, build string) error {
	if want := buildFingerprint(build); fs.appID != want {
		return fmt.Errorf("the database's header was sealed for build %08x and its meta table names build %.16q: the file was changed after it was built; rebuild it with `treatygraph build`", uint32(fs.appID), build)
	}
	var recorded string
	if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'pages'").Scan(&recorded); err != nil {
		return fmt.Errorf("the database records no page count: rebuild it with `treatygraph build`")
	}
	pages, err := strconv.ParseInt(recorded, 10, 64)
	if err != nil {
		return fmt.Errorf("the database's recorded page count %.20q is not a number: rebuild it with `treatygraph build`", recorded)
	}
	if want := pages * fs.pageSize; fs.size != want {
		return fmt.Errorf("the database is %d bytes and build wrote %d (%d pages of %d bytes): the file was cut, extended or changed after it was built; rebuild it with `treatygraph build`",
			fs.size, want, pages, fs.pageSize)
	}
	return nil
}

// Verify reads the whole database: SQLite's integrity_check over every page and index, and
// the checksum of every row against the one build recorded, so that a byte changed anywhere
// in what the answers are read from is found. It takes about a second for the seeds.
func (s *Store) Verify(ctx context.Context) error {
	if err := s.CheckIntegrity(ctx); err != nil {
		return err
	}
	var recorded string
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'checksum'").Scan(&recorded); err != nil {
		return fmt.Errorf("verify: the database records no checksum: rebuild it with `treatygraph build`")
	}
	sum, err := contentChecksum(ctx, s.db)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if sum != recorded {
		return fmt.Errorf("verify: the database is damaged: its rows' checksum begins %s and build recorded %s", sum[:16], fmt.Sprintf("%.16q", recorded))
	}
	return nil
}

// contentChecksum is a SHA-256 of every row of every table but the seal's own meta rows, in
// storage order, each value with its type and length.
func contentChecksum(ctx context.Context, db *sql.DB) (string, error) {
	tables, err := checksumTables(ctx, db)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, t := range tables {
		q := fmt.Sprintf("SELECT * FROM %q NOT INDEXED", t)
		if t == "meta" {
			q = "SELECT * FROM meta NOT INDEXED WHERE key NOT IN ('checksum', 'pages')"
		}
		if err := hashRows(ctx, db, h, t, q); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checksumTables lists the tables whose rows hold the data: every ordinary table, with the
// full-text index's own tables, but not the virtual table over them.
func checksumTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return slices.Clip(names), rows.Err()
}

func hashRows(ctx context.Context, db *sql.DB, h hash.Hash, table, q string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "table %s %d\x00", table, len(cols))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n [8]byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		for _, v := range vals {
			var tag byte
			var b []byte
			switch v := v.(type) {
			case nil:
				tag = 'n'
			case int64:
				tag, b = 'i', binary.BigEndian.AppendUint64(nil, uint64(v))
			case float64:
				tag, b = 'f', binary.BigEndian.AppendUint64(nil, math.Float64bits(v))
			case string:
				tag, b = 's', []byte(v)
			case []byte:
				tag, b = 'b', v
			default:
				tag, b = '?', fmt.Append(nil, v)
			}
			binary.BigEndian.PutUint64(n[:], uint64(len(b)))
			h.Write([]byte{tag})
			h.Write(n[:])
			h.Write(b)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	return nil
}
