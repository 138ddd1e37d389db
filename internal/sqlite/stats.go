package sqlite

import (
	"context"
	"sync"
)

// TableRows is how many rows each table holds, as ANALYZE recorded at build time: what the
// cost model prices a scan by. Tables ANALYZE left out (without indexes) are absent.
func (s *Store) TableRows() map[string]int {
	s.rowsOnce.Do(func() {
		s.rows = map[string]int{}
		rows, err := s.db.QueryContext(context.Background(),
			"SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var table string
			var n int
			if rows.Scan(&table, &n) == nil {
				s.rows[table] = n
			}
		}
	})
	return s.rows
}

// rowCounts is the state of TableRows.
type rowCounts struct {
	rowsOnce sync.Once
	rows     map[string]int
}
