package seed

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/treatygraph/treatygraph/internal/cow"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// cowFormat names the layout of the Correlates of War IGO dataset's files (see
// internal/cow); a document with `dataset: {format: cow-igo, folder: ...}` is read from them.
const cowFormat = "cow-igo"

// Sections of a COW IGO document, one per file that facts cite.
const (
	cowStatesSection  = "states"
	cowIGOsSection    = "igos"
	cowStintsSection  = "state-igo-year"
	cowCodesSection   = "country-codes"
	cowImputedSection = "igo-years-imputed"
)

// hashDatasets adds the bytes of every dataset folder's files to the seed set's version.
func hashDatasets(fsys fs.FS, raw *rawSet, h io.Writer) error {
	var buf bytes.Buffer // each file in turn, in one buffer
	for _, it := range raw.documents {
		ds := it.rec.Dataset
		if ds == nil || !fs.ValidPath(ds.Folder) {
			continue
		}
		entries, err := fs.ReadDir(fsys, ds.Folder)
		if err != nil {
			continue // reported when the dataset is read
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := readInto(&buf, fsys, path.Join(ds.Folder, e.Name()))
			if err != nil {
				return fmt.Errorf("seed: read %s: %w", e.Name(), err)
			}
			fmt.Fprintf(h, "%s/%s\x00%d\x00", ds.Folder, e.Name(), len(data))
			_, _ = h.Write(data)
		}
	}
	return nil
}

// readInto is fs.ReadFile into buf, reused from one file to the next; the data is valid
// until the next call. On failure it is fs.ReadFile, for its error.
func readInto(buf *bytes.Buffer, fsys fs.FS, name string) ([]byte, error) {
	buf.Reset()
	if f, err := fsys.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && st.Size() > 0 && st.Size() < 1<<30 {
			buf.Grow(int(st.Size()) + bytes.MinRead)
		}
		_, err := buf.ReadFrom(f)
		f.Close()
		if err == nil {
			return buf.Bytes(), nil
		}
	}
	return fs.ReadFile(fsys, name)
}

// mergeDatasets reads the files of every dataset document and merges what they state into
// the graph: states and organizations are matched to the curated ones by their COW code and
// key, stints become claims of the curated stint they match or stints of their own.
func mergeDatasets(fsys fs.FS, prefix string, raw *rawSet, g *kg.Graph) Problems {
	var problems Problems
	for _, it := range raw.documents {
		r := it.rec
		if r.Dataset == nil {
			continue
		}
		name := r.Dataset.Folder
		if prefix != "" {
			name = path.Join(prefix, name)
		}
		if r.Dataset.Format == factbookFormat {
			problems = append(problems, mergeFactbook(fsys, raw, it, name, g)...)
			continue
		}
		ds, err := cow.Read(fsys, r.Dataset.Folder, name)
		if err != nil {
			if ps, ok := err.(cow.Problems); ok {
				for _, p := range ps {
					problems = append(problems, Problem{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
				}
				continue
			}
			problems = append(problems, Problem{File: it.pos.file, Line: it.pos.at("dataset"), Message: fmt.Sprintf("dataset: %v", err)})
			continue
		}
		var doc *kg.Document
		for _, d := range g.Documents {
			if d.Slug == r.Slug {
				doc = d
			}
		}
		for _, a := range ds.Anomalies {
			g.Notices = append(g.Notices, a.String())
		}
		m := &cowMerge{raw: raw, g: g, doc: doc, ds: ds, pos: it.pos, files: name}
		problems = append(problems, m.merge()...)
	}
	return problems
}

// cowMerge merges one COW IGO dataset into a graph.
type cowMerge struct {
	raw *rawSet
	g   *kg.Graph
	doc *kg.Document
	ds  *cow.Dataset
	pos pos

	files    string // how the dataset's folder is named in messages
	problems Problems
	states   map[int]*kg.State           // by COW code
	orgs     map[string]*kg.Organization // by COW key
	igos     map[string]*cow.IGO         // the dataset's IGOs by key, made when first needed
	slugs    map[string]bool             // actor slugs in use

	// The claims' small values, shared (dates are values, never changed through a
	// pointer) or handed out in blocks: the dataset gives some fifteen thousand claims.
	yearDates []kg.PartialDate // of the years FirstYear..LastYear
	asOf      *kg.PartialDate
	dissolved *kg.MembershipEnd
	ints      arena[int]
	ranges    arena[kg.YearRange]
	texts     arena[string]
}

// yearDate is the date of year y.
func (m *cowMerge) yearDate(y int) *kg.PartialDate {
	if m.yearDates == nil {
		m.yearDates = make([]kg.PartialDate, max(0, m.ds.LastYear-cow.FirstYear+1))
		for i := range m.yearDates {
			m.yearDates[i] = kg.PartialDate{Year: cow.FirstYear + i}
		}
	}
	if i := y - cow.FirstYear; i >= 0 && i < len(m.yearDates) {
		return &m.yearDates[i]
	}
	return &kg.PartialDate{Year: y}
}

func (m *cowMerge) add(p pos, field, format string, args ...any) {
	m.problems = append(m.problems, Problem{File: p.file, Line: p.at(field), Message: fmt.Sprintf(format, args...)})
}

func (m *cowMerge) source(section string) kg.Source {
	return kg.Source{DocumentSlug: m.doc.Slug, SectionKey: section, Notes: []int{}}
}

func (m *cowMerge) merge() Problems {
	for _, key := range []string{cowStatesSection, cowIGOsSection, cowStintsSection, cowCodesSection, cowImputedSection} {
		if m.doc.Section(key) == nil {
			m.add(m.pos, "sections", "dataset %s: the document needs a section with key %q for the facts its file states", m.doc.Slug, key)
		}
	}
	if len(m.problems) > 0 {
		return m.problems
	}
	asOf := kg.PartialDate{Year: m.ds.LastYear}
	m.doc.CoversUntil = &asOf
	m.slugs = map[string]bool{}
	for _, s := range m.g.States {
		m.slugs[s.Slug] = true
	}
	for _, o := range m.g.Organizations {
		m.slugs[o.Slug] = true
	}
	m.repairNames()
	m.mergeStates()
	m.mergeOrganizations()
	if len(m.problems) > 0 {
		return m.problems
	}
	m.mergeStints()
	m.mergeUnknowns()
	m.nameStates()
	return m.problems
}

// slugify makes a slug from a name: lower-case ASCII letters and digits joined by "-",
// accents dropped.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// "Cote d'Ivoire" reads best as cote-divoire
		default:
			dash = true
		}
	}
	return b.String()
}

// freeSlug returns base, or base with the suffix when base is taken, and marks it taken.
func (m *cowMerge) freeSlug(base, suffix string) string {
	s := base
	if s == "" || m.slugs[s] {
		s = strings.Trim(base+"-"+suffix, "-")
	}
	for i := 2; m.slugs[s]; i++ {
		s = fmt.Sprintf("%s-%s-%d", base, suffix, i)
	}
	m.slugs[s] = true
	return s
}

func cowDate(d cow.Date) kg.PartialDate {
	return kg.PartialDate{Year: d.Year, Month: d.Month, Day: d.Day}
}

// mergeStates gives the curated states with a COW code the dataset's data and adds a state
// for each COW state no curated one names; m.states maps every COW code to its state.
func (m *cowMerge) mergeStates() {
	posOf := map[string]pos{}
	for _, it := range m.raw.states {
		posOf[it.rec.Slug] = it.pos
	}
	byCode := m.curatedStates(posOf)
	// A curated state that shares an ISO code with a COW state must name its COW code, or
	// the graph would hold the same state twice.
	iso := map[string]*kg.State{}
	for _, s := range m.g.States {
		for _, c := range []*string{s.Iso2, s.Iso3} {
			if c != nil {
				iso[*c] = s
			}
		}
	}
	m.states = map[int]*kg.State{}
	unStatus := m.unMembersAtEnd()
	for i := range m.ds.States {
		cs := &m.ds.States[i]
		periods := m.systemPeriods(cs)
		if st := byCode[cs.Code]; st != nil {
			m.mergeCuratedState(st, cs, periods, posOf)
			m.states[cs.Code] = st
			continue
		}
		for _, c := range []string{cs.Iso2, cs.Iso3} {
			if other := iso[c]; c != "" && other != nil {
				m.add(posOf[other.Slug], "slug", "state %s has ISO code %s, which %s gives to COW code %d (%s): add cowCode: %d so that they are one state",
					other.Slug, c, m.doc.Slug, cs.Code, cs.Name, cs.Code)
			}
		}
		st := m.newState(cs, periods, unStatus[cs.Code])
		m.g.States = append(m.g.States, st)
		m.states[cs.Code] = st
	}
}

// curatedStates maps the COW codes the curated states give to those states, reporting a
// code the dataset lacks.
func (m *cowMerge) curatedStates(posOf map[string]pos) map[int]*kg.State {
	byCode := map[int]*kg.State{}
	for _, s := range m.g.States {
		if s.CowCode != nil {
			byCode[*s.CowCode] = s
		}
	}
	known := map[int]bool{}
	for i := range m.ds.States {
		known[m.ds.States[i].Code] = true
	}
	for _, s := range m.g.States {
		if s.CowCode != nil && !known[*s.CowCode] {
			m.add(posOf[s.Slug], "cowCode", "cowCode: %d is not a state of %s", *s.CowCode, m.doc.Slug)
		}
	}
	return byCode
}

// systemPeriods is the state-system membership of cs.
func (m *cowMerge) systemPeriods(cs *cow.State) []kg.StateSystemPeriod {
	periods := make([]kg.StateSystemPeriod, len(cs.Periods))
	for j, p := range cs.Periods {
		periods[j] = kg.StateSystemPeriod{Start: cowDate(p.Start), Source: m.source(cowStatesSection)}
		if p.End != nil {
			e := cowDate(*p.End)
			periods[j].End = &e
		}
	}
	return periods
}

// mergeCuratedState gives st, the curated state with the COW code of cs, the dataset's
// abbreviation, periods, the ISO codes it lacks and the names in languages it lacks; an ISO
// code that differs from the dataset's is reported.
func (m *cowMerge) mergeCuratedState(st *kg.State, cs *cow.State, periods []kg.StateSystemPeriod, posOf map[string]pos) {
	abbrev := cs.Abbrev
	st.CowAbbreviation = &abbrev
	st.SystemMembership = periods
	if st.Iso2 == nil && cs.Iso2 != "" {
		st.Iso2 = &cs.Iso2
	}
	if st.Iso3 == nil && cs.Iso3 != "" {
		st.Iso3 = &cs.Iso3
	}
	for _, c := range [][2]*string{{st.Iso2, &cs.Iso2}, {st.Iso3, &cs.Iso3}} {
		if *c[1] != "" && *c[0] != *c[1] {
			m.add(posOf[st.Slug], "cowCode", "state %s: ISO code %s differs from %s, which %s gives COW code %d", st.Slug, *c[0], *c[1], m.doc.Slug, cs.Code)
		}
	}
	st.Names = mergeNames(st.Names, cs.Names)
	st.Sources = append(sourcesOf(st.Source), m.source(cowStatesSection))
}

// newState makes the state of cs, which no curated state names; unMember says whether it is
// a full UN member in the dataset's last year.
func (m *cowMerge) newState(cs *cow.State, periods []kg.StateSystemPeriod, unMember bool) *kg.State {
	code := cs.Code
	abbrev := cs.Abbrev
	name := cs.EnglishName
	if name == "" {
		name = cs.Name
	}
	st := &kg.State{
		Slug: m.freeSlug(slugify(name), fmt.Sprint(code)), Name: name,
		Names: mergeNames(nil, cs.Names), Aliases: []string{},
		CowCode: &code, CowAbbreviation: &abbrev, SystemMembership: periods,
	}
	if cs.Name != name {
		st.Aliases = append(st.Aliases, cs.Name)
	}
	if cs.Iso2 != "" {
		st.Iso2 = &cs.Iso2
	}
	if cs.Iso3 != "" {
		st.Iso3 = &cs.Iso3
	}
	src := m.source(cowStatesSection)
	st.Source = &src
	switch last := cs.Periods[len(cs.Periods)-1]; {
	case last.End != nil:
		st.Recognition = kg.FormerState
	case unMember:
		st.Recognition = kg.UNMember
	default:
		st.Recognition = kg.OutsideUN
	}
	st.Sources = []kg.Source{src}
	return st
}

// unMembersAtEnd is the states the dataset has as full UN members in its last year.
func (m *cowMerge) unMembersAtEnd() map[int]bool {
	out := map[int]bool{}
	for _, s := range m.ds.Stints {
		if s.IGO == "UN" && s.Status == 1 && s.Last == m.ds.LastYear {
			out[s.State] = true
		}
	}
	return out
}

func sourcesOf(s *kg.Source) []kg.Source {
	if s == nil {
		return nil
	}
	return []kg.Source{*s}
}

// mergeNames adds the dataset's names in languages the curated names lack, English aside
// (the English name is the name itself).
func mergeNames(have []kg.LocalizedName, more map[string]string) []kg.LocalizedName {
	out := append([]kg.LocalizedName{}, have...)
	got := map[string]bool{}
	for _, n := range have {
		got[strings.ToLower(n.Language)] = true
	}
	langs := make([]string, 0, len(more))
	for l := range more {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		if l == "en" || got[l] || more[l] == "" {
			continue
		}
		out = append(out, kg.LocalizedName{Language: l, Text: more[l]})
	}
	return out
}

// mergeOrganizations gives the curated organizations with a COW key the dataset's data (its
// key as their acronym when they give none and no other organization has it) and adds an
// organization for each IGO no curated one names; m.orgs maps every COW key to its
// organization.
func (m *cowMerge) mergeOrganizations() {
	posOf := map[string]pos{}
	for _, it := range m.raw.organizations {
		posOf[it.rec.Slug] = it.pos
	}
	byKey, acronyms := m.curatedOrganizations(posOf)
	m.orgs = map[string]*kg.Organization{}
	for i := range m.ds.IGOs {
		igo := &m.ds.IGOs[i]
		key, number := igo.Key, igo.Number
		short, long := igo.ShortName, igo.LongName
		o := byKey[key]
		if o == nil {
			o = m.newOrganization(key, short, long, acronyms)
			m.g.Organizations = append(m.g.Organizations, o)
		}
		o.CowKey, o.CowNumber = &key, &number
		if o.Acronym == nil && !acronyms[strings.ToUpper(key)] {
			// The dataset's key is the IGO's abbreviation: a curated organization that
			// gives none takes it, stated by the dataset, a source of the organization.
			acr := key
			o.Acronym = &acr
		}
		if o.Acronym != nil {
			acronyms[strings.ToUpper(*o.Acronym)] = true
		}
		if short != "" {
			o.ShortName = &short
		}
		if long != "" {
			o.LongName = &long
		}
		if o.Founded == nil && igo.Founded != 0 {
			o.Founded = &kg.PartialDate{Year: igo.Founded}
		}
		if igo.Dead || igo.Ended != 0 {
			setEnd(o, igo)
		}
		o.Purposes = purposes(igo)
		if igo.Accuracy != "" {
			acc := igo.Accuracy
			o.MembershipDateAccuracy = &acc
		}
		o.Sources = append(sourcesOf(o.Source), m.source(cowIGOsSection))
		if o.Source != nil && o.Source.DocumentSlug == m.doc.Slug {
			o.Sources = o.Sources[:1]
		}
		m.orgs[key] = o
	}
}

// curatedOrganizations maps the COW keys the curated organizations give to those
// organizations, reporting a key the dataset lacks; acronyms holds their acronyms, upper
// case.
func (m *cowMerge) curatedOrganizations(posOf map[string]pos) (byKey map[string]*kg.Organization, acronyms map[string]bool) {
	byKey = map[string]*kg.Organization{}
	acronyms = map[string]bool{}
	for _, o := range m.g.Organizations {
		if o.CowKey != nil {
			byKey[*o.CowKey] = o
		}
		if o.Acronym != nil {
			acronyms[strings.ToUpper(*o.Acronym)] = true
		}
	}
	known := map[string]bool{}
	for i := range m.ds.IGOs {
		known[m.ds.IGOs[i].Key] = true
	}
	for _, o := range m.g.Organizations {
		if o.CowKey != nil && !known[*o.CowKey] {
			m.add(posOf[o.Slug], "cowKey", "cowKey: %q is not an organization of %s", *o.CowKey, m.doc.Slug)
		}
	}
	return byKey, acronyms
}

// newOrganization makes the organization of the IGO key, named by its long name less the
// key in brackets (else its short name), its acronym the key unless another organization
// has that acronym.
func (m *cowMerge) newOrganization(key, short, long string, acronyms map[string]bool) *kg.Organization {
	name := strings.TrimSpace(strings.TrimSuffix(long, " ("+key+")"))
	if name == "" {
		name = short
	}
	o := &kg.Organization{Slug: m.freeSlug(strings.ToLower(key), "igo"), Name: name, Aliases: []string{}}
	if !acronyms[strings.ToUpper(key)] {
		acr := key
		o.Acronym = &acr
	}
	if short != "" && short != name {
		o.Aliases = append(o.Aliases, short)
	}
	src := m.source(cowIGOsSection)
	o.Source = &src
	return o
}

// setEnd gives o the end of igo, which ended: its year when known, and how it ended.
func setEnd(o *kg.Organization, igo *cow.IGO) {
	end := kg.PartialDate{Year: igo.Ended}
	if igo.Ended != 0 {
		o.Ended = &end
	}
	reason := kg.OrgDissolved
	switch {
	case igo.Integrated:
		reason = kg.OrgIntegrated
	case igo.Replaced:
		reason = kg.OrgReplaced
	}
	o.EndReason = &reason
}

// purposes is what the dataset says igo is for, never nil.
func purposes(igo *cow.IGO) []kg.OrganizationPurpose {
	out := []kg.OrganizationPurpose{}
	for _, p := range []struct {
		on bool
		p  kg.OrganizationPurpose
	}{{igo.Political, kg.PurposePolitical}, {igo.Social, kg.PurposeSocial}, {igo.Economic, kg.PurposeEconomic}} {
		if p.on {
			out = append(out, p.p)
		}
	}
	return out
}

// repairNames mends the names of the dataset's IGOs and states that a conversion between
// character sets broke (see repaired), before anything is made of them.
func (m *cowMerge) repairNames() {
	for i := range m.ds.IGOs {
		igo := &m.ds.IGOs[i]
		what := "IGO " + igo.Key
		igo.ShortName = m.repaired(cow.FileIGOs, igo.Line, what, igo.ShortName)
		igo.LongName = m.repaired(cow.FileIGOs, igo.Line, what, igo.LongName)
	}
	for i := range m.ds.States {
		cs := &m.ds.States[i]
		what := fmt.Sprintf("state %d", cs.Code)
		cs.Name = m.repaired(cow.FileStates, cs.Line, what, cs.Name)
		cs.EnglishName = m.repaired(cow.FileCountryCodes, cs.CodesLine, what, cs.EnglishName)
		langs := make([]string, 0, len(cs.Names))
		for l := range cs.Names {
			langs = append(langs, l)
		}
		sort.Strings(langs) // notices in a stable order
		for _, l := range langs {
			cs.Names[l] = m.repaired(cow.FileCountryCodes, cs.CodesLine, what, cs.Names[l])
		}
	}
}

// repaired mends a name of the dataset that went through a wrong character set, each
// repair a notice at the name's file and line (what says whose name it is):
//   - C1 control characters are read as the Mac Roman letters they were before a
//     conversion lost them ("Communaut\u008e" is "Communauté"): no name holds a control
//     character, and the published names that do all read right in Mac Roman;
//   - a Mac Roman no-break space (0xCA) read as Latin-1 is "Ê" ("International Renewable
//     Energy AgencyÊ"): at either end of a name, where no name has a letter Ê, it is
//     removed, with any other space there (a real no-break space included).
func (m *cowMerge) repaired(file string, line int, what, s string) string {
	out := s
	var how []string
	if strings.ContainsFunc(out, isC1) {
		out = strings.Map(func(r rune) rune {
			if isC1(r) {
				return charmap.Macintosh.DecodeByte(byte(r))
			}
			return r
		}, out)
		how = append(how, "C1 control characters taken as Mac Roman")
	}
	if hasEdgeNBSP(out) {
		out = strings.TrimFunc(out, isEdgeSpace)
		how = append(how, `a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included`)
	}
	if len(how) == 0 {
		return s
	}
	notice := fmt.Sprintf("%s/%s:%d: %s: %q read as %q (%s)", m.files, file, line, what, s, out, strings.Join(how, "; "))
	if n := len(m.g.Notices); n == 0 || m.g.Notices[n-1] != notice {
		// An IGO whose short and long names are one broken text is said once.
		m.g.Notices = append(m.g.Notices, notice)
	}
	return out
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// misreadNBSP is a Mac Roman no-break space (0xCA) read as Latin-1.
const misreadNBSP = '\u00ca'

// isEdgeSpace is what is trimmed from the ends of a name that starts or ends with a
// no-break space, misread or not.
func isEdgeSpace(r rune) bool { return r == misreadNBSP || unicode.IsSpace(r) }

// hasEdgeNBSP reports whether s starts or ends with a no-break space, misread or not.
func hasEdgeNBSP(s string) bool {
	if s == "" {
		return false
	}
	nbsp := func(r rune) bool { return r == misreadNBSP || r == '\u00a0' }
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return nbsp(first) || nbsp(last)
}

var cowRoles = map[cow.Status]kg.MembershipRole{1: kg.RoleMember, 2: kg.RoleAssociate, 3: kg.RoleObserver}

// claim turns a COW stint into a claim.
func (m *cowMerge) claim(s *cow.Stint) kg.MembershipClaim {
	igo := m.orgs[s.IGO]
	if m.asOf == nil {
		r := kg.EndDissolved
		m.asOf, m.dissolved = &kg.PartialDate{Year: m.ds.LastYear}, &r
	}
	c := kg.MembershipClaim{Role: cowRoles[s.Status], Start: m.yearDate(s.First), Years: m.ints.next(s.StateYears), AsOf: m.asOf,
		UnknownYears: s.Unknown, Source: m.source(cowStintsSection)}
	if s.StartEarliest != s.StartLatest {
		c.StartRange = m.ranges.next(kg.YearRange{Earliest: s.StartEarliest, Latest: s.StartLatest})
	}
	if !s.Open {
		c.End = m.yearDate(s.Last)
		if s.EndEarliest != s.EndLatest {
			c.EndRange = m.ranges.next(kg.YearRange{Earliest: s.EndEarliest, Latest: s.EndLatest})
		}
		if igo.Ended != nil && s.Last >= igo.Ended.Year {
			c.EndReason = m.dissolved
		}
	}
	c.Accuracy = m.accuracy(s)
	return c
}

// accuracy is the dataset's word on how exact a stint's dates are: the accuracy of its
// start year, or of its end year when the start is exact but the end approximate. Nil from
// 1965 on (every year observed) and where the word says nothing ("Not applicable", none).
func (m *cowMerge) accuracy(s *cow.Stint) *string {
	if m.igos == nil {
		m.igos = make(map[string]*cow.IGO, len(m.ds.IGOs))
		for i := range m.ds.IGOs {
			m.igos[m.ds.IGOs[i].Key] = &m.ds.IGOs[i]
		}
	}
	igo := m.igos[s.IGO]
	y := s.First
	if !igo.Uncertain(s.First) && !s.Open && igo.Uncertain(s.Last) {
		y = s.Last
	}
	if y >= cow.ObservedFrom {
		return nil
	}
	acc := igo.AccuracyIn(y)
	if acc == "" || strings.HasPrefix(acc, "Not applicable") {
		return nil
	}
	return m.texts.next(acc)
}

func (m *cowMerge) mergeStints() {
	type pairKey struct{ member, org string }
	curated := map[pairKey][]*kg.Membership{}
	for _, ms := range m.g.Memberships {
		k := pairKey{ms.MemberSlug, ms.OrganizationSlug}
		curated[k] = append(curated[k], ms)
	}
	// The dataset's stints by pair, the pairs in the order of their first stints. The
	// stints of a pair follow each other (Stints are ordered by IGO and state), so the map
	// is consulted once per run of them.
	stints := m.ds.Stints
	groupOf := make([]int, len(stints))
	group := make(map[pairKey]int, len(stints))
	keys, sizes := make([]pairKey, 0, len(stints)), make([]int, 0, len(stints))
	for i, g := range stints {
		k := pairKey{m.states[g.State].Slug, m.orgs[g.IGO].Slug}
		if i == 0 || k != keys[groupOf[i-1]] {
			gi, ok := group[k]
			if !ok {
				gi = len(keys)
				group[k] = gi
				keys, sizes = append(keys, k), append(sizes, 0)
			}
			groupOf[i] = gi
		} else {
			groupOf[i] = groupOf[i-1]
		}
		sizes[groupOf[i]]++
	}
	// The stints' indexes, grouped: those of pair g at byPair[at[g]:at[g+1]], in order.
	at := make([]int, len(keys)+1)
	for g, n := range sizes {
		at[g+1] = at[g] + n
	}
	byPair := make([]int, len(stints))
	next := slices.Clone(at[:len(keys)])
	for i, g := range groupOf {
		byPair[next[g]] = i
		next[g]++
	}

	// The claims of all stints, grouped like byPair; a stint of its own holds its claim in
	// a slice of one, capped so that adding a claim to it copies.
	claims := make([]kg.MembershipClaim, len(stints))
	var own arena[kg.Membership] // the stints of their own, in blocks
	m.g.Memberships = slices.Grow(m.g.Memberships, len(stints))
	var periods []kg.Period
	var matched []bool
	lastIGO, lower := "", "" // the IGO key of the last stint of its own, and in lower case
	for g, k := range keys {
		idx := byPair[at[g]:at[g+1]]
		cl := claims[at[g]:at[g+1]]
		for i, j := range idx {
			cl[i] = m.claim(&stints[j])
		}
		matched = append(matched[:0], make([]bool, len(idx))...)
		if cur := curated[k]; len(cur) > 0 {
			periods = periods[:0]
			for i := range cl {
				periods = append(periods, cl[i].Period())
			}
			curPeriods := make([]kg.Period, len(cur))
			for i, c := range cur {
				curPeriods[i] = c.Period()
			}
			for i, j := range kg.MatchStints(curPeriods, periods) {
				if j >= 0 {
					ensureOwnClaim(cur[i])
					cur[i].Claims = append(cur[i].Claims, cl[j])
					matched[j] = true
				}
			}
		}
		for i, j := range idx {
			if matched[i] {
				continue
			}
			s := &stints[j]
			if s.IGO != lastIGO {
				lastIGO, lower = s.IGO, strings.ToLower(s.IGO)
			}
			m.g.Memberships = append(m.g.Memberships, own.next(kg.Membership{
				Slug:       "cow-" + lower + "-" + strconv.Itoa(s.State) + "-" + strconv.Itoa(s.First),
				MemberSlug: k.member, OrganizationSlug: k.org,
				Claims: cl[i : i+1 : i+1],
			}))
		}
	}
}

// mergeUnknowns adds the dataset's missing years that lie in none of its stints to the
// graph's unknowns, one per run of years.
func (m *cowMerge) mergeUnknowns() {
	runs := m.ds.Unknowns
	n := 0
	for _, u := range runs {
		n += u.Last - u.First + 1
	}
	out := make([]kg.UnknownStanding, len(runs))
	years := make([]int, 0, n)
	src := m.source(cowStintsSection)
	m.g.Unknowns = slices.Grow(m.g.Unknowns, len(runs))
	for i, u := range runs {
		from := len(years)
		for y := u.First; y <= u.Last; y++ {
			years = append(years, y)
		}
		out[i] = kg.UnknownStanding{MemberSlug: m.states[u.State].Slug, OrganizationSlug: m.orgs[u.IGO].Slug,
			Years: years[from:len(years):len(years)], Source: src}
		m.g.Unknowns = append(m.g.Unknowns, &out[i])
	}
}

// ensureOwnClaim gives a curated stint the claim its own record makes, once.
func ensureOwnClaim(ms *kg.Membership) {
	if len(ms.Claims) == 0 {
		ms.Claims = []kg.MembershipClaim{{Role: ms.Role, Start: ms.Start, End: ms.End, EndReason: ms.EndReason,
			StartBounds: ms.StartBounds, EndBounds: ms.EndBounds, AsOf: ms.AsOf, RoleUnstated: ms.RoleUnstated,
			Note: ms.Note, Source: ms.Source}}
	}
}

// reconcileAll gives every stint its claims and sets its own fields from them.
func reconcileAll(g *kg.Graph) {
	for _, ms := range g.Memberships {
		ensureOwnClaim(ms)
		ms.Reconcile()
	}
}
