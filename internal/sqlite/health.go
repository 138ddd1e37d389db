package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// openHealth opens the connection the health checks use, beside the pool: a request that
// holds every connection of the pool must not make the instance look dead.
func openHealth(dsn string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return db, nil
}

// Check reports whether the database answers a one-row query, through a connection of its own
// that the queries of requests never take.
func (s *Store) Check(ctx context.Context) error {
	var one int
	if err := s.health.QueryRowContext(ctx, "SELECT 1 FROM meta LIMIT 1").Scan(&one); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	return nil
}

// InUse is how many connections of the pool are running a statement or holding rows.
func (s *Store) InUse() int { return s.db.Stats().InUse }
