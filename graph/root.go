package graph

// Root is the ResolverRoot to execute with: it answers each of r's resolver accessors with a
// value made once, where the accessors gqlgen writes make a new one on every call, which is
// for every resolved field of every object. A type that gains resolvers in the schema adds a
// method to ResolverRoot, and this file stops compiling until it is added here.
func Root(r *Resolver) ResolverRoot {
	return &root{
		citation:         r.Citation(),
		document:         r.Document(),
		event:            r.Event(),
		membership:       r.Membership(),
		membershipClaim:  r.MembershipClaim(),
		militaryStrength: r.MilitaryStrength(),
		organization:     r.Organization(),
		person:           r.Person(),
		place:            r.Place(),
		position:         r.Position(),
		provision:        r.Provision(),
		query:            r.Query(),
		quote:            r.Quote(),
		source:           r.Source(),
		state:            r.State(),
	}
}

type root struct {
	citation         CitationResolver
	document         DocumentResolver
	event            EventResolver
	membership       MembershipResolver
	membershipClaim  MembershipClaimResolver
	militaryStrength MilitaryStrengthResolver
	organization     OrganizationResolver
	person           PersonResolver
	place            PlaceResolver
	position         PositionResolver
	provision        ProvisionResolver
	query            QueryResolver
	quote            QuoteResolver
	source           SourceResolver
	state            StateResolver
}

func (x *root) Citation() CitationResolver                 { return x.citation }
func (x *root) Document() DocumentResolver                 { return x.document }
func (x *root) Event() EventResolver                       { return x.event }
func (x *root) Membership() MembershipResolver             { return x.membership }
func (x *root) MembershipClaim() MembershipClaimResolver   { return x.membershipClaim }
func (x *root) MilitaryStrength() MilitaryStrengthResolver { return x.militaryStrength }
func (x *root) Organization() OrganizationResolver         { return x.organization }
func (x *root) Person() PersonResolver                     { return x.person }
func (x *root) Place() PlaceResolver                       { return x.place }
func (x *root) Position() PositionResolver                 { return x.position }
func (x *root) Provision() ProvisionResolver               { return x.provision }
func (x *root) Query() QueryResolver                       { return x.query }
func (x *root) Quote() QuoteResolver                       { return x.quote }
func (x *root) Source() SourceResolver                     { return x.source }
func (x *root) State() StateResolver                       { return x.state }
