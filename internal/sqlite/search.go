package sqlite

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Hit is one search result.
type Hit struct {
	Ref     kg.Ref
	Score   float64
	Snippet string
	Field   string
}

// MaxSearchText bounds the length of a search text, in characters.
const MaxSearchText = 200

// ftsQuery turns free text into an FTS5 query in which every word must match as a prefix.
// Words are quoted, so no FTS5 operator in the text is ever interpreted.
func ftsQuery(text string) (string, error) {
	if len([]rune(text)) > MaxSearchText {
		return "", kg.Errorf(kg.BadUserInput, "search text is longer than %d characters", MaxSearchText)
	}
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
	if len(words) == 0 {
		return "", kg.Errorf(kg.BadUserInput, "search text %s has no letters or digits to search for", kg.QuoteInput(text))
	}
	if len(words) > 16 {
		words = words[:16]
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"*`
	}
	return strings.Join(parts, " "), nil
}

// Search finds the nodes whose names, aliases, titles, summaries or quotes match every word
// of text (each as a prefix), best first: a match in a name counts more than one in an alias,
// a title, or running text. kinds, when given, keeps only nodes of those kinds.
func (s *Store) Search(ctx context.Context, text string, kinds []string, first int) ([]Hit, error) {
	q, err := ftsQuery(text)
	if err != nil {
		return nil, err
	}
	var kindsArg any
	if len(kinds) > 0 {
		kindsArg = keysJSON(kinds)
	}
	rows, err := s.query(ctx, `SELECT ref, field, text, snippet(search, 2, '«', '»', '…', 12),
			-bm25(search) * CASE field WHEN 'name' THEN 4.0 WHEN 'alias' THEN 3.0 WHEN 'title' THEN 2.0 ELSE 1.0 END AS score
		FROM search WHERE search MATCH ?1
			AND (?2 IS NULL OR substr(ref, 1, instr(ref, ':') - 1) IN (SELECT value FROM json_each(?2)))
		ORDER BY score DESC, ref LIMIT ?3`, q, kindsArg, first*8+16)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Hit
	for rows.Next() {
		var ref, field, matched, snippet string
		var score float64
		if err := rows.Scan(&ref, &field, &matched, &snippet, &score); err != nil {
			return nil, err
		}
		r, ok := kg.ParseRef(ref)
		if !ok {
			continue
		}
		// A text that is exactly what was asked for ("ОДКБ" for "одкб") beats one that
		// merely contains it.
		if strings.EqualFold(strings.TrimSpace(matched), strings.TrimSpace(text)) {
			score *= 3
		}
		all = append(all, Hit{Ref: r, Score: score, Snippet: snippet, Field: field})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Score > all[j].Score })
	var hits []Hit
	seen := map[kg.Ref]bool{}
	for _, h := range all {
		if seen[h.Ref] || len(hits) >= first {
			continue
		}
		seen[h.Ref] = true
		hits = append(hits, h)
	}
	return hits, nil
}
