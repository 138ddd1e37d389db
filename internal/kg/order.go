package kg

import "io"

// OrderDirection is the direction of one ordering key.
type OrderDirection string

// The directions.
const (
	Asc  OrderDirection = "ASC"
	Desc OrderDirection = "DESC"
)

var orderDirections = []OrderDirection{Asc, Desc}

// UnmarshalGQL reads an enum value.
func (e *OrderDirection) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, orderDirections) }

// MarshalGQL writes an enum value.
func (e OrderDirection) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// StateOrderField is what states can be ordered by.
type StateOrderField string

var stateOrderFields = []StateOrderField{"NAME", "SLUG", "ISO2", "ISO3", "RECOGNITION"}

// UnmarshalGQL reads an enum value.
func (e *StateOrderField) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, stateOrderFields) }

// MarshalGQL writes an enum value.
func (e StateOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// StateOrder is one key of an ordering of states.
type StateOrder struct {
	Field     StateOrderField
	Direction OrderDirection
}

// OrganizationOrderField is what organizations can be ordered by.
type OrganizationOrderField string

var organizationOrderFields = []OrganizationOrderField{"NAME", "SLUG", "ACRONYM", "FOUNDED"}

// UnmarshalGQL reads an enum value.
func (e *OrganizationOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, e, organizationOrderFields)
}

// MarshalGQL writes an enum value.
func (e OrganizationOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// OrganizationOrder is one key of an ordering of organizations.
type OrganizationOrder struct {
	Field     OrganizationOrderField
	Direction OrderDirection
}

// PersonOrderField is what people can be ordered by.
type PersonOrderField string

var personOrderFields = []PersonOrderField{"NAME", "SLUG"}

// UnmarshalGQL reads an enum value.
func (e *PersonOrderField) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, personOrderFields) }

// MarshalGQL writes an enum value.
func (e PersonOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// PersonOrder is one key of an ordering of people.
type PersonOrder struct {
	Field     PersonOrderField
	Direction OrderDirection
}

// EventOrderField is what events can be ordered by.
type EventOrderField string

var eventOrderFields = []EventOrderField{"DATE", "TITLE", "KIND", "SLUG"}

// UnmarshalGQL reads an enum value.
func (e *EventOrderField) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, eventOrderFields) }

// MarshalGQL writes an enum value.
func (e EventOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// EventOrder is one key of an ordering of events.
type EventOrder struct {
	Field     EventOrderField
	Direction OrderDirection
}

// CitationOrderField is what footnotes can be ordered by.
type CitationOrderField string

var citationOrderFields = []CitationOrderField{"NUMBER", "TITLE", "PUBLISHED"}

// UnmarshalGQL reads an enum value.
func (e *CitationOrderField) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, e, citationOrderFields)
}

// MarshalGQL writes an enum value.
func (e CitationOrderField) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// CitationOrder is one key of an ordering of footnotes.
type CitationOrder struct {
	Field     CitationOrderField
	Direction OrderDirection
}

// OrderKey is one resolved ordering key: a field name and whether it runs backwards.
type OrderKey struct {
	Field string
	Desc  bool
}

// OrderKeys turns an orderBy argument into keys, rejecting a field named twice.
func OrderKeys[F ~string](fields []F, dirs []OrderDirection) ([]OrderKey, error) {
	var keys []OrderKey
	seen := map[F]bool{}
	for i, f := range fields {
		if seen[f] {
			return nil, Errorf(BadUserInput, "orderBy: %s is given twice", f)
		}
		seen[f] = true
		keys = append(keys, OrderKey{Field: string(f), Desc: dirs[i] == Desc})
	}
	return keys, nil
}
