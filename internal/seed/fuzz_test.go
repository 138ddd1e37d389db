package seed_test

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/treatygraph/treatygraph/internal/seed"
)

// fuzzSeedsDir is the valid seed set whose files the fuzzer replaces one at a time.
const fuzzSeedsDir = "testdata/valid"

// FuzzLoad replaces one file of a valid seed set with arbitrary bytes and checks that Load
// either returns a graph or reports Problems, each at a file of the set with a message:
// never a panic, never another kind of error.
func FuzzLoad(f *testing.F) {
	base := fstest.MapFS{}
	var names []string
	err := fs.WalkDir(os.DirFS(fuzzSeedsDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(fuzzSeedsDir), p)
		if err != nil {
			return err
		}
		base[p] = &fstest.MapFile{Data: data}
		names = append(names, p)
		return nil
	})
	if err != nil || len(names) == 0 {
		f.Fatalf("reading %s: %v (%d files)", fuzzSeedsDir, err, len(names))
	}
	sort.Strings(names)
	index := func(name string) uint8 {
		for i, n := range names {
			if n == name {
				return uint8(i)
			}
		}
		f.Fatalf("no seed file %s", name)
		return 0
	}
	for i, name := range names {
		f.Add(uint8(i), string(base[name].Data)) // each file as it is: the set stays valid
	}
	f.Add(index("states.yaml"), "states: [")
	f.Add(index("states.yaml"), "states:\n  - slug: armenia\n    slug: armenia\n")
	f.Add(index("memberships.yaml"), "memberships:\n  - slug: x\n    member: nowhere\n    organization: csto\n    role: MEMBER\n    start: \"1996-13-45\"\n")
	f.Add(index("events.yaml"), "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n")
	f.Add(index("citations.yaml"), "--- !!binary\n\x00\xff\n")
	f.Add(index("documents.yaml"), "documents:\n  - {slug: d, title: [1, 2]}\n")
	f.Add(index("people.yaml"), "")

	f.Fuzz(func(t *testing.T, which uint8, content string) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		name := names[int(which)%len(names)]
		fsys[name] = &fstest.MapFile{Data: []byte(content)}

		g, err := seed.Load(fsys, "seeds")
		if err == nil {
			if g == nil || g.Version == "" {
				t.Fatalf("Load returned no error and no graph (%v)", g)
			}
			return
		}
		var problems seed.Problems
		if !errors.As(err, &problems) {
			t.Fatalf("Load failed with %T, not Problems: %v", err, err)
		}
		if len(problems) == 0 {
			t.Fatal("Load failed with no problems")
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.File, "seeds/") || p.Line < 0 || p.Message == "" {
				t.Fatalf("problem without a file, line or message: %#v", p)
			}
		}
	})
}
