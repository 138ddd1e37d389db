package kg_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// FuzzDate checks the Date scalar: ParseDate accepts exactly the dates it can write back the
// same, UnmarshalGQL agrees with it, and every refusal is a BAD_USER_INPUT naming the value
// (its first kg.DefaultQuotePrefix characters when longer).
// With -fuzz it searches for counterexamples; without, it runs the seeds below as a test.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"1994", "2007-05", "1992-05-15", "2000-02-29", "1900-02-29", "1996-13-45",
		"0000", "99999", "1994-5", "1994-05-1", "1994-05-15-01", "", "-", "１９９４", "1994\x00", "+994", " 1994", "1994-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := kg.ParseDate(s)
		var scalar kg.Date
		gqlErr := scalar.UnmarshalGQL(s)
		if (err == nil) != (gqlErr == nil) {
			t.Fatalf("ParseDate(%q) error %v, UnmarshalGQL error %v", s, err, gqlErr)
		}
		if err != nil {
			if code := kg.ErrorCode(gqlErr); code != kg.BadUserInput {
				t.Fatalf("UnmarshalGQL(%q): code %s, want %s", s, code, kg.BadUserInput)
			}
			if !strings.Contains(gqlErr.Error(), kg.QuoteInput(s).String()) {
				t.Fatalf("UnmarshalGQL(%q): the error %q does not name the value", s, gqlErr)
			}
			if len(gqlErr.Error()) > len(strconv.Quote(s[:min(len(s), 4*kg.DefaultQuotePrefix)]))+100 {
				t.Fatalf("UnmarshalGQL(%q): the error %q quotes more than a prefix of the value", s, gqlErr)
			}
			return
		}
		if d.ISO() != s {
			t.Fatalf("ParseDate(%q).ISO() = %q: an accepted date must read back the same", s, d.ISO())
		}
		if scalar.PartialDate != d {
			t.Fatalf("UnmarshalGQL(%q) = %+v, ParseDate = %+v", s, scalar.PartialDate, d)
		}
		if d.First() > d.Last() {
			t.Fatalf("%q: first day %d after last day %d", s, d.First(), d.Last())
		}
		again, err := kg.ParseDate(d.ISO())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) round trip: %+v, %v", d.ISO(), again, err)
		}
	})
}

// FuzzDateScalarValues feeds UnmarshalGQL whatever a JSON variable can hold: strings, numbers,
// lists, objects, null. Only strings can be dates; anything else is a BAD_USER_INPUT.
func FuzzDateScalarValues(f *testing.F) {
	for _, s := range []string{`"1994"`, `1994`, `19940515`, `null`, `["1994"]`, `{"year": 1994}`, `true`, `1e309`, `"1994-02-30"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var v any
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(&v) != nil {
			return
		}
		var d kg.Date
		err := d.UnmarshalGQL(v)
		if _, isString := v.(string); !isString && err == nil {
			t.Fatalf("UnmarshalGQL(%#v) accepted a value that is not a string", v)
		}
		if err != nil && kg.ErrorCode(err) != kg.BadUserInput {
			t.Fatalf("UnmarshalGQL(%#v): code %s, want %s", v, kg.ErrorCode(err), kg.BadUserInput)
		}
	})
}

// FuzzDecodeID checks that any string either decodes to a reference of a known kind, whose
// ID decodes back to it, or is refused as a BAD_USER_INPUT with a bounded message.
func FuzzDecodeID(f *testing.F) {
	for _, kind := range kg.NodeKinds {
		f.Add(kg.NodeID(kind, "csto"))
	}
	for _, s := range []string{"", "U3RhdGU6", "U3RhdGU6YXJtZW5pYQ==", "U3RhdGU6YXJtZW5pYR", "bm90LWFuLWlk", "!!!!", "U3RhdGU6YXJtZW5pYQ\n",
		strings.Repeat("QUFB", 1000), kg.NodeID("Nope", "x"), kg.NodeID(kg.KindCitation, "csto-article/6")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r, err := kg.DecodeID(id)
		if err != nil {
			if code := kg.ErrorCode(err); code != kg.BadUserInput {
				t.Fatalf("DecodeID(%q): code %s, want %s", id, code, kg.BadUserInput)
			}
			// The message quotes at most 64 bytes of the ID, each written as at most 4
			// characters by %q.
			if len(err.Error()) > 64*4+100 {
				t.Fatalf("DecodeID(%q): the error is %d bytes long: it must not echo long input", id, len(err.Error()))
			}
			return
		}
		if r.Key == "" {
			t.Fatalf("DecodeID(%q) = %+v: an empty key", id, r)
		}
		known := false
		for _, k := range kg.NodeKinds {
			known = known || k == r.Kind
		}
		if !known {
			t.Fatalf("DecodeID(%q) = %+v: an unknown kind", id, r)
		}
		again, err := kg.DecodeID(r.ID())
		if err != nil || again != r {
			t.Fatalf("DecodeID(%q) = %+v, but its ID %q decodes to %+v, %v", id, r, r.ID(), again, err)
		}
	})
}

// FuzzNodeIDRoundTrip checks that the ID of any kind and non-empty key decodes back to them.
func FuzzNodeIDRoundTrip(f *testing.F) {
	f.Add(uint8(0), "armenia")
	f.Add(uint8(10), "csto-article/6")
	f.Add(uint8(3), "a:b:c")
	f.Add(uint8(7), "ünïcode ✓")
	f.Fuzz(func(t *testing.T, kind uint8, key string) {
		if key == "" {
			return
		}
		want := kg.Ref{Kind: kg.NodeKinds[int(kind)%len(kg.NodeKinds)], Key: key}
		got, err := kg.DecodeID(want.ID())
		if err != nil || got != want {
			t.Fatalf("DecodeID(NodeID(%+v)) = %+v, %v", want, got, err)
		}
	})
}
