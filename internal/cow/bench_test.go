package cow

import (
	"os"
	"testing"
)

// BenchmarkRead measures a full read of the real dataset, as done at every server start.
func BenchmarkRead(b *testing.B) {
	fsys := os.DirFS("../../seeds")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(fsys, "cow-igo-v3", "seeds/cow-igo-v3"); err != nil {
			b.Fatal(err)
		}
	}
}
