package kg

import (
	"encoding/base64"
	"strings"
)

// Node kinds: the GraphQL type names that IDs are derived from.
const (
	KindState            = "State"
	KindOrganization     = "Organization"
	KindMembership       = "Membership"
	KindEvent            = "Event"
	KindPlace            = "Place"
	KindPerson           = "Person"
	KindPosition         = "Position"
	KindQuote            = "Quote"
	KindMilitaryStrength = "MilitaryStrength"
	KindDocument         = "Document"
	KindCitation         = "Citation"
	KindProvision        = "Provision"
)

// NodeKinds lists every kind a public ID may name.
var NodeKinds = []string{
	KindState, KindOrganization, KindMembership, KindEvent, KindPlace, KindPerson,
	KindPosition, KindQuote, KindMilitaryStrength, KindDocument, KindCitation, KindProvision,
}

// Ref names one record of the graph by kind and natural key (slug, or document/number for a
// citation). It is what a public ID encodes.
type Ref struct {
	Kind string
	Key  string
}

// ID is the public, opaque form of the reference. It depends only on kind and key, so it is
// stable across rebuilds of the same seeds.
func (r Ref) ID() string {
	return base64.RawURLEncoding.EncodeToString([]byte(r.Kind + ":" + r.Key))
}

// String is "Kind:key", the form used inside the database.
func (r Ref) String() string { return r.Kind + ":" + r.Key }

// ParseRef reads the "Kind:key" form.
func ParseRef(s string) (Ref, bool) {
	kind, key, ok := strings.Cut(s, ":")
	if !ok || key == "" {
		return Ref{}, false
	}
	for _, k := range NodeKinds {
		if k == kind {
			return Ref{Kind: kind, Key: key}, true
		}
	}
	return Ref{}, false
}

// DecodeID reads a public ID. An ID that was not made by this service is a user error.
func DecodeID(id string) (Ref, error) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return Ref{}, Errorf(BadUserInput, "invalid ID %s: not an ID issued by this service", QuoteInput(id))
	}
	r, ok := ParseRef(string(raw))
	if !ok {
		return Ref{}, Errorf(BadUserInput, "invalid ID %s: not an ID issued by this service", QuoteInput(id))
	}
	return r, nil
}

// NodeID builds the public ID of a record.
func NodeID(kind, key string) string { return Ref{Kind: kind, Key: key}.ID() }
