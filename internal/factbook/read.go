package factbook

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The headers Read insists on. A changed header means derive.py (or the archive) changed,
// and reading columns by position would then silently mean something else.
var (
	headerEditions = []string{"edition", "fips", "iso2", "name"}
	headerEntities = []string{"fips", "iso2", "name", "entity_type", "administered_by_fips"}
)

// Read reads the dataset's files from dir inside fsys. name is how the folder is called in
// problems (e.g. "seeds/cia-factbook-1990-2025"). On bad input it returns Problems holding
// every problem found, each at file:line:column.
func Read(fsys fs.FS, dir, name string) (*Dataset, error) {
	r := &reader{fsys: fsys, dir: dir, name: name}
	d := &Dataset{entity: map[string]int{}}
	entitiesOK := r.readEntities(d)
	editionsOK := r.readEditions(d, entitiesOK)
	r.readParticipation(d, entitiesOK && editionsOK)
	if len(r.problems) > 0 {
		sortProblems(r.problems)
		return nil, r.problems
	}
	return d, nil
}

// reader collects problems while the files are read.
type reader struct {
	fsys      fs.FS
	dir, name string
	problems  Problems
}

func (r *reader) display(file string) string {
	if r.name == "" {
		return file
	}
	return path.Join(r.name, file)
}

// row is the current record of a file being read.
type row struct {
	r      *reader
	file   string // as shown in problems
	header []string
	cr     *csv.Reader
	rec    []string
	// lines is the number of lines of the file: room for its records.
	lines int
}

func (t *row) line() int {
	l, _ := t.cr.FieldPos(0)
	return l
}

func (t *row) problem(i int, format string, args ...any) {
	l, c := t.cr.FieldPos(i)
	t.r.problems = append(t.r.problems, Problem{File: t.file, Line: l, Column: c, Message: fmt.Sprintf(format, args...)})
}

// code checks field i as a code of two upper-case letters; empty is allowed when optional.
func (t *row) code(i int, optional bool) bool {
	v := t.rec[i]
	if v == "" {
		if optional {
			return true
		}
		t.problem(i, "%s is empty, want two capital letters", t.header[i])
		return false
	}
	if len(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
		t.problem(i, "%s %q is not two capital letters", t.header[i], v)
		return false
	}
	return true
}

// name checks field i as a name: not empty, no space at either end, no control characters.
func (t *row) name(i int) bool {
	v := t.rec[i]
	switch {
	case v == "":
		t.problem(i, "%s is empty", t.header[i])
	case strings.TrimSpace(v) != v:
		t.problem(i, "%s %q has spaces at an end", t.header[i], v)
	case strings.ContainsFunc(v, unicode.IsControl):
		t.problem(i, "%s %q holds a control character", t.header[i], v)
	default:
		return true
	}
	return false
}

// each opens file, checks its header against want and calls fn for every record with as
// many fields as the header. It reports false when the file had any problem, so that
// callers skip checks against its content rather than report consequences of the real
// problem.
func (r *reader) each(file string, want []string, fn func(t *row)) bool {
	before := len(r.problems)
	shown := r.display(file)
	data, err := fs.ReadFile(r.fsys, path.Join(r.dir, file))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.problems = append(r.problems, Problem{File: shown, Message: "missing file"})
		} else {
			r.problems = append(r.problems, Problem{File: shown, Message: "cannot read: " + err.Error()})
		}
		return false
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // field counts are checked here, against the header
	return r.records(shown, cr, bytes.Count(data, []byte{'\n'}), want, fn) && len(r.problems) == before
}

// records checks the header cr reads against want and calls fn for every record with as
// many fields as the header; false when it cannot go on reading. lines is the number of
// lines of the file.
func (r *reader) records(shown string, cr *csv.Reader, lines int, want []string, fn func(t *row)) bool {
	t := &row{r: r, file: shown, cr: cr, lines: lines}
	hdr, err := cr.Read()
	if err == io.EOF {
		r.problems = append(r.problems, Problem{File: shown, Line: 1, Message: "empty file, want header " + strings.Join(want, ",")})
		return false
	}
	if err != nil {
		r.csvError(shown, err)
		return false
	}
	hdr[0] = strings.TrimPrefix(hdr[0], "\ufeff") // a byte-order mark is not part of the name
	if !slices.Equal(hdr, want) {
		col := 0
		for i := range hdr {
			if i >= len(want) || hdr[i] != want[i] {
				_, col = cr.FieldPos(i)
				break
			}
		}
		r.problems = append(r.problems, Problem{File: shown, Line: 1, Column: col,
			Message: "header is " + strings.Join(hdr, ",") + ", want " + strings.Join(want, ",")})
		return false
	}
	t.header = slices.Clone(hdr)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// encoding/csv resumes at the next line after a syntax error, so the
				// remaining rows are still worth checking.
				r.csvError(shown, err)
				continue
			}
			r.csvError(shown, err)
			return false
		}
		if len(rec) != len(t.header) {
			r.problems = append(r.problems, Problem{File: shown, Line: t.line(), Message: fmt.Sprintf("row has %d fields, want %d", len(rec), len(t.header))})
			continue
		}
		t.rec = rec
		fn(t)
	}
	return true
}

// csvError reports an error of encoding/csv at its place.
func (r *reader) csvError(shown string, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		r.problems = append(r.problems, Problem{File: shown, Line: pe.Line, Column: pe.Column, Message: pe.Err.Error()})
		return
	}
	r.problems = append(r.problems, Problem{File: shown, Message: "read: " + err.Error()})
}

func (r *reader) readEntities(d *Dataset) bool {
	type ref struct {
		line, col int
		fips, by  string
	}
	var refs []ref
	var file string
	ok := r.each(FileEntities, headerEntities, func(t *row) {
		file = t.file
		good := t.code(0, false)
		good = t.code(1, true) && good
		good = t.name(2) && good
		typ := EntityType(t.rec[3])
		if !slices.Contains(EntityTypes, typ) {
			t.problem(3, "entity_type %q is not one of %s", t.rec[3], typeList())
			good = false
		}
		good = t.code(4, true) && good
		if !good {
			return
		}
		fips := t.rec[0]
		if i, dup := d.entity[fips]; dup {
			t.problem(0, "entity %s again (first at line %d)", fips, d.Entities[i].Line)
			return
		}
		if by := t.rec[4]; by != "" {
			l, c := t.cr.FieldPos(4)
			refs = append(refs, ref{l, c, fips, by})
		}
		d.entity[fips] = len(d.Entities)
		d.Entities = append(d.Entities, Entity{FIPS: fips, ISO2: t.rec[1], Name: t.rec[2], Type: typ, AdministeredBy: t.rec[4], Line: t.line()})
	})
	for _, rf := range refs {
		switch {
		case rf.by == rf.fips:
			r.problems = append(r.problems, Problem{File: file, Line: rf.line, Column: rf.col, Message: fmt.Sprintf("entity %s is administered by itself", rf.fips)})
			ok = false
		case d.Entity(rf.by) == nil:
			r.problems = append(r.problems, Problem{File: file, Line: rf.line, Column: rf.col, Message: fmt.Sprintf("administered_by_fips %s is not an entity", rf.by)})
			ok = false
		}
	}
	return ok
}

func typeList() string {
	s := make([]string, len(EntityTypes))
	for i, t := range EntityTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// readEditions reads editions.csv; the entries' codes are checked against the entities only
// when entities.csv was read without problems.
func (r *reader) readEditions(d *Dataset, entitiesOK bool) bool {
	type key struct {
		edition         int
		fips, iso2, nme string
	}
	var seen map[key]int
	editions := map[int]bool{}
	last := 0
	ok := r.each(FileEditions, headerEditions, func(t *row) {
		if seen == nil {
			seen = make(map[key]int, t.lines)
			d.Entries = slices.Grow(d.Entries, t.lines)
		}
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
		good = t.name(3) && good
		if !good {
			return
		}
		e := Entry{Edition: ed, FIPS: t.rec[1], ISO2: t.rec[2], Name: t.rec[3], Line: t.line()}
		k := key{e.Edition, e.FIPS, e.ISO2, e.Name}
		if first, dup := seen[k]; dup {
			t.problem(0, "the same entry again (first at line %d)", first)
			return
		}
		seen[k] = e.Line
		if entitiesOK {
			ent := d.Entity(e.FIPS)
			switch {
			case ent != nil && ent.ISO2 == e.ISO2:
				e.Matched = true
			case ent != nil && e.ISO2 != "":
				t.problem(2, "iso2 %s is not that of entity %s (%q)", e.ISO2, ent.FIPS, ent.ISO2)
				return
			case ent == nil && e.ISO2 != "":
				t.problem(1, "fips %s is not an entity, yet the entry has iso2 %s (an entry the archive left unmatched has none)", e.FIPS, e.ISO2)
				return
			}
		}
		editions[ed] = true
		last = max(last, ed)
		d.Entries = append(d.Entries, e)
	})
	if !ok {
		return false
	}
	if last == 0 {
		r.problems = append(r.problems, Problem{File: r.display(FileEditions), Message: "no entries"})
		return false
	}
	var missing []string
	for y := FirstEdition; y <= last; y++ {
		if !editions[y] {
			missing = append(missing, strconv.Itoa(y))
			continue
		}
		d.Editions = append(d.Editions, y)
	}
	if len(missing) > 0 {
		r.problems = append(r.problems, Problem{File: r.display(FileEditions),
			Message: fmt.Sprintf("no entries for edition %s, between %d and %d", strings.Join(missing, ", "), FirstEdition, last)})
		return false
	}
	return true
}
