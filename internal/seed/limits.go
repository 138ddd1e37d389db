package seed

import (
	"bytes"
	"fmt"
	"io/fs"
)

// Limits bound a seed file, checked before it is parsed: the YAML parser takes time and memory
// that grow much faster than the file with its nesting, so a hostile or broken file must be
// refused before it reaches it. Serve, build and validate take them from flags.
type Limits struct {
	// MaxFileBytes is the largest seed file read. The seeds of `generate -scale 1000` are
	// written in parts under it.
	MaxFileBytes int64
	// MaxDepth is how deeply collections may nest in a seed file, block and flow
	// collections together, each "- " counted. The seeds nest 7 levels deep.
	MaxDepth int
}

// DefaultLimits are the limits of Load and LoadCurated.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: DefaultMaxFileBytes, MaxDepth: DefaultMaxDepth}
}

// Defaults of the limits.
const (
	DefaultMaxFileBytes = 32 << 20
	DefaultMaxDepth     = 32
)

// checkSize refuses a file larger than maxBytes without reading it.
func checkSize(fsys fs.FS, file, name string, maxBytes int64) *Problem {
	info, err := fs.Stat(fsys, file)
	if err != nil || info.Size() <= maxBytes {
		return nil // a file that cannot be stat'ed is reported when it is read
	}
	return &Problem{File: name, Line: 1, Message: fmt.Sprintf("the file holds %d bytes, more than the limit of %d", info.Size(), maxBytes)}
}

// checkDepth refuses a file whose collections nest deeper than maxDepth, at the line where
// they do. It reads YAML's structure only as far as nesting needs: indentation, sequence
// dashes, flow brackets, quotes, comments and block scalars.
func checkDepth(data []byte, name string, maxDepth int) *Problem {
	n := nesting{blockScalar: -1, maxDepth: maxDepth}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if n.tooDeep(line) {
			return &Problem{File: name, Line: i + 1, Message: fmt.Sprintf("collections nest more than %d levels deep", maxDepth)}
		}
	}
	return nil
}

// nesting is what checkDepth knows of the structure at the end of a line.
type nesting struct {
	indents     []int // indentation of the enclosing block collections
	flow        int   // open [ and { brackets
	quote       byte  // the quote of the string being read, or 0
	blockScalar int   // indentation of the line that opened a | or > scalar, or -1
	maxDepth    int
}

// tooDeep reads the next line and reports whether collections nest more than maxDepth
// levels deep on it.
func (n *nesting) tooDeep(line []byte) bool {
	line = bytes.TrimRight(line, "\r")
	content := bytes.TrimLeft(line, " ")
	indent := len(line) - len(content)
	if n.blockScalar >= 0 {
		if len(bytes.TrimSpace(content)) == 0 || indent > n.blockScalar {
			return false
		}
		n.blockScalar = -1
	}
	depth := 0
	if n.flow == 0 && n.quote == 0 {
		if len(content) == 0 || content[0] == '#' {
			return false
		}
		for len(n.indents) > 0 && n.indents[len(n.indents)-1] > indent {
			n.indents = n.indents[:len(n.indents)-1]
		}
		if len(n.indents) == 0 || n.indents[len(n.indents)-1] < indent {
			n.indents = append(n.indents, indent)
		}
		depth = len(n.indents)
		for len(content) >= 2 && content[0] == '-' && content[1] == ' ' { // "- - x" nests
			depth++
			content = bytes.TrimLeft(content[2:], " ")
		}
	}
	last, deep := n.scan(content, depth)
	if deep || depth+n.flow > n.maxDepth {
		return true
	}
	if n.flow == 0 && n.quote == 0 && (last == '|' || last == '>' || isBlockHeader(content)) {
		n.blockScalar = indent
	}
	return false
}

// scan reads the content of a line, at block depth depth, for quotes, comments and flow
// brackets. It returns the last byte outside strings and comments, and reports whether an
// opening bracket nests more than maxDepth levels deep.
func (n *nesting) scan(content []byte, depth int) (last byte, deep bool) {
	valueStart := true
scan:
	for j := 0; j < len(content); j++ {
		c := content[j]
		switch {
		case n.quote == '"':
			if c == '\\' {
				j++
			} else if c == '"' {
				n.quote = 0
			}
			continue
		case n.quote == '\'':
			if c == '\'' {
				if j+1 < len(content) && content[j+1] == '\'' {
					j++
				} else {
					n.quote = 0
				}
			}
			continue
		case c == '#' && (j == 0 || content[j-1] == ' ' || content[j-1] == '\t'):
			break scan
		case valueStart && (c == '"' || c == '\''):
			n.quote = c
		case (valueStart || n.flow > 0) && (c == '[' || c == '{'):
			n.flow++
			if depth+n.flow > n.maxDepth {
				return last, true
			}
			valueStart = true
			last = c
			continue
		case n.flow > 0 && (c == ']' || c == '}'):
			n.flow--
		}
		if c != ' ' && c != '\t' {
			last = c
		}
		switch {
		case n.flow > 0 && c == ',':
			valueStart = true
		case c == ':' || c == '-':
			valueStart = j+1 == len(content) || content[j+1] == ' '
		case c != ' ' && c != '\t' && n.quote == 0:
			valueStart = false
		}
	}
	return last, false
}

// isBlockHeader reports whether a line ends in a block scalar header such as "|-" or ">2".
func isBlockHeader(content []byte) bool {
	if k := bytes.Index(content, []byte(" #")); k >= 0 {
		content = content[:k]
	}
	content = bytes.TrimRight(content, " \t")
	k := len(content)
	for k > 0 && bytes.IndexByte([]byte("+-0123456789"), content[k-1]) >= 0 {
		k--
	}
	return k < len(content) && k > 0 && (content[k-1] == '|' || content[k-1] == '>') &&
		(k == 1 || content[k-2] == ' ')
}
