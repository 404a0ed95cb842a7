package rl

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchBatch is one step of B prompts x G rollouts over 7 domains and 8
// groups per domain (1 in 8 unknown), rewards in {0, .5, 1}.
func benchBatch(rng *rand.Rand, step, b, g int) []Rollout {
	groups := []string{"M,A1", "M,A2", "M,A3", "M,A4", "F,A1", "F,A2", "F,A3", UnknownGroup}
	out := make([]Rollout, 0, b*g)
	for q := 0; q < b; q++ {
		uid := fmt.Sprintf("s%d-q%d", step, q)
		ds := fmt.Sprintf("d%d", q%7)
		grp := groups[rng.IntN(len(groups))]
		for i := 0; i < g; i++ {
			out = append(out, Rollout{UID: uid, Dataset: ds, Group: grp, TrueGroup: grp, Reward: float64(rng.IntN(3)) / 2})
		}
	}
	return out
}

func benchEstimator(b *testing.B, m Method, window int) {
	cfg := DefaultConfig(m)
	cfg.Window = window
	e := New(cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	// Fill the history first: 20 steps, so the window is in steady state.
	for s := 0; s < 20; s++ {
		e.Advantages(benchBatch(rng, s, 256, 8))
	}
	batches := make([][]Rollout, 16)
	for i := range batches {
		batches[i] = benchBatch(rng, 100+i, 256, 8)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Advantages(batches[i%len(batches)])
	}
}

// The EQPO weight computation alone for B=256 prompts x G=8.
func BenchmarkGRPOAdvantages(b *testing.B)   { benchEstimator(b, MethodGRPO, 0) }
func BenchmarkEQPOAdvantages(b *testing.B)   { benchEstimator(b, MethodEQPO, 2048) }
func BenchmarkEQPONDAdvantages(b *testing.B) { benchEstimator(b, MethodEQPOND, 2048) }
