package fairness

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkEvaluate10000x7x3: 10,000 single-label predictions over 7
// classes with 3 attributes (sex 2 groups, age 4 bins, source 4 sites).
func BenchmarkEvaluate10000x7x3(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 10000
	sub := Subset{Dataset: "bench", NClasses: 7, Groups: map[string][]string{}}
	sex, age, src := make([]string, n), make([]string, n), make([]string, n)
	for i := 0; i < n; i++ {
		t := rng.IntN(7)
		p := t
		if rng.Float64() < 0.4 {
			p = rng.IntN(7)
		}
		sub.Truth = append(sub.Truth, []int{t})
		sub.Pred = append(sub.Pred, []int{p})
		sex[i] = []string{"M", "F"}[rng.IntN(2)]
		age[i] = []string{"A1", "A2", "A3", "A4"}[rng.IntN(4)]
		src[i] = []string{"s1", "s2", "s3", "s4"}[rng.IntN(4)]
	}
	sub.Groups["sex"], sub.Groups["age"], sub.Groups["source"] = sex, age, src
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Evaluate([]Subset{sub}, 1)
	}
}
