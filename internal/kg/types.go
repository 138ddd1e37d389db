package kg

import (
	"strconv"
	"strings"
)

// Node is anything with a public ID.
type Node interface {
	NodeRef() Ref
}

// Actor is anything that can belong to an organization: a State or an Organization.
type Actor interface {
	Node
	ActorSlug() string
}

// Source says where a fact comes from: a document, the part of it that states the fact, and
// the footnotes the document attaches there (none when it gives none).
type Source struct {
	DocumentSlug string
	SectionKey   string
	Notes        []int
}

// LocalizedName is a name in one language.
type LocalizedName struct {
	Language        string
	Text            string
	Transliteration *string
}

// Document is a source the graph was built from.
type Document struct {
	Slug        string
	Title       string
	Publisher   *string
	Language    *string
	Licence     *string
	AccessedVia *string
	Note        *string
	Sections    []Section
	// The bibliographic record of a published work or dataset: its authors, when and where it
	// appeared, and how to reach it.
	Authors     []string
	Published   *PartialDate
	PublishedIn *string
	Volume      *string
	Issue       *string
	Pages       *string
	Doi         *string
	URL         *string
	Version     *string
	// CoversUntil is the last date the document observes: an open end in one of its facts
	// means "still so then". Nil when unknown (the time of writing).
	CoversUntil *PartialDate
	// Accessed is the date the copy the facts come from was read, for a source that can
	// change after it is published, such as a web page. Nil when not recorded.
	Accessed *PartialDate
}

// Section is a part of a document that facts may cite: a stretch of text, a table, a figure.
type Section struct {
	Key   string
	Title string
	Kind  SectionKind
}

// NodeRef identifies the document.
func (d *Document) NodeRef() Ref { return Ref{KindDocument, d.Slug} }

// ID is the public ID.
func (d *Document) ID() string { return d.NodeRef().ID() }

// Section returns the section with the given key, or nil.
func (d *Document) Section(key string) *Section {
	for i := range d.Sections {
		if d.Sections[i].Key == key {
			return &d.Sections[i]
		}
	}
	return nil
}

// Citation is one footnote of a document with its bibliographic record.
type Citation struct {
	DocumentSlug       string
	Number             int
	Title              *string
	TitleIsPlaceholder bool
	Work               *string
	Publisher          *string
	Location           *string
	Authors            []string
	Editors            []string
	Published          *PartialDate
	Accessed           *PartialDate
	Archived           *PartialDate
	Isbn               *string
	Doi                *string
	Volume             *string
	Issue              *string
	Pages              *string
	Language           *string
	DeadLink           bool
	Note               *string
}

// CitationKey is the natural key of a footnote: its document and number.
func CitationKey(doc string, number int) string { return doc + "/" + strconv.Itoa(number) }

// NodeRef identifies the citation.
func (c *Citation) NodeRef() Ref { return Ref{KindCitation, CitationKey(c.DocumentSlug, c.Number)} }

// ID is the public ID.
func (c *Citation) ID() string { return c.NodeRef().ID() }

// State is a state, recognised or not.
type State struct {
	Slug        string
	Name        string
	Names       []LocalizedName
	Aliases     []string
	Iso2        *string
	Iso3        *string
	Recognition Recognition
	Source      *Source
	// CowCode is the Correlates of War country code (ccode); nil outside the COW state system.
	CowCode         *int
	CowAbbreviation *string
	// SystemMembership are the state's periods as a member of the state system, oldest first.
	SystemMembership []StateSystemPeriod
	// HistoricalNames are the names the state went by over time, oldest first.
	HistoricalNames []DatedName
	// Sources are every source that states the state, Source first.
	Sources []Source
}

// StateSystemPeriod is a period in which a state was a member of the international state system.
type StateSystemPeriod struct {
	Start  PartialDate
	End    *PartialDate
	Source Source
}

// Period is the span of the period.
func (p *StateSystemPeriod) Period() Period {
	s := p.Start
	return Period{&s, p.End}
}

// NodeRef identifies the state.
func (s *State) NodeRef() Ref { return Ref{KindState, s.Slug} }

// ID is the public ID.
func (s *State) ID() string { return s.NodeRef().ID() }

// ActorSlug is the state's slug.
func (s *State) ActorSlug() string { return s.Slug }

// Organization is an alliance, union, assembly, or a body of another organization.
type Organization struct {
	Slug             string
	Name             string
	Names            []LocalizedName
	Aliases          []string
	Acronym          *string
	Type             *string
	Founded          *PartialDate
	HeadquartersSlug string
	ParentSlug       string
	Source           *Source
	// CowKey is the Correlates of War IGO key (ioname); nil for organizations COW does not list.
	CowKey    *string
	CowNumber *int
	ShortName *string
	LongName  *string
	Ended     *PartialDate
	EndReason *OrganizationEnd
	Purposes  []OrganizationPurpose
	// DateAccuracy says, in the dataset's words, how exact its early membership years are.
	MembershipDateAccuracy *string
	// Sources are every source that states the organization, Source first.
	Sources []Source
}

// NodeRef identifies the organization.
func (o *Organization) NodeRef() Ref { return Ref{KindOrganization, o.Slug} }

// ID is the public ID.
func (o *Organization) ID() string { return o.NodeRef().ID() }

// ActorSlug is the organization's slug.
func (o *Organization) ActorSlug() string { return o.Slug }

// Place is a city or region where things happened.
type Place struct {
	Slug      string
	Name      string
	StateSlug string
	Source    *Source
}

// NodeRef identifies the place.
func (p *Place) NodeRef() Ref { return Ref{KindPlace, p.Slug} }

// ID is the public ID.
func (p *Place) ID() string { return p.NodeRef().ID() }

// Person is a person the sources name as an actor.
type Person struct {
	Slug    string
	Name    string
	Aliases []string
	Source  *Source
}

// NodeRef identifies the person.
func (p *Person) NodeRef() Ref { return Ref{KindPerson, p.Slug} }

// ID is the public ID.
func (p *Person) ID() string { return p.NodeRef().ID() }

// Position is a post a person held.
type Position struct {
	Slug       string
	Title      string
	PersonSlug string
	OfSlug     string
	Start      *PartialDate
	End        *PartialDate
	// StartBounds and EndBounds bound a start or end the source does not date; an end that
	// is neither dated nor bounded means the post was still held when the source last
	// looked (AsOf).
	StartBounds *DateBounds
	EndBounds   *DateBounds
	// AsOf is the last date the source observes (its document's CoversUntil).
	AsOf   *PartialDate
	Note   *string
	Source Source
}

// NodeRef identifies the position.
func (p *Position) NodeRef() Ref { return Ref{KindPosition, p.Slug} }

// ID is the public ID.
func (p *Position) ID() string { return p.NodeRef().ID() }

// Period is the time the post was held.
func (p *Position) Period() Period { return Period{p.Start, p.End} }

// Span is what the source states about when the post was held.
func (p *Position) Span() Span {
	return SpanOf(Boundary{Date: p.Start, Bounds: p.StartBounds}, Boundary{Date: p.End, Bounds: p.EndBounds}, p.AsOf, nil)
}

// Covers says how sure the source makes it that the post was held on d; nil when certainly not.
func (p *Position) Covers(d PartialDate) *Certainty { return p.Span().Covers(d) }

// Membership is one continuous stint of an actor in an organization.
type Membership struct {
	Slug             string
	MemberSlug       string
	OrganizationSlug string
	Role             MembershipRole
	Start            *PartialDate
	End              *PartialDate
	EndReason        *MembershipEnd
	Note             *string
	Source           Source
	// StartBounds and EndBounds bound a start or end the curated source does not date; an
	// end neither dated nor bounded means the stint still held when the source last looked
	// (AsOf, its document's CoversUntil).
	StartBounds *DateBounds
	EndBounds   *DateBounds
	AsOf        *PartialDate
	// RoleUnstated says the curated source shows the stint without naming its role (e.g. a
	// diagram that draws a state inside an organization): its role then disputes no other.
	RoleUnstated bool
	// Claims holds one claim per source that states the stint; Role, Start, End, EndReason and
	// Source are those of the preferred claim (see Reconcile).
	Claims []MembershipClaim
	// Disputed is true when the claims disagree beyond their precision; Disagreements says how
	// in a line each, Disputes as structured values.
	Disputed      bool
	Disagreements []string
	Disputes      []Disagreement
	// DisputedPairs are the pairs of documents whose claims disagree ("a|b", see PairKey).
	DisputedPairs []string
	// Explanations say, per aspect, why the sources disagree where the project knows it.
	Explanations map[DisagreementAspect]string
	// Span is what the claims together state about when the stint held (see Merge).
	Span Span
}

// Covers says how sure the sources make it that the stint covers d; nil when certainly not.
func (m *Membership) Covers(d PartialDate) *Certainty { return m.Span.Covers(d) }

// NodeRef identifies the membership.
func (m *Membership) NodeRef() Ref { return Ref{KindMembership, m.Slug} }

// ID is the public ID.
func (m *Membership) ID() string { return m.NodeRef().ID() }

// Period is the stint's time span.
func (m *Membership) Period() Period { return Period{m.Start, m.End} }

// UnknownStanding is a run of years in which a dataset has no data on whether an actor
// belonged to an organization (COW's missing data), outside any stint the dataset states.
type UnknownStanding struct {
	MemberSlug       string
	OrganizationSlug string
	// Years are the years without data, in order.
	Years  []int
	Source Source
}

// DatedName is a name an actor went by during a period, as one source states it.
type DatedName struct {
	Name string
	// From and To are the first and last date the source shows the name in use; nil when
	// it does not say (To: still in use).
	From   *PartialDate
	To     *PartialDate
	Source Source
}

// Quantity is a measured figure attached to an event.
type Quantity struct {
	Measure   string
	Value     float64
	Unit      *string
	Qualifier QuantityQualifier
}

// Event is a dated happening.
type Event struct {
	Slug             string
	Title            string
	Kind             EventKind
	Date             PartialDate
	EndDate          *PartialDate
	PlaceSlug        string
	ParticipantSlugs []string
	PeopleSlugs      []string
	Quantities       []Quantity
	Summary          string
	Source           Source
}

// NodeRef identifies the event.
func (e *Event) NodeRef() Ref { return Ref{KindEvent, e.Slug} }

// ID is the public ID.
func (e *Event) ID() string { return e.NodeRef().ID() }

// Period is the span of days the event took.
func (e *Event) Period() Period {
	d := e.Date
	if e.EndDate != nil {
		return Period{&d, e.EndDate}
	}
	return Period{&d, &d}
}

// Quote is words attributed to a person.
type Quote struct {
	Slug        string
	Text        string
	SpeakerSlug string
	Date        *PartialDate
	EventSlug   string
	Language    *string
	Source      Source
}

// NodeRef identifies the quote.
func (q *Quote) NodeRef() Ref { return Ref{KindQuote, q.Slug} }

// ID is the public ID.
func (q *Quote) ID() string { return q.NodeRef().ID() }

// MilitaryStrength is the personnel figures of one state in one year.
type MilitaryStrength struct {
	Slug              string
	StateSlug         string
	Year              int
	Active            int
	Reserve           int
	Paramilitary      int
	Total             int
	PerThousandTotal  *float64
	PerThousandActive *float64
	Notes             []string
	Source            Source
}

// NodeRef identifies the figure.
func (m *MilitaryStrength) NodeRef() Ref { return Ref{KindMilitaryStrength, m.Slug} }

// ID is the public ID.
func (m *MilitaryStrength) ID() string { return m.NodeRef().ID() }

// Provision is a charter clause, policy, practice or proposal of an organization.
type Provision struct {
	Slug             string
	OrganizationSlug string
	Kind             ProvisionKind
	Title            string
	Summary          string
	Since            *PartialDate
	ProposedBySlug   string
	EventSlug        string
	Source           Source
}

// NodeRef identifies the provision.
func (p *Provision) NodeRef() Ref { return Ref{KindProvision, p.Slug} }

// ID is the public ID.
func (p *Provision) ID() string { return p.NodeRef().ID() }

// Graph is a whole validated seed set.
type Graph struct {
	Documents     []*Document
	Citations     []*Citation
	States        []*State
	Organizations []*Organization
	Places        []*Place
	People        []*Person
	Positions     []*Position
	Memberships   []*Membership
	Events        []*Event
	Quotes        []*Quote
	Figures       []*MilitaryStrength
	Provisions    []*Provision
	// Unknowns are the years in which a dataset does not know an actor's standing in an
	// organization, outside every stint it states (inside a stint they are its claim's
	// UnknownYears).
	Unknowns []*UnknownStanding
	// Version is a hash of the seed files the graph was read from.
	Version string
	// Notices are odd but kept records of published datasets, each "file:line:col: what",
	// reported by validate and at start, never dropped.
	Notices []string
}

// nameIn returns the name in lang, or the English name.
func nameIn(english string, names []LocalizedName, lang *string) string {
	if lang == nil || *lang == "" || strings.EqualFold(*lang, "en") {
		return english
	}
	for _, n := range names {
		if strings.EqualFold(n.Language, *lang) {
			return n.Text
		}
	}
	return english
}

// NameIn is the state's name in lang, or its English name when the sources give none in it.
func (s *State) NameIn(lang *string) string { return nameIn(s.Name, s.Names, lang) }

// NameIn is the organization's name in lang, or its English name when the sources give none
// in it.
func (o *Organization) NameIn(lang *string) string { return nameIn(o.Name, o.Names, lang) }
