package data

import (
	"fmt"
	"strings"
)

// Attr names a protected attribute used to form groups.
type Attr string

const (
	AttrSex    Attr = "sex"     // "M", "F"
	AttrAge    Attr = "age"     // the paper's bins A1..A4
	AttrSkin   Attr = "skin"    // Fitzpatrick type
	AttrRace   Attr = "race"    // as recorded
	AttrSource Attr = "source"  // acquisition site / hospital
	AttrSexAge Attr = "sex_age" // the authors' intersectional key, e.g. "M,A3"
)

// UnknownGroup is the key of a sample whose demographics are missing; the
// EQPO path replaces it by a cluster id (paper.md 1.3).
const UnknownGroup = "UNK"

// AllAttrs lists every attribute the workbench knows, in display order.
var AllAttrs = []Attr{AttrSex, AttrAge, AttrSkin, AttrRace, AttrSource, AttrSexAge}

// ParseAttr parses an attribute name.
func ParseAttr(s string) (Attr, error) {
	for _, a := range AllAttrs {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown attribute %q (known: sex, age, skin, race, source, sex_age)", s)
}

// ParseAttrs parses a comma-separated attribute list.
func ParseAttrs(s string) ([]Attr, error) {
	var out []Attr
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		a, err := ParseAttr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AgeBin maps an age in years to the paper's bins: A1 <= 25 < A2 <= 50 < A3 <= 75 < A4.
// The authors' code uses exactly these edges (paper.md 1.2 and 9.11).
func AgeBin(age float64) string {
	switch {
	case age <= 25:
		return "A1"
	case age <= 50:
		return "A2"
	case age <= 75:
		return "A3"
	default:
		return "A4"
	}
}

// GroupKey returns the sample's group for an attribute; ok is false when the
// attribute is missing (the sample then belongs to no group of it). The
// intersectional key needs both sex and age.
func GroupKey(s *Sample, a Attr) (key string, ok bool) {
	d := s.Demo
	switch a {
	case AttrSex:
		return d.Sex, d.Sex != ""
	case AttrAge:
		if !d.AgeKnown {
			return "", false
		}
		return AgeBin(d.Age), true
	case AttrSkin:
		return d.Skin, d.Skin != ""
	case AttrRace:
		return d.Race, d.Race != ""
	case AttrSource:
		return s.Source, s.Source != ""
	case AttrSexAge:
		if d.Sex == "" || !d.AgeKnown {
			return "", false
		}
		return d.Sex + "," + AgeBin(d.Age), true
	}
	panic("data: unknown attribute " + string(a))
}

// TrainingGroup is the key the EQPO reweighter sees for a training sample:
// the group of attribute a, or UnknownGroup when it is missing.
func TrainingGroup(s *Sample, a Attr) string {
	if k, ok := GroupKey(s, a); ok {
		return k
	}
	return UnknownGroup
}

// MaskDemographics returns a copy of samples with the demographics of the
// given attributes removed (all of them when attrs is empty), for the
// no-label experiments: the training split is masked, the test split keeps
// its labels for evaluation. Source is kept unless AttrSource is named.
func MaskDemographics(samples []Sample, attrs ...Attr) []Sample {
	out := make([]Sample, len(samples))
	copy(out, samples)
	all := len(attrs) == 0
	has := func(a Attr) bool {
		for _, x := range attrs {
			if x == a {
				return true
			}
		}
		return all
	}
	for i := range out {
		d := &out[i].Demo
		if has(AttrSex) || has(AttrSexAge) {
			d.Sex = ""
		}
		if has(AttrAge) || has(AttrSexAge) {
			d.Age, d.AgeKnown = 0, false
		}
		if has(AttrSkin) {
			d.Skin = ""
		}
		if has(AttrRace) {
			d.Race = ""
		}
		if !all && has(AttrSource) {
			out[i].Source = ""
		}
	}
	return out
}
