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

// searchWords splits a text into the words a search looks for: runs of letters, digits
// and marks, as the index's tokenizer splits the texts it holds.
func searchWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
}

// ftsQuery turns free text into an FTS5 query in which every word must match as a prefix,
// and one that matches the texts made of those words alone, in order, from their first word
// (the exact names and aliases, to be told apart from longer texts by their count of words).
// Words are quoted, so no FTS5 operator in the text is ever interpreted.
func ftsQuery(text string) (prefix, exact string, words int, err error) {
	if len([]rune(text)) > MaxSearchText {
		return "", "", 0, kg.Errorf(kg.BadUserInput, "search text is longer than %d characters", MaxSearchText)
	}
	ws := searchWords(text)
	if len(ws) == 0 {
		return "", "", 0, kg.Errorf(kg.BadUserInput, "search text %s has no letters or digits to search for", kg.QuoteInput(text))
	}
	if len(ws) > 16 {
		ws = ws[:16]
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = `"` + w + `"*`
	}
	return strings.Join(parts, " "), `^"` + strings.Join(ws, " ") + `"`, len(ws), nil
}

// searchScore is a hit's score: FTS5's rank, weighted by the field matched.
const searchScore = `-bm25(search) * CASE field WHEN 'name' THEN 4.0 WHEN 'alias' THEN 3.0 WHEN 'title' THEN 2.0 ELSE 1.0 END`

// Search finds the nodes whose names, aliases, titles, summaries or quotes match every word
// of text (each as a prefix), best first. A name or alias (an acronym is an alias) that is
// the text itself, word for word in any case, comes before any other hit, so that "UN"
// lists the United Nations before the Universal Postal Union; after them, a match in a name
// counts more than one in an alias, a title, or running text. kinds, when given, keeps only
// nodes of those kinds.
func (s *Store) Search(ctx context.Context, text string, kinds []string, first int) ([]Hit, error) {
	prefix, exact, words, err := ftsQuery(text)
	if err != nil {
		return nil, err
	}
	var kindsArg any
	if len(kinds) > 0 {
		kindsArg = keysJSON(kinds)
	}
	// One statement: the exact names and aliases, the texts that begin with the words and
	// hold no other (the shortest first, so the limit keeps them whatever else begins
	// so), then the texts that match every word as a prefix, best first.
	const kindsCond = `(?2 IS NULL OR substr(ref, 1, instr(ref, ':') - 1) IN (SELECT value FROM json_each(?2)))`
	rows, err := s.searchRows(ctx, `SELECT * FROM (SELECT ref, field, text, snippet(search, 2, '«', '»', '…', 12), `+searchScore+`, 1
			FROM search WHERE search MATCH ?1 AND field IN ('name', 'alias') AND `+kindsCond+`
			ORDER BY length(text), ref LIMIT ?3)
		UNION ALL
		SELECT * FROM (SELECT ref, field, text, snippet(search, 2, '«', '»', '…', 12), `+searchScore+` AS score, 0
			FROM search WHERE search MATCH ?4 AND `+kindsCond+`
			ORDER BY score DESC, ref LIMIT ?5)`, exact, kindsArg, first*4+16, prefix, first*8+16)
	if err != nil {
		return nil, err
	}
	var exacts, all []searchRow
	for _, r := range rows {
		switch {
		case !r.exact:
			// A text that is exactly what was asked for ("ОДКБ" for "одкб") beats one that
			// merely contains it.
			if strings.EqualFold(strings.TrimSpace(r.text), strings.TrimSpace(text)) {
				r.Score *= 3
			}
			all = append(all, r)
		case len(searchWords(r.text)) == words:
			exacts = append(exacts, r)
		}
	}
	// An exact hit scores above every other, keeping its order among the exact ones.
	top := 0.0
	for _, r := range all {
		top = max(top, r.Score)
	}
	for i := range exacts {
		exacts[i].Score += top
	}
	var hits []Hit
	seen := map[kg.Ref]bool{}
	for _, list := range [][]searchRow{exacts, all} {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Score > list[j].Score })
		for _, h := range list {
			if !seen[h.Ref] && len(hits) < first {
				seen[h.Ref] = true
				hits = append(hits, h.Hit)
			}
		}
	}
	return hits, nil
}

// searchRow is a hit with the text it matched, and whether it is the text asked for.
type searchRow struct {
	Hit
	text  string
	exact bool
}

// searchRows runs a search statement whose columns are ref, field, text, snippet, score and
// whether the row is an exact match.
func (s *Store) searchRows(ctx context.Context, query string, args ...any) ([]searchRow, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []searchRow
	for rows.Next() {
		var ref, field, matched, snippet string
		var score float64
		var exact bool
		if err := rows.Scan(&ref, &field, &matched, &snippet, &score, &exact); err != nil {
			return nil, err
		}
		r, ok := kg.ParseRef(ref)
		if !ok {
			continue
		}
		out = append(out, searchRow{Hit{Ref: r, Score: score, Snippet: snippet, Field: field}, matched, exact})
	}
	return out, rows.Err()
}
