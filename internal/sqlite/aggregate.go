package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// EventGroup is one group of an event count: a year and/or a kind, when grouped by them.
type EventGroup struct {
	Year  *int
	Kind  *kg.EventKind
	Count int
}

// CountEventsBy counts the events that match q, grouped by the year they began and/or their
// kind, in order of year then kind.
func (s *Store) CountEventsBy(ctx context.Context, q EventQuery, byYear, byKind bool) ([]EventGroup, error) {
	w := q.where()
	rows, err := s.query(ctx, `SELECT CASE WHEN ? THEN e.date_lo / 10000 END AS y, CASE WHEN ? THEN e.kind END AS k, COUNT(*)
		FROM events e WHERE `+w.sql+` GROUP BY y, k ORDER BY y, k`, append([]any{byYear, byKind}, w.args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EventGroup
	for rows.Next() {
		var g EventGroup
		var kind *string
		if err := rows.Scan(&g.Year, &kind, &g.Count); err != nil {
			return nil, err
		}
		if kind != nil {
			k := kg.EventKind(*kind)
			g.Kind = &k
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// MembershipGroup is one group of a stint count.
type MembershipGroup struct {
	Year         *int
	Organization *string
	Member       *string
	Role         *kg.MembershipRole
	Count        int
	// Unknown is, by year, how many stints may but need not cover the year, and how many
	// members a dataset has no data for that year outside its stints.
	Unknown int
}

// MembershipCountQuery says which stints to count and how to group them.
type MembershipCountQuery struct {
	Filter *kg.MembershipFilter
	// Source, when set, counts the stints a document states, as it states them.
	Source                                   string
	ByYear, ByOrganization, ByMember, ByRole bool
	// From and To bound the years of a count by year, both included.
	From, To int
	// Certainty is how sure a stint must be to count in a year (and the filter's at and
	// during, unless it says otherwise): Known (the zero value) or Possible.
	Certainty kg.Certainty
}

// CountMembershipsBy counts the stints that match q, grouped as it asks, in order of the
// groups. By year, a stint counts in every year of From..To that it certainly covers (with
// Possible, also those it may cover), and Unknown counts, beside, the stints that may but
// need not cover the year and the members the counted source(s) have no data for that year
// outside any stint (role null).
func (s *Store) CountMembershipsBy(ctx context.Context, q MembershipCountQuery) ([]MembershipGroup, error) {
	want := q.Certainty
	if want == "" {
		want = kg.Known
	}
	table, unknowns := "memberships m", "unknowns m"
	w := membershipCondAs("m", q.Filter, want)
	if q.Source != "" {
		table = "claims m"
		w = and(cond{"m.document = ?", []any{q.Source}}, w)
	}
	uw := w
	if q.Source == "" {
		// A year a dataset has no data for is not unknown when another source certainly
		// places the member in the organization then.
		k := knownExpr("k", sqlExpr("y * 10000 + 101"), sqlExpr("y * 10000 + 1231"))
		uw = and(w, cond{"NOT EXISTS (SELECT 1 FROM memberships k WHERE k.member = m.member AND k.organization = m.organization AND " + k.sql + ")", k.args})
	}
	groups := `CASE WHEN ? THEN m.organization END AS o, CASE WHEN ? THEN m.member END AS mem,
		CASE WHEN ? THEN m.role END AS r`
	gargs := []any{q.ByOrganization, q.ByMember, q.ByRole}
	var text string
	var args []any
	if q.ByYear {
		known := knownExpr("m", sqlExpr("y * 10000 + 101"), sqlExpr("y * 10000 + 1231"))
		possible := spanCond("m", kg.Possible, sqlExpr("y * 10000 + 101"), sqlExpr("y * 10000 + 1231"))
		counted := "known"
		if want == kg.Possible {
			counted = "stint"
		}
		// Per group, year, member and organization: the stints counted, and whether the
		// member's standing in the organization is unknown (no stint certainly covers the
		// year, but one may, or the dataset has no data); then per group and year, the sums.
		text = `WITH RECURSIVE years(y) AS (SELECT ? UNION ALL SELECT y + 1 FROM years WHERE y < ?)
			SELECT yr, o, mem, r, SUM(n), SUM(u) FROM (
				SELECT y AS yr, o, mem, r, SUM(` + counted + `) AS n, CASE WHEN MAX(known) = 0 THEN 1 ELSE 0 END AS u FROM (
					SELECT y, ` + groups + `, m.member || ' ' || m.organization AS who, CASE WHEN ` + known.sql + ` THEN 1 ELSE 0 END AS known, 1 AS stint
					FROM years JOIN ` + table + ` ON ` + possible.sql + ` WHERE ` + w.sql + `
					UNION ALL
					SELECT y, ` + groups + `, m.member || ' ' || m.organization, 0, 0 FROM years JOIN ` + unknowns + ` ON m.year = y WHERE ` + uw.sql + `
				) GROUP BY y, o, mem, r, who
			) GROUP BY yr, o, mem, r HAVING SUM(n) > 0 OR SUM(u) > 0 ORDER BY yr, o, mem, r`
		args = append(append(append(append([]any{q.From, q.To}, gargs...), known.args...), possible.args...), w.args...)
		args = append(append(args, gargs...), uw.args...)
	} else {
		text = `SELECT NULL AS yr, ` + groups + `, COUNT(*), 0 FROM ` + table + ` WHERE ` + w.sql +
			` GROUP BY yr, o, mem, r ORDER BY yr, o, mem, r`
		args = append(gargs, w.args...)
	}
	rows, err := s.query(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MembershipGroup
	for rows.Next() {
		var g MembershipGroup
		var role *string
		if err := rows.Scan(&g.Year, &g.Organization, &g.Member, &role, &g.Count, &g.Unknown); err != nil {
			return nil, err
		}
		if role != nil {
			r := kg.MembershipRole(*role)
			g.Role = &r
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Stats are the sum, minimum, maximum and mean of one column (FigureStats holds the count).
type Stats struct {
	Sum            float64
	Min, Max, Mean *float64
}

// FigureStats aggregates the personnel figures that match f.
type FigureStats struct {
	Count                                int
	Active, Reserve, Paramilitary, Total Stats
}

// MilitaryStrengthStats aggregates the personnel figures that match f in one statement.
func (s *Store) MilitaryStrengthStats(ctx context.Context, f *kg.MilitaryStrengthFilter) (FigureStats, error) {
	w := figureCond("f", f)
	rows, err := s.query(ctx, `SELECT COUNT(*),
			TOTAL(active), MIN(active), MAX(active), AVG(active),
			TOTAL(reserve), MIN(reserve), MAX(reserve), AVG(reserve),
			TOTAL(paramilitary), MIN(paramilitary), MAX(paramilitary), AVG(paramilitary),
			TOTAL(total), MIN(total), MAX(total), AVG(total)
		FROM figures f WHERE `+w.sql, w.args...)
	if err != nil {
		return FigureStats{}, err
	}
	defer rows.Close()
	var st FigureStats
	if rows.Next() {
		dest := []any{&st.Count}
		for _, c := range []*Stats{&st.Active, &st.Reserve, &st.Paramilitary, &st.Total} {
			dest = append(dest, &c.Sum, &c.Min, &c.Max, &c.Mean)
		}
		if err := rows.Scan(dest...); err != nil {
			return FigureStats{}, err
		}
	}
	return st, rows.Err()
}

// MaxFigures bounds how many figures one list returns.
const MaxFigures = 100

// ListFigures lists the personnel figures that match f, by state name and year, at most
// MaxFigures.
func (s *Store) ListFigures(ctx context.Context, f *kg.MilitaryStrengthFilter) ([]*kg.MilitaryStrength, error) {
	w := figureCond("f", f)
	return scanList[kg.MilitaryStrength](s.query(ctx, `SELECT f.slug, f.data FROM figures f JOIN actors a ON a.slug = f.state
		WHERE `+w.sql+` ORDER BY a.name, f.year, f.slug LIMIT ?`, append(w.args, MaxFigures)...))
}
