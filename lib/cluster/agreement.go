package cluster

import (
	"math"
	"sort"
)

// sortedValues returns a map's values ordered by key, so that sums over
// them are bit-reproducible (map order is random in Go).
func sortedValues[K int | [2]int](m map[K]float64, less func(a, b K) bool) []float64 {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	out := make([]float64, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func lessInt(a, b int) bool { return a < b }

func lessPair(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

// contingency returns the table n_ij of co-occurrences and its margins.
func contingency(a, b []int) (table map[[2]int]float64, ra, cb map[int]float64) {
	if len(a) != len(b) {
		panic("cluster: labelings of different lengths")
	}
	table, ra, cb = map[[2]int]float64{}, map[int]float64{}, map[int]float64{}
	for i := range a {
		table[[2]int{a[i], b[i]}]++
		ra[a[i]]++
		cb[b[i]]++
	}
	return
}

func comb2(x float64) float64 { return x * (x - 1) / 2 }

// ARI is the adjusted Rand index (Hubert and Arabie 1985):
//
//	ARI = (sum_ij C(n_ij,2) - E) / (0.5 (sum_i C(a_i,2) + sum_j C(b_j,2)) - E)
//	E   = sum_i C(a_i,2) sum_j C(b_j,2) / C(n,2)
//
// It is 1 for identical partitions (also when both are a single cluster, as
// scikit-learn returns) and about 0 for independent ones.
func ARI(a, b []int) float64 {
	table, ra, cb := contingency(a, b)
	n := float64(len(a))
	var sumIJ, sumA, sumB float64
	for _, v := range sortedValues(table, lessPair) {
		sumIJ += comb2(v)
	}
	for _, v := range sortedValues(ra, lessInt) {
		sumA += comb2(v)
	}
	for _, v := range sortedValues(cb, lessInt) {
		sumB += comb2(v)
	}
	expected := sumA * sumB / comb2(n)
	maxIdx := 0.5 * (sumA + sumB)
	if maxIdx == expected {
		return 1
	}
	return (sumIJ - expected) / (maxIdx - expected)
}

// NMI is the normalized mutual information with the arithmetic mean of the
// entropies, I(a;b) / ((H(a)+H(b))/2), scikit-learn's default. Two single
// clusters give 1; one single cluster against more gives 0.
func NMI(a, b []int) float64 {
	table, ra, cb := contingency(a, b)
	n := float64(len(a))
	if len(ra) == 1 && len(cb) == 1 {
		return 1
	}
	if len(ra) == 1 || len(cb) == 1 {
		return 0
	}
	mi := 0.0
	keys := make([][2]int, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessPair(keys[i], keys[j]) })
	for _, k := range keys {
		v := table[k]
		mi += v / n * math.Log(n*v/(ra[k[0]]*cb[k[1]]))
	}
	h := func(m map[int]float64) float64 {
		s := 0.0
		for _, v := range sortedValues(m, lessInt) {
			s -= v / n * math.Log(v/n)
		}
		return s
	}
	den := (h(ra) + h(cb)) / 2
	if den == 0 {
		return 1
	}
	return math.Max(0, mi) / den
}

// Stability scores how much two clusterings of the same items agree; it is
// the ARI, which ignores how cluster ids are numbered.
func Stability(prev, cur []int) float64 { return ARI(prev, cur) }
