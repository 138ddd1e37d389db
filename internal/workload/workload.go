// Package workload holds what treatygraph's benchmarks and load tool share: the canonical
// queries, and databases of the seeds scaled up, built once and kept between runs.
package workload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/synth"
)

// Query is one canonical request.
type Query struct {
	// Name is a short key: "lookup", "two-hop" ...
	Name string
	// What says what the query does, for tables.
	What string
	Text string
	Vars map[string]any
}

// Body is the JSON body of a POST /graphql request for the query.
func (q Query) Body() []byte {
	b, err := json.Marshal(map[string]any{"query": q.Text, "variables": q.Vars})
	if err != nil {
		panic(err)
	}
	return b
}

// FreshBody is Body with the first root field under the alias "r<n>": a document no cache
// has seen when n is new, with the same answer under another name. Benchmarks use it to
// measure a request run in full rather than answered from the server's answers kept.
func (q Query) FreshBody(n int) []byte { return q.FreshBodies()(n) }

// FreshBodies returns FreshBody as a function that encodes the request once and then only
// writes n into it, so that a benchmark or load client spends next to nothing making bodies.
func (q Query) FreshBodies() func(n int) []byte {
	const marker = "\x00alias\x00"
	text := q.Text
	if i := strings.IndexByte(text, '{'); i >= 0 {
		text = text[:i+1] + " r" + marker + ": " + text[i+1:]
	}
	b, err := json.Marshal(map[string]any{"query": text, "variables": q.Vars})
	if err != nil {
		panic(err)
	}
	encoded, _ := json.Marshal(marker)
	before, after, found := bytes.Cut(b, encoded[1:len(encoded)-1])
	return func(n int) []byte {
		if !found {
			return b
		}
		out := make([]byte, 0, len(b)+8)
		return append(strconv.AppendInt(append(out, before...), int64(n), 10), after...)
	}
}

// Objects counts the objects of a response's data: what a client receives, and so the unit
// of work CPU time is divided by in the benchmarks.
func Objects(response []byte) (int, error) {
	var body struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(response, &body); err != nil {
		return 0, err
	}
	var count func(v any) int
	count = func(v any) int {
		n := 0
		switch v := v.(type) {
		case map[string]any:
			n++
			for _, x := range v {
				n += count(x)
			}
		case []any:
			for _, x := range v {
				n += count(x)
			}
		}
		return n
	}
	return count(body.Data), nil
}

// ID is the public ID of a node of the given kind and key, as clients see it.
func ID(kind, key string) string { return kg.Ref{Kind: kind, Key: key}.ID() }

// Canonical returns the typical requests the service answers. All but the last address nodes
// of the real seeds, which are the first copy at every scale, so each asks the same of every
// scale, gets the same answer, and any growth in its cost comes from the data around it.
// The last pages through all events, whose answer does change with the data.
func Canonical() []Query {
	return []Query{
		{
			Name: "lookup", What: "one node by ID",
			Text: `query ($id: ID!) { node(id: $id) { id ... on State { slug name iso2 iso3 recognition } } }`,
			Vars: map[string]any{"id": ID(kg.KindState, "armenia")},
		},
		{
			Name: "state", What: "one state by slug",
			Text: `query ($slug: String!) { state(slug: $slug) { id slug name iso2 iso3 recognition } }`,
			Vars: map[string]any{"slug": "armenia"},
		},
		{
			// The smallest page a frontend asks: no total, no related nodes.
			Name: "events", What: "the first 20 events, in date order",
			Text: `query { events(first: 20) { nodes { slug title kind date { iso } } } }`,
		},
		{
			Name: "two-hop", What: "organization → members on a date → state",
			Text: `query ($acronym: String!, $at: Date!) {
  organization(acronym: $acronym) {
    name
    members(at: $at, roles: [MEMBER]) { role start { iso } end { iso } member { name ... on State { iso2 } } }
  }
}`,
			Vars: map[string]any{"acronym": "CSTO", "at": "2005-06-01"},
		},
		{
			Name: "three-hop", What: "organization → members → state → memberships → organization, with footnotes",
			Text: `query ($slug: String!) {
  organization(slug: $slug) {
    name
    members {
      role
      member {
        name
        memberships { role start { iso } organization { name } citations { number title } }
      }
      citations { number title work }
    }
  }
}`,
			Vars: map[string]any{"slug": "csto"},
		},
		{
			Name: "page", What: "a page of 20 of a state's events in date order, with total, place and participants",
			Text: `query ($state: ID!) {
  events(involving: $state, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { slug title kind date { iso } place { name } participants { name } }
  }
}`,
			Vars: map[string]any{"state": ID(kg.KindState, "kazakhstan")},
		},
		{
			Name: "search", What: "full-text search, 10 hits",
			Text: `query ($text: String!) {
  search(text: $text, first: 10) {
    field snippet
    node { __typename ... on State { name } ... on Organization { name } ... on Event { title } }
  }
}`,
			Vars: map[string]any{"text": "kazakhstan"},
		},
		{
			Name: "path", What: "shortest path between two states, with footnotes",
			Text: `query ($from: ID!, $to: ID!) {
  path(from: $from, to: $to) {
    length
    edges { relation from { id } to { id } fact { __typename id } citations { number } }
  }
}`,
			Vars: map[string]any{"from": ID(kg.KindState, "serbia"), "to": ID(kg.KindState, "kazakhstan")},
		},
		{
			// Not one node's neighbourhood but the whole list: its page is other events at
			// each scale, and its total counts them all.
			Name: "page-all", What: "a page of 20 of all events from a date on, with total, place and participants",
			Text: `query ($from: Date!) {
  events(from: $from, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { slug title kind date { iso } place { name } participants { name } }
  }
}`,
			Vars: map[string]any{"from": "2010"},
		},
	}
}

// Select returns the canonical queries named in a comma-separated list, or all of them for "".
func Select(names string) ([]Query, error) {
	all := Canonical()
	if strings.TrimSpace(names) == "" {
		return all, nil
	}
	var out []Query
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, q := range all {
			if q.Name == n {
				out, found = append(out, q), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown query %q (want one of lookup, two-hop, three-hop, page, search, path, page-all)", n)
		}
	}
	return out, nil
}

// Root finds the repository's root: the nearest directory at or above the working directory
// holding go.mod and seeds/.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) && fileExists(filepath.Join(dir, "seeds")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("workload: run from inside the treatygraph repository (no go.mod with seeds/ above the working directory)")
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Seeds loads the seeds of the repository at root.
func Seeds(root string) (*kg.Graph, error) {
	return seed.Load(os.DirFS(filepath.Join(root, "seeds")), "seeds")
}

// DB is a database of the seeds scaled up.
type DB struct {
	Path  string
	Scale int
	// Built is how long generating and building took; zero when an earlier build was reused.
	Built time.Duration
	// Bytes is the size of the file.
	Bytes int64
}

// Database returns a database of base scaled n times with rand seed rnd, kept in dir. A
// database already there is reused when it was built from the same seeds, scale and seed by
// the same build code and synth revision (the file name holds a hash of all of them, read
// from the sources under root); otherwise it is built, which at large scales takes minutes.
func Database(ctx context.Context, root string, base *kg.Graph, n int, rnd uint64, dir string) (*DB, error) {
	fp, err := fingerprint(root)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", base.Version, n, rnd, synth.Revision, fp)))
	path := filepath.Join(dir, fmt.Sprintf("treatygraph-x%d-r%d-%s.db", n, rnd, hex.EncodeToString(h[:6])))
	db := &DB{Path: path, Scale: n}
	if info, err := os.Stat(path); err == nil {
		db.Bytes = info.Size()
		return db, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	start := time.Now()
	g := synth.ScaleRand(base, n, rnd)
	if err := sqlite.Build(ctx, g, path); err != nil {
		return nil, err
	}
	db.Built = time.Since(start)
	if info, err := os.Stat(path); err == nil {
		db.Bytes = info.Size()
	}
	return db, nil
}

// fingerprint hashes the sources that decide what a built database holds: the build code,
// the schema and the synthetic data generator.
func fingerprint(root string) (string, error) {
	var files []string
	for _, pattern := range []string{"internal/sqlite/build.go", "internal/sqlite/migration/*.sql", "internal/synth/*.go"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return "", err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return "", err
		}
		fmt.Fprintf(h, "%s\x00", filepath.Base(f))
		_, err = io.Copy(h, fh)
		_ = fh.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ParseInts reads a comma-separated list of positive numbers such as "1,100,1000".
func ParseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a list of positive numbers", s)
		}
		out = append(out, n)
	}
	return out, nil
}
