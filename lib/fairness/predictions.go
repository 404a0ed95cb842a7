package fairness

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"eqpo/lib/data"
)

// Prediction is one line of a predictions file (the `eqpo metrics` format):
//
//	{"id": "...", "dataset": "ham10000", "demo": {"sex": "M", "age": 68},
//	 "labels": ["mel"], "pred": ["nv"]}
//
// demo keys: sex, age (number or numeric string), skin, race, source.
type Prediction struct {
	ID      string         `json:"id"`
	Dataset string         `json:"dataset"`
	Demo    map[string]any `json:"demo,omitempty"`
	Labels  []string       `json:"labels"`
	Pred    []string       `json:"pred"`
}

// ReadPredictions reads a predictions JSONL stream; a bad line is an error
// naming the file, the line and the field.
func ReadPredictions(r io.Reader, name string) ([]Prediction, error) {
	var out []Prediction
	err := data.ReadJSONLines(r, name, func(line int, text []byte) error {
		bad := func(field, format string, a ...any) error {
			return &data.InputError{File: name, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)}
		}
		var p Prediction
		if err := json.Unmarshal(text, &p); err != nil {
			return bad("", "invalid JSON: %v", err)
		}
		if p.Dataset == "" {
			return bad("dataset", "missing or empty")
		}
		if len(p.Labels) == 0 {
			return bad("labels", "empty label set")
		}
		if p.Pred == nil {
			return bad("pred", "missing (use [] for an empty prediction)")
		}
		if _, err := p.Demographics(); err != nil {
			return bad("demo", "%v", err)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WritePredictions writes one JSON line per prediction.
func WritePredictions(w io.Writer, ps []Prediction) error {
	enc := json.NewEncoder(w)
	for i := range ps {
		if err := enc.Encode(&ps[i]); err != nil {
			return err
		}
	}
	return nil
}

// DemoMap is the inverse of Demographics: a sample's demo as JSON fields.
func DemoMap(s *data.Sample) map[string]any {
	m := map[string]any{}
	if s.Demo.Sex != "" {
		m["sex"] = s.Demo.Sex
	}
	if s.Demo.AgeKnown {
		m["age"] = s.Demo.Age
	}
	if s.Demo.Skin != "" {
		m["skin"] = s.Demo.Skin
	}
	if s.Demo.Race != "" {
		m["race"] = s.Demo.Race
	}
	if s.Source != "" {
		m["source"] = s.Source
	}
	return m
}

// Demographics parses the demo object into a sample carrying only the
// demographics and source (what GroupKey needs).
func (p *Prediction) Demographics() (data.Sample, error) {
	var s data.Sample
	for k, v := range p.Demo {
		str := ""
		switch x := v.(type) {
		case nil:
			continue
		case string:
			str = x
		case float64:
			str = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			return s, fmt.Errorf("%s: unsupported value %v", k, v)
		}
		switch strings.ToLower(k) {
		case "sex", "gender":
			switch strings.ToLower(strings.TrimSpace(str)) {
			case "m", "male":
				s.Demo.Sex = "M"
			case "f", "female":
				s.Demo.Sex = "F"
			case "", "unknown", "unk":
			default:
				return s, fmt.Errorf("sex %q is not M/F/male/female", str)
			}
		case "age":
			if strings.TrimSpace(str) == "" {
				continue
			}
			a, err := strconv.ParseFloat(strings.TrimSpace(str), 64)
			if err != nil || a < 0 || a > 130 || a != a {
				return s, fmt.Errorf("age %q is not a number in [0,130]", str)
			}
			s.Demo.Age, s.Demo.AgeKnown = a, true
		case "skin", "fitzpatrick":
			s.Demo.Skin = str
		case "race":
			s.Demo.Race = str
		case "source", "data_source":
			s.Source = str
		}
	}
	return s, nil
}

// DefaultAttrs are the attributes the paper evaluates.
var DefaultAttrs = []data.Attr{data.AttrSex, data.AttrAge}

// EvaluatePredictions groups predictions by dataset, maps label names to
// classes (the union of names seen in labels and pred) and evaluates on the
// given attributes.
func EvaluatePredictions(ps []Prediction, attrs []data.Attr, minGroup int) *Report {
	byDS := map[string][]int{}
	var order []string
	for i := range ps {
		if _, ok := byDS[ps[i].Dataset]; !ok {
			order = append(order, ps[i].Dataset)
		}
		byDS[ps[i].Dataset] = append(byDS[ps[i].Dataset], i)
	}
	sort.Strings(order)
	var subs []Subset
	for _, ds := range order {
		classes := map[string]int{}
		var names []string
		for _, i := range byDS[ds] {
			for _, l := range append(append([]string{}, ps[i].Labels...), ps[i].Pred...) {
				if _, ok := classes[l]; !ok {
					classes[l] = 0
					names = append(names, l)
				}
			}
		}
		sort.Strings(names)
		for j, n := range names {
			classes[n] = j
		}
		sub := Subset{Dataset: ds, NClasses: len(names), Groups: map[string][]string{}}
		for _, i := range byDS[ds] {
			sub.Truth = append(sub.Truth, toIdx(ps[i].Labels, classes))
			sub.Pred = append(sub.Pred, toIdx(ps[i].Pred, classes))
			s, _ := ps[i].Demographics() // validated by ReadPredictions
			for _, a := range attrs {
				k, _ := data.GroupKey(&s, a)
				sub.Groups[string(a)] = append(sub.Groups[string(a)], k)
			}
		}
		subs = append(subs, sub)
	}
	return Evaluate(subs, minGroup)
}

func toIdx(names []string, classes map[string]int) []int {
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = classes[n]
	}
	return out
}
