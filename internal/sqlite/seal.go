package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A database is sealed when it is built: what proves at open, without reading the file,
// that it is the file build wrote, and what lets a full check find any byte changed since.
//
//   - SQLite's header carries the format version (user_version) and the first 32 bits of
//     the build ID (application_id), beside the build ID in full in the meta table;
//   - the meta table records the pages the file holds (pages), which the header's own page
//     count and the file's size must match;
//   - the meta table records a SHA-256 of the whole file (checksum), which Verify computes
//     again: every byte but the two copies of the header's change counter, which each write
//     moves, and the checksum's own 64, read as the zeros that stood there while build
//     hashed the file. Build writes the checksum in place of those zeros, and checks that the
//     file then hashes to it, so that SQLite moving the row would fail the build, not a
//     later check.
//
// Open reads the header and the meta rows (well under a millisecond for any size); Verify
// reads every page (PRAGMA integrity_check) and every byte. Build runs SQLite's quick_check
// before it renames the file into place.

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

// sumWidth is the width of the checksum meta value: a SHA-256 in hex.
const sumWidth = 2 * sha256.Size

// sumPlaceholder is the checksum meta value while build hashes the file.
var sumPlaceholder = strings.Repeat("0", sumWidth)

// seal writes the page count and the file's checksum into a committed database at path.
func seal(ctx context.Context, db *sql.DB, path string) error {
	placeholder := fmt.Sprintf("%0*d", pagesWidth, 0)
	if _, err := db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('checksum', ?), ('pages', ?)", sumPlaceholder, placeholder); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	var pages int64
	if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE meta SET value = ? WHERE key = 'pages'", fmt.Sprintf("%0*d", pagesWidth, pages)); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	sum, err := fileChecksum(ctx, path, "")
	if err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE meta SET value = ? WHERE key = 'checksum'", sum); err != nil {
		return fmt.Errorf("build: seal: %w", err)
	}
	var after int64
	if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&after); err != nil || after != pages {
		return fmt.Errorf("build: seal: the page count moved from %d to %d while it was written", pages, after)
	}
	if again, err := fileChecksum(ctx, path, sum); err != nil || again != sum {
		return fmt.Errorf("build: seal: the checksum was not written in place of its placeholder (%v)", err)
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
// the checksum of the file against the one build recorded, so that a byte changed anywhere
// in it is found. It takes under half a second for the seeds.
func (s *Store) Verify(ctx context.Context) error {
	if err := s.CheckIntegrity(ctx); err != nil {
		return err
	}
	var recorded string
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'checksum'").Scan(&recorded); err != nil {
		return fmt.Errorf("verify: the database records no checksum: rebuild it with `treatygraph build`")
	}
	if len(recorded) != sumWidth {
		return fmt.Errorf("verify: the database is damaged: its recorded checksum %.16q is not %d hex digits", recorded, sumWidth)
	}
	sum, err := fileChecksum(ctx, s.path, recorded)
	if err != nil {
		return fmt.Errorf("verify: the database is damaged: %w", err)
	}
	if sum != recorded {
		return fmt.Errorf("verify: the database is damaged: the file's checksum begins %s and build recorded %s", sum[:16], recorded[:16])
	}
	return nil
}

// fileChecksum is a SHA-256 of the file at path with the header's change counter (bytes
// 24–27 and 92–95) read as zeros and, when recorded is not empty, its one occurrence in the
// file read as sumPlaceholder. It streams the file, so it holds a few pages whatever the size.
func fileChecksum(ctx context.Context, path, recorded string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	const chunk = 1 << 20
	h := sha256.New()
	buf := make([]byte, chunk+sumWidth)
	keep, offset, found := 0, int64(0), 0 // bytes carried from the last read, and where they start
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := io.ReadFull(f, buf[keep:])
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return "", err
		}
		end := err != nil
		data := buf[:keep+n]
		for _, at := range []int64{24, 92} {
			if at >= offset && at+4 <= offset+int64(len(data)) {
				clear(data[at-offset : at-offset+4])
			}
		}
		if recorded != "" {
			for from := 0; ; {
				i := bytes.Index(data[from:], []byte(recorded))
				if i < 0 {
					break
				}
				copy(data[from+i:], sumPlaceholder)
				found++
				from += i + sumWidth
			}
		}
		// The last sumWidth-1 bytes may begin an occurrence the next read completes.
		carry := min(len(data), sumWidth-1)
		if end {
			carry = 0
		}
		h.Write(data[:len(data)-carry])
		copy(buf, data[len(data)-carry:])
		offset += int64(len(data) - carry)
		keep = carry
		if end {
			break
		}
	}
	if recorded != "" && found != 1 {
		return "", fmt.Errorf("the checksum build recorded is found %d times in the file, not once", found)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
