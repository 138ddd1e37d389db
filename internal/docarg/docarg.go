// Package docarg checks a document slug a client gives to select a source: the source
// arguments of the API and the source parameter of the timelines.
package docarg

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Named is how many documents an error names at most: all of them when there are no more,
// else the nearest to what was sent. The graph holds dozens of documents, and an error
// stays short whatever their number.
const Named = 3

// minNear is how many leading characters a slug must share with what was sent (or how long
// what was sent must be, found inside the slug) for the slug to be named as a near miss.
const minNear = 3

// Check returns nil when slug is one of docs, the slugs of the graph's documents, and
// otherwise a BAD_USER_INPUT error for the argument arg that quotes a prefix of slug. When
// there are at most Named documents it names them all; else it says how many there are,
// names those whose slugs begin like slug or contain it ("cow" for cow-igo-v3), Named at
// most, and points to the documents query, which lists them all.
func Check(arg, slug string, docs []string) error {
	if slices.Contains(docs, slug) {
		return nil
	}
	var more string
	switch {
	case len(docs) == 0:
		more = " (the graph holds no documents)"
	case len(docs) <= Named:
		more = " (documents: " + strings.Join(docs, ", ") + ")"
	default:
		if near := nearest(slug, docs); len(near) > 0 {
			more = ": did you mean " + orList(near) + "?"
		}
		more += fmt.Sprintf(" (%d documents: the documents query lists them all)", len(docs))
	}
	return kg.Errorf(kg.BadUserInput, "%s: no document has the slug %s%s", arg, kg.QuoteInput(slug), more)
}

// nearest returns, Named at most, the slugs of docs that share at least minNear leading
// characters with slug, or contain it whole when it is that long, ignoring case: the ones
// that share the most first, else in the order of docs.
func nearest(slug string, docs []string) []string {
	slug = strings.ToLower(slug)
	type near struct {
		doc   string
		score int
	}
	var found []near
	for _, d := range docs {
		lower := strings.ToLower(d)
		score := commonPrefix(slug, lower)
		if len(slug) >= minNear && len(slug) <= len(lower) && strings.Contains(lower, slug) {
			score = max(score, len(slug))
		}
		if score >= minNear {
			found = append(found, near{d, score})
		}
	}
	slices.SortStableFunc(found, func(a, b near) int { return cmp.Compare(b.score, a.score) })
	out := make([]string, 0, Named)
	for _, n := range found[:min(len(found), Named)] {
		out = append(out, n.doc)
	}
	return out
}

// commonPrefix is the number of leading bytes a and b share.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
