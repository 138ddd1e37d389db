package seed

import (
	"fmt"
	"strconv"
	"time"
)

// scalar captures a YAML scalar as text, whatever YAML type it was written as, so that a date
// written without quotes is still checked by the validator instead of failing the decoder.
type scalar struct {
	text string
	set  bool
}

// UnmarshalYAML implements goccy/go-yaml's InterfaceUnmarshaler.
func (s *scalar) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*s = scalar{}
		return nil
	case string:
		s.text = x
	case time.Time:
		s.text = x.Format("2006-01-02")
	case uint64:
		s.text = strconv.FormatUint(x, 10)
	case int64:
		s.text = strconv.FormatInt(x, 10)
	case float64:
		s.text = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s.text = strconv.FormatBool(x)
	default:
		return fmt.Errorf("want a single value, got %T", v)
	}
	s.set = true
	return nil
}

// boundsRec bounds a date the source does not give: it fell on or after notBefore and on or
// before notAfter. Either side may be left out.
type boundsRec struct {
	NotBefore scalar `yaml:"notBefore"`
	NotAfter  scalar `yaml:"notAfter"`
}

type sourceRec struct {
	Document string `yaml:"document"`
	Section  string `yaml:"section"`
	Notes    []int  `yaml:"notes"`
}

type nameRec struct {
	Language        string `yaml:"language"`
	Text            string `yaml:"text"`
	Transliteration string `yaml:"transliteration"`
}

type sectionRec struct {
	Key   string `yaml:"key"`
	Title string `yaml:"title"`
	Kind  string `yaml:"kind"`
}

type documentRec struct {
	Slug        string       `yaml:"slug"`
	Title       string       `yaml:"title"`
	Publisher   string       `yaml:"publisher"`
	Language    string       `yaml:"language"`
	Licence     string       `yaml:"licence"`
	AccessedVia string       `yaml:"accessedVia"`
	Note        string       `yaml:"note"`
	Sections    []sectionRec `yaml:"sections"`
	Authors     []string     `yaml:"authors"`
	Published   scalar       `yaml:"published"`
	PublishedIn string       `yaml:"publishedIn"`
	Volume      scalar       `yaml:"volume"`
	Issue       scalar       `yaml:"issue"`
	Pages       scalar       `yaml:"pages"`
	Doi         string       `yaml:"doi"`
	URL         string       `yaml:"url"`
	Version     scalar       `yaml:"version"`
	// CoversUntil is the last date the document certainly observes (for a dataset, the last
	// date of its data).
	CoversUntil scalar `yaml:"coversUntil"`
	// Accessed is the date the copy was read (a web page's "retrieved").
	Accessed scalar      `yaml:"accessed"`
	Dataset  *datasetRec `yaml:"dataset"`
}

// datasetRec says where a published dataset's files are and in which format, for a document
// that is a dataset rather than text.
type datasetRec struct {
	Format string `yaml:"format"`
	Folder string `yaml:"folder"`
}

type citationRec struct {
	Document           string   `yaml:"document"`
	Number             int      `yaml:"number"`
	Title              string   `yaml:"title"`
	TitleIsPlaceholder bool     `yaml:"titleIsPlaceholder"`
	Work               string   `yaml:"work"`
	Publisher          string   `yaml:"publisher"`
	Location           string   `yaml:"location"`
	Authors            []string `yaml:"authors"`
	Editors            []string `yaml:"editors"`
	Published          scalar   `yaml:"published"`
	Accessed           scalar   `yaml:"accessed"`
	Archived           scalar   `yaml:"archived"`
	Isbn               scalar   `yaml:"isbn"`
	Doi                string   `yaml:"doi"`
	Volume             scalar   `yaml:"volume"`
	Issue              scalar   `yaml:"issue"`
	Pages              scalar   `yaml:"pages"`
	Language           string   `yaml:"language"`
	DeadLink           bool     `yaml:"deadLink"`
	Note               string   `yaml:"note"`
}

type stateRec struct {
	Slug        string     `yaml:"slug"`
	Name        string     `yaml:"name"`
	Names       []nameRec  `yaml:"names"`
	Aliases     []string   `yaml:"aliases"`
	Iso2        string     `yaml:"iso2"`
	Iso3        string     `yaml:"iso3"`
	Recognition string     `yaml:"recognition"`
	CowCode     *int       `yaml:"cowCode"`
	Source      *sourceRec `yaml:"source"`
}

type organizationRec struct {
	Slug         string     `yaml:"slug"`
	Name         string     `yaml:"name"`
	Acronym      string     `yaml:"acronym"`
	Names        []nameRec  `yaml:"names"`
	Aliases      []string   `yaml:"aliases"`
	Type         string     `yaml:"type"`
	Founded      scalar     `yaml:"founded"`
	Headquarters string     `yaml:"headquarters"`
	Parent       string     `yaml:"parent"`
	CowKey       string     `yaml:"cowKey"`
	Source       *sourceRec `yaml:"source"`
}

type placeRec struct {
	Slug   string     `yaml:"slug"`
	Name   string     `yaml:"name"`
	State  string     `yaml:"state"`
	Source *sourceRec `yaml:"source"`
}

type positionRec struct {
	Slug        string     `yaml:"slug"`
	Title       string     `yaml:"title"`
	Of          string     `yaml:"of"`
	Start       scalar     `yaml:"start"`
	End         scalar     `yaml:"end"`
	StartBounds *boundsRec `yaml:"startBounds"`
	EndBounds   *boundsRec `yaml:"endBounds"`
	Note        string     `yaml:"note"`
	Source      *sourceRec `yaml:"source"`
}

type personRec struct {
	Slug      string        `yaml:"slug"`
	Name      string        `yaml:"name"`
	Aliases   []string      `yaml:"aliases"`
	Positions []positionRec `yaml:"positions"`
	Source    *sourceRec    `yaml:"source"`
}

type membershipRec struct {
	Slug         string     `yaml:"slug"`
	Member       string     `yaml:"member"`
	Organization string     `yaml:"organization"`
	Role         string     `yaml:"role"`
	Start        scalar     `yaml:"start"`
	End          scalar     `yaml:"end"`
	EndReason    string     `yaml:"endReason"`
	StartBounds  *boundsRec `yaml:"startBounds"`
	EndBounds    *boundsRec `yaml:"endBounds"`
	// RoleStated is false when the source shows the stint without naming its role; absent
	// means the role is stated.
	RoleStated   *bool             `yaml:"roleStated"`
	Explanations map[string]string `yaml:"explanations"`
	Note         string            `yaml:"note"`
	Source       *sourceRec        `yaml:"source"`
	// ClaimOf names the stint this record gives another source's account of: the record is
	// then a claim of that stint (kg.MembershipClaim), not a stint of its own.
	ClaimOf string `yaml:"claimOf"`
}

type quantityRec struct {
	Measure   string   `yaml:"measure"`
	Value     *float64 `yaml:"value"`
	Unit      string   `yaml:"unit"`
	Qualifier string   `yaml:"qualifier"`
}

type eventRec struct {
	Slug         string        `yaml:"slug"`
	Title        string        `yaml:"title"`
	Kind         string        `yaml:"kind"`
	Date         scalar        `yaml:"date"`
	EndDate      scalar        `yaml:"endDate"`
	Place        string        `yaml:"place"`
	Participants []string      `yaml:"participants"`
	People       []string      `yaml:"people"`
	Quantities   []quantityRec `yaml:"quantities"`
	Summary      string        `yaml:"summary"`
	Source       *sourceRec    `yaml:"source"`
}

type quoteRec struct {
	Slug     string     `yaml:"slug"`
	Speaker  string     `yaml:"speaker"`
	Text     string     `yaml:"text"`
	Date     scalar     `yaml:"date"`
	Event    string     `yaml:"event"`
	Language string     `yaml:"language"`
	Source   *sourceRec `yaml:"source"`
}

type figureRec struct {
	Slug              string     `yaml:"slug"`
	State             string     `yaml:"state"`
	Year              int        `yaml:"year"`
	Active            *int       `yaml:"active"`
	Reserve           *int       `yaml:"reserve"`
	Paramilitary      *int       `yaml:"paramilitary"`
	Total             *int       `yaml:"total"`
	PerThousandTotal  *float64   `yaml:"perThousandTotal"`
	PerThousandActive *float64   `yaml:"perThousandActive"`
	Notes             []string   `yaml:"notes"`
	Source            *sourceRec `yaml:"source"`
}

type provisionRec struct {
	Slug         string     `yaml:"slug"`
	Organization string     `yaml:"organization"`
	Kind         string     `yaml:"kind"`
	Title        string     `yaml:"title"`
	Summary      string     `yaml:"summary"`
	Since        scalar     `yaml:"since"`
	ProposedBy   string     `yaml:"proposedBy"`
	Event        string     `yaml:"event"`
	Source       *sourceRec `yaml:"source"`
}
