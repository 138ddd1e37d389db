// Package seed reads treatygraph's curated YAML seed files, checks them completely, and turns
// them into a kg.Graph. Every problem is reported with the file and line it is on.
package seed

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Problem is one thing wrong with a seed set, at a file and line.
type Problem struct {
	File    string
	Line    int
	Message string
	Column  int // 0 when only the line is known
}

func (p Problem) String() string {
	if p.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Problems is every problem found in a seed set; it is the error Load returns.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// pos is where a record sits: its file, its first line, and the line of each of its keys.
type pos struct {
	file   string
	line   int
	fields map[string]int
	// items holds, for a key whose value is a list of mappings, where each item sits.
	items map[string][]pos
}

// at is the line of a key of the record, or of the record itself when the key is absent. A
// key of a nested mapping is written "outer.inner"; when it is absent, the line of the outer
// key is used.
func (p pos) at(field string) int {
	for {
		if l, ok := p.fields[field]; ok {
			return l
		}
		i := strings.LastIndexByte(field, '.')
		if i < 0 {
			return p.line
		}
		field = field[:i]
	}
}

type item[T any] struct {
	rec T
	pos pos
}

// rawSet is every record of a seed set as decoded, before checking.
type rawSet struct {
	documents     []item[documentRec]
	citations     []item[citationRec]
	states        []item[stateRec]
	organizations []item[organizationRec]
	places        []item[placeRec]
	people        []item[personRec]
	memberships   []item[membershipRec]
	events        []item[eventRec]
	quotes        []item[quoteRec]
	figures       []item[figureRec]
	provisions    []item[provisionRec]
	// crosswalk maps the Factbook's abbreviations to organizations (factbook_stints.go).
	crosswalk []item[crosswalkRec]
}

// Load reads every *.yaml file under fsys, checks the whole set, and returns the graph. On
// any problem it returns Problems holding all of them. prefix is put before file names in
// messages (e.g. "seeds").
func Load(fsys fs.FS, prefix string) (*kg.Graph, error) {
	return load(fsys, prefix, true, DefaultLimits())
}

// LoadCurated is Load without the facts of published datasets: their documents are kept, but
// their files are not read. It gives the small, hand-curated graph, for tests and benchmarks
// that multiply it.
func LoadCurated(fsys fs.FS, prefix string) (*kg.Graph, error) {
	return load(fsys, prefix, false, DefaultLimits())
}

// LoadWith is Load with the limits on seed files given.
func LoadWith(fsys fs.FS, prefix string, limits Limits) (*kg.Graph, error) {
	return load(fsys, prefix, true, limits)
}

// LoadCuratedWith is LoadCurated with the limits on seed files given.
func LoadCuratedWith(fsys fs.FS, prefix string, limits Limits) (*kg.Graph, error) {
	return load(fsys, prefix, false, limits)
}

func load(fsys fs.FS, prefix string, datasets bool, limits Limits) (*kg.Graph, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed: list files: %w", err)
	}
	if len(files) == 0 {
		return nil, Problems{{File: prefix, Line: 0, Message: "no *.yaml seed files found"}}
	}
	sort.Strings(files)

	var raw rawSet
	var problems, refused Problems
	hash := sha256.New()
	for _, f := range files {
		name := f
		if prefix != "" {
			name = path.Join(prefix, f)
		}
		if p := checkSize(fsys, f, name, limits.MaxFileBytes); p != nil {
			refused = append(refused, *p)
			continue
		}
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("seed: read %s: %w", f, err)
		}
		fmt.Fprintf(hash, "%s\x00%d\x00", f, len(data))
		hash.Write(data)
		if p := checkDepth(data, name, limits.MaxDepth); p != nil {
			refused = append(refused, *p)
			continue
		}
		problems = append(problems, decodeFile(name, data, &raw)...)
	}
	if len(refused) > 0 {
		return nil, refused // the other files' references into these cannot be checked
	}
	g, more := check(&raw)
	problems = append(problems, more...)
	if len(problems) == 0 && datasets {
		if err := hashDatasets(fsys, &raw, hash); err != nil {
			return nil, err
		}
		problems = append(problems, mergeDatasets(fsys, prefix, &raw, g)...)
	}
	if len(problems) == 0 {
		// The horizon and founding bounds go into each curated stint before its claims are
		// reconciled (and into its own claim, if pairing with a dataset already made it).
		boundCurated(g, datasetDocuments(&raw))
		reconcileAll(g)
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].File != problems[j].File {
				return problems[i].File < problems[j].File
			}
			return problems[i].Line < problems[j].Line
		})
		return nil, problems
	}
	g.Version = hex.EncodeToString(hash.Sum(nil))[:16]
	return g, nil
}

// datasetDocuments is the set of documents that are published datasets.
func datasetDocuments(raw *rawSet) map[string]bool {
	out := map[string]bool{}
	for _, it := range raw.documents {
		if it.rec.Dataset != nil {
			out[it.rec.Slug] = true
		}
	}
	return out
}

// decodeFile decodes one file's records into raw, record by record, so that one bad record
// does not hide the problems of the others.
func decodeFile(name string, data []byte, raw *rawSet) Problems {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return Problems{yamlProblem(name, err)}
	}
	var problems Problems
	for _, doc := range file.Docs {
		if doc.Body == nil {
			continue
		}
		top, ok := doc.Body.(*ast.MappingNode)
		if !ok {
			problems = append(problems, Problem{name, lineOf(doc.Body), "a seed file must be a mapping from record kinds (states, memberships ...) to lists", 0})
			continue
		}
		for _, kv := range top.Values {
			key := kv.Key.String()
			seq, ok := kv.Value.(*ast.SequenceNode)
			if !ok {
				if _, isNull := kv.Value.(*ast.NullNode); isNull {
					continue
				}
				problems = append(problems, Problem{name, lineOf(kv.Key), fmt.Sprintf("%s must be a list of records", key), 0})
				continue
			}
			var ps Problems
			switch key {
			case "documents":
				ps = decodeList(name, seq, &raw.documents)
			case "citations":
				ps = decodeList(name, seq, &raw.citations)
			case "states":
				ps = decodeList(name, seq, &raw.states)
			case "organizations":
				ps = decodeList(name, seq, &raw.organizations)
			case "places":
				ps = decodeList(name, seq, &raw.places)
			case "people":
				ps = decodeList(name, seq, &raw.people)
			case "memberships":
				ps = decodeList(name, seq, &raw.memberships)
			case "events":
				ps = decodeList(name, seq, &raw.events)
			case "quotes":
				ps = decodeList(name, seq, &raw.quotes)
			case "figures":
				ps = decodeList(name, seq, &raw.figures)
			case "provisions":
				ps = decodeList(name, seq, &raw.provisions)
			case "factbookCrosswalk":
				ps = decodeList(name, seq, &raw.crosswalk)
			default:
				ps = Problems{{name, lineOf(kv.Key), fmt.Sprintf("unknown record kind %q (want documents, citations, states, organizations, places, people, memberships, events, quotes, figures, provisions or factbookCrosswalk)", key), 0}}
			}
			problems = append(problems, ps...)
		}
	}
	return problems
}

func decodeList[T any](name string, seq *ast.SequenceNode, dst *[]item[T]) Problems {
	var problems Problems
	for _, n := range seq.Values {
		m, ok := n.(*ast.MappingNode)
		if !ok {
			problems = append(problems, Problem{name, lineOf(n), "a record must be a mapping of keys to values", 0})
			continue
		}
		var rec T
		if err := yaml.NodeToValue(n, &rec, yaml.Strict()); err != nil {
			problems = append(problems, yamlProblem(name, err))
			// Keep what can be read of the record, so that a typo in one key does not
			// also make every reference to the record look broken.
			rec = *new(T)
			if yaml.NodeToValue(n, &rec) != nil {
				continue
			}
		}
		*dst = append(*dst, item[T]{rec: rec, pos: posOf(name, m)})
	}
	return problems
}

// posOf records where a mapping and each of its keys sit, the keys of a mapping nested in it
// as "outer.inner", and where the items of its lists of mappings sit.
func posOf(name string, m *ast.MappingNode) pos {
	p := pos{file: name, line: lineOf(m), fields: map[string]int{}, items: map[string][]pos{}}
	for _, kv := range m.Values {
		key := kv.Key.String()
		p.fields[key] = lineOf(kv.Key)
		if inner, ok := kv.Value.(*ast.MappingNode); ok {
			for _, ikv := range inner.Values {
				p.fields[key+"."+ikv.Key.String()] = lineOf(ikv.Key)
			}
		}
		if seq, ok := kv.Value.(*ast.SequenceNode); ok {
			for _, v := range seq.Values {
				if im, ok := v.(*ast.MappingNode); ok {
					p.items[key] = append(p.items[key], posOf(name, im))
				}
			}
		}
	}
	return p
}

// item returns where the i-th item of the list under key sits, or the key itself.
func (p pos) item(key string, i int) pos {
	if i < len(p.items[key]) {
		return p.items[key][i]
	}
	return pos{file: p.file, line: p.at(key), fields: map[string]int{}}
}

func lineOf(n ast.Node) int {
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// kindWord names what a Go type expects, in seed-file terms.
func kindWord(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	}
	return "text"
}

// yamlProblem turns a YAML parse or decode error into a Problem at its line.
func yamlProblem(name string, err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		msg := ye.GetMessage()
		var tyErr *yaml.TypeError
		if errors.As(err, &tyErr) && tyErr.StructFieldName != nil {
			field := *tyErr.StructFieldName
			if i := strings.LastIndex(field, "."); i >= 0 {
				field = field[i+1:]
			}
			field = strings.ToLower(field[:1]) + field[1:]
			msg = fmt.Sprintf("%s: %q is not %s", field, tyErr.Token.Value, kindWord(tyErr.DstType))
		}
		return Problem{name, ye.GetToken().Position.Line, msg, 0}
	}
	return Problem{name, 0, err.Error(), 0}
}
