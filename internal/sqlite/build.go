package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

//go:embed migration/*.sql
var migrations embed.FS

// Build writes the graph into a new SQLite file at path. It writes a temporary file beside
// path in one transaction and renames it into place, so a failed build never leaves a
// half-written database behind.
func Build(ctx context.Context, g *kg.Graph, path string) (err error) {
	dir := filepath.Dir(path)
	removeStaleTemporaries(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return fmt.Errorf("build: create temporary file: %w", err)
	}
	tmpPath := tmp.Name()
	_ = tmp.Close()
	defer func() {
		if err != nil {
			_ = os.Remove(tmpPath)
			_ = os.Remove(tmpPath + "-journal")
		}
	}()

	// Pages are read through a memory map (the seal and the check read the whole file after
	// the commit): a read system call a page cost about a twentieth of a build's CPU.
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(tmpPath)+
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(off)&_pragma=synchronous(off)&_pragma=mmap_size(1073741824)")
	if err != nil {
		return fmt.Errorf("build: open %s: %w", tmpPath, err)
	}
	db.SetMaxOpenConns(1)
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("build: close: %w", cerr)
		}
	}()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("build: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	files, _ := fs.Glob(migrations, "migration/*.sql")
	sort.Strings(files)
	for _, f := range files {
		ddl, _ := migrations.ReadFile(f)
		if _, err := tx.ExecContext(ctx, string(ddl)); err != nil {
			return fmt.Errorf("build: migration %s: %w", f, err)
		}
	}
	indexes, err := dropIndexes(ctx, tx)
	if err != nil {
		return err
	}
	w := &writer{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
	if err := w.graph(g); err != nil {
		return err
	}
	for _, ddl := range indexes {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("build: %s: %w", ddl, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO search(search) VALUES ('optimize')"); err != nil {
		return fmt.Errorf("build: optimize search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) SELECT 'max_event_span', CAST(COALESCE(MAX(hi - lo), 0) AS TEXT) FROM events"); err != nil {
		return fmt.Errorf("build: event span: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) SELECT 'largest_stint_list', CAST(COALESCE(MAX(n), 0) AS TEXT) FROM ("+largestStintListSQL+")"); err != nil {
		return fmt.Errorf("build: largest stint list: %w", err)
	}
	if err := writeFormat(ctx, tx, g.Version); err != nil {
		return err
	}
	if err := sealHeader(ctx, tx, buildID(g.Version)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("build: analyze: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("build: commit: %w", err)
	}
	if err := seal(ctx, db, tmpPath); err != nil {
		return err
	}
	if err := integrityCheck(ctx, db, "quick_check"); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("build: close: %w", err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("build: rename into place: %w", err)
	}
	return nil
}

// dropIndexes drops the schema's indexes that enforce nothing, and returns the statements
// that create them again: an index built once over the rows, by sorting, costs less than
// one kept up to date row by row.
func dropIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("build: list indexes: %w", err)
	}
	var names, ddl []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("build: list indexes: %w", err)
		}
		names, ddl = append(names, n), append(ddl, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("build: list indexes: %w", err)
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("DROP INDEX %q", n)); err != nil {
			return nil, fmt.Errorf("build: drop index %s: %w", n, err)
		}
	}
	return ddl, nil
}

// writer inserts a graph's records within one transaction, reusing prepared statements.
type writer struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// kinds maps the slug of each state and organization to its node kind; see actor.
	kinds map[string]string
}

func (w *writer) exec(query string, args ...any) error {
	st, ok := w.stmts[query]
	if !ok {
		var err error
		if st, err = w.tx.PrepareContext(w.ctx, query); err != nil {
			return fmt.Errorf("build: prepare %q: %w", query, err)
		}
		w.stmts[query] = st
	}
	if _, err := st.ExecContext(w.ctx, args...); err != nil {
		return fmt.Errorf("build: %q %v: %w", query, args, err)
	}
	return nil
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("build: encode %T: %v", v, err))
	}
	return string(b)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableP(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// link records both directions of an edge between two nodes that holds over p, each of its
// dates exact and an open side unbounded.
func (w *writer) link(a, b kg.Ref, relation, inverse string, fact, cite *kg.Ref, p kg.Period) error {
	return w.linkSpan(a, b, relation, inverse, fact, cite, p, periodSpan(p))
}

// periodSpan is the span of a period whose dates are as exact as they are written and whose
// open sides are unbounded: a link such as a place lying in a state holds at every date.
func periodSpan(p kg.Period) kg.Span {
	s := kg.Span{StartLo: p.Lo(), StartHi: p.Lo(), EndLo: p.Hi(), EndHi: p.Hi()}
	if p.Start != nil {
		s.StartHi = p.Start.Last()
	}
	if p.End != nil {
		s.EndLo = p.End.First()
	}
	return s
}

// holdsAlways reports whether a span holds at every date, as a link without dates does.
func holdsAlways(sp kg.Span) bool {
	return sp.StartLo == kg.OpenStart && sp.StartHi == kg.OpenStart && sp.EndLo == kg.OpenEnd && sp.EndHi == kg.OpenEnd && len(sp.Unknown) == 0
}

// unknownJSON is the years without data of a span as a JSON array, NULL when there are none.
func unknownJSON(years []int) any {
	if len(years) == 0 {
		return nil
	}
	b := make([]byte, 0, 6*len(years)+2)
	b = append(b, '[')
	for i, y := range years {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(y), 10)
	}
	return string(append(b, ']'))
}

// pairsJSON is a stint's disputed pairs of documents as a JSON array, NULL when none.
func pairsJSON(pairs []string) any {
	if len(pairs) == 0 {
		return nil
	}
	return jsonOf(pairs)
}

// linkSpan records both directions of an edge between two nodes, with the period it shows
// and the span of the fact that makes it.
func (w *writer) linkSpan(a, b kg.Ref, relation, inverse string, fact, cite *kg.Ref, p kg.Period, sp kg.Span) error {
	var factS, citeS any
	if fact != nil {
		factS = fact.String()
	}
	if cite != nil {
		citeS = cite.String()
	}
	const q = "INSERT INTO edges (a, b, relation, inverse, fact, cite, lo, hi) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	for _, dir := range [2][4]any{{a.String(), b.String(), relation, inverse}, {b.String(), a.String(), inverse, relation}} {
		if err := w.exec(q, dir[0], dir[1], dir[2], dir[3], factS, citeS, p.Lo(), p.Hi()); err != nil {
			return err
		}
		if holdsAlways(sp) {
			continue
		}
		if err := w.exec(`INSERT INTO edge_spans (edge, start_earliest, start_latest, end_earliest, end_latest, unknown)
				VALUES (last_insert_rowid(), ?, ?, ?, ?, ?)`, sp.StartLo, sp.StartHi, sp.EndLo, sp.EndHi, unknownJSON(sp.Unknown)); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) cite(fact kg.Ref, src *kg.Source) error {
	if src == nil {
		return nil
	}
	for i, n := range src.Notes {
		if err := w.exec("INSERT OR IGNORE INTO fact_citations (fact, document, number, ord) VALUES (?, ?, ?, ?)",
			fact.String(), src.DocumentSlug, n, i); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) index(ref kg.Ref, field, text string) error {
	if text == "" {
		return nil
	}
	return w.exec("INSERT INTO search (ref, field, text) VALUES (?, ?, ?)", ref.String(), field, text)
}

func (w *writer) names(ref kg.Ref, name string, names []kg.LocalizedName, aliases []string) error {
	if err := w.index(ref, "name", name); err != nil {
		return err
	}
	for _, n := range names {
		if err := w.index(ref, "name", n.Text); err != nil {
			return err
		}
		if n.Transliteration != nil {
			if err := w.index(ref, "name", *n.Transliteration); err != nil {
				return err
			}
		}
	}
	for _, a := range aliases {
		if err := w.index(ref, "alias", a); err != nil {
			return err
		}
	}
	return nil
}

var always = kg.Period{}

// dateBounds gives the first and last day of an optional date, NULL when there is none.
func dateBounds(d *kg.PartialDate) (any, any) {
	if d == nil {
		return nil, nil
	}
	return d.First(), d.Last()
}

// graph writes every record of g: each kind in turn, in the order of g's lists, so that
// every build of the same graph writes the same rows in the same order.
func (w *writer) graph(g *kg.Graph) error {
	if err := w.exec("INSERT INTO meta (key, value) VALUES ('version', ?)", g.Version); err != nil {
		return err
	}
	w.kinds = actorKinds(g)
	for _, write := range []func() error{
		func() error { return each(g.Documents, w.document) },
		func() error { return each(g.Citations, w.citation) },
		func() error { return each(g.States, w.state) },
		func() error { return each(g.Organizations, w.organization) },
		func() error { return each(g.Places, w.place) },
		func() error { return each(g.Organizations, w.organizationLinks) },
		func() error { return each(g.People, w.person) },
		func() error { return each(g.Positions, w.position) },
		func() error { return each(g.Memberships, w.membership) },
		func() error { return each(g.Events, w.event) },
		func() error { return each(g.Quotes, w.quote) },
		func() error { return each(g.Figures, w.figure) },
		func() error { return each(g.Provisions, w.provision) },
		func() error { return each(g.Unknowns, w.unknown) },
	} {
		if err := write(); err != nil {
			return err
		}
	}
	return nil
}

// each calls write with the index and value of every item, stopping at the first error.
func each[T any](items []T, write func(int, T) error) error {
	for i, item := range items {
		if err := write(i, item); err != nil {
			return err
		}
	}
	return nil
}

// actorKinds maps the slug of each state and organization to its node kind.
func actorKinds(g *kg.Graph) map[string]string {
	kinds := map[string]string{}
	for _, s := range g.States {
		kinds[s.Slug] = kg.KindState
	}
	for _, o := range g.Organizations {
		kinds[o.Slug] = kg.KindOrganization
	}
	return kinds
}

// actor is the node of the state or organization slug.
func (w *writer) actor(slug string) kg.Ref { return kg.Ref{Kind: w.kinds[slug], Key: slug} }

func (w *writer) document(i int, d *kg.Document) error {
	if err := w.exec("INSERT INTO documents (slug, ord, data) VALUES (?, ?, ?)", d.Slug, i, jsonOf(d)); err != nil {
		return err
	}
	return w.index(d.NodeRef(), "title", d.Title)
}

func (w *writer) citation(_ int, c *kg.Citation) error {
	lo, hi := dateBounds(c.Published)
	if err := w.exec(`INSERT INTO citations (document, number, title, work, publisher, language, dead_link,
			published_lo, published_hi, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.DocumentSlug, c.Number, nullableP(c.Title), nullableP(c.Work), nullableP(c.Publisher),
		nullableP(c.Language), c.DeadLink, lo, hi, jsonOf(c)); err != nil {
		return err
	}
	if c.Title != nil && !c.TitleIsPlaceholder {
		return w.index(c.NodeRef(), "title", *c.Title)
	}
	return nil
}

func (w *writer) state(_ int, s *kg.State) error {
	var code any
	if s.CowCode != nil {
		code = *s.CowCode
	}
	if err := w.exec("INSERT INTO actors (slug, kind, name, iso2, iso3, recognition, cow_code, data) VALUES (?, 'State', ?, ?, ?, ?, ?, ?)",
		s.Slug, s.Name, nullableP(s.Iso2), nullableP(s.Iso3), string(s.Recognition), code, jsonOf(s)); err != nil {
		return err
	}
	if err := w.names(s.NodeRef(), s.Name, s.Names, s.Aliases); err != nil {
		return err
	}
	// A state is found by any name it went by ("Yugoslavia" finds Serbia), each once.
	seen := map[string]bool{s.Name: true}
	for _, n := range s.HistoricalNames {
		if seen[n.Name] {
			continue
		}
		seen[n.Name] = true
		if err := w.index(s.NodeRef(), "name", n.Name); err != nil {
			return err
		}
	}
	return w.cite(s.NodeRef(), s.Source)
}

func (w *writer) organization(_ int, o *kg.Organization) error {
	lo, hi := dateBounds(o.Founded)
	if err := w.exec(`INSERT INTO actors (slug, kind, name, acronym, parent, type, founded_lo, founded_hi, cow_key, data)
			VALUES (?, 'Organization', ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Slug, o.Name, nullableP(o.Acronym), nullable(o.ParentSlug), nullableP(o.Type), lo, hi, nullableP(o.CowKey), jsonOf(o)); err != nil {
		return err
	}
	aliases := o.Aliases
	if o.Acronym != nil {
		aliases = append([]string{*o.Acronym}, aliases...)
	}
	if err := w.names(o.NodeRef(), o.Name, o.Names, aliases); err != nil {
		return err
	}
	return w.cite(o.NodeRef(), o.Source)
}

// organizationLinks links an organization to its parent and its headquarters.
func (w *writer) organizationLinks(_ int, o *kg.Organization) error {
	ref := o.NodeRef()
	if o.ParentSlug != "" {
		if err := w.link(ref, kg.Ref{Kind: kg.KindOrganization, Key: o.ParentSlug}, "body of", "has body", nil, &ref, always); err != nil {
			return err
		}
	}
	if o.HeadquartersSlug != "" {
		if err := w.link(ref, kg.Ref{Kind: kg.KindPlace, Key: o.HeadquartersSlug}, "headquartered in", "headquarters of", nil, &ref, always); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) place(_ int, p *kg.Place) error {
	if err := w.exec("INSERT INTO places (slug, state, data) VALUES (?, ?, ?)", p.Slug, nullable(p.StateSlug), jsonOf(p)); err != nil {
		return err
	}
	if err := w.index(p.NodeRef(), "name", p.Name); err != nil {
		return err
	}
	if err := w.cite(p.NodeRef(), p.Source); err != nil {
		return err
	}
	if p.StateSlug != "" {
		ref := p.NodeRef()
		if err := w.link(ref, kg.Ref{Kind: kg.KindState, Key: p.StateSlug}, "located in", "contains", nil, &ref, always); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) person(_ int, p *kg.Person) error {
	if err := w.exec("INSERT INTO people (slug, name, data) VALUES (?, ?, ?)", p.Slug, p.Name, jsonOf(p)); err != nil {
		return err
	}
	if err := w.names(p.NodeRef(), p.Name, nil, p.Aliases); err != nil {
		return err
	}
	return w.cite(p.NodeRef(), p.Source)
}

func (w *writer) position(i int, p *kg.Position) error {
	if err := w.exec("INSERT INTO positions (slug, person, of_actor, ord, data) VALUES (?, ?, ?, ?, ?)",
		p.Slug, p.PersonSlug, nullable(p.OfSlug), i, jsonOf(p)); err != nil {
		return err
	}
	ref := p.NodeRef()
	if err := w.cite(ref, &p.Source); err != nil {
		return err
	}
	if p.OfSlug != "" {
		if err := w.linkSpan(kg.Ref{Kind: kg.KindPerson, Key: p.PersonSlug}, w.actor(p.OfSlug), p.Title+" of", "has "+p.Title, &ref, &ref, p.Period(), p.Span()); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) membership(_ int, m *kg.Membership) error {
	p := m.Period()
	slo, shi := dateBounds(m.Start)
	elo, ehi := dateBounds(m.End)
	var reason any
	if m.EndReason != nil {
		reason = string(*m.EndReason)
	}
	sp := m.Span
	if err := w.exec(`INSERT INTO memberships (slug, member, organization, role, lo, hi, start_lo, start_hi,
			end_lo, end_hi, end_reason, disputed, start_earliest, start_latest, end_earliest, end_latest,
			unknown, dispute_pairs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Slug, m.MemberSlug, m.OrganizationSlug, string(m.Role), p.Lo(), p.Hi(), slo, shi, elo, ehi, reason, m.Disputed,
		sp.StartLo, sp.StartHi, sp.EndLo, sp.EndHi, unknownJSON(sp.Unknown), pairsJSON(m.DisputedPairs), jsonOf(m)); err != nil {
		return err
	}
	ref := m.NodeRef()
	if err := w.cite(ref, &m.Source); err != nil {
		return err
	}
	for i := range m.Claims {
		if err := w.claim(m, &m.Claims[i]); err != nil {
			return err
		}
	}
	role := strings.ToLower(string(m.Role))
	return w.linkSpan(w.actor(m.MemberSlug), w.actor(m.OrganizationSlug), role+" of", "has "+role, &ref, &ref, p, sp)
}

// claim writes what one source states of the stint m, and cites it for m.
func (w *writer) claim(m *kg.Membership, c *kg.MembershipClaim) error {
	cp := c.Period()
	slo, shi := dateBounds(c.Start)
	elo, ehi := dateBounds(c.End)
	var reason any
	if c.EndReason != nil {
		reason = string(*c.EndReason)
	}
	sp := c.Span()
	if err := w.exec(`INSERT INTO claims (document, slug, member, organization, role, lo, hi, start_lo, start_hi,
			end_lo, end_hi, end_reason, start_earliest, start_latest, end_earliest, end_latest, unknown)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Source.DocumentSlug, m.Slug, m.MemberSlug, m.OrganizationSlug, string(c.Role), cp.Lo(), cp.Hi(),
		slo, shi, elo, ehi, reason, sp.StartLo, sp.StartHi, sp.EndLo, sp.EndHi, unknownJSON(sp.Unknown)); err != nil {
		return err
	}
	return w.cite(m.NodeRef(), &c.Source)
}

func (w *writer) event(_ int, e *kg.Event) error {
	p := e.Period()
	if err := w.exec(`INSERT INTO events (slug, kind, title, place, lo, hi, date_lo, date_hi, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Slug, string(e.Kind), e.Title, nullable(e.PlaceSlug), p.Lo(), p.Hi(), e.Date.First(), e.Date.Last(), jsonOf(e)); err != nil {
		return err
	}
	ref := e.NodeRef()
	if err := w.cite(ref, &e.Source); err != nil {
		return err
	}
	if err := w.index(ref, "title", e.Title); err != nil {
		return err
	}
	if err := w.index(ref, "summary", e.Summary); err != nil {
		return err
	}
	involve := func(other kg.Ref, role, rel, inv string) error {
		if err := w.exec("INSERT OR IGNORE INTO involvement (ref, lo, event, role, key) VALUES (?, ?, ?, ?, ?)",
			other.String(), p.Lo(), e.Slug, role, other.Key); err != nil {
			return err
		}
		return w.link(other, ref, rel, inv, &ref, &ref, p)
	}
	for _, a := range e.ParticipantSlugs {
		if err := involve(w.actor(a), "participant", "took part in", "participant"); err != nil {
			return err
		}
	}
	for _, who := range e.PeopleSlugs {
		if err := involve(kg.Ref{Kind: kg.KindPerson, Key: who}, "person", "took part in", "person involved"); err != nil {
			return err
		}
	}
	if e.PlaceSlug != "" {
		return involve(kg.Ref{Kind: kg.KindPlace, Key: e.PlaceSlug}, "place", "hosted", "took place in")
	}
	return nil
}

func (w *writer) quote(i int, q *kg.Quote) error {
	if err := w.exec("INSERT INTO quotes (slug, speaker, event, ord, data) VALUES (?, ?, ?, ?, ?)",
		q.Slug, q.SpeakerSlug, nullable(q.EventSlug), i, jsonOf(q)); err != nil {
		return err
	}
	ref := q.NodeRef()
	if err := w.cite(ref, &q.Source); err != nil {
		return err
	}
	if err := w.index(ref, "quote", q.Text); err != nil {
		return err
	}
	p := kg.Period{Start: q.Date, End: q.Date}
	if err := w.link(kg.Ref{Kind: kg.KindPerson, Key: q.SpeakerSlug}, ref, "said", "said by", &ref, &ref, p); err != nil {
		return err
	}
	if q.EventSlug != "" {
		return w.link(ref, kg.Ref{Kind: kg.KindEvent, Key: q.EventSlug}, "said during", "quote", &ref, &ref, p)
	}
	return nil
}

func (w *writer) figure(_ int, f *kg.MilitaryStrength) error {
	if err := w.exec(`INSERT INTO figures (slug, state, year, active, reserve, paramilitary, total, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.Slug, f.StateSlug, f.Year, f.Active, f.Reserve, f.Paramilitary, f.Total, jsonOf(f)); err != nil {
		return err
	}
	ref := f.NodeRef()
	if err := w.cite(ref, &f.Source); err != nil {
		return err
	}
	y := kg.PartialDate{Year: f.Year}
	return w.link(kg.Ref{Kind: kg.KindState, Key: f.StateSlug}, ref, "personnel figures", "figures of", &ref, &ref, kg.Period{Start: &y, End: &y})
}

func (w *writer) provision(i int, p *kg.Provision) error {
	if err := w.exec("INSERT INTO provisions (slug, organization, ord, data) VALUES (?, ?, ?, ?)", p.Slug, p.OrganizationSlug, i, jsonOf(p)); err != nil {
		return err
	}
	ref := p.NodeRef()
	if err := w.cite(ref, &p.Source); err != nil {
		return err
	}
	if err := w.index(ref, "title", p.Title); err != nil {
		return err
	}
	if err := w.index(ref, "summary", p.Summary); err != nil {
		return err
	}
	period := kg.Period{Start: p.Since}
	if err := w.link(ref, kg.Ref{Kind: kg.KindOrganization, Key: p.OrganizationSlug}, "provision of", "provision", &ref, &ref, period); err != nil {
		return err
	}
	if p.ProposedBySlug != "" {
		return w.link(kg.Ref{Kind: kg.KindPerson, Key: p.ProposedBySlug}, ref, "proposed", "proposed by", &ref, &ref, period)
	}
	return nil
}

// unknown writes the years in which a dataset does not know an actor's standing in an
// organization, one row a year: each may or may not have been a year of membership.
func (w *writer) unknown(_ int, u *kg.UnknownStanding) error {
	if len(u.Years) == 0 {
		return nil
	}
	// One statement for all the years of a standing, a row each, in order: a statement a row
	// was a fifth of the build.
	return w.exec(`INSERT INTO unknowns (document, member, organization, year, lo, hi, start_earliest,
			start_latest, end_earliest, end_latest, unknown)
		SELECT ?1, ?2, ?3, y.value, y.value * 10000 + 101, y.value * 10000 + 1231, y.value * 10000 + 101,
			?4, ?5, y.value * 10000 + 1231, '[' || y.value || ']'
		FROM json_each(?6) y ORDER BY y.key`,
		u.Source.DocumentSlug, u.MemberSlug, u.OrganizationSlug, kg.OpenEnd, kg.OpenStart, unknownJSON(u.Years))
}
