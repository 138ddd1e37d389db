package sqlite

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// mapKept is a Kept without bounds that can forget a record.
type mapKept map[[2]string]any

func (m mapKept) Get(loader, key string) (any, bool) {
	v, ok := m[[2]string{loader, key}]
	return v, ok
}
func (m mapKept) Add(loader, key string, v any) { m[[2]string{loader, key}] = v }

func encodedCursors(p paging.Page[*kg.Event]) []string {
	out := make([]string, len(p.Cursors))
	for i, c := range p.Cursors {
		out[i] = c.Encode()
	}
	return out
}

// TestListsReadThroughKept shows a list page read a second time from what was kept, with no
// statement, the same items and the same cursors as the store reads without keeping; and
// read again from the database once one of its records is no longer kept.
func TestListsReadThroughKept(t *testing.T) {
	s, _, _ := openFixture(t)
	var statements atomic.Int64
	plainCtx := context.Background()
	kept := mapKept{}
	ctx := WithKept(WithCounter(context.Background(), &statements), kept)

	want, err := s.ListEvents(plainCtx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	require.Len(t, want.Items, 2, "the fixture has more than two events")
	require.True(t, want.HasNext)

	first, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), statements.Load())
	assert.Equal(t, slugsOfEvents(want.Items), slugsOfEvents(first.Items))
	assert.Equal(t, encodedCursors(want), encodedCursors(first))

	again, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), statements.Load(), "the second read runs no statement")
	assert.Equal(t, want.HasNext, again.HasNext)
	assert.Equal(t, encodedCursors(want), encodedCursors(again))
	for i := range first.Items {
		assert.Same(t, first.Items[i], again.Items[i], "the kept record, not a new one")
	}

	// The next page, after the kept page's cursor, is the store's next page.
	wantNext, err := s.ListEvents(plainCtx, EventQuery{}, nil, 2, &want.Cursors[1])
	require.NoError(t, err)
	next, err := s.ListEvents(ctx, EventQuery{}, nil, 2, &again.Cursors[1])
	require.NoError(t, err)
	assert.Equal(t, slugsOfEvents(wantNext.Items), slugsOfEvents(next.Items))
	assert.Equal(t, int64(2), statements.Load())

	// A record no longer kept: the page is read from the database again, and is right.
	delete(kept, [2]string{"events", want.Items[0].Slug})
	third, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), statements.Load())
	assert.Equal(t, slugsOfEvents(want.Items), slugsOfEvents(third.Items))

	// Another filter is another statement.
	from := kg.MustDate("2010")
	wantFrom, err := s.ListEvents(plainCtx, EventQuery{From: &from}, nil, 2, nil)
	require.NoError(t, err)
	gotFrom, err := s.ListEvents(ctx, EventQuery{From: &from}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, slugsOfEvents(wantFrom.Items), slugsOfEvents(gotFrom.Items))
	assert.Equal(t, int64(4), statements.Load())
}

func TestCountsReadThroughKept(t *testing.T) {
	s, _, _ := openFixture(t)
	var statements atomic.Int64
	ctx := WithKept(WithCounter(context.Background(), &statements), mapKept{})
	want, err := s.CountEvents(context.Background(), EventQuery{})
	require.NoError(t, err)
	require.Positive(t, want)
	for range 2 {
		got, err := s.CountEvents(ctx, EventQuery{})
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	assert.Equal(t, int64(1), statements.Load(), "the second count runs no statement")
	from := kg.MustDate("2010")
	wantFrom, err := s.CountEvents(context.Background(), EventQuery{From: &from})
	require.NoError(t, err)
	gotFrom, err := s.CountEvents(ctx, EventQuery{From: &from})
	require.NoError(t, err)
	assert.Equal(t, wantFrom, gotFrom)
	assert.Equal(t, int64(2), statements.Load())
}
