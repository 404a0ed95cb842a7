package data

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// climbRecord is one line of the authors' CLIMB JSONL training/eval files.
type climbRecord struct {
	Problem    string   `json:"problem"`
	Answer     string   `json:"answer"`
	Images     []string `json:"images"`
	Dataset    string   `json:"dataset"`
	DataSource string   `json:"data_source"`
	Demo       *string  `json:"demo"`
	ID         string   `json:"id"`
}

// ClimbModalities maps the paper's seven dataset keys to their modality.
var ClimbModalities = map[string]string{
	"chexpert_full": "xray", "hemorrhage": "ct", "ham10000": "dermoscopy", "isic2020": "dermoscopy",
	"pad_ufes_20": "dermoscopy", "vindr": "mammography", "COVID-BLUES": "ultrasound",
}

var boxed = regexp.MustCompile(`\\boxed\{([^{}]*)\}`)

// SplitLabelSet splits an answer into its label set the way the authors'
// reward does: on ", ", " and ", " & ", "," and "&"; trimmed, lower-cased,
// deduplicated, sorted. A \boxed{...} wrapper is removed first.
func SplitLabelSet(answer string) []string {
	if m := boxed.FindStringSubmatch(answer); m != nil {
		answer = m[1]
	}
	answer = strings.NewReplacer(" and ", ",", " & ", ",", "&", ",").Replace(answer)
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(answer, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// ParseClimbDemo parses a demo string such as "sex: Male, age: 68". Unknown
// keys are ignored (as the authors' code does); an unparsable age is an error.
func ParseClimbDemo(s string) (Demographics, error) {
	var d Demographics
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		var err error
		switch k {
		case "sex", "gender":
			if v != "" {
				d.Sex = strings.ToUpper(v[:1]) // the authors' rule: upper-cased first letter
				if d.Sex != "M" && d.Sex != "F" {
					return d, fmt.Errorf("sex %q is not male/female", v)
				}
			}
		case "age":
			if d.Age, d.AgeKnown, err = parseAge(v); err != nil {
				return d, err
			}
		case "race", "ethnicity":
			d.Race = v
		case "skin", "skin_type", "fitzpatrick":
			if d.Skin, err = parseFitzpatrick(v); err != nil {
				return d, err
			}
		}
	}
	return d, nil
}

// LoadEmbeddings reads a CSV of precomputed image embeddings: the first
// column is the image path as written in the JSONL "images" field, the rest
// are floats. All rows must have the same width.
func LoadEmbeddings(path string) (map[string][]float32, error) {
	t, err := readCSVFile(path, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]float32, len(t.rows))
	for i, row := range t.rows {
		if len(row) < 2 {
			return nil, t.errf(i, "", "want an image path and at least one value")
		}
		if _, dup := out[row[0]]; dup {
			return nil, t.errf(i, "path", "image %q listed twice", row[0])
		}
		v := make([]float32, len(row)-1)
		for j, x := range row[1:] {
			f, err := parseFinite(x)
			if err != nil {
				return nil, t.errf(i, fmt.Sprintf("column %d", j+2), "%v", err)
			}
			v[j] = float32(f)
		}
		out[row[0]] = v
	}
	return out, nil
}

// LoadClimb reads a CLIMB JSONL file (one record per line) into benchmarks,
// one per "dataset" value. Class names are the union of the label sets seen
// per dataset, sorted; a dataset is multi-label when any answer has several
// labels. Features come from emb keyed by the first image path. The split is
// SplitGrouped at testFrac (use 0 to keep everything in Train).
func LoadClimb(path string, emb map[string][]float32, testFrac float64, seed uint64) ([]*Benchmark, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	samples, labels, err := ParseClimb(f, path, emb)
	if err != nil {
		return nil, err
	}
	return benchmarksFromLabelNames(samples, labels, testFrac, seed), nil
}

// ParseClimb parses CLIMB JSONL; it returns the samples (Labels unset) and
// each sample's label names.
func ParseClimb(r io.Reader, name string, emb map[string][]float32) ([]Sample, [][]string, error) {
	var samples []Sample
	var labels [][]string
	err := ReadJSONLines(r, name, func(line int, text []byte) error {
		bad := func(field, format string, a ...any) error {
			return &InputError{File: name, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)}
		}
		var rec climbRecord
		if err := json.Unmarshal(text, &rec); err != nil {
			return bad("", "invalid JSON: %v", err)
		}
		if rec.Dataset == "" {
			return bad("dataset", "missing or empty")
		}
		ls := SplitLabelSet(rec.Answer)
		if len(ls) == 0 {
			return bad("answer", "no label in %q", rec.Answer)
		}
		s := Sample{ID: rec.ID, Dataset: rec.Dataset, Source: rec.DataSource, Modality: ClimbModalities[rec.Dataset]}
		if s.ID == "" {
			s.ID = fmt.Sprintf("%s:%d", name, line)
		}
		if s.Modality == "" {
			s.Modality = "unknown"
		}
		if rec.Demo != nil {
			d, err := ParseClimbDemo(*rec.Demo)
			if err != nil {
				return bad("demo", "%v", err)
			}
			s.Demo = d
		}
		if len(rec.Images) == 0 {
			return bad("images", "no image path; the workbench needs a precomputed embedding per image")
		}
		s.Patient = rec.Images[0]
		v, ok := emb[rec.Images[0]]
		if !ok {
			return bad("images", "no embedding for %q in the embeddings file", rec.Images[0])
		}
		s.Features = v
		samples = append(samples, s)
		labels = append(labels, ls)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return samples, labels, nil
}

// benchmarksFromLabelNames groups samples by Dataset, builds each class list
// and splits.
func benchmarksFromLabelNames(samples []Sample, labels [][]string, testFrac float64, seed uint64) []*Benchmark {
	byDS := map[string][]int{}
	var order []string
	for i := range samples {
		ds := samples[i].Dataset
		if _, ok := byDS[ds]; !ok {
			order = append(order, ds)
		}
		byDS[ds] = append(byDS[ds], i)
	}
	var out []*Benchmark
	for _, ds := range order {
		classSet := map[string]bool{}
		multi := false
		for _, i := range byDS[ds] {
			for _, l := range labels[i] {
				classSet[l] = true
			}
			multi = multi || len(labels[i]) > 1
		}
		classes := make([]string, 0, len(classSet))
		for c := range classSet {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		var ss []Sample
		for _, i := range byDS[ds] {
			s := samples[i]
			s.Labels = nil
			for _, l := range labels[i] {
				s.Labels = append(s.Labels, indexOf(classes, l))
			}
			ss = append(ss, s)
		}
		b := &Benchmark{Name: ds, Modality: ss[0].Modality, Classes: classes, MultiLabel: multi, Attrs: []Attr{AttrSex, AttrAge}}
		b.Train, b.Test = SplitGrouped(ss, testFrac, seed)
		out = append(out, b)
	}
	return out
}
