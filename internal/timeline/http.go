package timeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/treatygraph/treatygraph/internal/conditional"
	"github.com/treatygraph/treatygraph/internal/docarg"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Prefix is the URL path under which Handler serves the timelines.
const Prefix = "/timeline/"

// ExploreURL is where each chart links to.
const ExploreURL = "/explore"

// DefaultMaxAge is how long a chart may be reused without asking again, unless the server is
// told otherwise.
const DefaultMaxAge = 5 * time.Minute

// Params are the query parameters a timeline accepts, as the API's arguments of the same
// names.
var Params = []string{"at", "from", "to", "certainty", "roles", "source"}

// Handler serves
//
//	GET /timeline/organization/{slug}.svg   an organization's members, one row each
//	GET /timeline/state/{slug}.svg          a state's organizations, one row each
//	GET /timeline/{id}.svg                  either, by public ID
//
// An organization's acronym or COW key, or a state's ISO code, in place of its slug is
// answered 302 Found with the URL of the slug's chart.
//
// with the parameters at, from, to (dates), certainty (KNOWN, the default, keeps the stints
// the sources make certain cover at, or overlap from..to; POSSIBLE also those that may),
// roles (comma-separated MembershipRole values) and source (a document slug). Answers carry
// an ETag and Cache-Control max-age maxAge (DefaultMaxAge when zero); If-None-Match is
// answered 304 before the store is read. Route Prefix to it:
//
//	mux.Handle("GET "+timeline.Prefix, timeline.Handler(store, logger, maxAge, 0, 0))
//
// maxRows and maxBytes bound a chart (DefaultMaxRows and DefaultMaxBytes when zero).
func Handler(store *sqlite.Store, logger *slog.Logger, maxAge time.Duration, maxRows, maxBytes int) http.Handler {
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return newHandler(store, logger, maxAge, maxRows, maxBytes)
}

func newHandler(store *sqlite.Store, logger *slog.Logger, maxAge time.Duration, maxRows, maxBytes int) *handler {
	if logger == nil {
		logger = slog.Default()
	}
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	salt := fmt.Sprintf("timeline v1\x00%s\x00%s\x00%s\x00%d/%d", store.Version(), store.BuildID(), sqlite.ProgramID(), maxRows, maxBytes)
	return &handler{store: store, logger: logger, salt: salt, maxRows: maxRows, maxBytes: maxBytes,
		cacheControl: "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))}
}

type handler struct {
	store             *sqlite.Store
	logger            *slog.Logger
	salt              string
	cacheControl      string
	maxRows, maxBytes int

	docsOnce sync.Once
	docs     map[string]*kg.Document
	docsErr  error

	// labels keeps the row label and full name of each actor drawn so far. The store does
	// not change while open and holds a few hundred actors, so the map stays small, and a
	// chart then reads the names of only the actors it has not drawn before.
	labelsMu sync.RWMutex
	labels   map[string][2]string
}

// request is a timeline request once checked.
type request struct {
	kind string // kg.KindState or kg.KindOrganization
	slug string
	at   *kg.PartialDate
	from *kg.PartialDate
	to   *kg.PartialDate
	// certainty is how sure at and from..to must be: kg.Known unless kg.Possible is asked.
	certainty kg.Certainty
	roles     []kg.MembershipRole
	source    string
}

// key is the request in one canonical form, for the ETag.
func (q *request) key() string {
	d := func(p *kg.PartialDate) string {
		if p == nil {
			return ""
		}
		return p.ISO()
	}
	roles := make([]string, len(q.roles))
	for i, r := range q.roles {
		roles[i] = string(r)
	}
	return strings.Join([]string{q.kind, q.slug, d(q.at), d(q.from), d(q.to), string(q.certainty), strings.Join(roles, ","), q.source}, "\x00")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q, err := h.parse(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	sum := sha256.Sum256([]byte(h.salt + "\x00" + q.key()))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	if conditional.NotModified(r, etag) {
		h.setCacheable(hd, etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := h.render(r.Context(), q)
	var moved *movedTo
	if errors.As(err, &moved) {
		// The one URL of each chart is that of its slug.
		target := Prefix + strings.ToLower(q.kind) + "/" + moved.slug + ".svg"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		hd.Set("Cache-Control", h.cacheControl)
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setCacheable(hd, etag)
	hd.Set("Content-Type", "image/svg+xml")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (h *handler) setCacheable(hd http.Header, etag string) {
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", h.cacheControl)
	hd.Set("X-Content-Type-Options", "nosniff")
	// The charts hold no scripts; opened on their own, they may run none either.
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
}

// parse reads the path and the parameters; every problem is a client error.
func (h *handler) parse(r *http.Request) (*request, error) {
	q := &request{}
	var err error
	if q.kind, q.slug, err = parseSubject(r.URL.Path); err != nil {
		return nil, err
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, kg.Errorf(kg.BadUserInput, "the query string is not URL-encoded: %s", kg.QuoteInput(r.URL.RawQuery))
	}
	if err := checkParams(values); err != nil {
		return nil, err
	}
	if q.at, err = paramDate(values, "at"); err != nil {
		return nil, err
	}
	if q.from, err = paramDate(values, "from"); err != nil {
		return nil, err
	}
	if q.to, err = paramDate(values, "to"); err != nil {
		return nil, err
	}
	if q.from != nil && q.to != nil && q.to.Last() < q.from.First() {
		return nil, kg.Errorf(kg.BadUserInput, "to (%s) is before from (%s)", q.to.ISO(), q.from.ISO())
	}
	if q.certainty, err = paramCertainty(values); err != nil {
		return nil, err
	}
	if v, ok := values["roles"]; ok && v[0] != "" {
		if q.roles, err = parseRoles(v[0]); err != nil {
			return nil, err
		}
	}
	if v, ok := values["source"]; ok {
		docs, err := h.store.DocumentSlugs(r.Context())
		if err != nil {
			return nil, err
		}
		if err := docarg.Check("source", v[0], docs); err != nil {
			return nil, err
		}
		q.source = v[0]
	}
	return q, nil
}

// parseSubject reads the kind and slug of the chart's subject from the path: a kind and a
// slug, or an ID.
func parseSubject(urlPath string) (kind, slug string, err error) {
	rest, _ := strings.CutPrefix(urlPath, Prefix)
	name, ok := strings.CutSuffix(rest, ".svg")
	if !ok || name == "" {
		return "", "", kg.Errorf(kg.NotFound, "no timeline at %s: the timelines are %sorganization/{slug}.svg, %sstate/{slug}.svg and %s{id}.svg",
			kg.QuoteInput(urlPath), Prefix, Prefix, Prefix)
	}
	switch kind, slug, found := strings.Cut(name, "/"); {
	case found && kind == "organization" && slug != "" && !strings.Contains(slug, "/"):
		return kg.KindOrganization, slug, nil
	case found && kind == "state" && slug != "" && !strings.Contains(slug, "/"):
		return kg.KindState, slug, nil
	case !found:
		ref, err := kg.DecodeID(name)
		if err != nil {
			return "", "", err
		}
		if ref.Kind != kg.KindState && ref.Kind != kg.KindOrganization {
			return "", "", kg.Errorf(kg.BadUserInput, "ID %s names a %s: timelines are drawn for states and organizations", kg.QuoteInput(name), ref.Kind)
		}
		return ref.Kind, ref.Key, nil
	default:
		return "", "", kg.Errorf(kg.NotFound, "no timeline at %s: the timelines are %sorganization/{slug}.svg, %sstate/{slug}.svg and %s{id}.svg",
			kg.QuoteInput(urlPath), Prefix, Prefix, Prefix)
	}
}

// checkParams refuses, in order of name, the first parameter that is unknown or given more
// than once.
func checkParams(values url.Values) error {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(Params, k) {
			return kg.Errorf(kg.BadUserInput, "unknown parameter %s: the parameters are %s", kg.QuoteInput(k), strings.Join(Params, ", "))
		}
		if len(values[k]) > 1 {
			return kg.Errorf(kg.BadUserInput, "parameter %s is given %d times: give it once", k, len(values[k]))
		}
	}
	return nil
}

// paramDate reads the date parameter name, nil when it is not given.
func paramDate(values url.Values, name string) (*kg.PartialDate, error) {
	v, ok := values[name]
	if !ok {
		return nil, nil
	}
	d, err := kg.ParseDate(v[0])
	if err != nil {
		return nil, kg.Errorf(kg.BadUserInput, "%s: %v", name, err)
	}
	return &d, nil
}

// paramCertainty reads the certainty parameter: kg.Known when it is not given.
func paramCertainty(values url.Values) (kg.Certainty, error) {
	v, ok := values["certainty"]
	if !ok {
		return kg.Known, nil
	}
	c := kg.Certainty(v[0])
	if !slices.Contains(kg.Certainties, c) {
		names := make([]string, len(kg.Certainties))
		for i, k := range kg.Certainties {
			names[i] = string(k)
		}
		return "", kg.Errorf(kg.BadUserInput, "certainty: %s is not a Certainty (want %s: KNOWN keeps the stints that certainly cover at or overlap from..to, POSSIBLE also those that may)",
			kg.QuoteInput(v[0]), strings.Join(names, " or "))
	}
	return c, nil
}

// parseRoles reads the comma-separated roles of v, each once, in the order of
// kg.MembershipRoles.
func parseRoles(v string) ([]kg.MembershipRole, error) {
	var roles []kg.MembershipRole
	for _, s := range strings.Split(v, ",") {
		role := kg.MembershipRole(strings.TrimSpace(s))
		if !slices.Contains(kg.MembershipRoles, role) {
			return nil, kg.Errorf(kg.BadUserInput, "roles: %s is not a MembershipRole (want a comma-separated list of %s)",
				kg.QuoteInput(string(role)), joinRoles(kg.MembershipRoles))
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	slices.SortFunc(roles, func(a, b kg.MembershipRole) int {
		return slices.Index(kg.MembershipRoles, a) - slices.Index(kg.MembershipRoles, b)
	})
	return roles, nil
}

func joinRoles(rs []kg.MembershipRole) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// render reads the subject, its stints and the names of their counterparts not read before
// (three statements at most) and draws the chart.
func (h *handler) render(ctx context.Context, q *request) ([]byte, error) {
	a, err := h.subject(ctx, q)
	if err != nil {
		return nil, err
	}
	var grouped map[string][]*kg.Membership
	if q.kind == kg.KindOrganization {
		grouped, err = h.store.MembershipsByOrganizations(ctx, []string{q.slug})
	} else {
		grouped, err = h.store.MembershipsByMembers(ctx, []string{q.slug})
	}
	if err != nil {
		return nil, err
	}
	stints := kg.SelectStints(kg.StintsAsStated(grouped[q.slug], q.source), q.stintQuery())
	slugs, byRow := groupStints(stints, q.kind)
	labels, err := h.names(ctx, slugs)
	if err != nil {
		return nil, err
	}
	docs, err := h.documents(ctx)
	if err != nil {
		return nil, err
	}
	rows, stated := buildRows(slugs, byRow, labels)

	_, subjectTitle := names(a, q.slug)
	chart := Chart{
		Rows: rows, From: q.from, To: q.to, At: q.at,
		Link: ExploreURL, Version: h.store.Version(),
		MaxRows: h.maxRows, MaxBytes: h.maxBytes,
	}
	if q.kind == kg.KindOrganization {
		chart.Title = subjectTitle + ": members"
		chart.Counterpart = "member"
	} else {
		chart.Title = subjectTitle + ": organizations"
		chart.Counterpart = "organization"
	}
	chart.Subtitle = subtitle(q, len(stints), len(rows), chart.Counterpart)
	// The documents that state the most of the chart first, so that a footer cut for length
	// still credits the main sources.
	byCount := sortedKeys(stated)
	sort.SliceStable(byCount, func(i, j int) bool { return stated[byCount[i]] > stated[byCount[j]] })
	for _, slug := range byCount {
		if d := describeDocument(slug, docs[slug]); !slices.Contains(chart.Sources, d) {
			chart.Sources = append(chart.Sources, d)
		}
	}
	return Render(chart), nil
}

// subject reads the actor the chart is of; when there is none of q's kind, the error says
// so, and names the other timeline when the slug is of the other kind.
func (h *handler) subject(ctx context.Context, q *request) (kg.Actor, error) {
	subject, err := h.store.ActorsBySlugs(ctx, []string{q.slug})
	if err != nil {
		return nil, err
	}
	a := subject[q.slug]
	if a == nil {
		// A chart asked for by code (an organization's acronym or COW key, a state's ISO
		// code, in any case) is the chart of that actor's slug.
		columns := []string{"iso3", "iso2"}
		if q.kind == kg.KindOrganization {
			columns = []string{"acronym", "cow_key"}
		}
		for _, c := range columns {
			slug, err := h.store.ActorSlugByCode(ctx, c, q.slug)
			if err != nil {
				return nil, err
			}
			if slug != "" {
				return nil, &movedTo{slug}
			}
		}
	}
	if a == nil || a.NodeRef().Kind != q.kind {
		var other string
		if a != nil {
			kind, article := "organization", "an"
			if a.NodeRef().Kind == kg.KindState {
				kind, article = "state", "a"
			}
			other = fmt.Sprintf(": %s is %s %s, whose timeline is %s%s/%s.svg", q.slug, article, kind, Prefix, kind, q.slug)
		}
		return nil, kg.Errorf(kg.NotFound, "no %s has the slug %s%s", strings.ToLower(q.kind), kg.QuoteInput(q.slug), other)
	}
	return a, nil
}

// movedTo is the answer for a chart asked for by code: the slug whose chart it is.
type movedTo struct{ slug string }

func (m *movedTo) Error() string { return "the chart is that of " + m.slug }

// groupStints groups the stints by counterpart (the member of an organization, the
// organization of a state), whose slugs it returns in order of first appearance.
func groupStints(stints []*kg.Membership, kind string) ([]string, map[string][]*kg.Membership) {
	var slugs []string
	byRow := map[string][]*kg.Membership{}
	for _, m := range stints {
		k := m.OrganizationSlug
		if kind == kg.KindOrganization {
			k = m.MemberSlug
		}
		if _, ok := byRow[k]; !ok {
			slugs = append(slugs, k)
		}
		byRow[k] = append(byRow[k], m)
	}
	return slugs, byRow
}

// buildRows makes one row per counterpart, its stints by start, the rows in order of first
// start, then name (a stint's start is the earliest day the sources let it begin, or when
// they leave that open the latest; a stint no source dates comes last); stated holds the
// documents the stints and their claims cite.
func buildRows(slugs []string, byRow map[string][]*kg.Membership, labels map[string][2]string) (rows []Row, stated map[string]int) {
	rows = make([]Row, 0, len(slugs))
	stated = map[string]int{}
	for _, slug := range slugs {
		ms := byRow[slug]
		slices.SortStableFunc(ms, func(x, y *kg.Membership) int { return sortKey(stintSpan(x)) - sortKey(stintSpan(y)) })
		rows = append(rows, Row{Slug: slug, Label: labels[slug][0], Title: labels[slug][1], Stints: ms})
		for _, m := range ms {
			stated[m.Source.DocumentSlug]++
			for _, c := range m.Claims {
				stated[c.Source.DocumentSlug]++
			}
		}
	}
	slices.SortStableFunc(rows, func(x, y Row) int {
		if a, b := sortKey(stintSpan(x.Stints[0])), sortKey(stintSpan(y.Stints[0])); a != b {
			return a - b
		}
		if c := strings.Compare(strings.ToLower(x.Title), strings.ToLower(y.Title)); c != 0 {
			return c
		}
		return strings.Compare(x.Slug, y.Slug)
	})
	return rows, stated
}

// subtitle says how many stints and counterparts the chart shows and what of q selected them.
func subtitle(q *request, stints, rows int, counterpart string) string {
	sub := []string{fmt.Sprintf("%d %s of %d %ss, sorted by first start", stints, plural(stints, "stint", "stints"), rows, counterpart)}
	sure := " (known)"
	if q.certainty == kg.Possible {
		sure = " (known or possible)"
	}
	if q.at != nil {
		sub = append(sub, "at "+q.at.ISO()+sure)
	}
	if q.from != nil || q.to != nil {
		sub = append(sub, "from "+isoOr(q.from, "the start")+" to "+isoOr(q.to, "the end")+sure)
	}
	if len(q.roles) > 0 {
		sub = append(sub, "roles "+joinRoles(q.roles))
	}
	if q.source != "" {
		sub = append(sub, "as "+q.source+" states them")
	}
	return strings.Join(sub, " · ")
}

// stintQuery is what of q selects stints, as the API's stint lists select them (see
// kg.StintQuery): at and from..to as sure as q.certainty asks, and the roles, each when given.
func (q *request) stintQuery() kg.StintQuery {
	sq := kg.StintQuery{At: q.at, Roles: q.roles, Certainty: q.certainty}
	if q.from != nil || q.to != nil {
		sq.During = &kg.Period{Start: q.from, End: q.to}
	}
	return sq
}

// names returns the row label and full name of each actor, reading those not seen before
// in one statement.
func (h *handler) names(ctx context.Context, slugs []string) (map[string][2]string, error) {
	out := make(map[string][2]string, len(slugs))
	var missing []string
	h.labelsMu.RLock()
	for _, s := range slugs {
		if l, ok := h.labels[s]; ok {
			out[s] = l
		} else {
			missing = append(missing, s)
		}
	}
	h.labelsMu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	actors, err := h.store.ActorsBySlugs(ctx, missing)
	if err != nil {
		return nil, err
	}
	h.labelsMu.Lock()
	defer h.labelsMu.Unlock()
	if h.labels == nil {
		h.labels = map[string][2]string{}
	}
	for _, s := range missing {
		label, title := names(actors[s], s)
		out[s] = [2]string{label, title}
		if actors[s] != nil {
			h.labels[s] = out[s]
		}
	}
	return out, nil
}

// names is an actor's row label and full name: "CSTO · Collective Security Treaty
// Organization" for an organization with an acronym, the name otherwise.
func names(a kg.Actor, slug string) (label, title string) {
	switch a := a.(type) {
	case *kg.State:
		return a.Name, a.Name
	case *kg.Organization:
		if a.Acronym != nil && *a.Acronym != "" && *a.Acronym != a.Name {
			return *a.Acronym + " · " + a.Name, a.Name + " (" + *a.Acronym + ")"
		}
		return a.Name, a.Name
	}
	return slug, slug
}

func describeDocument(slug string, d *kg.Document) string {
	if d == nil {
		return slug
	}
	// A publisher names many documents briefly (Wikipedia, TASS, the Correlates of War
	// Project); each bar's title names its own document.
	if d.Publisher != nil && *d.Publisher != "" {
		return *d.Publisher
	}
	return d.Title
}

// documents reads the source documents once: they do not change while the store is open.
func (h *handler) documents(ctx context.Context) (map[string]*kg.Document, error) {
	h.docsOnce.Do(func() {
		ds, err := h.store.Documents(context.WithoutCancel(ctx))
		if err != nil {
			h.docsErr = err
			return
		}
		h.docs = make(map[string]*kg.Document, len(ds))
		for _, d := range ds {
			h.docs[d.Slug] = d
		}
	})
	return h.docs, h.docsErr
}

// fail answers an error: a client's with its status and code, quoting as many characters of
// what the client sent as the request asks (kg.QuoteChars); anything else as a logged 500.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	code, msg := kg.Internal, "internal error"
	var user *kg.Error
	switch {
	case errors.As(err, &user):
		code, msg = user.Code, user.Quote(kg.QuoteChars(r.Context()))
		status = http.StatusBadRequest
		if code == kg.NotFound {
			status = http.StatusNotFound
		}
	case r.Context().Err() != nil:
		status = http.StatusServiceUnavailable
		msg = "the request was cancelled or ran out of time"
	default:
		h.logger.ErrorContext(r.Context(), "timeline failed", "path", r.URL.Path, "err", err)
	}
	type gqlError struct {
		Message    string            `json:"message"`
		Extensions map[string]string `json:"extensions"`
	}
	body, _ := json.Marshal(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{Message: msg, Extensions: map[string]string{"code": code}}}})
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func isoOr(d *kg.PartialDate, or string) string {
	if d == nil {
		return or
	}
	return d.ISO()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
