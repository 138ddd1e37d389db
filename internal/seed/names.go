package seed

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/factbook"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// A state's historical names (kg.State.HistoricalNames) come from two sources:
//
//   - the Correlates of War states table: the name COW gives the state (statenme), once for
//     each of its periods in the state system, dated as the period is (an open period: the
//     name still in use when the table was made);
//   - the CIA World Factbook, edition by edition: the name under which an edition lists the
//     state, with From the first edition and To the last edition of a run of editions that
//     spell it alike (open when the run reaches the last edition). An edition in which the
//     state has no entry at all does not end a run.
//
// Spellings that differ only trivially (letter case, spacing, the Factbook's catalogue order
// "Bahamas, The") count as one name, shown as the run spells it most often. A name equal to
// the state's own name is kept too, so that the list is complete.

// factbookFormat names the layout of the CIA World Factbook files (see internal/factbook); a
// document with `dataset: {format: cia-factbook, folder: ...}` is read from them.
const factbookFormat = "cia-factbook"

// factbookSection is the key of the section of a Factbook document that stands for one
// edition.
func factbookSection(edition int) string { return "edition-" + strconv.Itoa(edition) }

// nameStates gives every state of the COW dataset the name COW gives it, for each of its
// periods in the state system.
func (m *cowMerge) nameStates() {
	for i := range m.ds.States {
		cs := &m.ds.States[i]
		st := m.states[cs.Code]
		if st == nil {
			continue
		}
		names := make([]kg.DatedName, 0, len(cs.Periods))
		for _, p := range cs.Periods {
			from := cowDate(p.Start)
			n := kg.DatedName{Name: cs.Name, From: &from, Source: m.source(cowStatesSection)}
			if p.End != nil {
				to := cowDate(*p.End)
				n.To = &to
			}
			names = append(names, n)
		}
		addNames(st, names)
	}
}

// addNames adds names to the state's historical names and keeps them oldest first.
func addNames(st *kg.State, names []kg.DatedName) {
	st.HistoricalNames = append(st.HistoricalNames, names...)
	slices.SortStableFunc(st.HistoricalNames, compareNames)
}

// compareNames orders names by the start of their period (an unknown start first), then by
// its end (an open end last), then by source and name.
func compareNames(a, b kg.DatedName) int {
	return cmp.Or(
		cmpDate(a.From, b.From, 0),
		cmpDate(a.To, b.To, 99999999),
		cmp.Compare(a.Source.DocumentSlug, b.Source.DocumentSlug),
		cmp.Compare(a.Name, b.Name),
	)
}

func cmpDate(a, b *kg.PartialDate, missing int) int {
	day := func(d *kg.PartialDate) int {
		if d == nil {
			return missing
		}
		return d.First()
	}
	return cmp.Compare(day(a), day(b))
}

// fbTarget is what a Factbook entry or entity names, as reviewed by hand.
type fbTarget struct {
	// cow is the COW code of the graph state it names; 0 when notState says why it names
	// none, or (for an entry) when it names what its entity names.
	cow int
	// notState says why it names no state.
	notState string
	// spelled is the name meant, where the archive's copy of an entry cuts it short.
	spelled string
}

// fbEntry identifies entries of editions.csv by their code and their name as spelled; the
// name matches its trivial variants too (see nameKey).
type fbEntry struct{ fips, name string }

// reviewedEntry returns what the reviewed mapping says the entry names.
func reviewedEntry(e *factbook.Entry) (fbTarget, bool) {
	t, ok := factbookEntryKeys[fbEntry{e.FIPS, nameKey(e.Name)}]
	return t, ok
}

// factbookEntryKeys is factbookEntries by code and folded name.
var factbookEntryKeys = func() map[fbEntry]fbTarget {
	out := make(map[fbEntry]fbTarget, len(factbookEntries))
	for k, t := range factbookEntries {
		out[fbEntry{k.fips, nameKey(k.name)}] = t
	}
	return out
}()

// factbookEntries says what the entries that the archive left unmatched, or filed under the
// code of another entity, name. Each is checked against the editions around it and against
// the COW states table.
var factbookEntries = map[fbEntry]fbTarget{
	// 1990-1991 editions, filed under Somalia's code next to Somalia's own entries (the
	// Factbook's code for the Soviet Union was UR). COW codes the Soviet Union as 365
	// "Russia" (from 1922), the state the graph serves as russia; the Factbook's Russia
	// entries begin with the 1992 edition.
	{"SO", "Soviet Union"}: {cow: 365},
	// 1990-1991 and 2001 editions, left unmatched. COW 345 "Yugoslavia" (from 1944) runs
	// on through Serbia and Montenegro to Serbia (ISO RS), the state the graph serves as
	// serbia; the Serbia and Montenegro entries (YI) fill 1992-2000 and 2002-2005.
	{"YU", "Yugoslavia"}: {cow: 345},
	// 1990 edition, left unmatched. COW 265 "German Democratic Republic", 1954-03-25 to
	// 1990-10-02.
	{"GE", "German Democratic Republic"}: {cow: 265},
	// 1990 edition, prepared before unification on 1990-10-03. COW 260 "German Federal
	// Republic", 1955-05-05 to 1990-10-02; from the 1991 edition the entry is Germany, COW
	// 255 from 1990-10-03.
	{"GM", "Germany, Federal Republic of"}: {cow: 260},
	// 1990-1992 editions, filed under Slovakia's code. COW 315 "Czechoslovakia", to
	// 1992-12-31; the Czech Republic (EZ) and Slovakia entries begin with the 1993 edition.
	{"LO", "Czechoslovakia"}: {cow: 315},
	// 1990 edition: both Yemens, filed under the code of united Yemen, whose entries begin
	// with the 1991 edition. COW 678 "Yemen Arab Republic" and 680 "Yemen People's
	// Republic", both to 1990-05-21.
	{"YM", "Yemen Arab Republic"}:                    {cow: 678},
	{"YM", "Yemen, People's Democratic Republic of"}: {cow: 680},
	// 1996-1997 editions' spelling, left unmatched; the Kazakhstan entries (KZ, ISO KZ) of
	// 1992-1995 and 1998 on surround it. COW 705 "Kazakhstan".
	{"KA", "Kazakstan"}: {cow: 705},
	// 1990-1999 and 2001 editions, left unmatched under Turkey's own code; the archive's
	// Turkey (TU, ISO TR) has the 2000 edition and those from 2002. COW 640 "Turkey".
	{"TU", "Turkey"}: {cow: 640},
	// 1990-1999 and 2001 editions, filed under Canada's code (matched or not) next to
	// Canada's own entries; the Cabo Verde entity (CV) has the 2000 edition and those from
	// 2002. COW 402 "Cape Verde".
	{"CA", "Cape Verde"}: {cow: 402},
	// 1990 edition: five "St." entries left unmatched under Saint Lucia's code. The three
	// states are COW 60 "St. Kitts and Nevis", 56 "St. Lucia" and 57 "St. Vincent and the
	// Grenadines"; the other two are the entities SH and SB of later editions.
	{"ST", "St. Kitts and Nevis"}:            {cow: 60},
	{"ST", "St. Lucia"}:                      {cow: 56},
	{"ST", "St. Vincent and the Grenadines"}: {cow: 57},
	{"ST", "St. Helena"}:                     {notState: "a British territory (Saint Helena, SH)"},
	{"ST", "St. Pierre and Miquelon"}:        {notState: "a French territory (Saint Pierre and Miquelon, SB)"},
	// 1990-1992 editions, filed under Paraguay's code next to Paraguay's own entries. By
	// then the trust territory was Palau alone: the 1993-1994 editions call the same entry
	// "Pacific Islands, Trust Territory of the (Palau)" and the archive files those under
	// Palau (PS), whose entries are "Palau" from 1995. COW 986 "Palau".
	{"PA", "Pacific Islands, Trust Territory of the"}: {cow: 986},
	// Territories filed under a state's code: the Isle of Man under Madagascar's (1990-2001;
	// the crown dependency IM has the entries from 2000), the Cocos (Keeling) Islands under
	// Colombia's (1992), Wake Island under Namibia's (1999), and a cut-short South Georgia
	// and the South Sandwich Islands under Georgia's (1997).
	{"MA", "Man, Isle of"}:          {notState: "a British crown dependency (Isle of Man, IM)"},
	{"CO", "Cocos Islands"}:         {notState: "an Australian territory (Cocos (Keeling) Islands, CK)"},
	{"WA", "Wake Atoll"}:            {notState: "a United States territory (Wake Island, WQ)"},
	{"GG", "South Georgia and the"}: {notState: "a British territory (South Georgia and the South Sandwich Islands, SX)"},
	// 1990-1991 editions, under Iraq's code next to Iraq's own entries: the zone Iraq and
	// Saudi Arabia held in common until they divided it in 1991.
	{"IZ", "Iraq - Saudi Arabia Neutral Zone"}: {notState: "a zone held in common by Iraq and Saudi Arabia"},
	// 1997 edition, cut at the comma; the 1996 and 1998 editions spell it in full.
	{"MK", "Macedonia,"}: {spelled: "Macedonia, The Former Yugoslav Republic of"},
}

// factbookEntities says what the entities whose type does not settle it, or that the archive
// gives no ISO code a state of the graph has, name.
var factbookEntities = map[string]fbTarget{
	// Serbia and Montenegro (dissolved in 2006; ISO CS), entries 1992-2005. COW 345
	// "Yugoslavia" runs through it (from 1944) to Serbia, the state the graph serves as
	// serbia; Serbia's entries (RI) begin with the 2006 edition, Montenegro (COW 341, from
	// 2006-06-03) has its own.
	"YI": {cow: 345},
	// Kosovo (disputed; no ISO code in the archive), entries from 2008. COW 347 "Kosovo",
	// from 2008-02-17.
	"KV": {cow: 347},
	// Dissolved in 2010; a part of the Kingdom of the Netherlands, never a state.
	"NT": {notState: "a Dutch territory (dissolved in 2010)"},
	// Disputed territories that COW does not hold as states.
	"GZ": {notState: "a disputed territory"},
	"WE": {notState: "a disputed territory"},
	"WI": {notState: "a disputed territory"},
	"PF": {notState: "disputed islands"},
	"PG": {notState: "disputed islands"},
}

// factbookStateTypes are the entity types that are states; the other types name no state
// unless factbookEntities says otherwise.
var factbookStateTypes = []factbook.EntityType{factbook.Sovereign, factbook.FreelyAssociated}

// factbookNoStateTypes are the entity types that are never states.
var factbookNoStateTypes = []factbook.EntityType{factbook.Territory, factbook.CrownDependency, factbook.SpecialAdmin, factbook.Antarctic, factbook.Misc}

// mergeFactbook reads a CIA World Factbook dataset, gives the graph's states the names the
// editions list them under, and adds the stints its lists of organizations state (see
// factbook_stints.go). It names the states and pairs the stints the datasets before it
// hold, so its document must come after theirs.
func mergeFactbook(fsys fs.FS, raw *rawSet, it item[documentRec], files string, g *kg.Graph) Problems {
	r := it.rec
	var problems Problems
	add := func(format string, args ...any) {
		problems = append(problems, Problem{File: it.pos.file, Line: it.pos.at("dataset"), Message: fmt.Sprintf(format, args...)})
	}
	after := false
	for _, other := range raw.documents {
		if other.rec.Slug == r.Slug {
			after = true
		} else if after && other.rec.Dataset != nil && other.rec.Dataset.Format == cowFormat {
			add("dataset %s names the states of the datasets before it: list it after %s", r.Slug, other.rec.Slug)
		}
	}
	ds, err := factbook.Read(fsys, r.Dataset.Folder, files)
	if err != nil {
		if ps, ok := err.(factbook.Problems); ok {
			for _, p := range ps {
				problems = append(problems, Problem{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
			}
			return problems
		}
		add("dataset: %v", err)
		return problems
	}
	var doc *kg.Document
	for _, d := range g.Documents {
		if d.Slug == r.Slug {
			doc = d
		}
	}
	for _, y := range ds.Editions {
		if doc.Section(factbookSection(y)) == nil {
			add("dataset %s: the document needs a section with key %q for the %d edition", r.Slug, factbookSection(y), y)
		}
	}
	last := kg.PartialDate{Year: ds.Last()}
	switch {
	case doc.CoversUntil == nil:
		doc.CoversUntil = &last
	case *doc.CoversUntil != last:
		add("dataset %s: coversUntil is %s, but the last edition is %d", r.Slug, doc.CoversUntil, ds.Last())
	}
	if len(problems) > 0 {
		return problems
	}
	fm := &factbookMerge{g: g, doc: doc, ds: ds, files: files}
	fm.merge()
	return fm.mergeParticipation(raw.crosswalk)
}

// factbookMerge gives the graph's states their names, and then their stints, from one
// Factbook dataset.
type factbookMerge struct {
	g     *kg.Graph
	doc   *kg.Document
	ds    *factbook.Dataset
	files string
	// entryStates is the state each entry names, as merge resolved it; absent when none.
	entryStates map[*factbook.Entry]*kg.State
}

// fbName is one edition's name for a state.
type fbName struct {
	edition int
	name    string // as the edition spells it (or as it is meant, where cut short)
}

func (fm *factbookMerge) notice(file string, line int, format string, args ...any) {
	fm.g.Notices = append(fm.g.Notices, fmt.Sprintf("%s:%d: %s", path.Join(fm.files, file), line, fmt.Sprintf(format, args...)))
}

// merge resolves every entry to a state (or to none) and names the states.
func (fm *factbookMerge) merge() {
	byCode := map[int]*kg.State{}
	byIso := map[string][]*kg.State{}
	for _, s := range fm.g.States {
		if s.CowCode != nil {
			byCode[*s.CowCode] = s
		}
		if s.Iso2 != nil {
			byIso[*s.Iso2] = append(byIso[*s.Iso2], s)
		}
	}
	names := map[*kg.State][]fbName{}
	var order []*kg.State
	fm.entryStates = make(map[*factbook.Entry]*kg.State, len(fm.ds.Entries))
	give := func(st *kg.State, e *factbook.Entry, n fbName) {
		if _, ok := names[st]; !ok {
			order = append(order, st)
		}
		names[st] = append(names[st], n)
		fm.entryStates[e] = st
	}
	// What is left out, gathered so that each is one notice with its count.
	type group struct {
		line    int
		entries []*factbook.Entry
	}
	groups := map[string]*group{}
	var groupOrder []string
	leaveOut := func(what string, e *factbook.Entry) {
		g := groups[what]
		if g == nil {
			g = &group{line: e.Line}
			groups[what] = g
			groupOrder = append(groupOrder, what)
		}
		g.entries = append(g.entries, e)
	}
	// The entries that take their state from their entity, by entity and edition: an entity
	// with two in one edition is one the archive mixed up, and the table must sort it out.
	type slot struct {
		fips    string
		edition int
	}
	viaEntity := make(map[slot][]*factbook.Entry, len(fm.ds.Entries))
	var slots []slot
	// How each entry spells its state's name (or how it is meant).
	spelledAs := make(map[*factbook.Entry]string, len(fm.ds.Entries))

	for i := range fm.ds.Entries {
		e := &fm.ds.Entries[i]
		t, reviewed := reviewedEntry(e)
		spelled := e.Name
		if t.spelled != "" {
			spelled = t.spelled
		}
		spelledAs[e] = spelled
		switch {
		case reviewed && t.notState != "":
			continue
		case reviewed && t.cow != 0:
			if st := byCode[t.cow]; st != nil {
				give(st, e, fbName{e.Edition, spelled})
			} else {
				leaveOut(fmt.Sprintf("entry %q (code %s) names COW state %d, which the graph does not hold", e.Name, e.FIPS, t.cow), e)
			}
			continue
		case !e.Matched:
			leaveOut(fmt.Sprintf("entry %q (code %s) is tied to no entity by the archive and to no state by the reviewed mapping", e.Name, e.FIPS), e)
			continue
		}
		k := slot{e.FIPS, e.Edition}
		if _, ok := viaEntity[k]; !ok {
			slots = append(slots, k)
		}
		viaEntity[k] = append(viaEntity[k], e)
	}

	states, entityNotes := fm.entityStates(byCode, byIso)
	for _, k := range slots {
		entries := viaEntity[k]
		st, ok := states[k.fips]
		if !ok {
			continue // an entity that is no state
		}
		if st == nil {
			for _, e := range entries {
				leaveOut(entityNotes[k.fips], e)
			}
			continue
		}
		if len(entries) > 1 {
			for _, e := range entries {
				leaveOut(fmt.Sprintf("entity %s has %d entries in the %d edition and the reviewed mapping does not say which names %s", k.fips, len(entries), k.edition, st.Slug), e)
			}
			continue
		}
		e := entries[0]
		give(st, e, fbName{e.Edition, spelledAs[e]})
	}

	sort.SliceStable(groupOrder, func(i, j int) bool { return groups[groupOrder[i]].line < groups[groupOrder[j]].line })
	for _, what := range groupOrder {
		g := groups[what]
		editions := map[int]bool{}
		for _, e := range g.entries {
			editions[e.Edition] = true
		}
		fm.notice(factbook.FileEditions, g.line, "%s: %d entries (%s) left out", what, len(g.entries), editionList(editions))
	}
	for _, st := range order {
		addNames(st, fm.runs(names[st]))
	}
}

// entityStates resolves every entity to the state it names: states[fips] is the state, nil
// when it should name one but names none of the graph (notes[fips] says why), and absent
// when the entity is no state.
func (fm *factbookMerge) entityStates(byCode map[int]*kg.State, byIso map[string][]*kg.State) (states map[string]*kg.State, notes map[string]string) {
	states, notes = map[string]*kg.State{}, map[string]string{}
	for i := range fm.ds.Entities {
		ent := &fm.ds.Entities[i]
		if t, ok := factbookEntities[ent.FIPS]; ok {
			switch {
			case t.notState != "":
			case byCode[t.cow] != nil:
				states[ent.FIPS] = byCode[t.cow]
			default:
				states[ent.FIPS] = nil
				notes[ent.FIPS] = fmt.Sprintf("entity %s (%s) names COW state %d, which the graph does not hold", ent.FIPS, ent.Name, t.cow)
			}
			continue
		}
		switch {
		case slices.Contains(factbookNoStateTypes, ent.Type):
		case !slices.Contains(factbookStateTypes, ent.Type):
			states[ent.FIPS] = nil
			notes[ent.FIPS] = fmt.Sprintf("%s entity %s (%s) is in no reviewed mapping", ent.Type, ent.FIPS, ent.Name)
		case ent.ISO2 == "":
			states[ent.FIPS] = nil
			notes[ent.FIPS] = fmt.Sprintf("%s entity %s (%s) has no ISO code and is in no reviewed mapping", ent.Type, ent.FIPS, ent.Name)
		case len(byIso[ent.ISO2]) == 1:
			states[ent.FIPS] = byIso[ent.ISO2][0]
		case len(byIso[ent.ISO2]) == 0:
			states[ent.FIPS] = nil
			notes[ent.FIPS] = fmt.Sprintf("%s entity %s (%s) matches no state of the graph: none has ISO code %s", ent.Type, ent.FIPS, ent.Name, ent.ISO2)
		default:
			states[ent.FIPS] = nil
			notes[ent.FIPS] = fmt.Sprintf("%s entity %s (%s) matches %d states of the graph by ISO code %s", ent.Type, ent.FIPS, ent.Name, len(byIso[ent.ISO2]), ent.ISO2)
		}
	}
	return states, notes
}

// runs turns one state's edition names into dated names: one per run of the state's
// editions that spell a name alike.
func (fm *factbookMerge) runs(ns []fbName) []kg.DatedName {
	byEdition := map[int][]fbName{}
	var editions []int
	for _, n := range ns {
		if _, ok := byEdition[n.edition]; !ok {
			editions = append(editions, n.edition)
		}
		byEdition[n.edition] = append(byEdition[n.edition], n)
	}
	sort.Ints(editions)
	type run struct {
		first, last int
		spellings   map[string]int
		latest      map[string]int
	}
	open := map[string]*run{}
	var done []*run
	for _, y := range editions {
		here := map[string]bool{}
		for _, n := range byEdition[y] {
			k := nameKey(n.name)
			if here[k] {
				continue
			}
			here[k] = true
			r := open[k]
			if r == nil {
				r = &run{first: y, spellings: map[string]int{}, latest: map[string]int{}}
				open[k] = r
				done = append(done, r)
			}
			r.last = y
			r.spellings[n.name]++
			r.latest[n.name] = y
		}
		for k := range open {
			if !here[k] {
				delete(open, k)
			}
		}
	}
	out := make([]kg.DatedName, 0, len(done))
	for _, r := range done {
		spelled := ""
		for s, c := range r.spellings {
			if spelled == "" || c > r.spellings[spelled] || (c == r.spellings[spelled] && (r.latest[s] > r.latest[spelled] || (r.latest[s] == r.latest[spelled] && s < spelled))) {
				spelled = s
			}
		}
		from := kg.PartialDate{Year: r.first}
		n := kg.DatedName{Name: spelled, From: &from,
			Source: kg.Source{DocumentSlug: fm.doc.Slug, SectionKey: factbookSection(r.first), Notes: []int{}}}
		if r.last != fm.ds.Last() {
			n.To = &kg.PartialDate{Year: r.last}
		}
		out = append(out, n)
	}
	return out
}

// nameKey folds the spellings of a name that differ only trivially: letter case, spacing,
// the form of the apostrophe, and the catalogue order of the Factbook ("Bahamas, The" is
// "The Bahamas", "Man, Isle of" is "Isle of Man").
func nameKey(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "’", "'")), " ")
	if before, after, ok := strings.Cut(s, ", "); ok && !strings.Contains(after, ",") {
		s = after + " " + before
	}
	return strings.ToLower(s)
}

// editionList writes a set of editions as runs: "1990-1992, 1995".
func editionList(set map[int]bool) string {
	years := make([]int, 0, len(set))
	for y := range set {
		years = append(years, y)
	}
	sort.Ints(years)
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(years[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", years[i], years[j]))
		}
		i = j + 1
	}
	if len(years) == 1 {
		return "edition " + parts[0]
	}
	return "editions " + strings.Join(parts, ", ")
}
