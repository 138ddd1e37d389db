package sqlite

import (
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// cond is a piece of SQL WHERE clause with its parameters, written with plain ? markers.
type cond struct {
	sql  string
	args []any
}

var always1 = cond{sql: "1"}

func and(cs ...cond) cond {
	var parts []string
	var args []any
	for _, c := range cs {
		if c.sql == "" || c.sql == "1" {
			continue
		}
		parts = append(parts, "("+c.sql+")")
		args = append(args, c.args...)
	}
	if len(parts) == 0 {
		return always1
	}
	return cond{strings.Join(parts, " AND "), args}
}

func or(cs ...cond) cond {
	if len(cs) == 0 {
		return always1
	}
	var parts []string
	var args []any
	for _, c := range cs {
		parts = append(parts, "("+c.sql+")")
		args = append(args, c.args...)
	}
	return cond{strings.Join(parts, " OR "), args}
}

func not(c cond) cond { return cond{"NOT (" + c.sql + ")", c.args} }

// combine applies and/or/not of a filter of type F, given a compiler for one F.
func combine[F any](and_, or_ []*F, not_ *F, compile func(*F) cond) []cond {
	var cs []cond
	for _, f := range and_ {
		cs = append(cs, compile(f))
	}
	if len(or_) > 0 {
		var alts []cond
		for _, f := range or_ {
			alts = append(alts, compile(f))
		}
		cs = append(cs, or(alts...))
	}
	if not_ != nil {
		cs = append(cs, not(compile(not_)))
	}
	return cs
}

// nullCond keeps absent values (isNull true) or present ones (false) of col.
func nullCond(col string, isNull *bool) cond {
	switch {
	case isNull == nil:
		return always1
	case *isNull:
		return cond{sql: col + " IS NULL"}
	}
	return cond{sql: col + " IS NOT NULL"}
}

// stringCond compiles a StringFilter on a nullable text column, as StringFilter.Match does.
func stringCond(col string, f *kg.StringFilter) cond {
	if f == nil {
		return always1
	}
	var cs []cond
	cs = append(cs, nullCond(col, f.IsNull))
	if f.Eq != nil {
		cs = append(cs, cond{col + " = ?", []any{*f.Eq}})
	}
	if f.Ne != nil {
		cs = append(cs, cond{"(" + col + " IS NULL OR " + col + " != ?)", []any{*f.Ne}})
	}
	if len(f.In) > 0 {
		cs = append(cs, cond{col + " IN (SELECT value FROM json_each(?))", []any{keysJSON(f.In)}})
	}
	if len(f.Nin) > 0 {
		cs = append(cs, cond{"(" + col + " IS NULL OR " + col + " NOT IN (SELECT value FROM json_each(?)))", []any{keysJSON(f.Nin)}})
	}
	if f.Contains != nil {
		cs = append(cs, cond{"instr(lower(" + col + "), lower(?)) > 0", []any{*f.Contains}})
	}
	return and(cs...)
}

// enumCond compiles eq/in/nin (and isNull) on a nullable enum column.
func enumCond[T ~string](col string, eq *T, in, nin []T, isNull *bool) cond {
	var cs []cond
	cs = append(cs, nullCond(col, isNull))
	if eq != nil {
		cs = append(cs, cond{col + " = ?", []any{string(*eq)}})
	}
	if len(in) > 0 {
		cs = append(cs, cond{col + " IN (SELECT value FROM json_each(?))", []any{keysJSON(in)}})
	}
	if len(nin) > 0 {
		cs = append(cs, cond{"(" + col + " IS NULL OR " + col + " NOT IN (SELECT value FROM json_each(?)))", []any{keysJSON(nin)}})
	}
	return and(cs...)
}

// intCond compiles an IntFilter on a nullable integer column.
func intCond(col string, f *kg.IntFilter) cond {
	if f == nil {
		return always1
	}
	var cs []cond
	cs = append(cs, nullCond(col, f.IsNull))
	cmp := func(op string, v *int) {
		if v != nil {
			cs = append(cs, cond{col + " " + op + " ?", []any{*v}})
		}
	}
	cmp("=", f.Eq)
	if f.Ne != nil {
		cs = append(cs, cond{"(" + col + " IS NULL OR " + col + " != ?)", []any{*f.Ne}})
	}
	cmp("<", f.Lt)
	cmp("<=", f.Lte)
	cmp(">", f.Gt)
	cmp(">=", f.Gte)
	if len(f.In) > 0 {
		cs = append(cs, cond{col + " IN (SELECT value FROM json_each(?))", []any{keysJSON(f.In)}})
	}
	if len(f.Nin) > 0 {
		cs = append(cs, cond{"(" + col + " IS NULL OR " + col + " NOT IN (SELECT value FROM json_each(?)))", []any{keysJSON(f.Nin)}})
	}
	return and(cs...)
}

// dateCond compiles a DateFilter on a nullable date stored as its first and last day, as
// DateFilter.Match does.
func dateCond(lo, hi string, f *kg.DateFilter) cond {
	if f == nil {
		return always1
	}
	var cs []cond
	cs = append(cs, nullCond(lo, f.IsNull))
	if f.Eq != nil {
		cs = append(cs, cond{lo + " = ? AND " + hi + " = ?", []any{f.Eq.First(), f.Eq.Last()}})
	}
	if f.Ne != nil {
		cs = append(cs, cond{"NOT (" + lo + " IS NOT NULL AND " + lo + " = ? AND " + hi + " = ?)", []any{f.Ne.First(), f.Ne.Last()}})
	}
	if f.Lt != nil {
		cs = append(cs, cond{hi + " < ?", []any{f.Lt.First()}})
	}
	if f.Lte != nil {
		cs = append(cs, cond{lo + " <= ?", []any{f.Lte.Last()}})
	}
	if f.Gt != nil {
		cs = append(cs, cond{lo + " > ?", []any{f.Gt.Last()}})
	}
	if f.Gte != nil {
		cs = append(cs, cond{hi + " >= ?", []any{f.Gte.First()}})
	}
	return and(cs...)
}

// membershipCond compiles a MembershipFilter over the memberships table aliased m, as
// MembershipFilter.Match does.
func membershipCond(m string, f *kg.MembershipFilter) cond { return membershipCondAs(m, f, kg.Known) }

// membershipCondAs compiles f as MembershipFilter.MatchAs matches, with want the certainty of
// its at and during unless it gives its own.
func membershipCondAs(m string, f *kg.MembershipFilter, want kg.Certainty) cond {
	if f == nil {
		return always1
	}
	if f.Certainty != nil {
		want = *f.Certainty
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.MembershipFilter) cond { return membershipCondAs(m, g, want) })
	cs = append(cs, stringCond(m+".member", f.Member), stringCond(m+".organization", f.Organization),
		dateCond(m+".start_lo", m+".start_hi", f.Start), dateCond(m+".end_lo", m+".end_hi", f.End))
	if f.Role != nil {
		cs = append(cs, enumCond(m+".role", f.Role.Eq, f.Role.In, f.Role.Nin, nil))
	}
	if f.EndReason != nil {
		cs = append(cs, enumCond(m+".end_reason", f.EndReason.Eq, f.EndReason.In, f.EndReason.Nin, f.EndReason.IsNull))
	}
	if f.Disputed != nil {
		cs = append(cs, cond{"COALESCE((SELECT disputed FROM memberships dp WHERE dp.slug = " + m + ".slug), 0) = ?", []any{*f.Disputed}})
	}
	if len(f.DisputedBetween) > 0 {
		cs = append(cs, disputedBetweenCond(m, f.DisputedBetween))
	}
	if f.At != nil {
		cs = append(cs, spanCond(m, want, f.At.First(), f.At.Last()))
	}
	if f.During != nil {
		p := f.During.Period()
		cs = append(cs, spanCond(m, want, p.Lo(), p.Hi()))
	}
	return and(cs...)
}

// sqlExpr is SQL text that stands for a value in a span condition, e.g. a column of a join.
type sqlExpr string

// The span conditions, as kg.Span.CoversRange states them, over the span columns of the rows
// of {m} (see migration/003_certainty.sql) and the days {lo}..{hi}. A year without data counts
// against certainty only when every year the row certainly shares with the days lacks data.
const (
	possibleTmpl = "{m}.start_earliest <= {hi} AND {m}.end_latest >= {lo}"
	knownTmpl    = "{m}.start_latest <= {hi} AND {m}.end_earliest >= {lo} AND ({m}.unknown IS NULL OR " +
		"(SELECT COUNT(*) FROM json_each({m}.unknown) WHERE value BETWEEN " +
		"max(min({m}.start_latest, {m}.end_earliest), {lo}) / 10000 AND min(max({m}.start_latest, {m}.end_earliest), {hi}) / 10000) < " +
		"min(max({m}.start_latest, {m}.end_earliest), {hi}) / 10000 - max(min({m}.start_latest, {m}.end_earliest), {lo}) / 10000 + 1)"
)

// spanCond keeps the rows of m that cover the days lo..hi as sure as want asks. lo and hi
// are day numbers (ints, passed as parameters) or sqlExpr.
func spanCond(m string, want kg.Certainty, lo, hi any) cond {
	if want == kg.Possible {
		return expandSpan(possibleTmpl, m, lo, hi)
	}
	return expandSpan(knownTmpl, m, lo, hi)
}

// knownExpr is the SQL of the Known condition, for use as a value (1 or 0).
func knownExpr(m string, lo, hi any) cond { return expandSpan(knownTmpl, m, lo, hi) }

// expandSpan writes a span template for table alias m, each {lo} and {hi} a parameter (in
// the order they appear) or the SQL expression given.
func expandSpan(tmpl, m string, lo, hi any) cond {
	var b strings.Builder
	var args []any
	put := func(v any) {
		if e, ok := v.(sqlExpr); ok {
			b.WriteString("(" + string(e) + ")")
			return
		}
		b.WriteByte('?')
		args = append(args, v)
	}
	for len(tmpl) > 0 {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		tmpl = tmpl[i:]
		switch {
		case strings.HasPrefix(tmpl, "{m}"):
			b.WriteString(m)
			tmpl = tmpl[3:]
		case strings.HasPrefix(tmpl, "{lo}"):
			put(lo)
			tmpl = tmpl[4:]
		case strings.HasPrefix(tmpl, "{hi}"):
			put(hi)
			tmpl = tmpl[4:]
		default:
			b.WriteByte('{')
			tmpl = tmpl[1:]
		}
	}
	return cond{b.String(), args}
}

// relationCond keeps the actors (column actor) with some / no stint matching, where side
// is the memberships column the actor appears in ("member" or "organization").
func relationCond(actor, side string, f *kg.MembershipRelationFilter) cond {
	if f == nil {
		return always1
	}
	var cs []cond
	sub := func(g *kg.MembershipFilter) cond {
		inner := membershipCond("rm", g)
		return cond{"EXISTS (SELECT 1 FROM memberships rm WHERE rm." + side + " = " + actor + " AND " + inner.sql + ")", inner.args}
	}
	if f.Some != nil {
		cs = append(cs, sub(f.Some))
	}
	if f.None != nil {
		cs = append(cs, not(sub(f.None)))
	}
	return and(cs...)
}

func stateCond(a string, f *kg.StateFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.StateFilter) cond { return stateCond(a, g) })
	cs = append(cs, stringCond(a+".slug", f.Slug), stringCond(a+".name", f.Name),
		stringCond(a+".iso2", f.Iso2), stringCond(a+".iso3", f.Iso3),
		relationCond(a+".slug", "member", f.Memberships))
	if f.Recognition != nil {
		cs = append(cs, enumCond(a+".recognition", f.Recognition.Eq, f.Recognition.In, f.Recognition.Nin, nil))
	}
	return and(cs...)
}

func organizationCond(a string, f *kg.OrganizationFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.OrganizationFilter) cond { return organizationCond(a, g) })
	cs = append(cs, stringCond(a+".slug", f.Slug), stringCond(a+".name", f.Name),
		stringCond(a+".acronym", f.Acronym), stringCond(a+".type", f.Type), stringCond(a+".parent", f.Parent),
		dateCond(a+".founded_lo", a+".founded_hi", f.Founded),
		relationCond(a+".slug", "organization", f.Members), relationCond(a+".slug", "member", f.Memberships))
	return and(cs...)
}

func personCond(p string, f *kg.PersonFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.PersonFilter) cond { return personCond(p, g) })
	cs = append(cs, stringCond(p+".slug", f.Slug), stringCond(p+".name", f.Name))
	return and(cs...)
}

func eventCond(e string, f *kg.EventFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.EventFilter) cond { return eventCond(e, g) })
	cs = append(cs, stringCond(e+".slug", f.Slug), stringCond(e+".title", f.Title),
		dateCond(e+".date_lo", e+".date_hi", f.Date), stringCond(e+".place", f.Place))
	if f.Kind != nil {
		cs = append(cs, enumCond(e+".kind", f.Kind.Eq, f.Kind.In, f.Kind.Nin, nil))
	}
	involves := func(role string, sf *kg.StringFilter) {
		if sf == nil {
			return
		}
		inner := stringCond("iv.key", sf)
		cs = append(cs, cond{"EXISTS (SELECT 1 FROM involvement iv WHERE iv.event = " + e + ".slug AND iv.role = '" + role + "' AND " + inner.sql + ")", inner.args})
	}
	involves("participant", f.Participant)
	involves("person", f.Person)
	return and(cs...)
}

func citationCond(c string, f *kg.CitationFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.CitationFilter) cond { return citationCond(c, g) })
	cs = append(cs, stringCond(c+".document", f.Document), intCond(c+".number", f.Number),
		stringCond(c+".title", f.Title), stringCond(c+".work", f.Work), stringCond(c+".publisher", f.Publisher),
		stringCond(c+".language", f.Language), dateCond(c+".published_lo", c+".published_hi", f.Published))
	if f.DeadLink != nil {
		cs = append(cs, cond{c + ".dead_link = ?", []any{*f.DeadLink}})
	}
	return and(cs...)
}

func figureCond(fg string, f *kg.MilitaryStrengthFilter) cond {
	if f == nil {
		return always1
	}
	cs := combine(f.And, f.Or, f.Not, func(g *kg.MilitaryStrengthFilter) cond { return figureCond(fg, g) })
	cs = append(cs, intCond(fg+".year", f.Year), intCond(fg+".active", f.Active), intCond(fg+".reserve", f.Reserve),
		intCond(fg+".paramilitary", f.Paramilitary), intCond(fg+".total", f.Total))
	if f.State != nil {
		inner := stateCond("fs", f.State)
		cs = append(cs, cond{"EXISTS (SELECT 1 FROM actors fs WHERE fs.slug = " + fg + ".state AND " + inner.sql + ")", inner.args})
	}
	return and(cs...)
}

// disputedBetweenCond keeps the stints of m whose claims disagree between the documents, as
// kg.Membership.DisputedBetween: the pair of two, or any pair with the one. The stint's pairs
// are read by its slug, so that the condition runs on a claims row (its stint's disputes) and
// on a year without data (no stint: none) as on a stint.
func disputedBetweenCond(m string, docs []string) cond {
	col := "(SELECT dispute_pairs FROM memberships dp WHERE dp.slug = " + m + ".slug)"
	switch len(docs) {
	case 1:
		return cond{"EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value LIKE ? ESCAPE '\\' OR value LIKE ? ESCAPE '\\')",
			[]any{likeEscape(docs[0]) + "|%", "%|" + likeEscape(docs[0])}}
	case 2:
		return cond{"EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value = ?)", []any{kg.PairKey(docs[0], docs[1])}}
	}
	return cond{sql: "0"}
}

// likeEscape escapes the LIKE wildcards of s, for a pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
