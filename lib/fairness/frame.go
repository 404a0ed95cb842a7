package fairness

import (
	"math"
	"sort"
)

// MetricFunc scores a subset of label sets (for example a closure over Macro).
type MetricFunc func(truth, pred [][]int) float64

// Frame is a Fairlearn-style MetricFrame for one metric: its value overall
// and per group of one sensitive attribute.
type Frame struct {
	Overall float64
	ByGroup map[string]float64
	Sizes   map[string]int
}

// NewFrame evaluates metric overall and on each group of keys ("" = missing:
// counted overall, in no group).
func NewFrame(metric MetricFunc, truth, pred [][]int, keys []string) *Frame {
	if len(truth) != len(pred) || len(truth) != len(keys) {
		panic("fairness: truth, pred and keys lengths differ")
	}
	f := &Frame{Overall: metric(truth, pred), ByGroup: map[string]float64{}, Sizes: map[string]int{}}
	idx := map[string][]int{}
	for i, k := range keys {
		if k != "" {
			idx[k] = append(idx[k], i)
		}
	}
	for k, ii := range idx {
		t, p := make([][]int, len(ii)), make([][]int, len(ii))
		for j, i := range ii {
			t[j], p[j] = truth[i], pred[i]
		}
		f.ByGroup[k] = metric(t, p)
		f.Sizes[k] = len(ii)
	}
	return f
}

// Groups returns the group names, sorted.
func (f *Frame) Groups() []string {
	out := make([]string, 0, len(f.ByGroup))
	for k := range f.ByGroup {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// GroupMin and GroupMax are the smallest and largest group values.
func (f *Frame) GroupMin() float64 { return f.reduce(math.Min, math.Inf(1)) }
func (f *Frame) GroupMax() float64 { return f.reduce(math.Max, math.Inf(-1)) }

func (f *Frame) reduce(op func(a, b float64) float64, init float64) float64 {
	v := init
	for _, x := range f.ByGroup {
		v = op(v, x)
	}
	return v
}

// Difference is max - min over groups ("between_groups"), or with toOverall
// the largest |group - overall|.
func (f *Frame) Difference(toOverall bool) float64 {
	if !toOverall {
		return f.GroupMax() - f.GroupMin()
	}
	d := 0.0
	for _, v := range f.ByGroup {
		d = math.Max(d, math.Abs(v-f.Overall))
	}
	return d
}

// Ratio is min/max over groups (or with toOverall the smallest
// min(group/overall, overall/group)); 0 when a denominator is 0.
func (f *Frame) Ratio(toOverall bool) float64 {
	if !toOverall {
		return ratio(f.GroupMin(), f.GroupMax())
	}
	r := 1.0
	for _, v := range f.ByGroup {
		r = math.Min(r, math.Min(ratio(v, f.Overall), ratio(f.Overall, v)))
	}
	return r
}

// SelectionRate is the share of samples predicted to have class c (a
// MetricFunc factory, one-vs-rest).
func SelectionRate(c int) MetricFunc {
	return func(_, pred [][]int) float64 {
		n := 0.0
		for _, p := range pred {
			for _, x := range p {
				if x == c {
					n++
					break
				}
			}
		}
		return ratio(n, float64(len(pred)))
	}
}

// DemographicParityDifference is the gap in selection rate between groups;
// for several classes, the mean over classes of the one-vs-rest gaps (with
// nClasses = 2 and positive class 1 it is Fairlearn's binary definition
// when classes = []int{1}).
func DemographicParityDifference(pred [][]int, keys []string, classes []int) float64 {
	s := 0.0
	for _, c := range classes {
		s += NewFrame(SelectionRate(c), pred, pred, keys).Difference(false)
	}
	return ratio(s, float64(len(classes)))
}

// EqualizedOddsDifference is Fairlearn's equalized_odds_difference for the
// one-vs-rest class c: the worst case (agg "worst_case") or the mean of the
// TPR and FPR gaps between groups.
func EqualizedOddsDifference(truth, pred [][]int, keys []string, c int, mean bool) float64 {
	one := func(get func(Confusion) float64) MetricFunc {
		return func(t, p [][]int) float64 {
			return get(countsFor(t, p, c))
		}
	}
	tpr := NewFrame(one(Confusion.Recall), truth, pred, keys).Difference(false)
	fpr := NewFrame(one(Confusion.FPR), truth, pred, keys).Difference(false)
	if mean {
		return (tpr + fpr) / 2
	}
	return math.Max(tpr, fpr)
}

func countsFor(truth, pred [][]int, c int) Confusion {
	n := c + 1
	for _, l := range [][][]int{truth, pred} {
		for _, s := range l {
			for _, x := range s {
				n = max(n, x+1)
			}
		}
	}
	return Counts(truth, pred, n)[c]
}
