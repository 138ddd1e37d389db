// Package factbook reads the CIA World Factbook, editions 1990-2025, from the plain CSV files
// that seeds/cia-factbook-1990-2025/derive.py makes of the CIA World Factbooks Archive
// 1990-2025: the archive's entities (entities.csv), the name under which each edition
// lists each of them (editions.csv), and the organizations each entry takes part in
// (participation.csv.gz), as text that ListParser reads (see list.go).
//
// # Entities and entries
//
// The archive ties every country and territory to an entity with a FIPS 10-4 code, an ISO
// 3166-1 alpha-2 code where it has one, and a type (sovereign, territory, disputed, ...). An
// edition's entry is one row of editions.csv: the edition, the entity's codes and the name
// as that edition spells it. Where the archive did not tie an edition's entry to an entity,
// derive.py writes the edition's own code, upper case, and no ISO code: such an entry is
// unmatched (Entry.Matched is false). An entry whose code is an entity's and whose ISO code is
// empty while the entity has one is therefore unmatched too, even though the codes coincide.
//
// The archive's matching is not always right (an early edition's "Soviet Union" is filed
// under Somalia's code): the package reports what the files say, and leaves it to the reader
// of the entries to decide what each one names.
//
// # Problems
//
// Input that cannot be right (a malformed CSV, a wrong header, a non-number, an edition
// outside 1990-2025 or an edition missing between them, a malformed code, an unknown entity
// type, a duplicate row, a reference to an entity that is not there, an ISO code that is not
// its entity's; in participation.csv.gz also an entity type or field that is not one of the
// archive's, an empty text, a row that belongs to no entry of editions.csv or whose entity
// type is not its entry's) makes Read fail with Problems, every one of them, placed at
// file:line:column. What a participation text holds besides organizations (notes, stray
// text) is not a problem of the files: ListParser reports it as fragments, for the reader of
// the lists to report.
package factbook

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// The files of the dataset, as derive.py names them.
const (
	FileEditions      = "editions.csv"
	FileEntities      = "entities.csv"
	FileParticipation = "participation.csv.gz"
)

// The editions the archive holds. The Factbook was discontinued after the 2025 edition.
const (
	FirstEdition = 1990
	LastEdition  = 2025
)

// EntityType is the archive's classification of an entity.
type EntityType string

// The entity types of the archive.
const (
	Sovereign        EntityType = "sovereign"
	FreelyAssociated EntityType = "freely_associated" // in free association with another state (Palau, ...)
	Territory        EntityType = "territory"
	CrownDependency  EntityType = "crown_dependency"
	SpecialAdmin     EntityType = "special_admin" // special administrative region (Hong Kong, Macau)
	Dissolved        EntityType = "dissolved"     // an entity that no longer exists (Serbia and Montenegro, ...)
	Disputed         EntityType = "disputed"
	Antarctic        EntityType = "antarctic"
	Misc             EntityType = "misc" // oceans, the world, the European Union
)

// EntityTypes lists every EntityType.
var EntityTypes = []EntityType{Sovereign, FreelyAssociated, Territory, CrownDependency, SpecialAdmin, Dissolved, Disputed, Antarctic, Misc}

// Dataset is what Read makes of the files.
type Dataset struct {
	Entities []Entity // in entities.csv order
	Entries  []Entry  // in editions.csv order
	Editions []int    // the editions, in order: FirstEdition .. the last one in editions.csv
	// Participation are the rows of participation.csv.gz, in file order. An entry may have
	// none (the archive has no list for it that edition), or, where the archive holds the
	// field twice, two.
	Participation []Participation
	entity        map[string]int
}

// Entity is one entity of the archive (a row of entities.csv).
type Entity struct {
	FIPS string // FIPS 10-4 code, the archive's key
	ISO2 string // ISO 3166-1 alpha-2; "" when the archive has none
	Name string // the current name
	Type EntityType
	// AdministeredBy is the FIPS code of the entity that administers it; "" when none.
	AdministeredBy string
	Line           int // line in entities.csv
}

// Entry is an entity as one edition lists it (a row of editions.csv).
type Entry struct {
	Edition int
	FIPS    string // the entity's code; the edition's own code when unmatched
	ISO2    string // the entity's ISO code; "" when unmatched or when the entity has none
	Name    string // as the edition spells it
	// Matched says the archive tied the entry to the entity with code FIPS.
	Matched bool
	Line    int // line in editions.csv
}

// Entity returns the entity with the given FIPS code, or nil.
func (d *Dataset) Entity(fips string) *Entity {
	if i, ok := d.entity[fips]; ok {
		return &d.Entities[i]
	}
	return nil
}

// EntityOf returns the entity the archive tied e to, or nil when it left e unmatched.
func (d *Dataset) EntityOf(e *Entry) *Entity {
	if !e.Matched {
		return nil
	}
	return d.Entity(e.FIPS)
}

// Last is the last edition of the data.
func (d *Dataset) Last() int {
	if len(d.Editions) == 0 {
		return 0
	}
	return d.Editions[len(d.Editions)-1]
}

// Problem is one finding about the input, placed at a file, line and column so that a
// person can go straight to it. Line and Column are 1-based; 0 means the finding is about
// the whole file (Line) or the whole row (Column).
type Problem struct {
	File    string
	Line    int
	Column  int
	Message string
}

// String formats the problem as "file:line:col: message", leaving out the parts that are 0.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in one Read; it is the error Read returns.
type Problems []Problem

// Error lists the problems, one per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// sortProblems orders findings by place, so that output does not depend on the order in
// which the checks happened to run.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}
