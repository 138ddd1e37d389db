package kg

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Filters are the input objects of the `filter:` arguments. They are plain data: the store
// compiles them to SQL, and MembershipFilter also matches in memory for child lists. A nil
// field does not filter; the fields of one filter all hold together (and).

// Limits on a filter, so that no filter can make a query run away.
const (
	MaxFilterDepth     = 6
	MaxFilterTerms     = 64
	MaxFilterListItems = 100
	MaxFilterText      = 100
)

// StringFilter compares a text field. Contains ignores the case of ASCII letters.
type StringFilter struct {
	Eq       *string
	Ne       *string
	In       []string
	Nin      []string
	Contains *string
	IsNull   *bool
}

// IntFilter compares a whole-number field.
type IntFilter struct {
	Eq     *int
	Ne     *int
	In     []int
	Nin    []int
	Lt     *int
	Lte    *int
	Gt     *int
	Gte    *int
	IsNull *bool
}

// DateFilter compares a date field, each date taken as the whole period it names: "lt"
// keeps dates wholly before the given one, "gt" dates wholly after it, "lte" dates that do
// not lie wholly after it, "gte" dates that do not lie wholly before it, and "eq" the same
// date at the same precision.
type DateFilter struct {
	Eq     *Date
	Ne     *Date
	Lt     *Date
	Lte    *Date
	Gt     *Date
	Gte    *Date
	IsNull *bool
}

// DateRange is a span of dates; an open side is unbounded.
type DateRange struct {
	From *Date
	To   *Date
}

// Period returns the range as a Period.
func (r *DateRange) Period() Period { return Period{Start: DatePtr(r.From), End: DatePtr(r.To)} }

// MembershipRoleFilter compares a membership role.
type MembershipRoleFilter struct {
	Eq  *MembershipRole
	In  []MembershipRole
	Nin []MembershipRole
}

// MembershipEndFilter compares why a stint ended.
type MembershipEndFilter struct {
	Eq     *MembershipEnd
	In     []MembershipEnd
	Nin    []MembershipEnd
	IsNull *bool
}

// EventKindFilter compares an event's kind.
type EventKindFilter struct {
	Eq  *EventKind
	In  []EventKind
	Nin []EventKind
}

// RecognitionFilter compares a state's recognition.
type RecognitionFilter struct {
	Eq  *Recognition
	In  []Recognition
	Nin []Recognition
}

// MembershipFilter selects stints.
type MembershipFilter struct {
	And          []*MembershipFilter
	Or           []*MembershipFilter
	Not          *MembershipFilter
	Member       *StringFilter
	Organization *StringFilter
	Role         *MembershipRoleFilter
	Start        *DateFilter
	End          *DateFilter
	EndReason    *MembershipEndFilter
	// At keeps the stints that cover the date; During those that overlap the range; each
	// as sure as Certainty asks (when nil, as the enclosing filter or field asks: Known by
	// default).
	At        *Date
	During    *DateRange
	Certainty *Certainty
	// Disputed keeps the stints whose sources disagree (true) or agree (false);
	// DisputedBetween those whose claims disagree between these documents (one or two).
	Disputed        *bool
	DisputedBetween []string
}

// MembershipRelationFilter selects actors by their stints: Some keeps actors with at least
// one matching stint, None those with no matching stint.
type MembershipRelationFilter struct {
	Some *MembershipFilter
	None *MembershipFilter
}

// StateFilter selects states.
type StateFilter struct {
	And         []*StateFilter
	Or          []*StateFilter
	Not         *StateFilter
	Slug        *StringFilter
	Name        *StringFilter
	Iso2        *StringFilter
	Iso3        *StringFilter
	Recognition *RecognitionFilter
	Memberships *MembershipRelationFilter
}

// OrganizationFilter selects organizations.
type OrganizationFilter struct {
	And         []*OrganizationFilter
	Or          []*OrganizationFilter
	Not         *OrganizationFilter
	Slug        *StringFilter
	Name        *StringFilter
	Acronym     *StringFilter
	Type        *StringFilter
	Parent      *StringFilter
	Founded     *DateFilter
	Members     *MembershipRelationFilter
	Memberships *MembershipRelationFilter
}

// PersonFilter selects people.
type PersonFilter struct {
	And  []*PersonFilter
	Or   []*PersonFilter
	Not  *PersonFilter
	Slug *StringFilter
	Name *StringFilter
}

// EventFilter selects events.
type EventFilter struct {
	And         []*EventFilter
	Or          []*EventFilter
	Not         *EventFilter
	Slug        *StringFilter
	Title       *StringFilter
	Kind        *EventKindFilter
	Date        *DateFilter
	Place       *StringFilter
	Participant *StringFilter
	Person      *StringFilter
}

// CitationFilter selects footnotes.
type CitationFilter struct {
	And       []*CitationFilter
	Or        []*CitationFilter
	Not       *CitationFilter
	Document  *StringFilter
	Number    *IntFilter
	Title     *StringFilter
	Work      *StringFilter
	Publisher *StringFilter
	Language  *StringFilter
	DeadLink  *bool
	Published *DateFilter
}

// MilitaryStrengthFilter selects personnel figures.
type MilitaryStrengthFilter struct {
	And          []*MilitaryStrengthFilter
	Or           []*MilitaryStrengthFilter
	Not          *MilitaryStrengthFilter
	Year         *IntFilter
	Active       *IntFilter
	Reserve      *IntFilter
	Paramilitary *IntFilter
	Total        *IntFilter
	State        *StateFilter
}

// CheckFilter bounds a filter: nesting at most MaxFilterDepth, at most MaxFilterTerms
// conditions, lists of at most MaxFilterListItems values and texts of at most MaxFilterText
// characters. name is the argument's name, used in the error.
func CheckFilter(name string, f any) error {
	terms := 0
	var walk func(v reflect.Value, path string, depth int) error
	walk = func(v reflect.Value, path string, depth int) error {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			if depth > MaxFilterDepth {
				return Errorf(BadUserInput, "%s: filters nest deeper than %d levels", path, MaxFilterDepth)
			}
			if _, ok := v.Interface().(Date); ok {
				return nil
			}
			if mf, ok := v.Interface().(MembershipFilter); ok && len(mf.DisputedBetween) > 2 {
				return Errorf(BadUserInput, "%s.disputedBetween: give one document or two, got %d", path, len(mf.DisputedBetween))
			}
			for i := 0; i < v.NumField(); i++ {
				fv := v.Field(i)
				if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice) && fv.IsNil() {
					continue
				}
				field := lowerFirst(v.Type().Field(i).Name)
				terms++
				if terms > MaxFilterTerms {
					return Errorf(BadUserInput, "%s: a filter may hold at most %d conditions", name, MaxFilterTerms)
				}
				if err := walk(fv, path+"."+field, depth+1); err != nil {
					return err
				}
			}
		case reflect.Slice:
			if v.Len() > MaxFilterListItems {
				return Errorf(BadUserInput, "%s: at most %d values, got %d", path, MaxFilterListItems, v.Len())
			}
			for i := 0; i < v.Len(); i++ {
				if err := walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth); err != nil {
					return err
				}
			}
		case reflect.String:
			if n := len([]rune(v.String())); n > MaxFilterText {
				return Errorf(BadUserInput, "%s: text longer than %d characters", path, MaxFilterText)
			}
		}
		return nil
	}
	return walk(reflect.ValueOf(f), name, 0)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// asciiLower lowers ASCII letters only, as SQLite's lower() does, so that "contains" means
// the same in memory and in SQL.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Match reports whether a possibly absent text passes the filter.
func (f *StringFilter) Match(v *string) bool {
	if f == nil {
		return true
	}
	if f.IsNull != nil && *f.IsNull != (v == nil) {
		return false
	}
	if v == nil {
		return f.Eq == nil && len(f.In) == 0 && f.Contains == nil
	}
	switch {
	case f.Eq != nil && *v != *f.Eq,
		f.Ne != nil && *v == *f.Ne,
		len(f.In) > 0 && !slices.Contains(f.In, *v),
		len(f.Nin) > 0 && slices.Contains(f.Nin, *v),
		f.Contains != nil && !strings.Contains(asciiLower(*v), asciiLower(*f.Contains)):
		return false
	}
	return true
}

// Match reports whether a possibly absent date passes the filter.
func (f *DateFilter) Match(d *PartialDate) bool {
	if f == nil {
		return true
	}
	if f.IsNull != nil && *f.IsNull != (d == nil) {
		return false
	}
	if d == nil {
		return f.Eq == nil && f.Lt == nil && f.Lte == nil && f.Gt == nil && f.Gte == nil
	}
	same := func(x *Date) bool { return d.First() == x.First() && d.Last() == x.Last() }
	switch {
	case f.Eq != nil && !same(f.Eq),
		f.Ne != nil && same(f.Ne),
		f.Lt != nil && !(d.Last() < f.Lt.First()),
		f.Lte != nil && !(d.First() <= f.Lte.Last()),
		f.Gt != nil && !(d.First() > f.Gt.Last()),
		f.Gte != nil && !(d.Last() >= f.Gte.First()):
		return false
	}
	return true
}

func matchEnum[T comparable](v *T, eq *T, in, nin []T) bool {
	if v == nil {
		return eq == nil && len(in) == 0
	}
	switch {
	case eq != nil && *v != *eq,
		len(in) > 0 && !slices.Contains(in, *v),
		len(nin) > 0 && slices.Contains(nin, *v):
		return false
	}
	return true
}

// Match reports whether a stint passes the filter, its at and during as sure as the
// filter's Certainty asks (Known when none is given).
func (f *MembershipFilter) Match(m *Membership) bool { return f.MatchAs(m, Known) }

// MatchAs is Match with want as the certainty of the filter and of the filters inside it
// that give none of their own.
func (f *MembershipFilter) MatchAs(m *Membership, want Certainty) bool {
	if f == nil {
		return true
	}
	if f.Certainty != nil {
		want = *f.Certainty
	}
	for _, g := range f.And {
		if !g.MatchAs(m, want) {
			return false
		}
	}
	if len(f.Or) > 0 && !slices.ContainsFunc(f.Or, func(g *MembershipFilter) bool { return g.MatchAs(m, want) }) {
		return false
	}
	if f.Not != nil && f.Not.MatchAs(m, want) {
		return false
	}
	if !f.Member.Match(&m.MemberSlug) || !f.Organization.Match(&m.OrganizationSlug) ||
		!f.Start.Match(m.Start) || !f.End.Match(m.End) {
		return false
	}
	if f.Role != nil && !matchEnum(&m.Role, f.Role.Eq, f.Role.In, f.Role.Nin) {
		return false
	}
	if f.EndReason != nil {
		if f.EndReason.IsNull != nil && *f.EndReason.IsNull != (m.EndReason == nil) {
			return false
		}
		if !matchEnum(m.EndReason, f.EndReason.Eq, f.EndReason.In, f.EndReason.Nin) {
			return false
		}
	}
	if f.Disputed != nil && *f.Disputed != m.Disputed {
		return false
	}
	if len(f.DisputedBetween) > 0 && !m.DisputedBetween(f.DisputedBetween) {
		return false
	}
	if f.At != nil && !want.Admits(m.Covers(f.At.PartialDate)) {
		return false
	}
	if f.During != nil && !want.Admits(m.Span.CoversPeriod(f.During.Period())) {
		return false
	}
	return true
}
