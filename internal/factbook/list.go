package factbook

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// # Reading a participation text
//
// A text is a comma-separated list of organizations, each named by its abbreviation (or, in
// the early editions, by a name: "Arab League", "IDB--Islamic Development Bank") and
// optionally followed by statuses in parentheses: "AfDB, OAS (observer), EITI (compliant
// country) (suspended)". A status may hold commas and whole sentences ("associate member,
// has not ratified the 1993 CIS charter ...", "Taipei, China"); the list goes on after its
// closing parenthesis. Around the list the editions put other text, which ListParser keeps
// apart as fragments rather than reading it as organizations:
//
//   - the text is cut into parts at each ';' and '|' outside parentheses: the 1990s editions
//     append notes and stray text there ("WTO; note--Afghanistan was suspended ...", an
//     embassy's address in one entry);
//   - a note ("note:", "note -", "note--", "note :") runs to the end of its part: "IMF note:
//     UN membership is expected in September";
//   - text up to the first ':' of a part introduces the list ("Afghanistan is a member of the
//     following organizations but ...: ADB, ..."), and so does a first item that ends in
//     "member of" followed by an abbreviation ("Has previously been a member of AsDB");
//   - an item that is not an organization's name ("considering UN membership", "WTO for
//     CGDK") is not read; when a part begins with such an item, the part is stray text up to
//     its last unreadable item (the items after it, "APEC, AsDB, ...", are read again);
//   - a parenthesis that is never closed is read as closed before the next comma
//     ("OECD (Enhanced Engagement, OPANAL, ..."), and said so.
//
// The whole text "none" is an empty list.

// Item is one organization a participation text names.
type Item struct {
	// Name is the organization as the text names it, runs of spaces made one: an
	// abbreviation ("UN"), a name ("Arab League") or an abbreviation with its spelled-out
	// name ("IDB--Islamic Development Bank").
	Name string
	// Statuses are the texts in parentheses after the name, in order, runs of spaces made
	// one; none for a plain member.
	Statuses []string
	// Offset is the byte offset of the item in the text.
	Offset int
}

// Fragment is a part of a text that is not read as it stands: stray text, a note, or a
// repair.
type Fragment struct {
	// Text is the fragment, runs of spaces made one.
	Text string
	// Offset is the byte offset of the fragment in the text.
	Offset int
	// What says what the fragment is and what was done with it.
	What string
}

// What fragments are.
const (
	WhatNote      = "a note, not read"
	WhatPreamble  = "text before the list, not read"
	WhatStray     = "not an organization's abbreviation, not read"
	WhatUnclosed  = "a parenthesis never closed, read as closed before the next comma"
	WhatStrayRun  = "stray text, not read"
	WhatNoComma   = "no comma before it, read as the next item"
	WhatDetached  = "a status after a comma, read as the previous item's"
	whatUnclosedB = "a parenthesis never closed, read as closed at the end of the text"
)

// ListParser reads participation texts. Its buffers are reused from one Parse to the next,
// so that reading every edition allocates little; the zero value is ready to use.
type ListParser struct {
	items    []Item
	frags    []Fragment
	statuses []string
	closeAt  []int  // for each byte that opens a parenthesis, where it closes; -1 elsewhere
	opens    []int  // where the text's parentheses open
	outside  []bool // for each byte, whether it lies outside every parenthesis
	stack    []int
	parts    [][2]int
	pieces   [][2]int
}

// ParseList reads one text; see ListParser.
func ParseList(text string) ([]Item, []Fragment) {
	var p ListParser
	items, frags := p.Parse(text)
	return items, frags
}

// Parse reads a text into its items and the fragments it does not read. The slices (and the
// statuses of the items) are valid until the next call.
func (p *ListParser) Parse(text string) ([]Item, []Fragment) {
	p.items, p.frags, p.statuses = p.items[:0], p.frags[:0], p.statuses[:0]
	if strings.EqualFold(strings.TrimSpace(text), "none") {
		return p.items, p.frags
	}
	p.matchParens(text)
	// Parts, cut at ';' and '|' outside parentheses.
	p.parts = p.parts[:0]
	start := 0
	for i := 0; i < len(text); i++ {
		if c := text[i]; (c == ';' || c == '|') && p.outside[i] {
			p.parts = append(p.parts, [2]int{start, i})
			start = i + 1
		}
	}
	p.parts = append(p.parts, [2]int{start, len(text)})
	for _, part := range p.parts {
		p.part(text, part[0], part[1])
	}
	slices.SortStableFunc(p.frags, func(a, b Fragment) int { return cmp.Compare(a.Offset, b.Offset) })
	return p.items, p.frags
}

// matchParens finds where each parenthesis closes. One that never closes is taken to close
// before the next comma after it (or at the end of the text), and is reported.
func (p *ListParser) matchParens(text string) {
	// closeAt is -1 everywhere but at the parentheses of the last text, which are reset.
	for _, i := range p.opens {
		p.closeAt[i] = -1
	}
	p.opens = p.opens[:0]
	if len(p.closeAt) < len(text) {
		p.closeAt = make([]int, 2*len(text))
		for i := range p.closeAt {
			p.closeAt[i] = -1
		}
	}
	p.stack = p.stack[:0]
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(':
			p.stack = append(p.stack, i)
			p.opens = append(p.opens, i)
		case ')':
			if n := len(p.stack); n > 0 {
				p.closeAt[p.stack[n-1]] = i
				p.stack = p.stack[:n-1]
			}
		}
	}
	for _, open := range p.stack {
		end := strings.IndexByte(text[open:], ',')
		what := WhatUnclosed
		if end < 0 {
			end, what = len(text), whatUnclosedB
		} else {
			end += open
		}
		p.closeAt[open] = end
		// A repair, not unread text: the fragment quotes the status as it is read.
		p.frags = append(p.frags, Fragment{Text: collapse(text[open:end]), Offset: open, What: what})
	}
	if cap(p.outside) < len(text) {
		p.outside = make([]bool, len(text))
	}
	p.outside = p.outside[:len(text)]
	clear(p.outside)
	for i := 0; i < len(text); i++ {
		if text[i] == '(' {
			if c := p.closeAt[i]; c >= 0 {
				if c >= len(text) {
					break // closed at the end: all the rest is inside
				}
				if text[c] == ')' {
					i = c
				} else {
					i = c - 1 // closed before a comma: the comma is outside
				}
				continue
			}
		}
		p.outside[i] = true
	}
}

// part reads text[lo:hi], one part of the text.
func (p *ListParser) part(text string, lo, hi int) {
	lo, hi = trimSpace(text, lo, hi)
	if lo >= hi {
		return
	}
	// A note runs to the end of the part.
	for i := lo; i < hi; i++ {
		if p.outside[i] && (text[i] == 'n' || text[i] == 'N') && isNoteAt(text, i, lo) {
			p.frags = append(p.frags, Fragment{Text: collapse(text[i:hi]), Offset: i, What: WhatNote})
			if lo, hi = trimSpace(text, lo, i); lo >= hi {
				return
			}
			break
		}
	}
	// Text up to the first ':' introduces the list.
	for i := lo; i < hi; i++ {
		if text[i] == ':' && p.outside[i] {
			p.frags = append(p.frags, Fragment{Text: collapse(text[lo : i+1]), Offset: lo, What: WhatPreamble})
			if lo, hi = trimSpace(text, i+1, hi); lo >= hi {
				return
			}
			break
		}
	}
	// Items, cut at ',' outside parentheses.
	p.pieces = p.pieces[:0]
	start := lo
	for i := lo; i < hi; i++ {
		if text[i] == ',' && p.outside[i] {
			p.pieces = append(p.pieces, [2]int{start, i})
			start = i + 1
		}
	}
	p.pieces = append(p.pieces, [2]int{start, hi})

	first := -1 // the first non-empty piece
	for i, pc := range p.pieces {
		if a, b := trimSpace(text, pc[0], pc[1]); a < b {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	// A first item that ends in "member of" and an organization: the words before it
	// introduce the list.
	if a, b := trimSpace(text, p.pieces[first][0], p.pieces[first][1]); !p.readable(text, a, b) {
		if k := lastFold(text[a:b], "member of "); k >= 0 {
			rest := a + k + len("member of ")
			if p.readable(text, rest, b) {
				p.frags = append(p.frags, Fragment{Text: collapse(strings.TrimSpace(text[a:rest])), Offset: a, What: WhatPreamble})
				p.pieces[first][0] = rest
			}
		}
	}
	// A part that begins with stray text is stray up to its last unreadable item.
	from := first
	if a, b := trimSpace(text, p.pieces[first][0], p.pieces[first][1]); !p.readable(text, a, b) {
		last := first
		for i := first + 1; i < len(p.pieces); i++ {
			if a, b := trimSpace(text, p.pieces[i][0], p.pieces[i][1]); a < b && !p.readable(text, a, b) {
				last = i
			}
		}
		_, end := trimSpace(text, p.pieces[last][0], p.pieces[last][1])
		p.frags = append(p.frags, Fragment{Text: collapse(text[a:end]), Offset: a, What: WhatStrayRun})
		from = last + 1
	}
	firstItem := len(p.items)
	for _, pc := range p.pieces[from:] {
		a, b := trimSpace(text, pc[0], pc[1])
		if a >= b {
			continue // an empty item, as after a trailing comma
		}
		if text[a] == '(' && len(p.items) > firstItem && p.attach(text, a, b) {
			p.frags = append(p.frags, Fragment{Text: collapse(text[a:b]), Offset: a, What: WhatDetached})
			continue
		}
		if !p.item(text, a, b) {
			p.frags = append(p.frags, Fragment{Text: collapse(text[a:b]), Offset: a, What: WhatStray})
		}
	}
}

// attach reads text[a:b], nothing but statuses, as more statuses of the last item.
func (p *ListParser) attach(text string, a, b int) bool {
	last := &p.items[len(p.items)-1]
	from := len(p.statuses)
	p.statuses = append(p.statuses, last.Statuses...)
	n := len(p.statuses)
	if end, ok := p.statusList(text, a, b); !ok || end < b || len(p.statuses) == n {
		p.statuses = p.statuses[:from]
		return false
	}
	last.Statuses = p.statuses[from:len(p.statuses):len(p.statuses)]
	return true
}

// statusList reads the statuses in parentheses that begin at text[i], up to b, into
// p.statuses; it returns where they end (b when they fill the rest), and false when one of
// them is empty.
func (p *ListParser) statusList(text string, i, b int) (int, bool) {
	for i < b {
		switch c := text[i]; {
		case c == ' ':
			i++
		case c == '(' && p.closeAt[i] >= 0 && (p.closeAt[i] <= b || strings.TrimSpace(text[b:p.closeAt[i]]) == ""):
			end := p.closeAt[i]
			s := collapse(text[i+1 : end])
			if s == "" {
				return i, false
			}
			p.statuses = append(p.statuses, s)
			i = end
			if end < len(text) && text[end] == ')' {
				i++
			}
			i = min(i, b)
		default:
			return i, true
		}
	}
	return b, true
}

// readable reports whether text[a:b] reads as an item.
func (p *ListParser) readable(text string, a, b int) bool {
	n, s := len(p.items), len(p.statuses)
	ok := p.item(text, a, b)
	p.items, p.statuses = p.items[:n], p.statuses[:s]
	return ok
}

// item reads text[a:b] as a name and its statuses, and adds it; false when it is not one.
func (p *ListParser) item(text string, a, b int) bool {
	nameEnd := b
	if i := strings.IndexByte(text[a:b], '('); i >= 0 {
		nameEnd = a + i
	}
	na, nb := trimSpace(text, a, nameEnd)
	if na >= nb || !validName(text[na:nb]) {
		return false
	}
	from := len(p.statuses)
	end, ok := p.statusList(text, nameEnd, b)
	if !ok {
		p.statuses = p.statuses[:from]
		return false
	}
	if end < b {
		// Text after the statuses: an item whose comma the edition left out ("AG
		// (observer) AsDB"), or not an item at all.
		if len(p.statuses) == from || !p.readable(text, end, b) {
			p.statuses = p.statuses[:from]
			return false
		}
	}
	it := Item{Name: collapse(text[na:nb]), Offset: a}
	if len(p.statuses) > from {
		it.Statuses = p.statuses[from:len(p.statuses):len(p.statuses)]
	}
	p.items = append(p.items, it)
	if end < b {
		p.frags = append(p.frags, Fragment{Text: collapse(text[end:b]), Offset: end, What: WhatNoComma})
		p.item(text, end, b)
	}
	return true
}

// connectors are the lower-case words a name may hold between capitalised ones.
var connectors = map[string]bool{"of": true, "and": true, "the": true, "for": true, "on": true, "de": true, "la": true}

// validName reports whether s reads as an organization's abbreviation or name:
//   - "ABBR--Spelled Out Name", an abbreviation of one word and a name;
//   - one word that starts with a letter and holds a capital letter or a digit: "UN",
//     "AfDB", "G-77", "Interpol";
//   - several words, the first starting with a capital letter, the others capitalised (or
//     numbers, or Roman numerals) or joined by "of", "and", "the", ...: "Arab League",
//     "Council of Europe", "UN Security Council", "UNAVEM II", "G- 9". Only the first word
//     may be an abbreviation in capitals ("WTO Ambassador Jeurgen RUHFUS" is not a name),
//     and the last may not be a joining word.
func validName(s string) bool {
	// Most names are one word of ASCII letters and digits: "UN", "AfDB", "G-77".
	simple, capital := s != "", false
	for i := 0; i < len(s) && simple; i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			capital = true
		case c >= 'a' && c <= 'z', c == '&', c == '.', c == '/', c == '\'', c == '+':
		case c == '-':
			simple = i+1 == len(s) || s[i+1] != '-'
		default:
			simple = false
		}
	}
	if simple {
		c := s[0]
		return capital && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')
	}
	if abbr, long, ok := strings.Cut(s, "--"); ok {
		return abbr != "" && !strings.ContainsRune(abbr, ' ') && validWord(abbr) && hasCapital(abbr) &&
			validName(long) && !strings.Contains(long, "--")
	}
	n := 0         // words
	joint := false // the last word is a joining word
	for rest := s; ; {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		w := rest[:end]
		rest = rest[end:]
		if !validWord(w) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(w)
		n++
		if n == 1 {
			if !unicode.IsLetter(r) || !hasCapital(w) {
				return false
			}
			joint = !unicode.IsUpper(r) // a one-word name may start in lower case ("eLAC"); a longer one not
			continue
		}
		if joint && n == 2 {
			return false
		}
		joint = false
		switch {
		case connectors[w]:
			joint = true
		case unicode.IsDigit(r):
		case romanNumeral(w):
		case unicode.IsUpper(r) && !allCaps(w):
		default:
			return false
		}
	}
	return n > 0 && (n == 1 || !joint)
}

// validWord reports whether w holds only the characters names are written with.
func validWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-&./'’+", r) {
			return false
		}
	}
	return true
}

func hasCapital(w string) bool {
	return strings.ContainsFunc(w, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) })
}

// allCaps reports whether w has two or more letters, all capitals.
func allCaps(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 2
}

func romanNumeral(w string) bool {
	switch w {
	case "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X":
		return true
	}
	return false
}

// isNoteAt reports whether a note begins at text[i]: the word "note" (any case, not inside
// a word) followed by ':' or a dash, spaces between allowed.
func isNoteAt(text string, i, lo int) bool {
	if i+4 > len(text) || !strings.EqualFold(text[i:i+4], "note") {
		return false
	}
	if i > lo {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	rest := strings.TrimLeft(text[i+4:], " ")
	return strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—")
}

// trimSpace narrows [lo, hi) to leave out white space at both ends.
func trimSpace(text string, lo, hi int) (int, int) {
	for lo < hi && isSpace(text[lo]) {
		lo++
	}
	for hi > lo && isSpace(text[hi-1]) {
		hi--
	}
	return lo, hi
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// collapse makes every run of white space one space and trims it at both ends (a no-break
// space counts); it returns s itself when there is nothing to change, so that reading
// allocates only for the texts that need it.
func collapse(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (isSpace(c) && (c != ' ' || i == 0 || i == len(s)-1 || isSpace(s[i+1]))) {
			if c < utf8.RuneSelf || strings.ContainsFunc(s[i:], func(r rune) bool { return r >= utf8.RuneSelf && unicode.IsSpace(r) }) {
				return strings.Join(strings.Fields(s), " ")
			}
			return s
		}
	}
	return s
}

// lastFold is the index of the last occurrence of the lower-case word sub in s, any case;
// -1 when none.
func lastFold(s, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
