package factbook

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	// Inflates faster than compress/gzip, to the same bytes.
	"github.com/klauspost/compress/gzip"
)

// The fields that hold an entry's organizations: the 1990-1999 editions call it "Member of",
// the later ones "International organization participation".
const (
	FieldMemberOf      = "Member of"
	FieldParticipation = "International organization participation"
)

// Unmatched is the entity_type participation.csv.gz gives an entry the archive left
// unmatched.
const Unmatched = "unmatched"

var headerParticipation = []string{"edition", "fips", "iso2", "entity_type", "name", "field", "text"}

// Participation is one entry's list of organizations in one edition (a row of
// participation.csv.gz). Parse its Text with a ListParser.
type Participation struct {
	// Entry is the index in Dataset.Entries of the edition's entry the row belongs to: the
	// one with the same edition, codes and name.
	Entry int
	Field string
	Text  string
	// Line is the row's line; TextLine and TextColumn place the first byte of Text.
	Line                 int
	TextLine, TextColumn int
	quoted               bool // Text is a quoted field, its quotes doubled
}

// Pos places a byte offset of Text in the file, as its line and column.
func (p *Participation) Pos(offset int) (line, col int) {
	line, col = p.TextLine, p.TextColumn
	if p.quoted {
		col++
	}
	for i := 0; i < offset && i < len(p.Text); i++ {
		switch c := p.Text[i]; {
		case c == '\n':
			line, col = line+1, 1
		case c == '"' && p.quoted:
			col += 2
		default:
			col++
		}
	}
	return line, col
}

// readParticipation reads participation.csv.gz; the rows are checked against the entries of
// editions.csv when that file was read without problems.
func (r *reader) readParticipation(d *Dataset, entriesOK bool) {
	shown := r.display(FileParticipation)
	raw, err := fs.ReadFile(r.fsys, path.Join(r.dir, FileParticipation))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.problems = append(r.problems, Problem{File: shown, Message: "missing file"})
		} else {
			r.problems = append(r.problems, Problem{File: shown, Message: "cannot read: " + err.Error()})
		}
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		r.problems = append(r.problems, Problem{File: shown, Message: "not a gzip file: " + err.Error()})
		return
	}
	buf := bytes.NewBuffer(make([]byte, 0, inflatedSize(raw)+bytes.MinRead))
	if _, err := io.Copy(buf, zr); err != nil {
		r.problems = append(r.problems, Problem{File: shown, Message: "cannot decompress: " + err.Error()})
		return
	}
	data := buf.Bytes()
	// Where each line starts, to tell a quoted field from a bare one.
	lineStart := make([]int, 1, bytes.Count(data, []byte{'\n'})+2)
	for i, c := range data {
		if c == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	type key struct {
		edition         int
		fips, iso2, nme string
	}
	var entries map[key]int
	if entriesOK {
		entries = make(map[key]int, len(d.Entries))
		for i := range d.Entries {
			e := &d.Entries[i]
			entries[key{e.Edition, e.FIPS, e.ISO2, e.Name}] = i
		}
	}
	r.eachIn(shown, data, headerParticipation, func(t *row) {
		good := true
		ed, err := strconv.Atoi(t.rec[0])
		switch {
		case t.rec[0] == "":
			t.problem(0, "edition is empty, want a year")
			good = false
		case err != nil:
			t.problem(0, "edition %q is not a year", t.rec[0])
			good = false
		case ed < FirstEdition || ed > LastEdition:
			t.problem(0, "edition %d is outside %d-%d", ed, FirstEdition, LastEdition)
			good = false
		}
		good = t.code(1, false) && good
		good = t.code(2, true) && good
		typ := t.rec[3]
		if typ != Unmatched && !slices.Contains(EntityTypes, EntityType(typ)) {
			t.problem(3, "entity_type %q is not one of %s or %s", typ, typeList(), Unmatched)
			good = false
		}
		good = t.name(4) && good
		if f := t.rec[5]; f != FieldMemberOf && f != FieldParticipation {
			t.problem(5, "field %q is not %q or %q", f, FieldMemberOf, FieldParticipation)
			good = false
		}
		if strings.TrimSpace(t.rec[6]) == "" {
			t.problem(6, "text is empty")
			good = false
		}
		if !good || entries == nil {
			return
		}
		i, ok := entries[key{ed, t.rec[1], t.rec[2], t.rec[4]}]
		if !ok {
			t.problem(4, "no entry of %s has edition %d, fips %s, iso2 %q and name %q", FileEditions, ed, t.rec[1], t.rec[2], t.rec[4])
			return
		}
		e := &d.Entries[i]
		want := Unmatched
		if ent := d.EntityOf(e); ent != nil {
			want = string(ent.Type)
		}
		if typ != want {
			t.problem(3, "entity_type %s is not %s, the type of the entry's entity", typ, want)
			return
		}
		line, col := t.cr.FieldPos(6)
		p := Participation{Entry: i, Field: t.rec[5], Text: t.rec[6], Line: t.line(), TextLine: line, TextColumn: col}
		if line-1 < len(lineStart) {
			if at := lineStart[line-1] + col - 1; at < len(data) && data[at] == '"' {
				p.quoted = true
			}
		}
		d.Participation = append(d.Participation, p)
	})
}

// inflatedSize is the size of the text a gzip file holds, as its trailer gives it (modulo
// 4 GiB), or a guess when the trailer claims more than such a file plausibly holds (a
// corrupt trailer must not make a huge buffer; the buffer grows as needed anyway).
func inflatedSize(raw []byte) int {
	guess := len(raw) * 10 // the real file holds about ten times its compressed size
	if len(raw) < 4 {
		return guess
	}
	n := int(binary.LittleEndian.Uint32(raw[len(raw)-4:]))
	if n > 64*len(raw)+(1<<10) {
		return guess
	}
	return n
}

// eachIn is each for a file already in memory.
func (r *reader) eachIn(shown string, data []byte, want []string, fn func(t *row)) bool {
	before := len(r.problems)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	ok := r.records(shown, cr, bytes.Count(data, []byte{'\n'}), want, fn)
	return ok && len(r.problems) == before
}
