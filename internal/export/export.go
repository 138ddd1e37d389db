// Package export writes the graph in forms that notebooks read without a GraphQL client: a
// node-link JSON graph that NetworkX's node_link_graph loads, and CSV tables of memberships,
// events and military figures. The server offers them under /export/, and `treatygraph
// export` writes them to a directory.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// GraphFile is the name of the node-link JSON export.
const GraphFile = "graph.json"

// Kinds lists the CSV tables, each exported as KIND.csv.
var Kinds = []string{"memberships", "events", "figures"}

// Files lists every export by file name.
func Files() []string {
	out := []string{GraphFile}
	for _, k := range Kinds {
		out = append(out, k+".csv")
	}
	return out
}

// ErrUnknown is returned for a file name that is not an export.
var ErrUnknown = errors.New("unknown export")

// Data is what the exports are written from: the whole graph, and its links each once.
type Data struct {
	Graph *kg.Graph
	Links []sqlite.Edge
}

// Load reads the whole graph from the store.
func Load(ctx context.Context, store *sqlite.Store) (*Data, error) {
	g, err := store.ReadGraph(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	links, err := store.Links(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return &Data{Graph: g, Links: links}, nil
}

// Write writes the export with the given file name to w.
func (d *Data) Write(w io.Writer, file string) error {
	if file == GraphFile {
		return d.WriteGraphJSON(w)
	}
	if kind, ok := strings.CutSuffix(file, ".csv"); ok && slices.Contains(Kinds, kind) {
		return d.WriteCSV(w, kind)
	}
	return fmt.Errorf("%w %q: want one of %s", ErrUnknown, file, strings.Join(Files(), ", "))
}

// WriteDir writes every export into dir, creating it if needed, and returns the paths
// written. Each file is written beside its final name and renamed into place.
func WriteDir(ctx context.Context, store *sqlite.Store, dir string) ([]string, error) {
	d, err := Load(ctx, store)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var written []string
	for _, name := range Files() {
		path := filepath.Join(dir, name)
		if err := writeFile(path, func(w io.Writer) error { return d.Write(w, name) }); err != nil {
			return written, fmt.Errorf("export %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// index finds records of the graph by reference.
type index struct {
	names   map[kg.Ref]string
	sources map[kg.Ref]*kg.Source
	periods map[kg.Ref][2]*kg.PartialDate
	// certainties are what the sources state about when each stint and post held.
	certainties map[kg.Ref]certainty
}

func newIndex(g *kg.Graph) *index {
	ix := &index{names: map[kg.Ref]string{}, sources: map[kg.Ref]*kg.Source{}, periods: map[kg.Ref][2]*kg.PartialDate{},
		certainties: map[kg.Ref]certainty{}}
	for _, s := range g.States {
		ix.names[s.NodeRef()], ix.sources[s.NodeRef()] = s.Name, s.Source
	}
	for _, o := range g.Organizations {
		ix.names[o.NodeRef()], ix.sources[o.NodeRef()] = o.Name, o.Source
	}
	for _, p := range g.Places {
		ix.names[p.NodeRef()], ix.sources[p.NodeRef()] = p.Name, p.Source
	}
	for _, p := range g.People {
		ix.names[p.NodeRef()], ix.sources[p.NodeRef()] = p.Name, p.Source
	}
	for _, p := range g.Positions {
		ix.sources[p.NodeRef()] = &p.Source
		ix.periods[p.NodeRef()] = [2]*kg.PartialDate{p.Start, p.End}
		ix.certainties[p.NodeRef()] = positionCertainty(p)
	}
	for _, m := range g.Memberships {
		ix.sources[m.NodeRef()] = &m.Source
		ix.periods[m.NodeRef()] = [2]*kg.PartialDate{m.Start, m.End}
		ix.certainties[m.NodeRef()] = stintCertainty(m)
	}
	for _, e := range g.Events {
		ix.names[e.NodeRef()], ix.sources[e.NodeRef()] = e.Title, &e.Source
		p := e.Period()
		ix.periods[e.NodeRef()] = [2]*kg.PartialDate{p.Start, p.End}
	}
	for _, q := range g.Quotes {
		ix.names[q.NodeRef()], ix.sources[q.NodeRef()] = q.Text, &q.Source
		ix.periods[q.NodeRef()] = [2]*kg.PartialDate{q.Date, q.Date}
	}
	for _, f := range g.Figures {
		ix.names[f.NodeRef()], ix.sources[f.NodeRef()] = figureName(ix.names[kg.Ref{Kind: kg.KindState, Key: f.StateSlug}], f), &f.Source
		y := &kg.PartialDate{Year: f.Year}
		ix.periods[f.NodeRef()] = [2]*kg.PartialDate{y, y}
	}
	for _, p := range g.Provisions {
		ix.names[p.NodeRef()], ix.sources[p.NodeRef()] = p.Title, &p.Source
		ix.periods[p.NodeRef()] = [2]*kg.PartialDate{p.Since, nil}
	}
	return ix
}

func figureName(state string, f *kg.MilitaryStrength) string {
	if state == "" {
		state = f.StateSlug
	}
	return fmt.Sprintf("%s: personnel figures %d", state, f.Year)
}

// iso is the date at its own precision, or "" for none.
func iso(d *kg.PartialDate) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.ISO()
}
