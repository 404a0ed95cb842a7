package cluster

import (
	"math"
	"math/rand/v2"
)

// Result is a fitted k-means model.
type Result struct {
	K         int
	Centroids [][]float64
	Labels    []int   // cluster of each row
	Sizes     []int   // rows per cluster
	Inertia   float64 // sum of squared distances to the assigned centroid
}

// Options for KMeans; the zero value means the defaults.
type Options struct {
	Restarts int // independent k-means++ starts, best inertia kept (default 4)
	MaxIter  int // Lloyd iterations per start (default 100)
}

func (o Options) withDefaults() Options {
	if o.Restarts <= 0 {
		o.Restarts = 4
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 100
	}
	return o
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// KMeans clusters rows into k groups. k is capped at the number of rows;
// rows must share one length (panics otherwise). With k-means++ seeding and
// several restarts, the best (lowest inertia) fit is returned; a cluster
// that empties during Lloyd iterations is re-seeded with the row farthest
// from its centroid.
func KMeans(rows [][]float64, k int, rng *rand.Rand, opt Options) *Result {
	opt = opt.withDefaults()
	n := len(rows)
	if n == 0 {
		return &Result{}
	}
	if k < 1 {
		panic("cluster: k must be >= 1")
	}
	for _, r := range rows {
		if len(r) != len(rows[0]) {
			panic("cluster: rows of different lengths")
		}
	}
	k = min(k, n)
	var best *Result
	for r := 0; r < opt.Restarts; r++ {
		res := lloyd(rows, seedPlusPlus(rows, k, rng), opt.MaxIter)
		if best == nil || res.Inertia < best.Inertia-1e-12 {
			best = res
		}
	}
	return best
}

// KMeans32 is KMeans over float32 rows.
func KMeans32(rows [][]float32, k int, rng *rand.Rand, opt Options) *Result {
	r64 := make([][]float64, len(rows))
	for i, r := range rows {
		r64[i] = make([]float64, len(r))
		for j, v := range r {
			r64[i][j] = float64(v)
		}
	}
	return KMeans(r64, k, rng, opt)
}

// seedPlusPlus picks k initial centroids: the first uniformly, each next one
// with probability proportional to its squared distance to the nearest
// chosen centroid (Arthur and Vassilvitskii 2007).
func seedPlusPlus(rows [][]float64, k int, rng *rand.Rand) [][]float64 {
	n := len(rows)
	cent := [][]float64{append([]float64(nil), rows[rng.IntN(n)]...)}
	d := make([]float64, n)
	for i := range d {
		d[i] = sqDist(rows[i], cent[0])
	}
	for len(cent) < k {
		total := 0.0
		for _, v := range d {
			total += v
		}
		next := 0
		if total == 0 { // all remaining rows coincide with a centroid
			next = rng.IntN(n)
		} else {
			u := rng.Float64() * total
			for next = 0; next < n-1; next++ {
				u -= d[next]
				if u <= 0 {
					break
				}
			}
		}
		c := append([]float64(nil), rows[next]...)
		cent = append(cent, c)
		for i := range d {
			d[i] = math.Min(d[i], sqDist(rows[i], c))
		}
	}
	return cent
}

func lloyd(rows [][]float64, cent [][]float64, maxIter int) *Result {
	n, k, dim := len(rows), len(cent), len(rows[0])
	labels := make([]int, n)
	sizes := make([]int, k)
	for it := 0; it < maxIter; it++ {
		changed := false
		for i, r := range rows {
			bi, bd := 0, math.Inf(1)
			for c := range cent {
				if d := sqDist(r, cent[c]); d < bd {
					bi, bd = c, d
				}
			}
			if labels[i] != bi || it == 0 {
				changed = changed || labels[i] != bi
				labels[i] = bi
			}
		}
		// Recompute centroids; repair empty clusters.
		sums := make([][]float64, k)
		for c := range sums {
			sums[c] = make([]float64, dim)
		}
		clear(sizes)
		for i, r := range rows {
			sizes[labels[i]]++
			for j, v := range r {
				sums[labels[i]][j] += v
			}
		}
		for c := range cent {
			if sizes[c] == 0 {
				far, fd := 0, -1.0
				for i, r := range rows {
					if d := sqDist(r, cent[labels[i]]); d > fd && sizes[labels[i]] > 1 {
						far, fd = i, d
					}
				}
				if fd < 0 {
					continue // no cluster can spare a row: n < k cannot happen (k capped), so all coincide
				}
				sizes[labels[far]]--
				for j, v := range rows[far] {
					sums[labels[far]][j] -= v
				}
				labels[far] = c
				sizes[c] = 1
				copy(sums[c], rows[far])
				changed = true
			}
		}
		for c := range cent {
			if sizes[c] > 0 {
				for j := range cent[c] {
					cent[c][j] = sums[c][j] / float64(sizes[c])
				}
			}
		}
		if !changed && it > 0 {
			break
		}
	}
	res := &Result{K: k, Centroids: cent, Labels: labels, Sizes: append([]int(nil), sizes...)}
	for i, r := range rows {
		res.Inertia += sqDist(r, cent[labels[i]])
	}
	return res
}

// Predict assigns each row to its nearest centroid.
func (r *Result) Predict(rows [][]float64) []int {
	out := make([]int, len(rows))
	for i, x := range rows {
		bd := math.Inf(1)
		for c, m := range r.Centroids {
			if d := sqDist(x, m); d < bd {
				out[i], bd = c, d
			}
		}
	}
	return out
}

// CentroidMean is the mean of a centroid's coordinates; with reward vectors
// as rows it is the cluster's mean reward (the authors' mu_c).
func (r *Result) CentroidMean(c int) float64 {
	s := 0.0
	for _, v := range r.Centroids[c] {
		s += v
	}
	return s / float64(len(r.Centroids[c]))
}
