package seed

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/factbook"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// The CIA World Factbook as a source of stints.
//
// Each edition lists, for each country, the organizations it takes part in, each with an
// optional status in parentheses (see internal/factbook, ListParser). The lists become stints
// in four steps:
//
//   - an item's name is mapped to an organization by the crosswalk, a reviewed seed kind
//     (factbookCrosswalk, in seeds/factbook-crosswalk.yaml): an abbreviation, with the
//     editions in which it means that body where the Factbook used it for two, maps to a
//     curated organization (organization:), to a COW IGO (cowKey:), to a new organization
//     defined there (new:), or, reviewed, to none (unmapped: true);
//   - its statuses are mapped to a role by factbookStatuses; a status that names no standing
//     of the state (its NGOs, its national committees) leaves the item out, and an unknown
//     status is a notice;
//   - the entry is the state the reviewed mapping of names.go gives it (the same one that
//     names the states);
//   - consecutive editions with one role make one stint at year precision: it starts in its
//     first edition's year, ends in its last one's, and is still open (as of the last
//     edition) when it reaches the last edition. A stint that begins in the state's first
//     list (the 1990 edition for most states), or in the first edition that lists the
//     organization at all (the CSTO from 2007, say), held by then and may have begun any
//     time before: its start is undated, bounded by that year (StartBounds), and disputes no
//     other source's. An edition in which the state has no list (the archive lacks the field
//     there, or the whole edition) is unknown, not "not a member", as COW's missing years
//     are: stints of one role on both sides of it are one stint with it among its unknown
//     years, and a start right after it (an end right before it) may lie in it.
//
// The Factbook's stints are then paired with the graph's stints of the same member and
// organization and become their claims (see pair); the others are stints of their own.

// crosswalkRec is one entry of the Factbook's crosswalk: what an abbreviation names.
type crosswalkRec struct {
	// Abbreviation is the name as the lists write it ("UN", "Arab League",
	// "IDB--Islamic Development Bank").
	Abbreviation string `yaml:"abbreviation"`
	// From and To limit the editions in which the abbreviation means this body.
	From *int `yaml:"from"`
	To   *int `yaml:"to"`
	// Exactly one of these says what it names.
	Organization string     `yaml:"organization"`
	CowKey       string     `yaml:"cowKey"`
	New          *newOrgRec `yaml:"new"`
	Unmapped     bool       `yaml:"unmapped"`
	// Note gives the evidence for the mapping (or the reason for none).
	Note string `yaml:"note"`
}

// newOrgRec defines an organization neither the curated seeds nor COW hold.
type newOrgRec struct {
	Slug    string `yaml:"slug"`
	Name    string `yaml:"name"`
	Acronym string `yaml:"acronym"`
	Founded scalar `yaml:"founded"`
	Parent  string `yaml:"parent"`
}

// fbStanding is what a status says about the state: a role, or why it is no standing of the
// state's.
type fbStanding struct {
	role kg.MembershipRole
	skip string
	rank int8 // the role's rolePrecedence
}

// factbookStatuses maps the statuses of the lists, in lower case, to roles. A status not
// found whole is looked up by its words before the first comma ("associate member, has not
// ratified the 1993 CIS charter ..." is "associate member"). The README lists the table.
var factbookStatuses = func() map[string]fbStanding {
	out := map[string]fbStanding{}
	add := func(s fbStanding, statuses ...string) {
		s.rank = rolePrecedence[s.role]
		for _, st := range statuses {
			out[st] = s
		}
	}
	add(fbStanding{role: kg.RoleMember},
		"nonregional member", "nonregional members", "nonregional", "non-regional", "regional", "new member",
		"de facto member", "participating member", "participating", "permanent", "temporary", "non-permanent",
		"compliant country", "implementing country", "suspended", "temporarily suspended", "reinstated 2004",
		"chinese taipei", "taipei, china", "provisional", "inactive", "as of 8 january 1993", "2024",
		"excluded from formal participation since 1962", "nonparticipant", "has not participated since rift with ussr in 1961",
		"withdrew from active membership in 1986",
		"us suspended security obligations to nz on 11 august 1986",
		"cape verde assumed a nonpermanent seat on the security council on 1 january 1992",
		"with respect to interests of the netherlands antilles and suriname",
		"membership rights in iaea, icao, itu, who, wipo, and wmo suspended or restricted",
		"organization for the development of the senegal river valley")
	add(fbStanding{role: kg.RoleObserver},
		"observer", "oberver", "permanent observer", "associate observer", "observer affiliate",
		"observer but participates in certain commissions", "guest", "correspondent", "subscriber")
	add(fbStanding{role: kg.RoleAssociate},
		"associate", "associate member", "associate members", "associated member", "associate affiliate",
		"member affiliate", "special", "special member")
	add(fbStanding{role: kg.RolePartner},
		"partner", "partners", "dialogue partner", "dialogue member", "sectoral dialogue partner", "associate partner",
		"enhanced engagement", "cooperating state", "cooperating country", "coopeating country", "cooperating",
		"special cooperation agreement", "free trade agreement", "free trade agreement pending resolution of fishing limits issue",
		"participant in some activities")
	add(fbStanding{role: kg.RoleProspective},
		"applicant", "candidate country", "candidate", "candidates", "pending member", "accession state",
		"accession candidate", "acceding country", "signatory", "de facto", "membership pending tajikistan's ratification")
	add(fbStanding{skip: "the country's non-governmental bodies take part, not the state"}, "ngos")
	add(fbStanding{skip: "the country's national committee takes part, not the state"}, "national committees")
	add(fbStanding{skip: "a user of the system that is no party to it"}, "nonsignatory user", "signatory user")
	add(fbStanding{skip: "a territory's police bureau under a member's"}, "subbureau", "sub-bureau")
	add(fbStanding{skip: "a former membership"}, "has previously been a member of")
	return out
}()

// standing maps an item's statuses to what they say: that of its first status (none: a
// member); ok is false when that status is not in the table.
func standing(statuses []string) (fbStanding, bool) {
	if len(statuses) == 0 {
		return memberStanding, true
	}
	s := strings.ToLower(statuses[0])
	if st, ok := factbookStatuses[s]; ok {
		return st, true
	}
	if head, _, ok := strings.Cut(s, ","); ok {
		if st, ok := factbookStatuses[strings.TrimSpace(head)]; ok {
			return st, true
		}
	}
	return fbStanding{}, false
}

// rolePrecedence orders the roles when one list names an organization twice: the stronger
// standing wins.
var rolePrecedence = map[kg.MembershipRole]int8{kg.RoleMember: 5, kg.RoleAssociate: 4, kg.RoleObserver: 3, kg.RolePartner: 2, kg.RoleProspective: 1}

// memberStanding is the standing of an item without a status.
var memberStanding = fbStanding{role: kg.RoleMember, rank: rolePrecedence[kg.RoleMember]}

var roleOf = [...]kg.MembershipRole{1: kg.RoleProspective, 2: kg.RolePartner, 3: kg.RoleObserver, 4: kg.RoleAssociate, 5: kg.RoleMember}

// cwEntry is one crosswalk entry, resolved.
type cwEntry struct {
	from, to int
	org      *kg.Organization // nil when unmapped
	orgIdx   int              // the index of org in crosswalkIndex.orgs
	pos      pos
}

// numEditions is how many editions the archive can hold.
const numEditions = factbook.LastEdition - factbook.FirstEdition + 1

// fbPair is what the lists say about one state in one organization, edition by edition:
// 0 where they do not name it, else the role's precedence.
type fbPair struct {
	state *kg.State
	org   *kg.Organization
	roles [numEditions]int8
}

// fbTally counts the items of one name (or one status) the import leaves out.
type fbTally struct {
	n      int
	lo, hi int // editions
	line   int
	col    int
	entry  *cwEntry
}

// mergeParticipation reads the lists of organizations into stints and pairs them with the
// graph's (see above). It reports the crosswalk's problems, and leaves the graph as it was
// when there is any.
func (fm *factbookMerge) mergeParticipation(entries []item[crosswalkRec]) Problems {
	cw, newOrgs, problems := fm.crosswalk(entries)
	file := path.Join(fm.files, factbook.FileParticipation)
	first := fm.ds.Editions[0]
	idx := func(edition int) int { return edition - first }

	var lp factbook.ListParser
	listed := map[*kg.State]uint64{}    // the editions with a list of each state
	rows := map[*kg.State]map[int]int{} // the line of a state's first list in each edition
	// The pairs of each state (indexed in the order of the states' first lists), by the
	// index of the organization in cw.orgs.
	stateIdx := make(map[*kg.State]int, len(fm.g.States))
	var pairs [][]*fbPair
	var order []*fbPair                 // in the order the lists first name them
	seenIn := make([]int, len(cw.orgs)) // the first edition that names an organization; 0 when none
	named := make([][]*cwNamed, 0, 64)  // the crosswalk entries of each item's name
	unmapped, unknownStatus := map[string]*fbTally{}, map[string]*fbTally{}
	var notices []fbNotice
	notice := func(line, col int, format string, args ...any) {
		notices = append(notices, fbNotice{line, col, fmt.Sprintf(format, args...)})
	}
	tally := func(m map[string]*fbTally, k string, edition int, p *factbook.Participation, offset int, e *cwEntry) {
		t := m[k]
		if t == nil {
			line, col := p.Pos(offset)
			t = &fbTally{lo: edition, line: line, col: col, entry: e}
			m[k] = t
		}
		t.n++
		t.lo, t.hi = min(t.lo, edition), max(t.hi, edition)
	}
	for i := range fm.ds.Participation {
		p := &fm.ds.Participation[i]
		e := &fm.ds.Entries[p.Entry]
		bit := uint64(1) << idx(e.Edition)
		items, frags := lp.Parse(p.Text)
		named = named[:0]
		for _, it := range items {
			list := cw.byName[it.Name]
			for _, ce := range list {
				ce.seen |= bit
			}
			named = append(named, list)
		}
		st := fm.entryStates[e]
		if st == nil || len(problems) > 0 {
			continue // an entry that names no state: nothing of it is imported
		}
		si, ok := stateIdx[st]
		if !ok {
			si = len(pairs)
			stateIdx[st] = si
			pairs = append(pairs, make([]*fbPair, len(cw.orgs)))
		}
		who := fbWho{e.Edition, e.Name}
		for _, f := range frags {
			l, c := p.Pos(f.Offset)
			notice(l, c, "%s: %s: %q", who, f.What, clip(f.Text))
		}
		if listed[st]&bit != 0 {
			notice(p.Line, 0, "%s: a second list of %s in the %d edition (the first at line %d): both are read, and an organization either names counts",
				who, st.Slug, e.Edition, rows[st][e.Edition])
		} else {
			if rows[st] == nil {
				rows[st] = map[int]int{}
			}
			rows[st][e.Edition] = p.Line
		}
		listed[st] |= bit
		for ii, it := range items {
			ce := lookup(named[ii], e.Edition)
			if ce == nil || ce.org == nil {
				tally(unmapped, it.Name, e.Edition, p, it.Offset, ce)
				continue
			}
			s, ok := standing(it.Statuses)
			if !ok {
				tally(unknownStatus, strings.ToLower(it.Statuses[0]), e.Edition, p, it.Offset, nil)
				continue
			}
			if s.skip != "" {
				continue
			}
			pr := pairs[si][ce.orgIdx]
			if pr == nil {
				pr = &fbPair{state: st, org: ce.org}
				pairs[si][ce.orgIdx] = pr
				order = append(order, pr)
			}
			if y := &seenIn[ce.orgIdx]; *y == 0 || e.Edition < *y {
				*y = e.Edition
			}
			r := s.rank
			if have := pr.roles[idx(e.Edition)]; have != 0 && have != r {
				l, c := p.Pos(it.Offset)
				notice(l, c, "%s: %s is named again with another standing (%s, %s): read as %s", who, ce.org.Slug,
					roleOf[have], s.role, roleOf[max(have, r)])
			}
			pr.roles[idx(e.Edition)] = max(pr.roles[idx(e.Edition)], r)
		}
	}
	// A crosswalk entry for a name no list of its editions writes is a mistake in the
	// crosswalk.
	for _, list := range cw.byName {
		for _, ce := range list {
			if ce.badRange {
				continue // reported
			}
			var mask uint64
			for y := ce.from; y <= ce.to; y++ {
				mask |= 1 << idx(y)
			}
			if ce.seen&mask == 0 {
				problems = append(problems, Problem{File: ce.pos.file, Line: ce.pos.at("abbreviation"),
					Message: fmt.Sprintf("abbreviation %q: no list of editions %d-%d writes it", ce.name, ce.from, ce.to)})
			}
		}
	}
	if len(problems) > 0 {
		return problems
	}
	firstSeen := make(map[*kg.Organization]int, len(cw.orgs)) // the first edition that names an organization
	for oi, y := range seenIn {
		if y != 0 {
			firstSeen[cw.orgs[oi]] = y
		}
	}
	fm.g.Organizations = append(fm.g.Organizations, newOrgs...)
	for o, y := range firstSeen {
		src := fm.source(y)
		if o.Source == nil {
			o.Source = &src
		}
		if len(o.Sources) == 0 {
			o.Sources = sourcesOf(o.Source)
		}
		if !slices.ContainsFunc(o.Sources, func(s kg.Source) bool { return s.DocumentSlug == src.DocumentSlug }) {
			o.Sources = append(o.Sources, src)
		}
	}

	// Notices: what was not read, in the order of the file, then the names and statuses
	// left out, most frequent first.
	sort.SliceStable(notices, func(i, j int) bool {
		return cmp.Or(cmp.Compare(notices[i].line, notices[j].line), cmp.Compare(notices[i].col, notices[j].col)) < 0
	})
	for _, n := range notices {
		fm.g.Notices = append(fm.g.Notices, placed(file, n.line, n.col, n.msg))
	}
	for _, name := range byCount(unknownStatus) {
		t := unknownStatus[name]
		fm.g.Notices = append(fm.g.Notices, placed(file, t.line, t.col, fmt.Sprintf(
			"status %q is in no reviewed table: %d items (%s) with it left out (the first here)", name, t.n, editionRange(t.lo, t.hi))))
	}
	for _, name := range byCount(unmapped) {
		t := unmapped[name]
		why := "is in no crosswalk entry"
		if t.entry != nil {
			why = fmt.Sprintf("is mapped to no organization (%s:%d)", t.entry.pos.file, t.entry.pos.line)
		}
		fm.g.Notices = append(fm.g.Notices, placed(file, t.line, t.col, fmt.Sprintf(
			"abbreviation %q %s: %d items (%s) of lists that name a state left out (the first here)", name, why, t.n, editionRange(t.lo, t.hi))))
	}

	fm.addStints(order, listed, firstSeen)
	return nil
}

// fbWho names an entry in a notice: "1990 edition, Afghanistan".
type fbWho struct {
	edition int
	name    string
}

func (w fbWho) String() string { return fmt.Sprintf("%d edition, %s", w.edition, w.name) }

type fbNotice struct {
	line, col int
	msg       string
}

// placed formats a notice at file:line:col (col 0: file:line).
func placed(file string, line, col int, msg string) string {
	if col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", file, line, col, msg)
	}
	return fmt.Sprintf("%s:%d: %s", file, line, msg)
}

// clip shortens a quoted text for a message.
func clip(s string) string {
	const limit = 100
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && s[cut] != ' ' {
		cut--
	}
	if cut == 0 {
		cut = limit
	}
	return s[:cut] + " …"
}

func editionRange(lo, hi int) string {
	if lo == hi {
		return fmt.Sprintf("edition %d", lo)
	}
	return fmt.Sprintf("editions %d-%d", lo, hi)
}

// byCount lists the keys of m, the largest count first, then in order.
func byCount(m map[string]*fbTally) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]].n != m[keys[j]].n {
			return m[keys[i]].n > m[keys[j]].n
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (fm *factbookMerge) source(edition int) kg.Source {
	return kg.Source{DocumentSlug: fm.doc.Slug, SectionKey: factbookSection(edition), Notes: []int{}}
}

// crosswalkIndex holds the crosswalk's entries by name (see lookup), and the organizations
// they name.
type crosswalkIndex struct {
	byName map[string][]*cwNamed
	orgs   []*kg.Organization // the organizations the entries name, each once
	orgIdx map[*kg.Organization]int
}

type cwNamed struct {
	cwEntry
	name     string
	badRange bool
	seen     uint64 // the editions (bits) in which some list writes the name
}

// lookup finds the entry of an edition among the crosswalk entries of a name.
func lookup(entries []*cwNamed, edition int) *cwEntry {
	for _, e := range entries {
		if e.from <= edition && edition <= e.to {
			return &e.cwEntry
		}
	}
	return nil
}

// crosswalk checks the crosswalk's entries and resolves them to organizations; the
// organizations it defines are returned, to be added to the graph when nothing is wrong.
func (fm *factbookMerge) crosswalk(entries []item[crosswalkRec]) (*crosswalkIndex, []*kg.Organization, Problems) {
	var problems Problems
	add := func(p pos, field, format string, args ...any) {
		problems = append(problems, Problem{File: p.file, Line: p.at(field), Message: fmt.Sprintf(format, args...)})
	}
	bySlug := map[string]*kg.Organization{}
	byKey := map[string]*kg.Organization{}
	acronyms := map[string]string{}
	taken := map[string]bool{}
	for _, o := range fm.g.Organizations {
		bySlug[o.Slug] = o
		taken[o.Slug] = true
		if o.CowKey != nil {
			byKey[*o.CowKey] = o
		}
		if o.Acronym != nil {
			acronyms[strings.ToUpper(*o.Acronym)] = o.Slug
		}
	}
	for _, s := range fm.g.States {
		taken[s.Slug] = true
	}
	first, last := fm.ds.Editions[0], fm.ds.Last()
	idx := &crosswalkIndex{byName: make(map[string][]*cwNamed, len(entries)), orgIdx: map[*kg.Organization]int{}}
	var newOrgs []*kg.Organization
	type pending struct {
		p      pos
		parent string
		o      *kg.Organization
	}
	var parents []pending
	for _, it := range entries {
		r, p := it.rec, it.pos
		name := strings.Join(strings.Fields(r.Abbreviation), " ")
		if name == "" {
			add(p, "abbreviation", "a crosswalk entry needs an abbreviation")
			continue
		}
		ce := &cwNamed{cwEntry: cwEntry{from: first, to: last, pos: p}, name: name}
		if r.From != nil {
			ce.from = *r.From
		}
		if r.To != nil {
			ce.to = *r.To
		}
		switch {
		case ce.from > ce.to:
			add(p, "from", "abbreviation %q: editions %d-%d run backwards", name, ce.from, ce.to)
			ce.badRange = true
		case ce.from < first || ce.to > last:
			add(p, "from", "abbreviation %q: editions %d-%d are not all editions of %s (%d-%d)", name, ce.from, ce.to, fm.doc.Slug, first, last)
			ce.badRange = true
		}
		if strings.TrimSpace(r.Note) == "" {
			add(p, "abbreviation", "abbreviation %q: the entry needs a note that gives its evidence", name)
		}
		targets := 0
		for _, set := range []bool{r.Organization != "", r.CowKey != "", r.New != nil, r.Unmapped} {
			if set {
				targets++
			}
		}
		if targets != 1 {
			add(p, "abbreviation", "abbreviation %q: give exactly one of organization, cowKey, new and unmapped", name)
			continue
		}
		switch {
		case r.Organization != "":
			if ce.org = bySlug[r.Organization]; ce.org == nil {
				add(p, "organization", "abbreviation %q: organization %q is not an organization of the graph", name, r.Organization)
			}
		case r.CowKey != "":
			if ce.org = byKey[r.CowKey]; ce.org == nil {
				add(p, "cowKey", "abbreviation %q: cowKey %q is not an IGO of the COW dataset", name, r.CowKey)
			}
		case r.New != nil:
			ce.org = fm.newOrganization(r.New, p, add, taken, acronyms)
			if ce.org != nil {
				bySlug[ce.org.Slug] = ce.org
				newOrgs = append(newOrgs, ce.org)
				if r.New.Parent != "" {
					parents = append(parents, pending{p, r.New.Parent, ce.org})
				}
			}
		}
		if o := ce.org; o != nil && o.Acronym == nil && isAcronym(name) && acronyms[strings.ToUpper(name)] == "" {
			// The Factbook's abbreviation of an organization that has no acronym is its
			// acronym, stated by the Factbook, which becomes a source of the organization.
			acr := name
			o.Acronym = &acr
			acronyms[strings.ToUpper(acr)] = o.Slug
		}
		for _, other := range idx.byName[name] {
			if other.from <= ce.to && ce.from <= other.to {
				add(p, "abbreviation", "abbreviation %q again for editions that overlap those of %s:%d", name, other.pos.file, other.pos.line)
			}
		}
		if o := ce.org; o != nil {
			i, ok := idx.orgIdx[o]
			if !ok {
				i = len(idx.orgs)
				idx.orgIdx[o] = i
				idx.orgs = append(idx.orgs, o)
			}
			ce.orgIdx = i
		}
		idx.byName[name] = append(idx.byName[name], ce)
	}
	for _, pp := range parents {
		if bySlug[pp.parent] == nil {
			add(pp.p, "new.parent", "parent %q is not an organization of the graph", pp.parent)
			continue
		}
		pp.o.ParentSlug = pp.parent
	}
	return idx, newOrgs, problems
}

// isAcronym reports whether an abbreviation of the Factbook's lists reads as an acronym:
// upper-case letters and digits, with hyphens between them ("EAEU", "G-77"), two letters
// at least; "Paris Club" and "Francophonie" do not.
func isAcronym(s string) bool {
	letters := 0
	for i, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r >= '0' && r <= '9':
		case r == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return letters >= 2
}

// newOrganization makes the organization a crosswalk entry defines; nil when it cannot.
func (fm *factbookMerge) newOrganization(r *newOrgRec, p pos, add func(pos, string, string, ...any), taken map[string]bool, acronyms map[string]string) *kg.Organization {
	ok := true
	switch {
	case r.Slug == "":
		add(p, "new.slug", "a new organization needs a slug")
		ok = false
	case !slugPattern.MatchString(r.Slug):
		add(p, "new.slug", "slug %q must be lower-case letters, digits and single hyphens", r.Slug)
		ok = false
	case taken[r.Slug]:
		add(p, "new.slug", "slug %q is already a state's or an organization's", r.Slug)
		ok = false
	}
	if strings.TrimSpace(r.Name) == "" {
		add(p, "new.name", "a new organization needs a name")
		ok = false
	}
	if r.Acronym != "" {
		if other, dup := acronyms[strings.ToUpper(r.Acronym)]; dup {
			add(p, "new.acronym", "acronym %q is already that of %s", r.Acronym, other)
			ok = false
		}
	}
	var founded *kg.PartialDate
	if r.Founded.set {
		d, err := kg.ParseDate(r.Founded.text)
		if err != nil {
			add(p, "new.founded", "founded: %v", err)
			ok = false
		}
		founded = &d
	}
	if !ok {
		return nil
	}
	taken[r.Slug] = true
	o := &kg.Organization{Slug: r.Slug, Name: r.Name, Aliases: []string{}, Founded: founded, Purposes: []kg.OrganizationPurpose{}}
	if r.Acronym != "" {
		acr := r.Acronym
		o.Acronym = &acr
		acronyms[strings.ToUpper(acr)] = r.Slug
	}
	return o
}

// addStints builds the stints of every pair and adds them to the graph.
func (fm *factbookMerge) addStints(pairs []*fbPair, listed map[*kg.State]uint64, firstListed map[*kg.Organization]int) {
	eds := fm.ds.Editions
	last := len(eds) - 1
	asOf := kg.PartialDate{Year: eds[last]}
	// Editions without any list at all: unknown for every state.
	var anyList uint64
	for _, bits := range listed {
		anyList |= bits
	}
	horizon := map[string]*kg.PartialDate{}
	for _, d := range fm.g.Documents {
		horizon[d.Slug] = d.CoversUntil
	}
	type key struct{ member, org string }
	have := make(map[key][]*kg.Membership, len(fm.g.Memberships))
	for _, m := range fm.g.Memberships {
		k := key{m.MemberSlug, m.OrganizationSlug}
		have[k] = append(have[k], m)
	}
	// The stints and unknowns of the Factbook's own, in blocks.
	var membersOut []*kg.Membership
	var unknownsOut []*kg.UnknownStanding
	var members arena[kg.Membership]
	var unknowns arena[kg.UnknownStanding]
	var claims arena[kg.MembershipClaim]
	var blocks []fbBlock
	var spans [][2]int
	var runs []fbRun
	var reach [][2]int // each stint's possible span, as edition indexes
	// The editions' years, shared by the claims that start or end in them (dates are
	// values, never changed through a pointer), and the claims' other small values, in
	// blocks: the Factbook gives some 11,000 claims.
	yearDates := make([]kg.PartialDate, len(eds))
	for i, y := range eds {
		yearDates[i] = kg.PartialDate{Year: y}
	}
	var ints arena[int]
	var bounds arena[kg.DateBounds]
	for _, pr := range pairs {
		bits := listed[pr.state]
		// The editions from the state's first list to its last (and on over editions
		// without any list, up to the last edition): inside them, an edition without the
		// state's list is unknown.
		lo, hi := -1, -1
		for i := range eds {
			if bits&(1<<i) != 0 {
				if lo < 0 {
					lo = i
				}
				hi = i
			}
		}
		for hi < last && anyList&(1<<(hi+1)) == 0 {
			hi++
		}
		blocks = blocks[:0]
		for i := lo; i <= hi; i++ {
			v := int8(fbUnknown)
			if bits&(1<<i) != 0 {
				v = pr.roles[i]
			}
			if n := len(blocks); n > 0 && blocks[n-1].v == v {
				blocks[n-1].b = i
				continue
			}
			blocks = append(blocks, fbBlock{v, i, i})
		}
		// Stints: blocks of one role, joined when only unknown editions lie between them.
		spans = spans[:0]
		for bi, bl := range blocks {
			if bl.v <= 0 {
				continue
			}
			if n := len(spans); n > 0 {
				if p := &spans[n-1]; p[1] == bi-2 && blocks[bi-1].v == fbUnknown && blocks[p[1]].v == bl.v {
					p[1] = bi
					continue
				}
			}
			spans = append(spans, [2]int{bi, bi})
		}
		runs = runs[:0]
		for _, sp := range spans {
			a, b := blocks[sp[0]], blocks[sp[1]]
			r := fbRun{role: a.v, first: a.a, last: b.b, lead: a.a, trail: b.b, owner: -1}
			if sp[0] > 0 && blocks[sp[0]-1].v == fbUnknown {
				r.lead = blocks[sp[0]-1].a
			}
			if sp[1]+1 < len(blocks) && blocks[sp[1]+1].v == fbUnknown {
				r.trail = blocks[sp[1]+1].b
			}
			for k := sp[0]; k <= sp[1]; k += 2 {
				r.years += blocks[k].b - blocks[k].a + 1
			}
			// The first list of the state, or the first edition that lists the
			// organization at all: the stint held by then, and may have begun any time
			// before.
			r.undated = a.a == lo || eds[a.a] == firstListed[pr.org]
			runs = append(runs, r)
		}
		cur := have[key{pr.state.Slug, pr.org.Slug}]
		fm.pair(runs, cur, yearDates, last, horizon)

		reach = reach[:0]
		for ri := range runs {
			r := &runs[ri]
			if r.folded {
				continue
			}
			reach = append(reach, [2]int{r.lead, r.trail})
			var unknownYears []int
			for k := r.lead; k <= r.trail; k++ {
				if bits&(1<<k) == 0 || (k > r.first && k < r.last && pr.roles[k] != r.role) {
					unknownYears = append(unknownYears, eds[k])
				}
			}
			start := &yearDates[r.first]
			c := kg.MembershipClaim{Role: roleOf[r.role], Start: start, Years: ints.next(r.years), AsOf: &asOf, UnknownYears: unknownYears,
				Source: fm.source(eds[r.first])}
			switch {
			case r.undated && (r.owner >= 0 || len(cur) == 0):
				// Undated, so that it disputes no other source's start; a stint of its own
				// beside another of the pair keeps its first edition, so as not to reach
				// back over that one.
				c.Start, c.StartBounds = nil, bounds.next(kg.DateBounds{NotAfter: start})
			case r.lead != r.first:
				c.StartRange = &kg.YearRange{Earliest: eds[r.lead], Latest: eds[r.first]}
			}
			if r.trail != last {
				c.End = &yearDates[r.last]
				if r.trail != r.last {
					c.EndRange = &kg.YearRange{Earliest: eds[r.last], Latest: eds[r.trail]}
				}
			}
			if r.owner >= 0 {
				m := cur[r.owner]
				ensureOwnClaim(m)
				m.Claims = append(m.Claims, c)
				continue
			}
			membersOut = append(membersOut, members.next(kg.Membership{
				Slug:       "wfb-" + pr.org.Slug + "-" + pr.state.Slug + "-" + strconv.Itoa(eds[r.first]),
				MemberSlug: pr.state.Slug, OrganizationSlug: pr.org.Slug,
				Claims: claims.one(c),
			}))
		}
		covered := func(i int) bool {
			return slices.ContainsFunc(reach, func(r [2]int) bool { return r[0] <= i && i <= r[1] })
		}
		// Unknown editions in no stint's possible span: the graph's unknowns.
		for _, bl := range blocks {
			if bl.v != fbUnknown {
				continue
			}
			for i := bl.a; i <= bl.b; i++ {
				if covered(i) {
					continue
				}
				from := i
				for i+1 <= bl.b && !covered(i+1) {
					i++
				}
				years := make([]int, 0, i-from+1)
				for k := from; k <= i; k++ {
					years = append(years, eds[k])
				}
				unknownsOut = append(unknownsOut, unknowns.next(kg.UnknownStanding{MemberSlug: pr.state.Slug, OrganizationSlug: pr.org.Slug,
					Years: years, Source: fm.source(eds[from])}))
			}
		}
	}
	fm.g.Memberships = append(fm.g.Memberships, membersOut...)
	fm.g.Unknowns = append(fm.g.Unknowns, unknownsOut...)
}

// fbRun is one stint of the Factbook's, as edition indexes.
type fbRun struct {
	role        int8
	first, last int // the first and last edition with the role
	lead, trail int // with the unknown editions right before and after it
	years       int // the editions with the role
	undated     bool
	owner       int  // the stint of the graph it is a claim of; -1 for one of its own
	folded      bool // merged into another run
}

// pair decides which of the graph's stints of one member and organization (cur) each run
// is a claim of:
//
//  1. kg.MatchStints over the periods up to each source's horizon (see matchPeriod), so that
//     of several runs the one that really overlaps a stint is its claim;
//  2. kg.MatchStints again for the runs and stints of one role left, over their periods as
//     written (an open end open, an undated start open): a stint another source has still
//     open when it last looked (COW in 2014) is the stint the Factbook first lists later (the
//     ACS from its 2024 edition), and one whose end another source dates before the
//     Factbook's first list is the one it still lists (a disagreement on the end);
//  3. a run left over that overlaps a stint of the graph in the same role, whose Factbook
//     claim has that role too, is part of that claim: the Factbook's lists break the stint
//     another source states whole (an edition that leaves the organization out, or gives
//     another role), and the editions of the break are unknown years of the claim, not its
//     end. A run so overlapping a stint without a Factbook claim, or whose Factbook claim
//     has another role, becomes its claim (the other run is looked at again, and may be a
//     stint of its own).
func (fm *factbookMerge) pair(runs []fbRun, cur []*kg.Membership, yearDates []kg.PartialDate, last int, horizon map[string]*kg.PartialDate) {
	if len(cur) == 0 {
		return
	}
	date := func(i int) *kg.PartialDate { return &yearDates[i] }
	bounded := make([]kg.Period, len(runs))
	for i, r := range runs {
		bounded[i] = kg.Period{Start: date(r.first), End: date(r.last)}
		if r.trail == last {
			bounded[i].End = date(last)
		}
	}
	curBounded := make([]kg.Period, len(cur))
	for i, m := range cur {
		curBounded[i] = matchPeriod(m, horizon)
	}
	taken := make([]bool, len(cur))
	for i, j := range kg.MatchStints(curBounded, bounded) {
		if j >= 0 {
			runs[j].owner, taken[i] = i, true
		}
	}
	// The periods as written.
	plain := func(r fbRun) kg.Period {
		p := kg.Period{Start: date(r.first), End: date(r.last)}
		if r.undated {
			p.Start = nil
		}
		if r.trail == last {
			p.End = nil
		}
		return p
	}
	curPlain := make([]kg.Period, len(cur))
	for i, m := range cur {
		curPlain[i] = writtenPeriod(m)
	}
	// Stage 2, role by role.
	roles := make([]kg.MembershipRole, len(cur))
	for i, m := range cur {
		roles[i] = preferredRole(m)
	}
	for _, role := range kg.MembershipRoles {
		var ci, rj []int
		for i := range cur {
			if !taken[i] && roles[i] == role {
				ci = append(ci, i)
			}
		}
		for j := range runs {
			if runs[j].owner < 0 && roleOf[runs[j].role] == role {
				rj = append(rj, j)
			}
		}
		if len(ci) == 0 || len(rj) == 0 {
			continue
		}
		a := make([]kg.Period, len(ci))
		for k, i := range ci {
			a[k] = curPlain[i]
		}
		b := make([]kg.Period, len(rj))
		for k, j := range rj {
			b[k] = plain(runs[j])
		}
		for k, l := range kg.MatchStints(a, b) {
			if l >= 0 {
				runs[rj[l]].owner, taken[ci[k]] = ci[k], true
			}
		}
	}
	// Stage 3, until nothing changes: a run that loses its stint to a run of the stint's
	// role is looked at again.
	for changed := true; changed; {
		changed = false
		for j := range runs {
			r := &runs[j]
			if r.owner >= 0 || r.folded {
				continue
			}
			for i := range cur {
				if roles[i] != roleOf[r.role] || !curPlain[i].Overlaps(plain(*r)) {
					continue
				}
				o := slices.IndexFunc(runs, func(x fbRun) bool { return x.owner == i && !x.folded })
				switch {
				case o < 0:
					r.owner = i
				case runs[o].role != r.role:
					// The stint's claim is this run, not the one of another role that
					// overlapped it more: that one is looked at again.
					runs[o].owner, r.owner = -1, i
				default:
					x := &runs[o]
					if r.first < x.first {
						x.first, x.lead, x.undated = r.first, r.lead, r.undated
					}
					if r.last > x.last {
						x.last, x.trail = r.last, r.trail
					}
					x.years += r.years
					r.folded = true
				}
				changed = true
				break
			}
		}
	}
}

// preferredRole is the role a stint of the graph will have: that of the claim
// kg.PreferClaims puts first (its own role when it has no claims).
func preferredRole(m *kg.Membership) kg.MembershipRole {
	switch len(m.Claims) {
	case 0:
		return m.Role
	case 1:
		return m.Claims[0].Role
	}
	cs := slices.Clone(m.Claims)
	kg.PreferClaims(cs)
	return cs[0].Role
}

// writtenPeriod is the period a stint's claims give together as written: from the earliest
// start to the latest end, a date the claims leave out taken from their bounds, and open
// where they give neither (an undated, unbounded start; an open end).
func writtenPeriod(m *kg.Membership) kg.Period {
	cs := m.Claims
	if len(cs) == 0 {
		cs = []kg.MembershipClaim{{Start: m.Start, End: m.End, StartBounds: m.StartBounds, EndBounds: m.EndBounds}}
	}
	var out kg.Period
	for i := range cs {
		c := &cs[i]
		start, end := c.Start, c.End
		if start == nil && c.StartBounds != nil {
			start = c.StartBounds.NotBefore
		}
		if end == nil && c.EndBounds != nil {
			end = c.EndBounds.NotAfter
		}
		p := kg.Period{Start: start, End: end}
		if i == 0 || p.Lo() < out.Lo() {
			out.Start = start
		}
		if i == 0 || p.Hi() > out.Hi() {
			out.End = end
		}
	}
	return out
}

// arena hands out pointers to values allocated in blocks.
type arena[T any] struct{ block []T }

func (a *arena[T]) next(v T) *T {
	if len(a.block) == cap(a.block) {
		a.block = make([]T, 0, 1024)
	}
	a.block = append(a.block, v)
	return &a.block[len(a.block)-1]
}

// one hands out a slice that holds v alone, capped so that appending to it copies.
func (a *arena[T]) one(v T) []T {
	a.next(v)
	n := len(a.block)
	return a.block[n-1 : n : n]
}

// fbUnknown marks an edition without the state's list.
const fbUnknown = -1

// fbBlock is a run of editions, from index a to b, with one value: a role's precedence, 0
// (not named) or fbUnknown.
type fbBlock struct {
	v    int8
	a, b int
}

// matchPeriod is the period a stint's sources state together, for pairing: from the
// earliest start any claim dates (or bounds) to the latest end any claim dates, bounds or
// observes. An end a source leaves open counts as the last date that source observes (its
// AsOf, or its document's coversUntil), not as "for ever": two stints that are both still
// open would otherwise overlap without limit, and a source's later stint would take the
// place of the one that really overlaps. A claim that says nothing of a side (no date, no
// bounds, no horizon) leaves that side to the others; when no claim says anything of it,
// it is open. Before the claims are reconciled, a dataset's stint has no dates of its own
// but its claims'; a curated stint without claims has its own.
func matchPeriod(m *kg.Membership, horizon map[string]*kg.PartialDate) kg.Period {
	if len(m.Claims) == 0 {
		c := [1]kg.MembershipClaim{{Start: m.Start, End: m.End, StartBounds: m.StartBounds, EndBounds: m.EndBounds, AsOf: m.AsOf, Source: m.Source}}
		return matchPeriodOf(c[:], horizon)
	}
	return matchPeriodOf(m.Claims, horizon)
}

func matchPeriodOf(cs []kg.MembershipClaim, horizon map[string]*kg.PartialDate) kg.Period {
	var out kg.Period
	for i := range cs {
		c := &cs[i]
		start := c.Start
		if start == nil && c.StartBounds != nil {
			start = c.StartBounds.NotBefore
		}
		end := c.End
		if end == nil {
			switch {
			case c.EndBounds != nil:
				end = c.EndBounds.NotAfter
			case c.AsOf != nil:
				end = c.AsOf
			default:
				end = horizon[c.Source.DocumentSlug]
			}
		}
		if start != nil && (out.Start == nil || start.First() < out.Start.First()) {
			out.Start = start
		}
		if end != nil && (out.End == nil || end.Last() > out.End.Last()) {
			out.End = end
		}
	}
	return out
}
