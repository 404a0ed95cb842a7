package cluster

import (
	"math"
	"math/rand/v2"
)

// ElbowK is the authors' rule (paper.md 1.3): with kCap = min(kMax, number
// of distinct rows), fit k = 1..kCap and let drop_j = inertia_j -
// inertia_{j+1}; return the first k = i+1 with drop_i < 0.10 * drop_{i-1},
// otherwise kCap. One distinct row gives k = 1; two give k = 2 without the
// test (paper.md 9.6).
func ElbowK(rows [][]float64, kMax int, rng *rand.Rand, opt Options) int {
	kCap := min(kMax, distinct(rows))
	if kCap <= 2 {
		return max(kCap, 1)
	}
	inertia := make([]float64, kCap)
	for k := 1; k <= kCap; k++ {
		inertia[k-1] = KMeans(rows, k, rng, opt).Inertia
	}
	drops := make([]float64, kCap-1)
	for j := range drops {
		drops[j] = inertia[j] - inertia[j+1]
	}
	for i := 1; i < len(drops); i++ {
		if drops[i] < 0.10*drops[i-1] {
			return i + 1
		}
	}
	return kCap
}

// SilhouetteSample caps how many rows SilhouetteK scores: the silhouette
// is O(n^2), so larger inputs are scored on a seeded random subsample of
// this size (k-means itself still sees every row), as scikit-learn's
// silhouette_score(sample_size=...) does.
const SilhouetteSample = 512

// SilhouetteK returns the k in [2, kMax] with the largest mean silhouette
// (1 if fewer than 3 distinct rows).
func SilhouetteK(rows [][]float64, kMax int, rng *rand.Rand, opt Options) int {
	kCap := min(kMax, distinct(rows))
	if kCap < 2 {
		return 1
	}
	var sample []int
	if len(rows) > SilhouetteSample {
		sample = rng.Perm(len(rows))[:SilhouetteSample]
	}
	best, bestS := 2, math.Inf(-1)
	for k := 2; k <= kCap; k++ {
		res := KMeans(rows, k, rng, opt)
		r, l := rows, res.Labels
		if sample != nil {
			r, l = make([][]float64, len(sample)), make([]int, len(sample))
			for i, j := range sample {
				r[i], l[i] = rows[j], res.Labels[j]
			}
		}
		if s := Silhouette(r, l); s > bestS+1e-12 {
			best, bestS = k, s
		}
	}
	return best
}

// Silhouette is the mean silhouette coefficient s_i = (b_i - a_i)/max(a_i,
// b_i) with Euclidean distances; a row alone in its cluster scores 0.
func Silhouette(rows [][]float64, labels []int) float64 {
	n := len(rows)
	k := 0
	for _, l := range labels {
		k = max(k, l+1)
	}
	if n < 2 || k < 2 {
		return 0
	}
	size := make([]float64, k)
	for _, l := range labels {
		size[l]++
	}
	total := 0.0
	sum := make([]float64, k)
	for i := range rows {
		clear(sum)
		for j := range rows {
			if i != j {
				sum[labels[j]] += math.Sqrt(sqDist(rows[i], rows[j]))
			}
		}
		own := labels[i]
		if size[own] <= 1 {
			continue
		}
		a := sum[own] / (size[own] - 1)
		b := math.Inf(1)
		for c := 0; c < k; c++ {
			if c != own && size[c] > 0 {
				b = math.Min(b, sum[c]/size[c])
			}
		}
		if m := math.Max(a, b); m > 0 {
			total += (b - a) / m
		}
	}
	return total / float64(n)
}

func distinct(rows [][]float64) int {
	seen := map[string]bool{}
	for _, r := range rows {
		key := make([]byte, 0, 8*len(r))
		for _, v := range r {
			b := math.Float64bits(v)
			for s := 0; s < 64; s += 8 {
				key = append(key, byte(b>>s))
			}
		}
		seen[string(key)] = true
	}
	return len(seen)
}
