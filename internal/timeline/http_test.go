package timeline

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/testdb"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

var update = flag.Bool("update", false, "rewrite the golden charts in testdata/ from the current output")

var (
	storeOnce sync.Once
	store     *sqlite.Store
	storeErr  error
)

// seedStore opens the database of the project's seeds (the article and the COW dataset) that
// the tests of several packages share (see testdb), once per test binary.
func seedStore(t testing.TB) *sqlite.Store {
	t.Helper()
	path := testdb.Seeds(t)
	storeOnce.Do(func() { store, storeErr = sqlite.Open(path, 2) })
	require.NoError(t, storeErr)
	return store
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	if store != nil {
		_ = store.Close()
	}
	os.Exit(code)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func serve(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestGolden compares the CSTO's and Uzbekistan's charts with testdata/. Run with -update
// to rewrite them, then open them (and a PNG of them) before committing.
func TestGolden(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	for name, target := range map[string]string{
		"csto":       "/timeline/organization/csto.svg",
		"uzbekistan": "/timeline/state/uzbekistan.svg",
	} {
		t.Run(name, func(t *testing.T) {
			w := serve(t, h, target)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			golden := filepath.Join("testdata", name+".svg")
			if *update {
				require.NoError(t, os.WriteFile(golden, w.Body.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden chart: run go test ./internal/timeline -run TestGolden -update and review it")
			require.Equal(t, string(want), w.Body.String())
		})
	}
}

// stintGroups returns the <g> of each bar whose tooltip starts with prefix.
func stintGroups(svg, prefix string) []string {
	var out []string
	for _, line := range strings.Split(svg, "\n") {
		if strings.HasPrefix(line, "<g><title>"+prefix) {
			out = append(out, line)
		}
	}
	return out
}

// TestUzbekistanInTheCSTO checks the two stints the article gives for Uzbekistan in the CSTO,
// with what the other sources say of them: 1994 to 1999, known to the year, which no other
// source states; and 2006-06-23 to 2012-06-28, known to the day, disputed by the dataset's
// 2002 to 2011 and by the Factbook's lists, which name it from 2007, the first edition that
// names the CSTO (so the start is bounded only from above), to 2013. Together the sources
// leave that stint's start open before the article's day; it certainly held up to the end of
// 2011, the earliest end a source gives, and may have lasted to 2013.
func TestUzbekistanInTheCSTO(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	for _, target := range []string{"/timeline/state/uzbekistan.svg", "/timeline/organization/csto.svg"} {
		svg := serve(t, h, target).Body.String()
		prefix := "Collective Security Treaty Organization (CSTO): "
		if strings.Contains(target, "csto") {
			prefix = "Uzbekistan: "
		}
		var bars []string
		for _, g := range stintGroups(svg, prefix) {
			if strings.Contains(g, "csto-article, section") {
				bars = append(bars, g)
			}
		}
		require.Len(t, bars, 2, target)

		first, second := bars[0], bars[1]
		assert.Contains(t, first, "member, 1994 to 1999 (withdrawn)&#10;Source: csto-article, section member-states</title>")
		assert.Contains(t, first, `fill="url(#in0)"`, "a start known to the year fades in")
		assert.Contains(t, first, `fill="url(#out0)"`, "an end known to the year fades out")
		assert.NotContains(t, first, "stroke-dasharray", "the first stint is not disputed")

		assert.Contains(t, second, "member, 2002 (between 2002 and 2006-06-23) to 2013 (between 2011-12-31 and 2013) (suspended)", "the sources together: the Factbook sets no lower bound, so the start lies between the dataset's 2002 and the article's day")
		assert.Contains(t, second, "Disputed: start: csto-article says 2006-06-23, cow-igo-v3 says 2002; end: csto-article says 2012-06-28, cow-igo-v3 says 2011; end: csto-article says 2012-06-28, cia-world-factbook says 2013; end: cow-igo-v3 says 2011, cia-world-factbook says 2013")
		assert.Contains(t, second, "– csto-article, section history, note 8: member, 2006-06-23 to 2012-06-28")
		assert.Contains(t, second, "– cow-igo-v3, section state-igo-year: member, 2002 to 2011")
		assert.Contains(t, second, "– cia-world-factbook, section edition-2007: member, start unknown (not after 2007) to 2013 (no data 2010)")
		assert.Contains(t, second, "url(#in", "the start may fall from the dataset's 2002 to the article's day: it fades in")
		assert.NotContains(t, second, `mask="url(#stubL)"`, "the start is bounded: no stub")
		assert.Contains(t, second, `fill="url(#out0)"`, "the end may fall from the dataset's 2011 to the Factbook's 2013: it fades out")
		assert.Contains(t, second, `stroke-dasharray="3 2"`, "a disputed stint is outlined")
		assert.Len(t, regexp.MustCompile(`<line [^>]*stroke-width="2"/>`).FindAllString(second, -1), 2, "the dataset's and the Factbook's versions are drawn beneath")
		assert.Len(t, regexp.MustCompile(`<line [^>]*stroke-width="2" stroke-dasharray="2 2"/>`).FindAllString(second, -1), 1, "the Factbook's open start is dotted")
	}
}

// TestApproximateYearsAreDrawnOverTheirRange checks that a start the dataset calls
// approximate (1962, between 1962 and 1965) fades in over 1962 to the end of 1965, and that a
// stint still so in 2014, the dataset's last year, is solid to 2014 and a hatched stub after
// it, not a bar to the right edge.
func TestApproximateYearsAreDrawnOverTheirRange(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	svg := serve(t, h, "/timeline/organization/aaro.svg").Body.String()
	bars := stintGroups(svg, "Ghana: ")
	require.Len(t, bars, 1)
	assert.Contains(t, bars[0], "Ghana: member, 1962 (between 1962 and 1965) onwards (still so in 2014; later unknown)")
	// The axis of this chart: read two year labels to get the scale.
	x := func(year string) float64 {
		m := regexp.MustCompile(`<text x="([0-9.]+)" y="\d+" text-anchor="middle" fill="#555">` + year + `</text>`).FindStringSubmatch(svg)
		require.NotNil(t, m, "no axis label %s", year)
		return parse(t, m[1])
	}
	perYear := (x("1970") - x("1960")) / 10
	cap := regexp.MustCompile(`<rect x="([0-9.]+)" y="\d+" width="([0-9.]+)" height="10" fill="url\(#in0\)"/>`).FindStringSubmatch(bars[0])
	require.NotNil(t, cap, bars[0])
	assert.InDelta(t, x("1960")+2*perYear, parse(t, cap[1]), 0.2, "the cap starts with 1962")
	assert.InDelta(t, 4*perYear, parse(t, cap[2]), 0.2, "the cap covers 1962 to 1965")
	solid := regexp.MustCompile(`<rect x="([0-9.]+)" y="\d+" width="([0-9.]+)" height="10" fill="#0072b2"/>`).FindStringSubmatch(bars[0])
	require.NotNil(t, solid, bars[0])
	assert.InDelta(t, x("2010")+4*perYear, parse(t, solid[1])+parse(t, solid[2]), 0.3, "solid up to 2014, the dataset's last year")
	stub := regexp.MustCompile(`<rect x="([0-9.]+)" y="\d+" width="([0-9.]+)" height="10" fill="url\(#hatch0\)" mask="url\(#stubR\)"/>`).FindStringSubmatch(bars[0])
	require.NotNil(t, stub, bars[0])
	assert.InDelta(t, x("2010")+4*perYear, parse(t, stub[1]), 0.3, "then unknown")
	assert.NotContains(t, bars[0], "<path", "no arrow head: nothing is known after 2014")
}

func parse(t *testing.T, s string) float64 {
	var f float64
	require.NoError(t, json.Unmarshal([]byte(s), &f))
	return f
}

// TestParameters checks that at, from, to, certainty, roles and source select stints as the
// API's arguments of the same names do.
func TestParameters(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	rows := func(target string) []string {
		w := serve(t, h, target)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		var out []string
		for _, m := range regexp.MustCompile(`text-anchor="end"><title>([^<]*)</title>`).FindAllStringSubmatch(w.Body.String(), -1) {
			out = append(out, m[1])
		}
		return out
	}
	all := rows("/timeline/organization/csto.svg")
	assert.Len(t, all, 12)
	// The founders' starts may be as early as 1992-05-15: the sources disagree on them (the
	// article's 1994, COW's 2002, the Factbook's), and a report of 2025-11-27 puts each not
	// before 1992-05-15, the earliest any source bounding it allows.
	assert.Equal(t, []string{"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia"}, all[:5], "sorted by first start, then name")
	assert.Equal(t, []string{"Iran", "Afghanistan", "Serbia"}, all[9:])

	at := rows("/timeline/organization/csto.svg?at=2010")
	assert.NotContains(t, at, "Azerbaijan")
	assert.Contains(t, at, "Uzbekistan")
	assert.Contains(t, serve(t, h, "/timeline/organization/csto.svg?at=2010").Body.String(), `font-weight="bold">2010</text>`, "the date asked for is drawn")

	// The dataset lets Uzbekistan's second stint begin as early as 2002, the article dates it
	// 2006-06-23: in 2004 it possibly held, not certainly.
	assert.NotContains(t, rows("/timeline/organization/csto.svg?at=2004"), "Uzbekistan")
	assert.Equal(t, rows("/timeline/organization/csto.svg?at=2004"), rows("/timeline/organization/csto.svg?at=2004&certainty=KNOWN"), "KNOWN is the default")
	assert.Contains(t, rows("/timeline/organization/csto.svg?at=2004&certainty=POSSIBLE"), "Uzbekistan")
	assert.NotContains(t, rows("/timeline/organization/csto.svg?from=2003&to=2005"), "Uzbekistan")
	assert.Contains(t, rows("/timeline/organization/csto.svg?from=2003&to=2005&certainty=POSSIBLE"), "Uzbekistan")
	assert.Contains(t, serve(t, h, "/timeline/organization/csto.svg?at=2004&certainty=POSSIBLE").Body.String(), "at 2004 (known or possible)")
	assert.Contains(t, serve(t, h, "/timeline/organization/csto.svg?at=2004").Body.String(), "at 2004 (known)")

	assert.Equal(t, []string{"Afghanistan", "Serbia"}, rows("/timeline/organization/csto.svg?roles=OBSERVER"))
	assert.Equal(t, []string{"Iran", "Afghanistan", "Serbia"}, rows("/timeline/organization/csto.svg?roles=PROSPECTIVE,OBSERVER"))
	during := rows("/timeline/organization/csto.svg?to=1999&roles=MEMBER&from=1995")
	assert.Len(t, during, 9, "the nine stints that began by 1994 overlap 1995 to 1999")
	assert.NotContains(t, during, "Iran")

	cow := serve(t, h, "/timeline/organization/csto.svg?source=cow-igo-v3").Body.String()
	assert.NotContains(t, cow, "<title>Azerbaijan</title>", "the dataset does not state Azerbaijan's stint")
	bars := stintGroups(cow, "Uzbekistan: ")
	require.Len(t, bars, 1)
	assert.Contains(t, bars[0], "Uzbekistan: member, 2002 to 2011", "the stint as the dataset states it")
	assert.Contains(t, cow, "as cow-igo-v3 states them")
}

// TestBadInput checks that client mistakes get 404 or 400 with the API's codes, in a small
// JSON body that quotes at most a prefix of what was sent, and never 500.
func TestBadInput(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	long := strings.Repeat("x", 5000)
	for _, c := range []struct {
		target string
		status int
		code   string
		says   string
	}{
		{"/timeline/organization/no-such-org.svg", 404, kg.NotFound, `no organization has the slug "no-such-org"`},
		{"/timeline/state/csto.svg", 404, kg.NotFound, "csto is an organization, whose timeline is /timeline/organization/csto.svg"},
		{"/timeline/organization/uzbekistan.svg", 404, kg.NotFound, "uzbekistan is a state"},
		{"/timeline/organization/csto.png", 404, kg.NotFound, "no timeline at"},
		{"/timeline/country/csto.svg", 404, kg.NotFound, "no timeline at"},
		{"/timeline/organization/a/b.svg", 404, kg.NotFound, "no timeline at"},
		{"/timeline/", 404, kg.NotFound, "no timeline at"},
		{"/timeline/state/" + long + ".svg", 404, kg.NotFound, "no state has the slug"},
		{"/timeline/" + kg.NodeID(kg.KindEvent, "x") + ".svg", 400, kg.BadUserInput, "timelines are drawn for states and organizations"},
		{"/timeline/not-an-id.svg", 400, kg.BadUserInput, "invalid ID"},
		{"/timeline/organization/csto.svg?at=1994-13", 400, kg.BadUserInput, "at: invalid date \"1994-13\": month 13"},
		{"/timeline/organization/csto.svg?from=yesterday", 400, kg.BadUserInput, "from: invalid date"},
		{"/timeline/organization/csto.svg?to=" + long, 400, kg.BadUserInput, "to: invalid date"},
		{"/timeline/organization/csto.svg?from=2000&to=1999", 400, kg.BadUserInput, "to (1999) is before from (2000)"},
		{"/timeline/organization/csto.svg?roles=MEMBER,member", 400, kg.BadUserInput, `roles: "member" is not a MembershipRole`},
		{"/timeline/organization/csto.svg?roles=MEMBER,,OBSERVER", 400, kg.BadUserInput, "is not a MembershipRole"},
		{"/timeline/organization/csto.svg?source=" + long, 400, kg.BadUserInput, "source: no document has the slug"},
		{"/timeline/organization/csto.svg?source=wikipedia", 400, kg.BadUserInput, "documents: the documents query lists them all)"},
		{"/timeline/organization/csto.svg?source=cow", 400, kg.BadUserInput, `source: no document has the slug "cow": did you mean cow-igo-v3?`},
		{"/timeline/organization/csto.svg?lang=ru", 400, kg.BadUserInput, `unknown parameter "lang": the parameters are at, from, to, certainty, roles, source`},
		{"/timeline/organization/csto.svg?at=2010&certainty=maybe", 400, kg.BadUserInput, `certainty: "maybe" is not a Certainty (want KNOWN or POSSIBLE`},
		{"/timeline/organization/csto.svg?certainty=known", 400, kg.BadUserInput, `certainty: "known" is not a Certainty`},
		{"/timeline/organization/csto.svg?certainty=", 400, kg.BadUserInput, `certainty: "" is not a Certainty`},
		{"/timeline/organization/csto.svg?certainty=" + long, 400, kg.BadUserInput, `certainty: "xxxx`},
		{"/timeline/organization/csto.svg?certainty=KNOWN&certainty=POSSIBLE", 400, kg.BadUserInput, "parameter certainty is given 2 times"},
		{"/timeline/organization/csto.svg?at=2000&at=2001", 400, kg.BadUserInput, "given 2 times"},
		{"/timeline/organization/csto.svg?at=%zz", 400, kg.BadUserInput, "not URL-encoded"},
	} {
		name := c.target
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			w := serve(t, h, c.target)
			assert.Equal(t, c.status, w.Code)
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			assert.Empty(t, w.Header().Get("ETag"))
			var body struct {
				Errors []struct {
					Message    string            `json:"message"`
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
			require.Len(t, body.Errors, 1)
			assert.Equal(t, c.code, body.Errors[0].Extensions["code"])
			assert.Contains(t, body.Errors[0].Message, c.says)
			assert.Less(t, w.Body.Len(), 600, "the error quotes a prefix of what was sent")
		})
	}
}

// TestBadInputQuotesAsTheServerSays checks that an error quotes as many characters of what
// was sent as the request's kg.QuoteChars, the default when it says nothing, and never splits
// a character.
func TestBadInputQuotesAsTheServerSays(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	for _, c := range []struct {
		target, says string
	}{
		{"/timeline/state/" + url.PathEscape("Ташкентская-область") + ".svg", `no state has the slug "Ташке"…`},
		{"/timeline/organization/csto.svg?at=" + url.QueryEscape("２０１０-01"), `at: invalid date "２０１０-"…: want`},
		{"/timeline/organization/csto.svg?source=" + url.QueryEscape("документы"), `source: no document has the slug "докум"…`},
	} {
		message := func(w *httptest.ResponseRecorder) string {
			var body struct {
				Errors []struct{ Message string } `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
			require.Len(t, body.Errors, 1, w.Body.String())
			return body.Errors[0].Message
		}
		r := httptest.NewRequest(http.MethodGet, c.target, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r.WithContext(kg.WithQuoteChars(r.Context(), 5)))
		assert.Contains(t, message(w), c.says, c.target)
		assert.NotContains(t, message(serve(t, h, c.target)), "…", "the default quotes them whole: %s", c.target)
	}
}

// TestDeterministic checks that the same request gives the same bytes and ETag, from the
// same handler and from another over the same database, whatever the order of the roles.
func TestDeterministic(t *testing.T) {
	s := seedStore(t)
	a, b := Handler(s, quiet(), 0, 0, 0), Handler(s, quiet(), 0, 0, 0)
	for _, target := range []string{"/timeline/state/france.svg", "/timeline/organization/piarc.svg?from=1950&roles=MEMBER,OBSERVER"} {
		first := serve(t, a, target)
		require.Equal(t, http.StatusOK, first.Code)
		for range 3 {
			again := serve(t, b, target)
			require.Equal(t, first.Body.String(), again.Body.String())
			require.Equal(t, first.Header().Get("ETag"), again.Header().Get("ETag"))
		}
	}
	x := serve(t, a, "/timeline/organization/csto.svg?roles=OBSERVER,MEMBER")
	y := serve(t, a, "/timeline/organization/csto.svg?roles=MEMBER,OBSERVER")
	assert.Equal(t, x.Header().Get("ETag"), y.Header().Get("ETag"))
	assert.Equal(t, x.Body.String(), y.Body.String())
	z := serve(t, a, "/timeline/organization/csto.svg?roles=MEMBER")
	assert.NotEqual(t, x.Header().Get("ETag"), z.Header().Get("ETag"))

	known := serve(t, a, "/timeline/organization/csto.svg?at=2004&certainty=KNOWN")
	plain := serve(t, a, "/timeline/organization/csto.svg?at=2004")
	possible := serve(t, a, "/timeline/organization/csto.svg?at=2004&certainty=POSSIBLE")
	assert.Equal(t, plain.Header().Get("ETag"), known.Header().Get("ETag"), "KNOWN is the default")
	assert.NotEqual(t, plain.Header().Get("ETag"), possible.Header().Get("ETag"))
}

// TestByID checks that a public ID draws the same chart as the slug.
func TestByID(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	for _, ref := range []kg.Ref{{Kind: kg.KindOrganization, Key: "csto"}, {Kind: kg.KindState, Key: "uzbekistan"}} {
		bySlug := serve(t, h, "/timeline/"+strings.ToLower(ref.Kind)+"/"+ref.Key+".svg")
		byID := serve(t, h, "/timeline/"+ref.ID()+".svg")
		require.Equal(t, http.StatusOK, byID.Code)
		assert.Equal(t, bySlug.Body.String(), byID.Body.String())
		assert.Equal(t, bySlug.Header().Get("ETag"), byID.Header().Get("ETag"))
	}
}

// TestRowAndByteBounds checks that a chart stops at its bounds and says so.
func TestRowAndByteBounds(t *testing.T) {
	s := seedStore(t)
	labels := regexp.MustCompile(`text-anchor="end"><title>`)

	full := serve(t, Handler(s, quiet(), 0, 0, 0), "/timeline/organization/piarc.svg").Body.String()
	total := len(labels.FindAllString(full, -1))
	require.Greater(t, total, 100)
	assert.NotContains(t, full, "cut:")

	rows := serve(t, Handler(s, quiet(), 0, 25, 0), "/timeline/organization/piarc.svg").Body.String()
	assert.Len(t, labels.FindAllString(rows, -1), 25)
	assert.Contains(t, rows, "cut: showing the first 25 of ")
	assert.Contains(t, rows, "more members not drawn: the chart is cut at 25 rows")

	const maxBytes = 48 << 10
	w := serve(t, newHandler(s, quiet(), 0, DefaultMaxRows, maxBytes), "/timeline/organization/piarc.svg")
	assert.LessOrEqual(t, w.Body.Len(), maxBytes)
	n := len(labels.FindAllString(w.Body.String(), -1))
	assert.Greater(t, n, 10)
	assert.Less(t, n, total)
	assert.Contains(t, w.Body.String(), "more members not drawn")
}

// TestCaching checks the ETag, Cache-Control, conditional GET and HEAD, and that a
// revalidation reads nothing from the store while a chart takes three statements.
func TestCaching(t *testing.T) {
	s := seedStore(t)
	h := Handler(s, quiet(), 90*time.Second, 0, 0)
	const target = "/timeline/organization/csto.svg?at=2010"
	w := serve(t, h, target)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))
	assert.Equal(t, "public, max-age=90", w.Header().Get("Cache-Control"))
	etag := w.Header().Get("ETag")
	assert.Regexp(t, `^"[0-9a-f]{32}"$`, etag)

	var n atomic.Int64
	r := httptest.NewRequest(http.MethodGet, target, nil).WithContext(sqlite.WithCounter(context.Background(), &n))
	r.Header.Set("If-None-Match", `"other", W/`+etag)
	nm := httptest.NewRecorder()
	h.ServeHTTP(nm, r)
	assert.Equal(t, http.StatusNotModified, nm.Code)
	assert.Empty(t, nm.Body.String())
	assert.Equal(t, etag, nm.Header().Get("ETag"))
	assert.Equal(t, "public, max-age=90", nm.Header().Get("Cache-Control"))
	assert.Zero(t, n.Load(), "a revalidation reads nothing")

	r = httptest.NewRequest(http.MethodGet, target, nil).WithContext(sqlite.WithCounter(context.Background(), &n))
	h.ServeHTTP(httptest.NewRecorder(), r)
	assert.LessOrEqual(t, n.Load(), int64(3), "subject, stints, counterparts")

	assert.Equal(t, http.StatusOK, serve(t, h, target, "If-None-Match", `"other"`).Code)
	assert.Equal(t, http.StatusNotModified, serve(t, h, target, "If-None-Match", "*").Code, "* matches a chart that exists")
	assert.Equal(t, http.StatusNotFound, serve(t, h, "/timeline/state/atlantis.svg", "If-None-Match", "*").Code)

	head := httptest.NewRecorder()
	h.ServeHTTP(head, httptest.NewRequest(http.MethodHead, target, nil))
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Empty(t, head.Body.String())
	assert.Equal(t, etag, head.Header().Get("ETag"))
	assert.Equal(t, w.Header().Get("Content-Length"), head.Header().Get("Content-Length"))
}

// BenchmarkTimeline draws the chart of the organization with the most stints (PIARC, 238
// stints of 136 members) from the store, as a request without a cached copy does, and
// reports the median and 99th percentile of the iterations besides the mean, and the SQL
// statements per request (the members' names are read on the first request only).
func BenchmarkTimeline(b *testing.B) {
	s := seedStore(b)
	h := Handler(s, quiet(), 0, 0, 0)
	const target = "/timeline/organization/piarc.svg"
	require.Equal(b, http.StatusOK, serve(b, h, target).Code)
	times := make([]time.Duration, 0, b.N)
	statements := s.Statements()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		w := serve(b, h, target)
		times = append(times, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.Statements()-statements)/float64(len(times)), "sql/op")
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkTimelineNotModified is a client or CDN revalidating the same chart: If-None-Match
// with its ETag, answered 304 without reading the store.
func BenchmarkTimelineNotModified(b *testing.B) {
	h := Handler(seedStore(b), quiet(), 0, 0, 0)
	const target = "/timeline/organization/piarc.svg"
	etag := serve(b, h, target).Header().Get("ETag")
	b.ReportAllocs()
	for b.Loop() {
		if w := serve(b, h, target, "If-None-Match", etag); w.Code != http.StatusNotModified {
			b.Fatal(w.Code)
		}
	}
}

// TestTheDateAskedForIsOnTheAxis checks that at: puts its date on the axis even when every
// stint kept started long before it and the text gives them no end: the CSTO's members on
// 2005-06-01 run on past it, as the sources still saw them in 2025 (the Factbook's last
// edition, a report of 2025-11-27).
func TestTheDateAskedForIsOnTheAxis(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	w := serve(t, h, "/timeline/organization/csto.svg?at=2005-06-01")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	assert.Contains(t, body, `font-weight="bold">2005-06-01</text>`, "the date asked for is drawn")
	for _, tick := range []string{">2000<", ">2010<", ">2025<"} {
		assert.Contains(t, body, tick, "the axis reaches past the date asked for and to the sources' last year")
	}
}

// TestSelectStintsByCertainty checks the at and from..to filters of a timeline request, as
// the kg.StintQuery it makes selects constructed stints: an undated start is not "since forever", an open end is not "for ever", and a year without
// data is only possibly covered.
func TestSelectStintsByCertainty(t *testing.T) {
	undatedStart := stated(kg.RoleMember, kg.MembershipClaim{End: date("2000"), Source: kg.Source{DocumentSlug: "a"}})
	openEnd := stated(kg.RoleMember, kg.MembershipClaim{Start: date("2002"), AsOf: date("2014"), Source: kg.Source{DocumentSlug: "b"}})
	gap := stated(kg.RoleMember, kg.MembershipClaim{Start: date("1990"), End: date("2010"), UnknownYears: []int{2005}, Source: kg.Source{DocumentSlug: "c"}})
	bounded := stated(kg.RoleMember, kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: date("2015")}, AsOf: date("2020"), Source: kg.Source{DocumentSlug: "d"}})
	all := []*kg.Membership{undatedStart, openEnd, gap, bounded}
	docs := func(ms []*kg.Membership) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.Source.DocumentSlug)
		}
		return out
	}
	for _, c := range []struct {
		at, from, to string
		certainty    kg.Certainty
		want         []string
	}{
		{at: "1995", want: []string{"c"}},
		{at: "1995", certainty: kg.Possible, want: []string{"a", "c"}},
		{at: "1800", certainty: kg.Possible, want: []string{"a"}},
		{at: "2014", want: []string{"b"}},
		{at: "2016", certainty: kg.Known, want: []string{}},
		{at: "2016", certainty: kg.Possible, want: []string{"b", "d"}},
		{at: "2020", want: []string{"d"}},
		{at: "2005", want: []string{"b"}},
		{at: "2005", certainty: kg.Possible, want: []string{"b", "c"}},
		{from: "2015", to: "2016", want: []string{}},
		{from: "2015", to: "2016", certainty: kg.Possible, want: []string{"b", "d"}},
		{to: "1980", certainty: kg.Possible, want: []string{"a"}},
		{to: "1980", want: []string{}},
	} {
		q := &request{certainty: c.certainty}
		if c.at != "" {
			q.at = date(c.at)
		}
		if c.from != "" {
			q.from = date(c.from)
		}
		if c.to != "" {
			q.to = date(c.to)
		}
		assert.Equal(t, c.want, docs(kg.SelectStints(all, q.stintQuery())), "at %s from %s to %s %s", c.at, c.from, c.to, c.certainty)
	}
}
