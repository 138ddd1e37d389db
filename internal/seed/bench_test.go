package seed_test

import (
	"os"
	"testing"

	"github.com/treatygraph/treatygraph/internal/seed"
)

// BenchmarkLoad measures a full load of the real seeds with their datasets, as done at every
// server start.
func BenchmarkLoad(b *testing.B) {
	fsys := os.DirFS("../../seeds")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := seed.Load(fsys, "seeds"); err != nil {
			b.Fatal(err)
		}
	}
}
