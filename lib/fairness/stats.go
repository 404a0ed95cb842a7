package fairness

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// MeanStd returns the mean and the sample standard deviation (ddof 1) of x.
// The std of fewer than two values is 0; the mean of none is NaN.
//
//	mean = sum_i x_i / n,   std = sqrt( sum_i (x_i - mean)^2 / (n-1) )
func MeanStd(x []float64) (mean, std float64) {
	if len(x) == 0 {
		return math.NaN(), 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// BootstrapCI is the percentile bootstrap confidence interval of the mean of
// x at level 1-alpha with b resamples drawn from rng.
func BootstrapCI(x []float64, b int, alpha float64, rng *rand.Rand) (lo, hi float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	means := make([]float64, b)
	for i := range means {
		s := 0.0
		for range x {
			s += x[rng.IntN(len(x))]
		}
		means[i] = s / float64(len(x))
	}
	sort.Float64s(means)
	q := func(p float64) float64 { return means[min(b-1, max(0, int(math.Floor(p*float64(b)))))] }
	return q(alpha / 2), q(1 - alpha/2)
}

// PairedTest is the result of comparing two methods' per-seed values.
type PairedTest struct {
	Test     string  `json:"test"` // "paired t-test (two-sided)"
	N        int     `json:"n"`
	MeanDiff float64 `json:"mean_diff"` // mean of a - b
	T        float64 `json:"t"`
	P        float64 `json:"p"`
	// PSignFlip is the exact two-sided sign-flip permutation p-value, a
	// distribution-free check (its smallest possible value is 2/2^n).
	PSignFlip float64 `json:"p_sign_flip"`
}

// PairedTTest compares a and b seed by seed (a[i] and b[i] share seed i):
// t = mean(d) / (sd(d)/sqrt(n)) with d = a - b, n-1 degrees of freedom. When
// every difference is equal the t statistic is infinite (p=0) unless they
// are all 0 (p=1).
func PairedTTest(a, b []float64) PairedTest {
	if len(a) != len(b) {
		panic("fairness: paired samples of different lengths")
	}
	n := len(a)
	d := make([]float64, n)
	for i := range a {
		d[i] = a[i] - b[i]
	}
	m, s := MeanStd(d)
	r := PairedTest{Test: "paired t-test (two-sided)", N: n, MeanDiff: m, P: math.NaN(), T: math.NaN(), PSignFlip: signFlip(d)}
	if n < 2 {
		return r
	}
	if s == 0 {
		if m == 0 {
			r.T, r.P = 0, 1
		} else {
			r.T, r.P = math.Inf(int(math.Copysign(1, m))), 0
		}
		return r
	}
	r.T = m / (s / math.Sqrt(float64(n)))
	tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}
	r.P = 2 * (1 - tdist.CDF(math.Abs(r.T)))
	return r
}

// signFlip is the exact permutation p-value of |mean(d)| under random signs
// (all 2^n sign patterns; n is capped at 20).
func signFlip(d []float64) float64 {
	n := len(d)
	if n == 0 || n > 20 {
		return math.NaN()
	}
	obs := 0.0
	for _, v := range d {
		obs += v
	}
	obs = math.Abs(obs)
	count := 0
	for mask := 0; mask < 1<<n; mask++ {
		s := 0.0
		for i, v := range d {
			if mask&(1<<i) != 0 {
				s -= v
			} else {
				s += v
			}
		}
		if math.Abs(s) >= obs-1e-12 {
			count++
		}
	}
	return float64(count) / float64(int(1)<<n)
}
