package cow

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	// Inflates state_igo_year faster than compress/gzip, to the same bytes.
	"github.com/klauspost/compress/gzip"
)

// The files of the dataset, as derive.R names them.
const (
	FileStates       = "states.csv"
	FileCountryCodes = "country_codes.csv"
	FileStateYears   = "state_years.csv"
	FileIGOs         = "igos.csv"
	FileImputed      = "igo_years_imputed.csv"
	FileIGOYears     = "igo_years.csv"
	FileStateIGOYear = "state_igo_year.csv.gz"
)

// maxYear bounds the years Read accepts. Nothing in the data goes past 2014; the bound only
// stops a mistyped year (20014) from passing as real and stretching LastYear.
const maxYear = 2100

// The headers Read insists on. A changed header means derive.R (or the data) changed, and
// reading columns by position would then silently mean something else.
var (
	headerStates       = []string{"ccode", "stateabb", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"}
	headerCountryCodes = []string{"cown", "cowc", "iso2c", "iso3c", "iso3n", "country.name.en"}
	headerStateYears   = []string{"ccode", "year"}
	headerIGOs         = []string{"ioname", "orgname", "longorgname", "ionum", "sdate", "deaddate", "dead", "integrated", "replaced", "political", "social", "economic", "accuracyofpre1965membershipdates", "sourcesandnotes"}
	headerImputed      = []string{"ioname", "year"}
	headerIGOYears     = []string{"ioname", "year", "imputed", "accuracyofpre1965membershipdates"}
	headerStateIGOYear = []string{"ioname", "ccode", "year", "status"}
)

// cldrPrefix starts the columns of country_codes.csv that hold CLDR names; derive.R keeps
// only those its countrycode version has, so their number may vary.
const cldrPrefix = "cldr.name."

// Read reads the dataset's files from dir inside fsys. name is how the folder is called in
// problems (e.g. "seeds/cow-igo-v3"). On bad input it returns Problems holding every
// problem found, each at file:line:column; odd data that is kept is in Dataset.Anomalies.
func Read(fsys fs.FS, dir, name string) (*Dataset, error) {
	r := &reader{fsys: fsys, dir: dir, name: name}
	d := &Dataset{}
	statesOK := r.readStates(d)
	r.readCountryCodes(d, statesOK)
	yearsOK := r.readStateYears(d, statesOK)
	igosOK := r.readIGOs(d)
	imputed, imputedOK := r.readImputed(d, igosOK)
	r.readIGOYears(d, igosOK, imputedOK, imputed)
	r.readStateIGOYears(d, statesOK, yearsOK, igosOK)
	if len(r.problems) > 0 {
		sortProblems(r.problems)
		return nil, r.problems
	}
	sortProblems(r.anomalies)
	d.Anomalies = r.anomalies
	return d, nil
}

// reader collects problems and anomalies while the files are read.
type reader struct {
	fsys      fs.FS
	dir, name string
	problems  Problems
	anomalies []Problem
}

func (r *reader) display(file string) string {
	if r.name == "" {
		return file
	}
	return path.Join(r.name, file)
}

// table is the file being read, positioned at its current record.
type table struct {
	r      *reader
	file   string // as shown in problems
	header []string
	cr     *csv.Reader // nil while the file is split by hand
	// skipped is the number of lines split by hand before encoding/csv took over.
	skipped int
	// Where the current record is, when split by hand: its line, its text and the
	// columns of its fields, worked out when first asked for (colsSet).
	fastLine int
	text     string
	cols     []int
	colsSet  bool
	rec      []string
}

// line is the line of the current record.
func (t *table) line() int {
	if t.cr == nil {
		return t.fastLine
	}
	l, _ := t.pos(0)
	return l
}

// pos is the place of field i of the current record.
func (t *table) pos(i int) (int, int) {
	if t.cr == nil {
		if !t.colsSet {
			t.cols, t.colsSet = columns(t.text, t.cols[:0]), true
		}
		return t.fastLine, t.cols[i]
	}
	l, c := t.cr.FieldPos(i)
	return l + t.skipped, c
}

func (t *table) problem(i int, format string, args ...any) {
	l, c := t.pos(i)
	t.r.problems = append(t.r.problems, Problem{File: t.file, Line: l, Column: c, Message: fmt.Sprintf(format, args...)})
}

func (t *table) anomaly(i int, format string, args ...any) {
	l, c := t.pos(i)
	t.r.anomalies = append(t.r.anomalies, Problem{File: t.file, Line: l, Column: c, Message: fmt.Sprintf(format, args...)})
}

// int parses field i as a required integer, reporting it when it is not one.
func (t *table) int(i int) (int, bool) {
	v, ok := atoi(t.rec[i])
	if !ok {
		if t.rec[i] == "" {
			t.problem(i, "%s is empty, want an integer", t.header[i])
		} else {
			t.problem(i, "%s %q is not an integer", t.header[i], t.rec[i])
		}
	}
	return v, ok
}

// optInt parses field i as an integer that may be empty (then 0).
func (t *table) optInt(i int) (int, bool) {
	if t.rec[i] == "" {
		return 0, true
	}
	return t.int(i)
}

// flag parses a 0/1 field.
func (t *table) flag(i int) bool {
	switch t.rec[i] {
	case "0":
		return false
	case "1":
		return true
	}
	t.problem(i, "%s %q is not 0 or 1", t.header[i], t.rec[i])
	return false
}

// year parses a year field and checks it lies in the span the dataset can cover.
func (t *table) year(i int) (int, bool) {
	y, ok := t.int(i)
	if ok && (y < FirstYear || y > maxYear) {
		t.problem(i, "%s %d is outside %d-%d", t.header[i], y, FirstYear, maxYear)
		return y, false
	}
	return y, ok
}

// each opens file, checks its header against want (plus, when extra is not "", any number
// of further columns whose names start with extra) and calls row for every record. It
// reports false when the file had any problem (missing, unreadable, wrong header, a bad
// row), so that callers skip checks against its content rather than flood the report with
// consequences of the real problem: a dropped row of igos.csv would otherwise make every
// row of its IGO in state_igo_year a problem of its own.
//
// The file is read as a stream, in chunks of whole lines, never held whole: state_igo_year
// inflates to some eleven megabytes, read at every server start. Lines without carriage
// returns whose quotes, if any, only enclose whole fields that hold no quote (all of
// state_igo_year, which derive.R writes with quote=FALSE, the other all-number files, and
// igo_years with its quoted keys and accuracies) are split at commas by hand: for such
// lines that is exactly what encoding/csv would do, at a fraction of the cost. From the
// first other line on (in igos.csv, whose notes escape quotes and run over lines), the rest
// of the file goes through encoding/csv.
//
// A file that cannot be read to its end (a broken gzip stream) is reported as unreadable
// and nothing else: what its rows said before the break is taken back.
func (r *reader) each(file string, want []string, extra string, row func(t *table)) bool {
	before := len(r.problems)
	return r.eachRow(file, want, extra, row) && len(r.problems) == before
}

// eachRow does the work of each; it reports false only when the file could not be read.
func (r *reader) eachRow(file string, want []string, extra string, row func(t *table)) bool {
	shown := r.display(file)
	src, size, closeAll, ok := r.open(file, shown)
	if !ok {
		return false
	}
	defer closeAll()
	problems, anomalies := len(r.problems), len(r.anomalies)
	t := &table{r: r, file: shown}
	c := newChunker(src, size)
	ok, err := t.split(c, want, extra, row)
	if err != nil {
		r.problems, r.anomalies = r.problems[:problems], r.anomalies[:anomalies]
		return r.fail(shown, 0, 0, "read: "+err.Error())
	}
	return ok
}

// fail records a problem that stops the reading of a file and reports false.
func (r *reader) fail(shown string, line, col int, msg string) bool {
	r.problems = append(r.problems, Problem{File: shown, Line: line, Column: col, Message: msg})
	return false
}

// open opens file, inflating it when its name ends in .gz; shown is how problems name it.
// size is the file's size when known and not inflated, else 0. It reports false when the
// file could not be opened.
func (r *reader) open(file, shown string) (src io.Reader, size int64, closeAll func(), ok bool) {
	f, err := r.fsys.Open(path.Join(r.dir, file))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, nil, r.fail(shown, 0, 0, "missing file")
		}
		return nil, 0, nil, r.fail(shown, 0, 0, "cannot open: "+err.Error())
	}
	if !strings.HasSuffix(file, ".gz") {
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		return f, size, func() { f.Close() }, true
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		f.Close()
		return nil, 0, nil, r.fail(shown, 0, 0, "not a gzip file: "+err.Error())
	}
	return gz, 0, func() { gz.Close(); f.Close() }, true
}

// chunker reads a file in chunks of whole lines (the last may lack its newline), each a
// string of its own, so that fields cut from it may be kept.
type chunker struct {
	src io.Reader
	buf []byte
	n   int   // bytes read into buf and not yet handed out
	err error // what src said last; nil while it may have more
}

// chunkSize is the size of the chunks read; a line longer than that makes a longer one.
const chunkSize = 64 << 10

// newChunker reads src, whose size is given when known (else 0).
func newChunker(src io.Reader, size int64) *chunker {
	n := chunkSize
	if size > 0 && size < chunkSize {
		n = int(size) + 1 // room to see the end of the file in one read
	}
	return &chunker{src: src, buf: make([]byte, n)}
}

// next returns the next chunk, or "" and io.EOF at the end of the file, or "" and the
// error that stopped the reading.
func (c *chunker) next() (string, error) {
	for {
		for c.n < len(c.buf) && c.err == nil {
			m, err := c.src.Read(c.buf[c.n:])
			c.n += m
			c.err = err
		}
		switch {
		case c.err != nil && c.err != io.EOF:
			return "", c.err
		case c.n == 0:
			return "", io.EOF
		}
		i := bytes.LastIndexByte(c.buf[:c.n], '\n')
		if i < 0 && c.err == nil {
			// A line longer than the buffer: make room for it.
			c.buf = append(c.buf, make([]byte, len(c.buf))...)
			continue
		}
		if c.err != nil {
			i = c.n - 1 // the end of the file
		}
		s := string(c.buf[:i+1])
		c.n = copy(c.buf, c.buf[i+1:c.n])
		return s, nil
	}
}

// rest is the text of the file from the start of head, the unread part of the chunk just
// handed out.
func (c *chunker) rest(head string) io.Reader {
	rs := []io.Reader{strings.NewReader(head), bytes.NewReader(c.buf[:c.n])}
	if c.err == nil {
		rs = append(rs, c.src)
	}
	c.n = 0
	return io.MultiReader(rs...)
}

// drain reads what is left of the file, to report whether it could be read to its end.
func (c *chunker) drain() error {
	if c.err != nil {
		if c.err == io.EOF {
			return nil
		}
		return c.err
	}
	_, err := io.Copy(io.Discard, c.src)
	return err
}

// checkHeader checks the first record against want (and extra, as in each) and reports
// whether the rows are worth reading.
func (t *table) checkHeader(hdr, want []string, extra string) bool {
	hdr[0] = strings.TrimPrefix(hdr[0], "\ufeff") // a byte-order mark is not part of the name
	if i, ok := headerMismatch(hdr, want, extra); !ok {
		col := 0
		if i < len(hdr) {
			_, col = t.pos(i)
		}
		msg := "header is " + strings.Join(hdr, ",") + ", want " + strings.Join(want, ",")
		if extra != "" {
			msg += ",[" + extra + "*...]"
		}
		return t.r.fail(t.file, 1, col, msg)
	}
	t.header = slices.Clone(hdr)
	return true
}

// record hands rec to row when it has as many fields as the header.
func (t *table) record(rec []string, row func(t *table)) {
	if len(rec) != len(t.header) {
		t.r.problems = append(t.r.problems, Problem{File: t.file, Line: t.line(), Column: 0,
			Message: fmt.Sprintf("row has %d fields, want %d", len(rec), len(t.header))})
		return
	}
	t.rec = rec
	row(t)
}

// split reads the file's records from c, splitting its lines by hand while they allow it
// (see each) and handing the rest to encoding/csv. err is the error that stopped the
// reading of the file before its end, if any.
func (t *table) split(c *chunker, want []string, extra string, row func(t *table)) (ok bool, err error) {
	started := false
	rec := make([]string, 0, len(want)+16)
	n := 0 // lines before the current one
	for {
		chunk, err := c.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, err
		}
		// Two IndexByte scans of a chunk are much quicker than a look at each line.
		plain := strings.IndexByte(chunk, '\r') < 0 && strings.IndexByte(chunk, '"') < 0
		for len(chunk) > 0 {
			ln, rest := chunk, ""
			if i := strings.IndexByte(chunk, '\n'); i >= 0 {
				ln, rest = chunk[:i], chunk[i+1:]
			}
			if !plain && !simpleLine(ln) {
				return t.splitCSV(c.rest(chunk), n, started, want, extra, row)
			}
			chunk = rest
			n++
			if ln == "" {
				continue // as encoding/csv does, blank lines are no records
			}
			rec, t.fastLine, t.text, t.colsSet = rec[:0], n, ln, false
			if plain {
				rec = splitPlain(ln, rec)
			} else {
				rec = splitLine(ln, rec)
			}
			if !started {
				started = true
				if !t.checkHeader(rec, want, extra) {
					return false, c.drain()
				}
				continue
			}
			t.record(rec, row)
		}
	}
	if !started {
		return t.r.fail(t.file, 1, 0, "empty file, want header "+strings.Join(want, ",")), nil
	}
	return true, nil
}

// splitLine appends the fields of ln to rec.
func splitLine(ln string, rec []string) []string {
	for {
		f, _, rest, last, _ := cut(ln)
		rec = append(rec, f)
		if last {
			return rec
		}
		ln = rest
	}
}

// splitPlain is splitLine for a line without quotes.
func splitPlain(ln string, rec []string) []string {
	from := 0
	for i := 0; i < len(ln); i++ {
		if ln[i] == ',' {
			rec = append(rec, ln[from:i])
			from = i + 1
		}
	}
	return append(rec, ln[from:])
}

// columns appends the column of each field of ln, split as splitLine does, to cols.
func columns(ln string, cols []int) []int {
	for col := 1; ; {
		_, size, rest, last, _ := cut(ln)
		cols = append(cols, col)
		if last {
			return cols
		}
		col += size + 1
		ln = rest
	}
}

// cut splits off the field at the start of ln. A field in quotes is the text between them,
// which must hold no quote and be followed by a comma or the end of the line, else ok is
// false (the line needs encoding/csv); any other field runs to the next comma. size is the
// field's width in ln, rest the text after its comma, and last says there is no comma.
func cut(ln string) (field string, size int, rest string, last, ok bool) {
	if len(ln) > 0 && ln[0] == '"' {
		j := strings.IndexByte(ln[1:], '"')
		if j < 0 {
			return "", 0, "", true, false
		}
		field, after := ln[1:1+j], ln[2+j:]
		switch {
		case after == "":
			return field, 2 + j, "", true, true
		case after[0] != ',':
			return "", 0, "", true, false
		}
		return field, 2 + j, after[1:], false, true
	}
	j := strings.IndexByte(ln, ',')
	if j < 0 {
		return ln, len(ln), "", true, true
	}
	return ln[:j], j, ln[j+1:], false, true
}

// simpleLine reports whether cut can read every field of ln, a line without its newline,
// as encoding/csv would: it holds no carriage return, and every quote opens or closes a
// whole field that holds no quote.
func simpleLine(ln string) bool {
	if strings.IndexByte(ln, '\r') >= 0 {
		return false
	}
	for {
		quoted := len(ln) > 0 && ln[0] == '"'
		f, _, rest, last, ok := cut(ln)
		if !ok || (!quoted && strings.IndexByte(f, '"') >= 0) {
			return false
		}
		if last {
			return true
		}
		ln = rest
	}
}

// splitCSV reads the rest of the file, src, with encoding/csv. skipped is the number of
// lines before it; started says the header was read already.
func (t *table) splitCSV(src io.Reader, skipped int, started bool, want []string, extra string, row func(t *table)) (bool, error) {
	r := t.r
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // field counts are checked here, against the header
	t.cr, t.skipped = cr, skipped
	if !started {
		hdr, err := cr.Read()
		if err == io.EOF {
			return r.fail(t.file, 1, 0, "empty file, want header "+strings.Join(want, ",")), nil
		}
		if err != nil {
			return t.csvError(src, err)
		}
		if !t.checkHeader(hdr, want, extra) {
			_, err := io.Copy(io.Discard, src)
			return false, err
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// encoding/csv resumes at the next line after a syntax error, so the
				// remaining rows are still worth checking.
				r.problems = append(r.problems, Problem{File: t.file, Line: pe.Line + skipped, Column: pe.Column, Message: pe.Err.Error()})
				continue
			}
			return false, err
		}
		t.record(rec, row)
	}
}

// csvError reports a syntax error in a file's header, which stops its reading, when the
// rest of the file, src, can be read; else it returns the error that stopped the reading.
func (t *table) csvError(src io.Reader, err error) (bool, error) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false, err
	}
	if _, err := io.Copy(io.Discard, src); err != nil {
		return false, err
	}
	t.r.problems = append(t.r.problems, Problem{File: t.file, Line: pe.Line + t.skipped, Column: pe.Column, Message: pe.Err.Error()})
	return false, nil
}

// headerMismatch returns the index of the first header field that is not as wanted.
func headerMismatch(hdr, want []string, extra string) (int, bool) {
	for i, w := range want {
		if i >= len(hdr) || hdr[i] != w {
			return i, false
		}
	}
	if extra == "" {
		if len(hdr) != len(want) {
			return len(want), false
		}
		return 0, true
	}
	for i := len(want); i < len(hdr); i++ {
		if !strings.HasPrefix(hdr[i], extra) || len(hdr[i]) == len(extra) {
			return i, false
		}
	}
	return 0, true
}

func (r *reader) readStates(d *Dataset) bool {
	ok := r.each(FileStates, headerStates, "", func(t *table) {
		code, ok1 := t.int(0)
		var v [6]int
		okAll := ok1
		for i := range v {
			var ok bool
			v[i], ok = t.int(3 + i)
			okAll = okAll && ok
		}
		if !okAll {
			return
		}
		start := Date{v[0], v[1], v[2]}
		end := Date{v[3], v[4], v[5]}
		good := true
		if !validDate(start) {
			t.problem(3, "impossible start date %s", start)
			good = false
		}
		if !validDate(end) {
			t.problem(6, "impossible end date %s", end)
			good = false
		}
		if good && compareDates(end, start) < 0 {
			t.problem(6, "end date %s is before start date %s", end, start)
			good = false
		}
		if !good {
			return
		}
		p := SystemPeriod{Start: start, Line: t.line()}
		if end != (Date{2016, 12, 31}) {
			p.End = &end
		}
		// States are few (243 rows), so a linear search keeps this simple.
		for i := range d.States {
			s := &d.States[i]
			if s.Code != code {
				continue
			}
			if s.Abbrev != t.rec[1] || s.Name != t.rec[2] {
				t.problem(1, "state %d is %s %q here but %s %q at line %d", code, t.rec[1], t.rec[2], s.Abbrev, s.Name, s.Line)
				return
			}
			s.Periods = append(s.Periods, p)
			return
		}
		d.States = append(d.States, State{Code: code, Abbrev: t.rec[1], Name: t.rec[2], Periods: []SystemPeriod{p}, Line: p.Line})
	})
	slices.SortStableFunc(d.States, func(a, b State) int { return cmp.Compare(a.Code, b.Code) })
	return ok
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func validDate(d Date) bool {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[d.Month-1]
	if d.Month == 2 && d.Year%4 == 0 && (d.Year%100 != 0 || d.Year%400 == 0) {
		days = 29
	}
	return d.Day <= days
}

func compareDates(a, b Date) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Day, b.Day))
}

func (r *reader) readCountryCodes(d *Dataset, statesOK bool) {
	seen := map[int]int{}
	r.each(FileCountryCodes, headerCountryCodes, cldrPrefix, func(t *table) {
		code, ok := t.int(0)
		iso3n, ok2 := t.optInt(4)
		if !ok || !ok2 || !statesOK {
			return
		}
		i, found := stateIndex(d.States, code)
		if !found {
			t.problem(0, "COW code %d has no state in %s", code, FileStates)
			return
		}
		if first, dup := seen[code]; dup {
			t.problem(0, "second row for COW code %d (first at line %d)", code, first)
			return
		}
		seen[code] = t.line()
		s := &d.States[i]
		s.Iso2, s.Iso3, s.Iso3N, s.EnglishName, s.CodesLine = t.rec[2], t.rec[3], iso3n, t.rec[5], t.line()
		for j := len(headerCountryCodes); j < len(t.rec); j++ {
			if t.rec[j] == "" {
				continue
			}
			if s.Names == nil {
				s.Names = map[string]string{}
			}
			s.Names[t.header[j][len(cldrPrefix):]] = t.rec[j]
		}
	})
}

func (r *reader) readStateYears(d *Dataset, statesOK bool) bool {
	// lines remembers where each state-year was seen, to place duplicates: by state
	// (its index in d.States) and year.
	lines := newYearLines(len(d.States))
	ok := r.each(FileStateYears, headerStateYears, "", func(t *table) {
		code, ok1 := t.int(0)
		y, ok2 := t.year(1)
		if !ok1 || !ok2 || !statesOK {
			return
		}
		i, found := stateIndex(d.States, code)
		if !found {
			t.problem(0, "COW code %d has no state in %s", code, FileStates)
			return
		}
		if first := lines.get(i, y); first != 0 {
			t.problem(0, "duplicate row for state %d, year %d (first at line %d)", code, y, first)
			return
		}
		lines.set(i, y, t.line())
		d.States[i].Years = append(d.States[i].Years, y)
		d.LastYear = max(d.LastYear, y)
	})
	for i := range d.States {
		slices.Sort(d.States[i].Years)
	}
	return ok
}

func (r *reader) readIGOs(d *Dataset) bool {
	lines := map[string]int{}
	return r.each(FileIGOs, headerIGOs, "", func(t *table) {
		key := t.rec[0]
		if key == "" {
			t.problem(0, "ioname is empty")
			return
		}
		if first, dup := lines[key]; dup {
			t.problem(0, "second row for IGO %q (first at line %d)", key, first)
			return
		}
		lines[key] = t.line()
		num, ok1 := t.int(3)
		founded, ok2 := t.int(4) // no range check: the Rhine commission (CCNR) dates from 1815, before the data starts
		ended, ok3 := t.optInt(5)
		if ok3 && ended != 0 && (ended < FirstYear || ended > maxYear) {
			t.problem(5, "deaddate %d is outside %d-%d", ended, FirstYear, maxYear)
			ok3 = false
		}
		ig := IGO{
			Key: key, ShortName: t.rec[1], LongName: t.rec[2], Number: num, Founded: founded, Ended: ended,
			Dead: t.flag(6), Integrated: t.flag(7), Replaced: t.flag(8),
			Political: t.flag(9), Social: t.flag(10), Economic: t.flag(11),
			Accuracy: t.rec[12], Notes: t.rec[13], Line: t.line(),
		}
		if ok2 && ok3 && ended != 0 && ended < founded {
			t.problem(5, "deaddate %d is before sdate %d", ended, founded)
		}
		if ok1 && ok2 && ok3 {
			// The real data has IGOs with an end year that are not marked dead; the end
			// year is kept as the better-founded of the two.
			if ig.Ended != 0 && !ig.Dead {
				t.anomaly(5, "IGO %s has deaddate %d but dead is 0", key, ended)
			} else if ig.Ended == 0 && ig.Dead {
				t.anomaly(6, "IGO %s is marked dead but has no deaddate", key)
			}
		}
		d.IGOs = append(d.IGOs, ig)
	})
}

// igoIndex maps IGO keys to their index in d.IGOs.
func igoIndex(d *Dataset) map[string]int {
	m := make(map[string]int, len(d.IGOs))
	for i := range d.IGOs {
		m[d.IGOs[i].Key] = i
	}
	return m
}

// yearLines holds a line per IGO (or state) and year (0 when none), for the checks for
// duplicate rows. A flat table is much cheaper than a map of some twenty thousand
// IGO-years; it is used while the IGOs are as few as a real dataset's, so that a file of
// very many of them cannot make it huge.
type yearLines struct {
	flat []int32
	m    map[[2]int]int32
}

// flatIGOs is the most IGOs for which yearLines uses a flat table (1.2 MB at most).
const flatIGOs = 1024

// newYearLines holds the lines of n IGOs (or states).
func newYearLines(n int) *yearLines {
	if n <= flatIGOs {
		return &yearLines{flat: make([]int32, n*(maxYear+1-FirstYear))}
	}
	return &yearLines{m: map[[2]int]int32{}}
}

// get is the line of IGO i (an index in Dataset.IGOs) and year y (FirstYear..maxYear).
func (l *yearLines) get(i, y int) int {
	if l.flat != nil {
		return int(l.flat[i*(maxYear+1-FirstYear)+y-FirstYear])
	}
	return int(l.m[[2]int{i, y}])
}

// set records the line of IGO i and year y.
func (l *yearLines) set(i, y, line int) {
	if l.flat != nil {
		l.flat[i*(maxYear+1-FirstYear)+y-FirstYear] = int32(line)
		return
	}
	l.m[[2]int{i, y}] = int32(line)
}

// readImputed reads igo_years_imputed.csv into the IGOs' Imputed years. It returns the line
// of each IGO-year and whether the file had no problem.
func (r *reader) readImputed(d *Dataset, igosOK bool) (*yearLines, bool) {
	idx := igoIndex(d)
	lines := newYearLines(len(d.IGOs))
	ok := r.each(FileImputed, headerImputed, "", func(t *table) {
		y, ok := t.year(1)
		if !ok || !igosOK {
			return
		}
		i, found := idx[t.rec[0]]
		if !found {
			t.problem(0, "IGO %q has no row in %s", t.rec[0], FileIGOs)
			return
		}
		ig := &d.IGOs[i]
		if first := lines.get(i, y); first != 0 {
			t.problem(0, "duplicate row for IGO %s, year %d (first at line %d)", ig.Key, y, first)
			return
		}
		lines.set(i, y, t.line())
		ig.Imputed = append(ig.Imputed, y)
	})
	for i := range d.IGOs {
		slices.Sort(d.IGOs[i].Imputed)
	}
	return lines, ok
}

// readIGOYears reads igo_years.csv into the IGOs' Years. When igo_years_imputed.csv read
// well (imputedOK; imputed holds the line of each of its IGO-years), the two files must
// agree on which IGO-years COW filled in.
func (r *reader) readIGOYears(d *Dataset, igosOK, imputedOK bool, imputed *yearLines) {
	idx := igoIndex(d)
	lines := newYearLines(len(d.IGOs))
	prevKey, prev := "", -1
	ok := r.each(FileIGOYears, headerIGOYears, "", func(t *table) {
		y, ok := t.year(1)
		filled := t.flag(2)
		if !ok || !igosOK {
			return
		}
		// Rows come grouped by IGO, so the previous lookup nearly always holds.
		i := prev
		if i < 0 || t.rec[0] != prevKey {
			var found bool
			i, found = idx[t.rec[0]]
			if !found {
				t.problem(0, "IGO %q has no row in %s", t.rec[0], FileIGOs)
				return
			}
			prevKey, prev = d.IGOs[i].Key, i
		}
		ig := &d.IGOs[i]
		if y < ig.Founded {
			t.problem(1, "year %d is before IGO %s was founded (%d)", y, ig.Key, ig.Founded)
			return
		}
		if first := lines.get(i, y); first != 0 {
			t.problem(0, "duplicate row for IGO %s, year %d (first at line %d)", ig.Key, y, first)
			return
		}
		line := t.line()
		lines.set(i, y, line)
		if imputedOK {
			if l := imputed.get(i, y); filled && l == 0 {
				t.problem(2, "imputed is 1 but %s has no row for IGO %s, year %d", FileImputed, ig.Key, y)
			} else if !filled && l != 0 {
				t.problem(2, "imputed is 0 but %s lists IGO %s, year %d (line %d)", FileImputed, ig.Key, y, l)
			}
		}
		ig.Years = append(ig.Years, IGOYear{Year: y, Imputed: filled, Accuracy: t.rec[3], Line: line})
	})
	for i := range d.IGOs {
		slices.SortStableFunc(d.IGOs[i].Years, func(a, b IGOYear) int { return cmp.Compare(a.Year, b.Year) })
	}
	if !ok || !imputedOK {
		return
	}
	for i := range d.IGOs {
		for _, y := range d.IGOs[i].Imputed {
			if lines.get(i, y) == 0 {
				r.problems = append(r.problems, Problem{File: r.display(FileImputed), Line: imputed.get(i, y), Column: 1,
					Message: fmt.Sprintf("IGO %s, year %d has no row in %s", d.IGOs[i].Key, y, FileIGOYears)})
			}
		}
	}
}

// obs is a run of rows of state_igo_year on consecutive lines, of one IGO and state, with
// one status in consecutive years: the file's rows, over half a million, make some forty
// thousand runs.
type obs struct {
	igo         int32 // index in Dataset.IGOs
	state       int32 // index in Dataset.States
	line        int32 // the line of its first row
	first, last int16 // years
	status      int8
}

// lineOf is the line of the row of year y, which o holds.
func (o *obs) lineOf(y int) int { return int(o.line) + y - int(o.first) }

// add adds the row of IGO gi, state si, year y and status st at line to the runs.
func addRow(rows []obs, gi, si, line, y, st int) []obs {
	if n := len(rows); n > 0 {
		o := &rows[n-1]
		if int(o.igo) == gi && int(o.state) == si && int(o.status) == st && int(o.last)+1 == y && o.lineOf(int(o.last))+1 == line {
			o.last++
			return rows
		}
	}
	return append(rows, obs{igo: int32(gi), state: int32(si), line: int32(line), first: int16(y), last: int16(y), status: int8(st)})
}

// late is a row after its IGO's end year, kept to be reported as one anomaly per run.
type late struct {
	igo, state, year, line, col int
	missing                     bool // the row's status is -9
}

func (r *reader) readStateIGOYears(d *Dataset, statesOK, yearsOK, igosOK bool) {
	refs := statesOK && igosOK
	idx := igoIndex(d)
	// The span of years each state has, as a bitmap, for a cheap per-row check.
	var span []bool
	spanOf := func(s int) []bool { return span[s*(maxYear+1-FirstYear) : (s+1)*(maxYear+1-FirstYear)] }
	if refs && yearsOK {
		span = make([]bool, len(d.States)*(maxYear+1-FirstYear))
		for s := range d.States {
			for _, y := range d.States[s].Years {
				spanOf(s)[y-FirstYear] = true
			}
		}
	}
	var (
		rows     = make([]obs, 0, 1<<16) // room for v3.0's 41,313 runs of rows without regrowing
		lates    []late
		prevKey  string
		prevIGO  = -1
		prevCode = -1
		prevSt   = -1
	)
	r.each(FileStateIGOYear, headerStateIGOYear, "", func(t *table) {
		code, ok1 := t.int(1)
		y, ok2 := t.year(2)
		st, ok3 := t.int(3)
		if ok3 && (st < 1 || st > 3) && st != int(Missing) {
			t.problem(3, "status %d is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)", st)
			ok3 = false
		}
		if !ok1 || !ok2 || !ok3 {
			return
		}
		d.LastYear = max(d.LastYear, y)
		if !refs {
			return
		}
		// Rows come grouped by IGO and state, so the previous lookups nearly always hold.
		gi := prevIGO
		if gi < 0 || t.rec[0] != prevKey {
			var found bool
			gi, found = idx[t.rec[0]]
			if !found {
				t.problem(0, "IGO %q has no row in %s", t.rec[0], FileIGOs)
				return
			}
			prevIGO, prevKey = gi, d.IGOs[gi].Key
		}
		si := prevSt
		if code != prevCode {
			var found bool
			si, found = stateIndex(d.States, code)
			if !found {
				t.problem(1, "COW code %d has no state in %s", code, FileStates)
				return
			}
			prevCode, prevSt = code, si
		}
		if span != nil && !spanOf(si)[y-FirstYear] {
			t.problem(2, "state %d was not a state in %d (no row in %s)", code, y, FileStateYears)
			return
		}
		ig := &d.IGOs[gi]
		if y < ig.Founded {
			t.problem(2, "year %d is before IGO %s was founded (%d)", y, ig.Key, ig.Founded)
			return
		}
		line := t.line()
		if ig.Ended != 0 && y > ig.Ended {
			_, col := t.pos(2)
			lates = append(lates, late{gi, si, y, line, col, st == int(Missing)})
		}
		rows = addRow(rows, gi, si, line, y, st)
	})
	if !refs {
		return
	}
	r.reportLate(d, lates)
	d.Stints, d.Unknowns = r.stints(d, rows)
}

// reportLate turns rows after an IGO's end year into anomalies, one per IGO, state and run
// of consecutive years: one line each is enough to find and judge them.
func (r *reader) reportLate(d *Dataset, lates []late) {
	slices.SortStableFunc(lates, func(a, b late) int {
		return cmp.Or(cmp.Compare(a.igo, b.igo), cmp.Compare(a.state, b.state), cmp.Compare(a.year, b.year))
	})
	for i := 0; i < len(lates); {
		j := i + 1
		for j < len(lates) && lates[j].igo == lates[i].igo && lates[j].state == lates[i].state && lates[j].year == lates[j-1].year+1 &&
			lates[j].missing == lates[i].missing {
			j++
		}
		a, b := lates[i], lates[j-1]
		ig := &d.IGOs[a.igo]
		what := "has a status"
		if a.missing {
			what = "has rows without data (status -9)"
		}
		r.anomalies = append(r.anomalies, Problem{
			File: r.display(FileStateIGOYear), Line: a.line, Column: a.col,
			Message: fmt.Sprintf("IGO %s ended in %d but state %d %s in %s (%d rows, to line %d)",
				ig.Key, ig.Ended, d.States[a.state].Code, what, yearSpan(a.year, b.year), j-i, b.line),
		})
		i = j
	}
}

// stints folds the rows, in runs (see obs), into stints and runs of unknown years, both
// ordered by IGO key, state code and first year.
func (r *reader) stints(d *Dataset, rows []obs) ([]Stint, []UnknownRun) {
	// The file is sorted by IGO, state and year, though in R's locale collation of the
	// keys, not byte order. Segments of one (IGO, state) are found in file order and then
	// put in key order; only when the file is not grouped that way (a segment's years out
	// of order, or two segments of one pair) are its rows sorted, one by one, which keeps
	// the usual case linear but for the sort of the segments.
	//
	// A pair's sort key is the rank of its IGO's key in byte order and its state's index,
	// which is in code order.
	order := make([]int, len(d.IGOs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(d.IGOs[a].Key, d.IGOs[b].Key) })
	rank := make([]int64, len(d.IGOs))
	for k, i := range order {
		rank[i] = int64(k)
	}
	key := func(o obs) int64 { return rank[o.igo]<<32 | int64(o.state) }
	type seg struct {
		from, to int
		key      int64
	}
	var segs []seg
	regroup := false
	split := func() {
		n := 0
		for i := range rows {
			if i == 0 || key(rows[i]) != key(rows[i-1]) {
				n++
			}
		}
		segs = slices.Grow(segs[:0], n)
		for i := 0; i < len(rows); {
			k := key(rows[i])
			j := i + 1
			for j < len(rows) && key(rows[j]) == k {
				if rows[j].first <= rows[j-1].last {
					regroup = true
				}
				j++
			}
			segs = append(segs, seg{i, j, k})
			i = j
		}
		slices.SortFunc(segs, func(a, b seg) int { return cmp.Compare(a.key, b.key) })
		for i := 1; i < len(segs); i++ {
			if segs[i].key == segs[i-1].key {
				regroup = true
			}
		}
	}
	split()
	if regroup {
		// Row by row, and stable, so that of two rows for the same year the later in the
		// file is the one reported as the duplicate.
		rows = singleRows(rows)
		slices.SortStableFunc(rows, func(a, b obs) int {
			return cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.first, b.first))
		})
		split()
	}

	// Room for the stints of the real data without regrowing: about one per pair with a
	// status, and a few more.
	withStatus := 0
	for _, sg := range segs {
		for _, o := range rows[sg.from:sg.to] {
			if o.status > 0 {
				withStatus++
				break
			}
		}
	}
	f := folder{r: r, d: d, rows: rows,
		stints:   make([]Stint, 0, withStatus+withStatus/4),
		unknowns: make([]UnknownRun, 0, len(segs)-withStatus+len(segs)/8)}
	for _, sg := range segs {
		f.fold(sg.from, sg.to)
	}
	return f.stints, f.unknowns
}

// singleRows splits runs into runs of one row each, in order.
func singleRows(runs []obs) []obs {
	n := 0
	for _, o := range runs {
		n += int(o.last-o.first) + 1
	}
	out := make([]obs, 0, n)
	for _, o := range runs {
		for y := int(o.first); y <= int(o.last); y++ {
			out = append(out, obs{igo: o.igo, state: o.state, line: int32(o.lineOf(y)), first: int16(y), last: int16(y), status: o.status})
		}
	}
	return out
}

// block is a run of consecutive years with one status (-9 included) of one IGO and state.
type block struct {
	first, last int    // years
	st          Status // status
	from        int    // index in rows of the run of its first row
	line, end   int    // lines of its first and last row
}

// next reports whether b is followed right away by c: c starts the year after b ends.
func (b *block) next(c *block) bool { return c.first == b.last+1 }

// folder folds the rows of each IGO and state into stints and runs of unknown years.
type folder struct {
	r        *reader
	d        *Dataset
	rows     []obs
	to       int // the end in rows of the current pair's runs
	stints   []Stint
	unknowns []UnknownRun
	blocks   []block // the current pair's, reused
	spans    [][2]int
	years    []int // backing store of the stints' Unknown years, handed out in pieces
}

// take hands out a slice of n years for a stint's Unknown, from a shared backing store so
// that the many short lists cost few allocations.
func (f *folder) take(n int) []int {
	if cap(f.years)-len(f.years) < n {
		f.years = make([]int, 0, max(n, 1<<14))
	}
	l := len(f.years)
	f.years = f.years[:l+n]
	return f.years[l : l : l+n]
}

// fold folds rows[from:to], the runs of rows of one IGO and state ordered by year.
func (f *folder) fold(from, to int) {
	d, rows := f.d, f.rows
	f.to = to
	ig := &d.IGOs[rows[from].igo]
	code := d.States[rows[from].state].Code
	// Blocks of one status in consecutive years.
	bl := f.blocks[:0]
	for i := from; i < to; i++ {
		o := &rows[i]
		st := Status(o.status)
		for y := int(o.first); y <= int(o.last); y++ {
			line := o.lineOf(y)
			if n := len(bl); n > 0 {
				b := &bl[n-1]
				if y == b.last {
					f.r.problems = append(f.r.problems, Problem{File: f.r.display(FileStateIGOYear), Line: line,
						Message: fmt.Sprintf("duplicate row for IGO %s, state %d, year %d (first at line %d)", ig.Key, code, y, b.end)})
					continue
				}
				if y == b.last+1 && st == b.st {
					b.last, b.end = y, line
					continue
				}
			}
			bl = append(bl, block{first: y, last: y, st: st, from: i, line: line, end: line})
		}
	}
	f.blocks = bl

	// Stints: blocks of one status, joined when only missing years lie between them.
	// spans holds each stint's first and last block.
	spans := f.spans[:0]
	for i := range bl {
		if bl[i].st == Missing {
			continue
		}
		if n := len(spans); n > 0 {
			p := &spans[n-1]
			if p[1] == i-2 && bl[i-1].st == Missing && bl[p[1]].st == bl[i].st && bl[p[1]].next(&bl[i-1]) && bl[i-1].next(&bl[i]) {
				p[1] = i
				continue
			}
		}
		spans = append(spans, [2]int{i, i})
	}
	f.spans = spans

	first := len(f.stints)
	alive := ig.Ended == 0 || ig.Ended > d.LastYear
	for _, sp := range spans {
		a, b := &bl[sp[0]], &bl[sp[1]]
		s := Stint{IGO: ig.Key, State: code, Status: a.st, First: a.first, Last: b.last, Line: a.line, EndLine: b.end}
		for i := sp[0]; i <= sp[1]; i += 2 {
			s.StateYears += bl[i].last - bl[i].first + 1
		}
		lead, trail := s.First, s.Last
		if p := sp[0] - 1; p >= 0 && bl[p].st == Missing && bl[p].next(a) {
			lead = bl[p].first
		}
		if n := sp[1] + 1; n < len(bl) && bl[n].st == Missing && b.next(&bl[n]) {
			trail = bl[n].last
		}
		s.Open = trail == d.LastYear && alive
		s.StartEarliest, s.StartLatest, s.EndEarliest, s.EndLatest = stintBounds(ig, s.First, s.Last, lead, trail)
		s.Unknown = f.missingIn(s.StartEarliest, s.EndLatest)
		f.stints = append(f.stints, s)
	}

	// Missing years in no stint's span, in runs of consecutive years.
	stints := f.stints[first:]
	for i := range bl {
		m := &bl[i]
		if m.st != Missing {
			continue
		}
		run := -1 // first year of the current run, -1 when none
		for y := m.first; y <= m.last+1; y++ {
			in := y > m.last
			for j := 0; j < len(stints) && !in; j++ {
				in = stints[j].StartEarliest <= y && y <= stints[j].EndLatest
			}
			switch {
			case !in && run < 0:
				run = y
			case in && run >= 0:
				f.unknowns = append(f.unknowns, UnknownRun{IGO: ig.Key, State: code, First: run, Last: y - 1,
					Line: f.lineOf(m, run), EndLine: f.lineOf(m, y-1)})
				run = -1
			}
		}
	}
}

// missingIn lists the missing years of the current pair from lo to hi; nil when none.
func (f *folder) missingIn(lo, hi int) []int {
	n := 0
	for i := range f.blocks {
		if b := &f.blocks[i]; b.st == Missing {
			n += max(0, min(b.last, hi)-max(b.first, lo)+1)
		}
	}
	if n == 0 {
		return nil
	}
	out := f.take(n)
	for i := range f.blocks {
		if b := &f.blocks[i]; b.st == Missing {
			for y := max(b.first, lo); y <= min(b.last, hi); y++ {
				out = append(out, y)
			}
		}
	}
	return out
}

// lineOf is the line of the row of year y in block b.
func (f *folder) lineOf(b *block, y int) int {
	for i := b.from; i < f.to && int(f.rows[i].first) <= y; i++ {
		if o := &f.rows[i]; y <= int(o.last) {
			return o.lineOf(y)
		}
	}
	return b.line // only with duplicate rows, which fail the read anyway
}

// atoi parses a decimal integer without allocating (strconv.Atoi allocates its error on
// failure, and this runs on every field). It takes at most 9 digits, so it cannot overflow.
func atoi(s string) (int, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	if neg {
		n = -n
	}
	return n, true
}

func itoa(n int) string { return strconv.Itoa(n) }

// yearSpan formats a run of years as "2006-2014", or "2014" when it is one year.
func yearSpan(a, b int) string {
	if a == b {
		return itoa(a)
	}
	return itoa(a) + "-" + itoa(b)
}
