package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// MaxPrepared bounds the SQL texts the store keeps prepared. The store's own texts are a few
// dozen, but filters and orderings compose texts from their parts, so clients can make many;
// past the bound, the statement used least recently is closed.
//
// A statement is the database's, not a connection's: database/sql prepares it on each
// connection that runs it, so SQLite holds at most MaxPrepared statements per connection.
const MaxPrepared = 512

// stmtCache keeps prepared statements by SQL text, the least recently used evicted past its
// size.
//
// An evicted statement is closed once no query is between taking it and starting on it;
// database/sql itself keeps a closed statement's connections' statements open until the rows
// of queries already started on them are closed. So a query never finds its statement
// closed under it.
type stmtCache struct {
	mu  sync.Mutex
	lru *simplelru.LRU[string, *cachedStmt]
	// evicted collects statements evicted by the current call, to close once mu is released
	// (closing waits for the statement's queries to start).
	evicted []*cachedStmt
}

type cachedStmt struct {
	*sql.Stmt
	users   int  // queries that took the statement and have not yet started on it
	evicted bool // out of the cache: close when users drops to zero
}

func newStmtCache(size int) *stmtCache {
	c := &stmtCache{}
	c.lru, _ = simplelru.NewLRU(size, func(_ string, st *cachedStmt) {
		st.evicted = true
		if st.users == 0 {
			c.evicted = append(c.evicted, st)
		}
	})
	return c
}

// get returns the prepared statement for q, preparing it with db on first use; the caller
// calls put once it has started the query (or given up).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, q string) (*cachedStmt, error) {
	c.mu.Lock()
	if st, ok := c.lru.Get(q); ok {
		st.users++
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()

	// Prepared without the lock, so that other texts are not held up meanwhile; two
	// queries preparing the same text at once keep the first to finish.
	prepared, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	st := &cachedStmt{Stmt: prepared, users: 1}
	c.mu.Lock()
	if other, ok := c.lru.Get(q); ok {
		other.users++
		c.mu.Unlock()
		_ = prepared.Close()
		return other, nil
	}
	c.lru.Add(q, st)
	evicted := c.takeEvicted()
	c.mu.Unlock()
	closeAll(evicted)
	return st, nil
}

// put says that a query taken with get has started (its rows now hold the statement) or
// will not run.
func (c *stmtCache) put(st *cachedStmt) {
	c.mu.Lock()
	st.users--
	closeNow := st.evicted && st.users == 0
	c.mu.Unlock()
	if closeNow {
		_ = st.Close()
	}
}

// len is how many statements the cache holds.
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// close closes every statement; queries already started finish.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.lru.Purge()
	evicted := c.takeEvicted()
	c.mu.Unlock()
	closeAll(evicted)
}

func (c *stmtCache) takeEvicted() []*cachedStmt {
	out := c.evicted
	c.evicted = nil
	return out
}

func closeAll(sts []*cachedStmt) {
	for _, st := range sts {
		_ = st.Close()
	}
}
