package factbook

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// show writes items as "Name (status) (status)" and fragments as "what: text", for tables.
func show(items []Item, frags []Fragment) (is, fs []string) {
	for _, it := range items {
		s := it.Name
		for _, st := range it.Statuses {
			s += " (" + st + ")"
		}
		is = append(is, s)
	}
	for _, f := range frags {
		fs = append(fs, f.What+": "+f.Text)
	}
	return is, fs
}

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		items      []string
		frags      []string
	}{
		{"abbreviations and statuses", "AfDB, AU, OAS (observer), OSCE (partner), SCO (dialogue member)",
			[]string{"AfDB", "AU", "OAS (observer)", "OSCE (partner)", "SCO (dialogue member)"}, nil},
		{"none", " none ", nil, nil},
		{"nested parentheses", "UN (observer (since 2001)), WHO",
			[]string{"UN (observer (since 2001))", "WHO"}, nil},
		{"two statuses", "EITI (compliant country) (suspended), FAO",
			[]string{"EITI (compliant country) (suspended)", "FAO"}, nil},
		{"a comma inside a status", "ADB (Taipei, China), APEC (Chinese Taipei)",
			[]string{"ADB (Taipei, China)", "APEC (Chinese Taipei)"}, nil},
		{"a sentence inside a status", "CIS (associate member, has not ratified the 1993 CIS charter although it participates in meetings), UN",
			[]string{"CIS (associate member, has not ratified the 1993 CIS charter although it participates in meetings)", "UN"}, nil},
		{"spelled-out forms", "IDB--Islamic Development Bank, IWC--International Wheat Council, IDB--Inter-American Development Bank",
			[]string{"IDB--Islamic Development Bank", "IWC--International Wheat Council", "IDB--Inter-American Development Bank"}, nil},
		{"names of several words", "Arab League, Council of Europe, UN Security Council (temporary), UNAVEM II, G- 9, Commonwealth (special member)",
			[]string{"Arab League", "Council of Europe", "UN Security Council (temporary)", "UNAVEM II", "G- 9", "Commonwealth (special member)"}, nil},
		{"a note after ';'", "UN, WTO; note--Afghanistan was suspended from the OIC in January 1980, but in March 1989 it was given membership",
			[]string{"UN", "WTO"},
			[]string{"a note, not read: note--Afghanistan was suspended from the OIC in January 1980, but in March 1989 it was given membership"}},
		{"a note after the last item", "IBRD, IMF note: UN membership is expected in September",
			[]string{"IBRD", "IMF"}, []string{"a note, not read: note: UN membership is expected in September"}},
		{"a note after '|'", "SICA (observer), WTO (Taipei, China); | note - separate customs territory of Taiwan, Penghu, Kinmen, and Matsu",
			[]string{"SICA (observer)", "WTO (Taipei, China)"},
			[]string{"a note, not read: note - separate customs territory of Taiwan, Penghu, Kinmen, and Matsu"}},
		{"a note with a spaced colon", "WTO, ZC note : Turkey is an EU candidate country", []string{"WTO", "ZC"},
			[]string{"a note, not read: note : Turkey is an EU candidate country"}},
		{"text before a colon", "Afghanistan is a member of the following organizations but Taliban representatives do not participate: ADB, CICA, EITI (candidate country)",
			[]string{"ADB", "CICA", "EITI (candidate country)"},
			[]string{"text before the list, not read: Afghanistan is a member of the following organizations but Taliban representatives do not participate:"}},
		{"text with commas before a colon", "before 15 August, 2021, Afghanistan was a member or participant in the following organizations: ADB, CICA",
			[]string{"ADB", "CICA"},
			[]string{"text before the list, not read: before 15 August, 2021, Afghanistan was a member or participant in the following organizations:"}},
		{"'member of' before the first item", "Has previously been a member of AsDB, CP, ESCAP; note - the new government has not yet announced it",
			[]string{"AsDB", "CP", "ESCAP"},
			[]string{"text before the list, not read: Has previously been a member of", "a note, not read: note - the new government has not yet announced it"}},
		{"'member of' before no organization", "UN; Austria is neutral and is not a member of NATO or the EC",
			[]string{"UN"}, []string{"stray text, not read: Austria is neutral and is not a member of NATO or the EC"}},
		{"stray parts", "EFTA, UN; considering UN membership; has consultative status in the EC",
			[]string{"EFTA", "UN"},
			[]string{"stray text, not read: considering UN membership", "stray text, not read: has consultative status in the EC"}},
		{"a stray part with items after it", "WCL; suspended from IAEA in 1972, but still allows IAEA controls over extensive atomic development, APEC, AsDB, BCIE",
			[]string{"WCL", "APEC", "AsDB", "BCIE"},
			[]string{"stray text, not read: suspended from IAEA in 1972, but still allows IAEA controls over extensive atomic development"}},
		{"a stray part of names and sentences", "UN; there are Consulates General in Atlanta, Boston, Chicago, and New York, and Consulates in Miami",
			[]string{"UN"},
			[]string{"stray text, not read: there are Consulates General in Atlanta, Boston, Chicago, and New York, and Consulates in Miami"}},
		{"an unreadable item among readable ones", "ESCAP, WTO for CGDK; none for PRK",
			[]string{"ESCAP"},
			[]string{"not an organization's abbreviation, not read: WTO for CGDK", "stray text, not read: none for PRK"}},
		{"capitals after the first word", "UN, WTO Ambassador Jeurgen RUHFUS, UN UNCTAD",
			[]string{"UN"},
			[]string{"not an organization's abbreviation, not read: WTO Ambassador Jeurgen RUHFUS", "not an organization's abbreviation, not read: UN UNCTAD"}},
		{"a spelled-out form that is a sentence", "WTO; Turkish Federated State of Cyprus--OIC (observer)",
			[]string{"WTO"}, []string{"stray text, not read: Turkish Federated State of Cyprus--OIC (observer)"}},
		{"a parenthesis never closed", "OECD (Enhanced Engagement, OPANAL, Paris Club (associate), UN",
			[]string{"OECD (Enhanced Engagement)", "OPANAL", "Paris Club (associate)", "UN"},
			[]string{"a parenthesis never closed, read as closed before the next comma: (Enhanced Engagement"}},
		{"a parenthesis never closed at the end", "UN, WTO (observer",
			[]string{"UN", "WTO (observer)"},
			[]string{"a parenthesis never closed, read as closed at the end of the text: (observer"}},
		{"a status after a comma", "IOC, IOM, (observer), ITU",
			[]string{"IOC", "IOM (observer)", "ITU"},
			[]string{"a status after a comma, read as the previous item's: (observer)"}},
		{"no comma after a status", "AfDB, AG (observer) AsDB, BIS",
			[]string{"AfDB", "AG (observer)", "AsDB", "BIS"},
			[]string{"no comma before it, read as the next item: AsDB"}},
		{"empty items", "UN,, WTO,", []string{"UN", "WTO"}, nil},
		{"an empty status", "WHO, UN ()", []string{"WHO"}, []string{"not an organization's abbreviation, not read: UN ()"}},
		{"odd spaces", "\u00a0UN  Security\u00a0Council (temporary),\tOAS (  observer )",
			[]string{"UN Security Council (temporary)", "OAS (observer)"}, nil},
		{"text after a status", "WHO, UN (observer) since 2001", []string{"WHO"},
			[]string{"not an organization's abbreviation, not read: UN (observer) since 2001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, frags := show(ParseList(tc.text))
			assert.Equal(t, tc.items, items)
			assert.Equal(t, tc.frags, frags)
		})
	}
}

// Offsets point at the item or fragment in the text.
func TestParseListOffsets(t *testing.T) {
	text := "UN, OAS (observer); note: x, considering UN membership"
	items, frags := ParseList(text)
	for _, it := range items {
		assert.True(t, strings.HasPrefix(text[it.Offset:], it.Name), "item %q at %d", it.Name, it.Offset)
	}
	for _, f := range frags {
		assert.True(t, strings.HasPrefix(text[f.Offset:], f.Text[:4]), "fragment %q at %d", f.Text, f.Offset)
	}
	assert.Equal(t, []int{0, 4}, []int{items[0].Offset, items[1].Offset})
}

// A parser reused from text to text gives what a fresh one gives, and the statuses it
// returned stay as they were until the next call.
func TestListParserReuse(t *testing.T) {
	var p ListParser
	items, _ := p.Parse("OAS (observer), EITI (compliant country) (suspended)")
	a, _ := show(items, nil)
	assert.Equal(t, []string{"OAS (observer)", "EITI (compliant country) (suspended)"}, a)
	items, frags := p.Parse("UN, (guest); note - x")
	b, f := show(items, frags)
	assert.Equal(t, []string{"UN (guest)"}, b)
	assert.Equal(t, []string{"a status after a comma, read as the previous item's: (guest)", "a note, not read: note - x"}, f)
	items, _ = p.Parse("none")
	assert.Empty(t, items)
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"UN": true, "AfDB": true, "G-77": true, "Interpol": true, "Arab League": true, "Council of Europe": true,
		"UN Security Council": true, "UNAVEM II": true, "IDB--Islamic Development Bank": true, "G- 9": true,
		"Boston": true, // a word: whether it names an organization is the crosswalk's question
		"none":   false, "none for PRK": false, "WTO for CGDK": false, "ADB and PECC": false, "5300 Bonn 2": false,
		"Council of": false, "Turkish Federated State--OIC": false, "US--Ambassador-designate Robert M. KIMMITT": false,
		"observer status in NAM": false, "European Union: ARF": false, "": false,
	} {
		assert.Equal(t, want, validName(name), "%q", name)
	}
}

// BenchmarkParseList reads every list of the real data once per iteration.
func BenchmarkParseList(b *testing.B) {
	d, err := Read(os.DirFS("../../seeds"), "cia-factbook-1990-2025", "")
	if err != nil {
		b.Fatal(err)
	}
	var p ListParser
	b.ReportAllocs()
	for b.Loop() {
		for i := range d.Participation {
			p.Parse(d.Participation[i].Text)
		}
	}
}
