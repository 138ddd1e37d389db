// Package sqlite builds treatygraph's SQLite database from a graph and answers the queries
// of the GraphQL layer from it. The database is read-only once built.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// Store answers queries from a built database file opened read-only.
type Store struct {
	path       string // the file, which Verify reads
	db         *sql.DB
	health     *sql.DB // one connection of its own for Check
	version    string
	build      string
	statements atomic.Int64
	rowCounts

	// stmts holds the prepared statements of the SQL texts run most recently; see query.
	stmts *stmtCache

	// docs is the slugs of the source documents, read on first use; see DocumentSlugs.
	docsOnce sync.Once
	docs     []string
	docsErr  error

	// derived is what other packages computed from the store; see Derived.
	derived derived
}

// Open opens a database file built by Build, read-only, with at most conns connections.
//
// The file is a build product that nothing writes once built (a rebuild writes a new file
// and renames it into place), so it is opened immutable: SQLite then takes no file locks
// and never checks whether another process changed the file, which it otherwise does at the
// start of every statement. It is also mapped into memory (up to 2 GiB) so that reads do
// not copy pages (with the whole file mapped, SQLite's own page cache holds little), and
// sorts in memory.
//
// A database of another format version, lacking a table, or that is not the file build
// wrote (its header, build ID and size, see seal.go) is refused. Open reads no more than the
// header and the meta table, so that a server starts at once whatever the file's size; Verify
// reads it all.
func Open(path string, conns int) (*Store, error) {
	if conns < 1 {
		conns = 1
	}
	sealed, err := readFileSeal(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	dsn := "file:" + url.PathEscape(path) + "?mode=ro&immutable=1" +
		"&_pragma=query_only(1)&_pragma=foreign_keys(1)&_pragma=temp_store(memory)" +
		"&_pragma=cache_size(-16000)&_pragma=mmap_size(2147418112)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	health, err := openHealth(dsn)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{path: path, db: db, health: health, stmts: newStmtCache(MaxPrepared)}
	if err := db.QueryRow("SELECT value FROM meta WHERE key = 'version'").Scan(&s.version); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open %s: not a treatygraph database: %w", path, err)
	}
	if s.build, err = checkLayout(context.Background(), db); err == nil {
		err = sealed.check(context.Background(), db, s.build)
	}
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	_ = s.health.Close()
	return s.db.Close()
}

// Version is the hash of the seeds the database was built from.
func (s *Store) Version() string { return s.version }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Statements is how many SQL statements the store has run since it was opened.
func (s *Store) Statements() int64 { return s.statements.Load() }

type counterKey struct{}

// counters is the chain of counters a context carries, innermost first.
type counters struct {
	n      *atomic.Int64
	parent *counters
}

// WithCounter returns a context in which the store counts the statements it runs into n,
// as well as into any counter the context already carries (the access log's and a test's).
func WithCounter(ctx context.Context, n *atomic.Int64) context.Context {
	parent, _ := ctx.Value(counterKey{}).(*counters)
	return context.WithValue(ctx, counterKey{}, &counters{n: n, parent: parent})
}

// query runs one statement, counting it. Each SQL text is prepared once and its statement
// reused while it is among the MaxPrepared texts run most recently: parsing and planning a
// statement cost as much as running the store's typical ones.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s.statements.Add(1)
	for c, _ := ctx.Value(counterKey{}).(*counters); c != nil; c = c.parent {
		c.n.Add(1)
	}
	st, err := s.stmts.get(ctx, s.db, q)
	if err != nil {
		return nil, fmt.Errorf("query %.60q: %w", q, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	s.stmts.put(st)
	if err != nil {
		return nil, fmt.Errorf("query %.60q: %w", q, err)
	}
	return rows, nil
}

// keysJSON passes a list of keys as one JSON parameter, read in SQL with json_each, so that
// a statement's text does not depend on how many keys it is given.
func keysJSON[K any](keys []K) string {
	b, _ := json.Marshal(keys)
	return string(b)
}

// scanGrouped reads rows of (key, data JSON) into a map from each key to its decoded values,
// in the order of the rows.
func scanGrouped[T any](rows *sql.Rows, err error) (map[string][]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]*T{}
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return nil, fmt.Errorf("decode %T %s: %w", v, key, err)
		}
		out[key] = append(out[key], v)
	}
	return out, rows.Err()
}

// scanKeyed reads rows of (key, data JSON) where each key has one value.
func scanKeyed[T any](rows *sql.Rows, err error) (map[string]*T, error) {
	grouped, err := scanGrouped[T](rows, err)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*T, len(grouped))
	for k, vs := range grouped {
		out[k] = vs[0]
	}
	return out, nil
}

// scanList reads rows of (key, data JSON) in order.
func scanList[T any](rows *sql.Rows, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return nil, fmt.Errorf("decode %T %s: %w", v, key, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
