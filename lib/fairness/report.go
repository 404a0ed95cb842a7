package fairness

import (
	"math"
	"sort"
)

// Subset is one dataset's evaluation input: label sets, predictions and, per
// attribute, each sample's group key ("" when the attribute is missing).
type Subset struct {
	Dataset  string
	NClasses int
	Truth    [][]int
	Pred     [][]int
	Groups   map[string][]string // attribute -> group key per sample
}

// GroupReport is one group's size and scores.
type GroupReport struct {
	N int `json:"n"`
	Scores
	Excluded bool `json:"excluded,omitempty"` // below MinGroup: shown, not used in gap/spread/mean
}

// AttrReport is one attribute's groups and their gap, spread and mean.
type AttrReport struct {
	LeftOut int                     `json:"left_out"` // samples with this attribute missing
	Groups  map[string]*GroupReport `json:"groups"`
	Valid   bool                    `json:"valid"` // at least two eligible groups
	Gap     Scores                  `json:"gap"`
	Std     Scores                  `json:"std"`
	Mean    Scores                  `json:"mean"`
}

// DatasetReport is one dataset's columns, plain macro scores and attributes.
type DatasetReport struct {
	Columns
	N     int                    `json:"n"`
	All   Scores                 `json:"all"` // macro over the whole dataset, no grouping
	Attrs map[string]*AttrReport `json:"attrs"`
	Valid bool                   `json:"valid"` // at least one valid attribute
}

// Report is the full evaluation: overall columns and per-dataset detail.
type Report struct {
	Overall  Columns                   `json:"overall"`
	N        int                       `json:"n"`
	MinGroup int                       `json:"min_group"`
	Datasets map[string]*DatasetReport `json:"datasets"`
}

// Evaluate computes the report. minGroup < 1 means 1.
func Evaluate(subsets []Subset, minGroup int) *Report {
	if minGroup < 1 {
		minGroup = 1
	}
	rep := &Report{MinGroup: minGroup, Datasets: map[string]*DatasetReport{}}
	var cols []Columns
	for _, sub := range subsets {
		dr := EvaluateDataset(sub, minGroup)
		rep.Datasets[sub.Dataset] = dr
		rep.N += dr.N
		if dr.Valid {
			cols = append(cols, dr.Columns)
		}
	}
	rep.Overall = meanColumns(cols)
	return rep
}

// EvaluateDataset computes one dataset's report.
func EvaluateDataset(sub Subset, minGroup int) *DatasetReport {
	if len(sub.Truth) != len(sub.Pred) {
		panic("fairness: truth and pred lengths differ")
	}
	dr := &DatasetReport{N: len(sub.Truth), All: Macro(sub.Truth, sub.Pred, sub.NClasses), Attrs: map[string]*AttrReport{}}
	var gap, std, mean []Scores
	attrs := make([]string, 0, len(sub.Groups))
	for a := range sub.Groups {
		attrs = append(attrs, a)
	}
	sort.Strings(attrs)
	for _, a := range attrs {
		keys := sub.Groups[a]
		if len(keys) != len(sub.Truth) {
			panic("fairness: group keys of " + a + " have the wrong length")
		}
		ar := evaluateAttr(sub, keys, minGroup)
		dr.Attrs[a] = ar
		if ar.Valid {
			gap, std, mean = append(gap, ar.Gap), append(std, ar.Std), append(mean, ar.Mean)
		}
	}
	if len(gap) > 0 {
		dr.Valid = true
		dr.Columns = columnsFrom(meanScores(gap), meanScores(std), meanScores(mean))
	}
	return dr
}

func evaluateAttr(sub Subset, keys []string, minGroup int) *AttrReport {
	ar := &AttrReport{Groups: map[string]*GroupReport{}}
	idx := map[string][]int{}
	for i, k := range keys {
		if k == "" {
			ar.LeftOut++
			continue
		}
		idx[k] = append(idx[k], i)
	}
	var eligible []Scores
	names := make([]string, 0, len(idx))
	for k := range idx {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ii := idx[k]
		t, p := make([][]int, len(ii)), make([][]int, len(ii))
		for j, i := range ii {
			t[j], p[j] = sub.Truth[i], sub.Pred[i]
		}
		g := &GroupReport{N: len(ii), Scores: Macro(t, p, sub.NClasses), Excluded: len(ii) < minGroup}
		ar.Groups[k] = g
		if !g.Excluded {
			eligible = append(eligible, g.Scores)
		}
	}
	if len(eligible) >= 2 {
		ar.Valid = true
		ar.Gap, ar.Std, ar.Mean = gapStdMean(eligible)
	}
	return ar
}

// gapStdMean reduces each metric over groups: max-min, sample std (ddof 1), mean.
func gapStdMean(groups []Scores) (gap, std, mean Scores) {
	fields := make([][]float64, len(groups))
	for i, x := range groups {
		fields[i] = x.fields()
	}
	nf := len(fields[0])
	g, s, m := make([]float64, nf), make([]float64, nf), make([]float64, nf)
	vals := make([]float64, len(groups))
	for f := 0; f < nf; f++ {
		for i := range fields {
			vals[i] = fields[i][f]
		}
		lo, hi := vals[0], vals[0]
		for _, v := range vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		g[f] = hi - lo
		m[f], s[f] = MeanStd(vals)
	}
	return scoresFrom(g), scoresFrom(s), scoresFrom(m)
}

func meanScores(xs []Scores) Scores {
	var s Scores
	for _, x := range xs {
		s = s.add(x)
	}
	return s.scale(1 / float64(len(xs)))
}
