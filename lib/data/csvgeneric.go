package data

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// CSVSpec says which columns of a generic CSV file mean what. Only Label is
// required; an empty column name means "not present".
type CSVSpec struct {
	Dataset  string   // benchmark name (default: "csv")
	Modality string   // default: "tabular"
	ID       string   // id column (default: the line number)
	Label    string   // label column; several labels separated by LabelSep
	LabelSep string   // default "|"
	Patient  string   // grouping column for splits
	Source   string   // data-source column
	Sex      string   // sex column (male/female/M/F/1/0)
	Age      string   // age column, years
	Skin     string   // Fitzpatrick column
	Features []string // feature columns; empty means every column not named above
}

// LoadCSV reads a generic CSV with a header and builds one benchmark.
func LoadCSV(path string, spec CSVSpec, testFrac float64, seed uint64) (*Benchmark, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	samples, labels, err := ParseCSV(f, path, spec)
	if err != nil {
		return nil, err
	}
	bs := benchmarksFromLabelNames(samples, labels, testFrac, seed)
	if len(bs) == 0 {
		return nil, &InputError{File: path, Msg: "no data rows"}
	}
	bs[0].Attrs = nil
	for _, a := range []struct {
		col  string
		attr Attr
	}{{spec.Sex, AttrSex}, {spec.Age, AttrAge}, {spec.Skin, AttrSkin}, {spec.Source, AttrSource}} {
		if a.col != "" {
			bs[0].Attrs = append(bs[0].Attrs, a.attr)
		}
	}
	return bs[0], nil
}

// ParseCSV parses a generic CSV per spec; labels are returned as names.
func ParseCSV(r io.Reader, name string, spec CSVSpec) ([]Sample, [][]string, error) {
	if spec.Label == "" {
		return nil, nil, fmt.Errorf("%s: the CSV spec needs a label column", name)
	}
	if spec.Dataset == "" {
		spec.Dataset = "csv"
	}
	if spec.Modality == "" {
		spec.Modality = "tabular"
	}
	if spec.LabelSep == "" {
		spec.LabelSep = "|"
	}
	t, err := readCSV(r, name, true)
	if err != nil {
		return nil, nil, err
	}
	named := map[string]bool{}
	col := func(n string) (int, error) {
		if n == "" {
			return -1, nil
		}
		named[n] = true
		idx, err := t.need(n)
		if err != nil {
			return -1, err
		}
		return idx[0], nil
	}
	var cID, cLabel, cPat, cSrc, cSex, cAge, cSkin int
	for _, p := range []struct {
		dst *int
		n   string
	}{{&cID, spec.ID}, {&cLabel, spec.Label}, {&cPat, spec.Patient}, {&cSrc, spec.Source}, {&cSex, spec.Sex}, {&cAge, spec.Age}, {&cSkin, spec.Skin}} {
		if *p.dst, err = col(p.n); err != nil {
			return nil, nil, err
		}
	}
	feats := spec.Features
	if len(feats) == 0 {
		for _, h := range t.header {
			if h = strings.TrimSpace(h); !named[h] {
				feats = append(feats, h)
			}
		}
	}
	fIdx, err := t.need(feats...)
	if err != nil {
		return nil, nil, err
	}
	samples := make([]Sample, len(t.rows))
	labels := make([][]string, len(t.rows))
	get := func(row []string, c int) string {
		if c < 0 {
			return ""
		}
		return strings.TrimSpace(row[c])
	}
	for i, row := range t.rows {
		s := &samples[i]
		s.Dataset, s.Modality = spec.Dataset, spec.Modality
		if s.ID = get(row, cID); s.ID == "" {
			s.ID = fmt.Sprintf("%s:%d", name, t.lines[i])
		}
		s.Patient, s.Source = get(row, cPat), get(row, cSrc)
		for _, l := range strings.Split(get(row, cLabel), spec.LabelSep) {
			if l = strings.TrimSpace(l); l != "" {
				labels[i] = append(labels[i], l)
			}
		}
		if len(labels[i]) == 0 {
			return nil, nil, t.errf(i, spec.Label, "empty label")
		}
		if s.Demo.Sex, err = parseSex(get(row, cSex)); err != nil {
			return nil, nil, t.errf(i, spec.Sex, "%v", err)
		}
		if s.Demo.Age, s.Demo.AgeKnown, err = parseAge(get(row, cAge)); err != nil {
			return nil, nil, t.errf(i, spec.Age, "%v", err)
		}
		if s.Demo.Skin, err = parseFitzpatrick(get(row, cSkin)); err != nil {
			return nil, nil, t.errf(i, spec.Skin, "%v", err)
		}
		s.Features = make([]float32, len(fIdx))
		for k, c := range fIdx {
			v, err := parseFinite(row[c])
			if err != nil {
				return nil, nil, t.errf(i, feats[k], "%v", err)
			}
			s.Features[k] = float32(v)
		}
	}
	return samples, labels, nil
}
