package kg

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// unmarshalEnum reads a GraphQL enum value into dst, accepting only the listed values.
func unmarshalEnum[T ~string](v any, dst *T, valid []T) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(BadUserInput, "enum value must be a string, got %s", Describe(v))
	}
	if !slices.Contains(valid, T(s)) {
		return Errorf(BadUserInput, "%s is not a valid %T value", QuoteInput(s), *dst)
	}
	*dst = T(s)
	return nil
}

// marshalEnum writes an enum value as a JSON string. A GraphQL name (letters, digits and
// underscores) needs no escape, and is written between quotes as it is, without a copy;
// anything else is quoted.
func marshalEnum(w io.Writer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '_' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			_, _ = io.WriteString(w, strconv.Quote(s))
			return
		}
	}
	_, _ = io.WriteString(w, `"`)
	_, _ = io.WriteString(w, s)
	_, _ = io.WriteString(w, `"`)
}

// ParseEnum checks s against the values of an enum, for the seed loader.
func ParseEnum[T ~string](s string, valid []T) (T, error) {
	if !slices.Contains(valid, T(s)) {
		return "", fmt.Errorf("unknown value %q (want one of %v)", s, valid)
	}
	return T(s), nil
}

// Recognition is how widely a state is recognised.
type Recognition string

// The recognition statuses.
const (
	UNMember            Recognition = "UN_MEMBER"
	PartiallyRecognized Recognition = "PARTIALLY_RECOGNIZED"
	Unrecognized        Recognition = "UNRECOGNIZED"
)

// Recognitions lists every Recognition value.
var Recognitions = []Recognition{UNMember, PartiallyRecognized, Unrecognized, FormerState, OutsideUN}

// UnmarshalGQL reads an enum value.
func (e *Recognition) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, Recognitions) }

// MarshalGQL writes an enum value.
func (e Recognition) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// MembershipRole is the standing of a member in an organization.
type MembershipRole string

// The membership roles.
const (
	RoleMember      MembershipRole = "MEMBER"
	RoleObserver    MembershipRole = "OBSERVER"
	RoleAssociate   MembershipRole = "ASSOCIATE"
	RolePartner     MembershipRole = "PARTNER"
	RoleProspective MembershipRole = "PROSPECTIVE"
)

// MembershipRoles lists every MembershipRole value.
var MembershipRoles = []MembershipRole{RoleMember, RoleObserver, RoleAssociate, RolePartner, RoleProspective}

// UnmarshalGQL reads an enum value.
func (e *MembershipRole) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, MembershipRoles) }

// MarshalGQL writes an enum value.
func (e MembershipRole) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// MembershipEnd is why a stint ended.
type MembershipEnd string

// The ways a stint can end.
const (
	EndWithdrawn  MembershipEnd = "WITHDRAWN"
	EndSuspended  MembershipEnd = "SUSPENDED"
	EndNotRenewed MembershipEnd = "NOT_RENEWED"
	EndExpelled   MembershipEnd = "EXPELLED"
	EndDissolved  MembershipEnd = "DISSOLVED"
)

// MembershipEnds lists every MembershipEnd value.
var MembershipEnds = []MembershipEnd{EndWithdrawn, EndSuspended, EndNotRenewed, EndExpelled, EndDissolved}

// UnmarshalGQL reads an enum value.
func (e *MembershipEnd) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, MembershipEnds) }

// MarshalGQL writes an enum value.
func (e MembershipEnd) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// EventKind classifies an event.
type EventKind string

// EventKinds lists every EventKind value.
var EventKinds = []EventKind{
	"TREATY_SIGNING", "TREATY_IN_FORCE", "TREATY_RENEWAL", "FOUNDING", "ACCESSION",
	"RATIFICATION", "WITHDRAWAL", "SUSPENSION", "OBSERVER_STATUS", "EXERCISE", "SUMMIT",
	"MEETING", "AGREEMENT", "DECLARATION", "PRESIDENCY", "APPOINTMENT", "RECOGNITION",
	"STATEMENT", "BOYCOTT", "SANCTION", "CONFLICT", "OTHER",
}

// UnmarshalGQL reads an enum value.
func (e *EventKind) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, EventKinds) }

// MarshalGQL writes an enum value.
func (e EventKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// QuantityQualifier says how exact a figure is.
type QuantityQualifier string

// The quantity qualifiers.
const (
	Exact       QuantityQualifier = "EXACT"
	Approximate QuantityQualifier = "APPROXIMATE"
	AtLeast     QuantityQualifier = "AT_LEAST"
	AtMost      QuantityQualifier = "AT_MOST"
)

// QuantityQualifiers lists every QuantityQualifier value.
var QuantityQualifiers = []QuantityQualifier{Exact, Approximate, AtLeast, AtMost}

// UnmarshalGQL reads an enum value.
func (e *QuantityQualifier) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, e, QuantityQualifiers)
}

// MarshalGQL writes an enum value.
func (e QuantityQualifier) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// SectionKind says what part of a document a section is.
type SectionKind string

// SectionKinds lists every SectionKind value.
var SectionKinds = []SectionKind{"TEXT", "TABLE", "FIGURE", "INFOBOX", "NOTES"}

// UnmarshalGQL reads an enum value.
func (e *SectionKind) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, SectionKinds) }

// MarshalGQL writes an enum value.
func (e SectionKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// ProvisionKind classifies a provision of an organization.
type ProvisionKind string

// ProvisionKinds lists every ProvisionKind value.
var ProvisionKinds = []ProvisionKind{"CHARTER", "POLICY", "PRACTICE", "PROPOSAL"}

// UnmarshalGQL reads an enum value.
func (e *ProvisionKind) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, ProvisionKinds) }

// MarshalGQL writes an enum value.
func (e ProvisionKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// Recognition values for states that only a dataset knows.
const (
	// FormerState is a state that has left the state system (Bavaria, the GDR ...).
	FormerState Recognition = "FORMER_STATE"
	// OutsideUN is a state of the state system that is not a UN member state; how widely it
	// is recognised is not recorded.
	OutsideUN Recognition = "OUTSIDE_UN"
)

// OrganizationEnd is how an organization came to an end.
type OrganizationEnd string

// The ways an organization can end.
const (
	OrgIntegrated OrganizationEnd = "INTEGRATED"
	OrgReplaced   OrganizationEnd = "REPLACED"
	OrgDissolved  OrganizationEnd = "DISSOLVED"
)

// OrganizationEnds lists every OrganizationEnd value.
var OrganizationEnds = []OrganizationEnd{OrgIntegrated, OrgReplaced, OrgDissolved}

// UnmarshalGQL reads an enum value.
func (e *OrganizationEnd) UnmarshalGQL(v any) error { return unmarshalEnum(v, e, OrganizationEnds) }

// MarshalGQL writes an enum value.
func (e OrganizationEnd) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }

// OrganizationPurpose is a purpose an organization serves, as the COW IGO dataset codes it.
type OrganizationPurpose string

// The purposes.
const (
	PurposePolitical OrganizationPurpose = "POLITICAL"
	PurposeSocial    OrganizationPurpose = "SOCIAL"
	PurposeEconomic  OrganizationPurpose = "ECONOMIC"
)

// OrganizationPurposes lists every OrganizationPurpose value.
var OrganizationPurposes = []OrganizationPurpose{PurposePolitical, PurposeSocial, PurposeEconomic}

// UnmarshalGQL reads an enum value.
func (e *OrganizationPurpose) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, e, OrganizationPurposes)
}

// MarshalGQL writes an enum value.
func (e OrganizationPurpose) MarshalGQL(w io.Writer) { marshalEnum(w, string(e)) }
