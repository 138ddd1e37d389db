package cow

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crlfFrom ends the lines of s from line n on (1-based) with "\r\n".
func crlfFrom(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	for i := n - 1; i < len(lines); i++ {
		if strings.HasSuffix(lines[i], "\n") {
			lines[i] = strings.TrimSuffix(lines[i], "\n") + "\r\n"
		}
	}
	return strings.Join(lines, "")
}

// A file is split by hand up to its first line that needs encoding/csv, which reads the
// rest: the records, their lines and the places of problems are those of a file read
// whole either way.
func TestReadSwitchesToCSVMidFile(t *testing.T) {
	want, err := Read(validFS(t), "d", "d")
	require.NoError(t, err)
	for _, from := range []int{1, 2, 3, 40, 200} {
		t.Run(fmt.Sprint(from), func(t *testing.T) {
			m := validFS(t)
			for _, f := range []string{FileIGOYears, FileStateIGOYear, FileStateYears} {
				put(t, m, f, crlfFrom(text(t, m, f), from))
			}
			got, err := Read(m, "d", "d")
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}

	broken := func(t *testing.T, m fstest.MapFS) {
		put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"AAA",1952,0,`, `"AAA",1952,x,`, 1)+`"ZZZ",1990,0,""`+"\n")
		put(t, m, FileStateIGOYear, strings.Replace(text(t, m, FileStateIGOYear), "AAA,2,1951,1\n", "AAA,2,19x1,1\n", 1))
	}
	m := validFS(t)
	broken(t, m)
	_, errWhole := Read(m, "d", "d")
	require.Error(t, errWhole)
	for _, from := range []int{2, 3, 4, 100} {
		m := validFS(t)
		broken(t, m)
		for _, f := range []string{FileIGOYears, FileStateIGOYear} {
			put(t, m, f, crlfFrom(text(t, m, f), from))
		}
		_, err := Read(m, "d", "d")
		assert.Equal(t, errWhole, err, "carriage returns from line %d", from)
	}
	assert.Equal(t, strings.Join([]string{
		`d/igo_years.csv:4:12: imputed "x" is not 0 or 1`,
		`d/igo_years.csv:276:1: IGO "ZZZ" has no row in igos.csv`,
		`d/state_igo_year.csv.gz:3:7: year "19x1" is not an integer`,
	}, "\n"), errWhole.Error())
}

// Files are read in chunks of lines; lines are counted, and long lines kept whole, across
// them.
func TestReadAcrossChunks(t *testing.T) {
	m := validFS(t)
	long := strings.Repeat("Uzbekistan ", 3*chunkSize/len("Uzbekistan "))
	put(t, m, FileCountryCodes, strings.Replace(text(t, m, FileCountryCodes), `"Uzbekistan"`, `"`+long+`"`, 1))
	blank := strings.Repeat("\n", 2*chunkSize+7)
	lines := strings.SplitAfter(text(t, m, FileStateYears), "\n")
	lines[9] += blank
	put(t, m, FileStateYears, strings.Join(lines, ""))
	d, err := Read(m, "d", "d")
	require.NoError(t, err)
	assert.Equal(t, long, d.State(704).EnglishName)

	lines[300] = strings.Replace(lines[300], ",", ",x", 1)
	put(t, m, FileStateYears, strings.Join(lines, ""))
	_, err = Read(m, "d", "d")
	require.Error(t, err)
	assert.Regexp(t, fmt.Sprintf(`^d/state_years.csv:%d:\d+: year "x\d+" is not an integer$`, 301+len(blank)), err.Error())
}

// A file that breaks off (a truncated gzip stream) is reported as unreadable, and nothing of
// what its rows said before the break, though they were read (the blank lines after them
// fill chunks).
func TestReadBrokenStream(t *testing.T) {
	for _, tc := range []struct{ name, from, to string }{
		{"bad rows", "AAA,2,1951,1\n", "AAA,2,19x1,7\n"},
		{"wrong header", "ioname,ccode,year,status", "ioname,ccode,yr,status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validFS(t)
			s := strings.Replace(text(t, m, FileStateIGOYear), tc.from, tc.to, 1)
			put(t, m, FileStateIGOYear, s+strings.Repeat("\n", 4*chunkSize))
			data := m["d/"+FileStateIGOYear].Data
			m["d/"+FileStateIGOYear] = &fstest.MapFile{Data: data[:len(data)-12]}
			_, err := Read(m, "d", "d")
			require.Error(t, err)
			assert.Equal(t, "d/state_igo_year.csv.gz: read: unexpected EOF", err.Error())
		})
	}
}
