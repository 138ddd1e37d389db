package factbook

import (
	"os"
	"testing"
)

// BenchmarkRead measures a full read of the real dataset, as done at every server start.
func BenchmarkRead(b *testing.B) {
	fsys := os.DirFS("../../seeds")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(fsys, "cia-factbook-1990-2025", "seeds/cia-factbook-1990-2025"); err != nil {
			b.Fatal(err)
		}
	}
}
