package graph

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

type otherKey struct{}

// TestWithFieldContextIsGraphQLs checks that withFieldContext does what
// graphql.WithFieldContext does, over more fields than a block holds: each context carries
// its field context, whose parent is the one of the context it was made from, and everything
// else comes from the parent context.
func TestWithFieldContextIsGraphQLs(t *testing.T) {
	base, cancel := context.WithTimeout(context.WithValue(context.Background(), otherKey{}, "kept"), time.Hour)
	defer cancel()
	root := &graphql.FieldContext{Object: "Query"}
	ctx := graphql.WithFieldContext(base, root) // the executor's root fields

	// Siblings: many children of one field, as the elements of a list.
	list := &graphql.FieldContext{Object: "list"}
	listCtx := withFieldContext(ctx, list)
	if list.Parent != root || graphql.GetFieldContext(listCtx) != list {
		t.Fatalf("list: parent %p, found %p; want %p, %p", list.Parent, graphql.GetFieldContext(listCtx), root, list)
	}
	var elems []context.Context
	var fcs []*graphql.FieldContext
	for i := range 3*fieldCtxBlockSize + 5 {
		fc := &graphql.FieldContext{Index: &i}
		elems = append(elems, withFieldContext(listCtx, fc))
		fcs = append(fcs, fc)
	}
	// Children of the elements, made after all the elements, as a nested list's would be.
	for i, e := range elems {
		child := &graphql.FieldContext{Object: "child"}
		c := withFieldContext(e, child)
		if child.Parent != fcs[i] || graphql.GetFieldContext(c) != child {
			t.Fatalf("child of element %d: parent %p, found %p; want %p, %p", i, child.Parent, graphql.GetFieldContext(c), fcs[i], child)
		}
		if got := c.Value(otherKey{}); got != "kept" {
			t.Fatalf("child of element %d: other value %v", i, got)
		}
	}
	for i, e := range elems {
		if fc := graphql.GetFieldContext(e); fc != fcs[i] || fc.Parent != list {
			t.Fatalf("element %d: found %p with parent %p; want %p with parent %p", i, fc, fc.Parent, fcs[i], list)
		}
	}

	// A chain deeper than a block.
	c, parent := listCtx, list
	for i := range 2*fieldCtxBlockSize + 3 {
		fc := &graphql.FieldContext{Object: "nested"}
		c = withFieldContext(c, fc)
		if fc.Parent != parent || graphql.GetFieldContext(c) != fc {
			t.Fatalf("level %d: parent %p, found %p; want %p, %p", i, fc.Parent, graphql.GetFieldContext(c), parent, fc)
		}
		parent = fc
	}
	if d1, _ := c.Deadline(); !d1.Equal(mustDeadline(t, base)) {
		t.Errorf("deadline %v, want the parent's", d1)
	}
	// Cancelling the request reaches contexts made below the field contexts.
	below, stop := context.WithCancel(c)
	defer stop()
	cancel()
	select {
	case <-below.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request did not reach a context made from a field's")
	}
}

func mustDeadline(t *testing.T, ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		t.Fatal("no deadline")
	}
	return d
}

// TestNewFieldSetHoldsItsFields checks the field sets of every size.
func TestNewFieldSetHoldsItsFields(t *testing.T) {
	for n := range 12 {
		fields := make([]graphql.CollectedField, n)
		s := newFieldSet(fields)
		if len(s.Values) != n || len(s.fields) != n {
			t.Fatalf("%d fields: %d values, %d fields", n, len(s.Values), len(s.fields))
		}
		for i := range s.Values {
			s.Values[i] = graphql.MarshalInt(i)
		}
		for i := range s.Values {
			var b bytes.Buffer
			s.Values[i].MarshalGQL(&b)
			if want := []byte{byte('0' + i%10)}; i < 10 && !bytes.Equal(b.Bytes(), want) {
				t.Fatalf("%d fields: value %d wrote %q", n, i, b.Bytes())
			}
		}
	}
}

// TestAnswerSizeHint checks that the first buffer of an answer follows the answers' sizes,
// within bounds.
func TestAnswerSizeHint(t *testing.T) {
	var a answerSize
	if got := a.hint(); got != minAnswerBuffer {
		t.Errorf("no answers yet: hint %d, want %d", got, minAnswerBuffer)
	}
	for range 100 {
		a.record(4000)
	}
	if got := a.hint(); got < 4000 || got > 5000 {
		t.Errorf("answers of 4000 bytes: hint %d, want 4000 to 5000", got)
	}
	for range 100 {
		a.record(1 << 30)
	}
	if got := a.hint(); got != maxAnswerBuffer {
		t.Errorf("huge answers: hint %d, want %d", got, maxAnswerBuffer)
	}
}
