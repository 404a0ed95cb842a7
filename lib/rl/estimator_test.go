package rl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func closeTo(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s: [%d] = %.10f, want %.10f (all: %v)", name, i, got[i], want[i], got)
		}
	}
}

// rollouts builds a batch: each question is (uid, dataset, group, rewards...).
func rollouts(qs ...[]any) []Rollout {
	var out []Rollout
	for _, q := range qs {
		for _, r := range q[3:] {
			out = append(out, Rollout{UID: q[0].(string), Dataset: q[1].(string), Group: q[2].(string), Reward: r.(float64)})
		}
	}
	return out
}

func TestGroupRelative(t *testing.T) {
	cases := []struct {
		name string
		r    []float64
		std  bool
		want []float64
	}{
		// [1,0]: mean .5, sample std sqrt(.5) -> +-.5/(.70710678+1e-6)
		{"grpo two", []float64{1, 0}, true, []float64{0.7071057812, -0.7071057812}},
		{"all equal", []float64{0.6, 0.6, 0.6}, true, []float64{0, 0, 0}},
		{"all zero", []float64{0, 0}, true, []float64{0, 0}},
		{"one sample (verl: mean 0, std 1)", []float64{0.7}, true, []float64{0.7}},
		{"dr_grpo", []float64{1, 0, 0.5}, false, []float64{0.5, -0.5, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { closeTo(t, c.name, GroupRelative(c.r, c.std, 1e-6), c.want, 1e-9) })
	}
	closeTo(t, "rloo", RLOOAdvantage([]float64{1, 0, 0}), []float64{1, -0.5, -0.5}, 1e-12)
	closeTo(t, "rloo one", RLOOAdvantage([]float64{1}), []float64{0}, 0)
	// whiten [1,0,0,1]: mean .5, unbiased var 1/3
	w := 0.5 / math.Sqrt(1.0/3+1e-8)
	closeTo(t, "reinforce++", Whiten([]float64{1, 0, 0, 1}), []float64{w, -w, -w, w}, 1e-12)
}

func TestStatelessNonContiguous(t *testing.T) {
	// Rollouts of one question need not be adjacent.
	b := []Rollout{{UID: "a", Reward: 1}, {UID: "b", Reward: 1}, {UID: "a", Reward: 0}, {UID: "b", Reward: 1}}
	got := New(DefaultConfig(MethodGRPO)).Advantages(b).Adv
	closeTo(t, "grpo", got, []float64{0.7071057812, 0, -0.7071057812, 0}, 1e-9)
}

// TestEQPOAuthorsExact works the authors' formula by hand over two steps,
// including the unknown-group clustering path (values confirmed with numpy).
//
// Step 0, domain d. q0 (M,A3) [1,0]; q1, q3 unknown [1,.5]; q2 unknown [0,.5].
// The unknown history has two distinct vectors -> k = 2: {q1,q3} mu .75, {q2} mu .25.
// N_d = 4, mu_d = 4.5/8 -> T_d = 2*.5625 = 1.125.
// factors: q0 1.125*1*.5; q1,q3 1.125*sqrt2*.75; q2 1.125*1*.25; each A^ = +-.70710578.
// Batch std of the scaled values -> 0.80178414, 0.37796413, 1.60356601.
//
// Step 1. q4 (M,A3) [1,1]; q5 unknown [0,.5]. History: N_d = 6, mu_d = 7/12;
// clusters {q1,q3} and {q2,q5}; q4's A^ = 0; q5 scaled by T_d*sqrt2*.25; after
// renormalisation q5 -> -+1.22474380.
func TestEQPOAuthorsExact(t *testing.T) {
	c := DefaultConfig(MethodEQPO)
	c.AuthorsExact = true
	e := New(c)
	s0 := e.Advantages(rollouts(
		[]any{"q0", "d", "M,A3", 1.0, 0.0},
		[]any{"q1", "d", "UNK", 1.0, 0.5},
		[]any{"q2", "d", "UNK", 0.0, 0.5},
		[]any{"q3", "d", "UNK", 1.0, 0.5},
	))
	closeTo(t, "step 0", s0.Adv, []float64{0.80178414, -0.80178414, 0.3779641338, -0.3779641338, -1.6035660122, 1.6035660122, 0.3779641338, -0.3779641338}, 1e-6)
	if ci := s0.Info.Clusters["d"]; ci.K != 2 || ci.N != 3 {
		t.Fatalf("step 0 clustering %+v", ci)
	}
	s1 := e.Advantages(rollouts(
		[]any{"q4", "d", "M,A3", 1.0, 1.0},
		[]any{"q5", "d", "UNK", 0.0, 0.5},
	))
	closeTo(t, "step 1", s1.Adv, []float64{0, 0, -1.2247437997, 1.2247437997}, 1e-6)
}

// TestEQPOExplicitGroups: q0, q1 (M,A3) [1,0] and [1,1]; q2 (F,A1) [1,0].
// N_d 3, mu_d 4/6; M,A3: N 2, mu .75; F,A1: N 1, mu .5. The rarer group's
// question gets the larger advantage (1.43 vs 0.67).
func TestEQPOExplicitGroups(t *testing.T) {
	for _, exact := range []bool{true, false} {
		c := DefaultConfig(MethodEQPO)
		c.AuthorsExact = exact
		got := New(c).Advantages(rollouts(
			[]any{"q0", "d", "M,A3", 1.0, 0.0},
			[]any{"q1", "d", "M,A3", 1.0, 1.0},
			[]any{"q2", "d", "F,A1", 1.0, 0.0},
		)).Adv
		// No mean is below MinMean and the window is not full: default = exact here.
		closeTo(t, fmt.Sprint("exact=", exact), got, []float64{0.6741990752, -0.6741990752, 0, 0, 1.4301922138, -1.4301922138}, 1e-6)
	}
}

// TestDRPOAuthorsExact: every question is clustered. Vectors [1,0], [1,.5]x2,
// [0,.5]: 3 distinct; elbow: inertias .9375, .1667, 0 -> drops .7708, .1667,
// .1667 is not < 10% of .7708 -> k = 3. mu_d = (.5/1+.75/2+.25/1)/(1+.5+1) = .45.
func TestDRPOAuthorsExact(t *testing.T) {
	c := DefaultConfig(MethodDRPO)
	c.AuthorsExact = true
	got := New(c).Advantages(rollouts(
		[]any{"q0", "d", "M,A3", 1.0, 0.0},
		[]any{"q1", "d", "UNK", 1.0, 0.5},
		[]any{"q2", "d", "F,A1", 0.0, 0.5},
		[]any{"q3", "d", "UNK", 1.0, 0.5},
	)).Adv
	closeTo(t, "drpo", got, []float64{0.8017842422, -0.8017842422, 0.377964182, -0.377964182, -1.6035662167, 1.6035662167, 0.377964182, -0.377964182}, 1e-6)
}

// TestNDEqualsDRPOAuthorsExact: the authors' fair_grpo_nd gives DRPO's numbers
// whenever rewards are >= 0 and every question has >= 2 rollouts (paper.md 9.5).
func TestNDEqualsDRPOAuthorsExact(t *testing.T) {
	nd, dr := DefaultConfig(MethodEQPOND), DefaultConfig(MethodDRPO)
	nd.AuthorsExact, dr.AuthorsExact = true, true
	a, b := New(nd), New(dr)
	rng := rand.New(rand.NewPCG(5, 5))
	for step := 0; step < 6; step++ {
		var batch []Rollout
		for q := 0; q < 8; q++ {
			uid := fmt.Sprintf("s%dq%d", step, q)
			ds := []string{"x", "y"}[q%2]
			for g := 0; g < 4; g++ {
				batch = append(batch, Rollout{UID: uid, Dataset: ds, Group: "M,A2", Reward: float64(rng.IntN(3)) / 2})
			}
		}
		closeTo(t, fmt.Sprint("step ", step), a.Advantages(batch).Adv, b.Advantages(batch).Adv, 1e-12)
	}
}

func TestEQPODegenerate(t *testing.T) {
	t.Run("never-right group gets the largest weight", func(t *testing.T) {
		c := DefaultConfig(MethodEQPO)
		c.Difficulty, c.Representation = true, false
		// Group H has mean 0 over its history so far; the current question
		// gets one right. Default: mu floored at MinMean -> biggest weight.
		e := New(c)
		e.Advantages(rollouts([]any{"h0", "d", "H", 0.0, 0.0, 0.0, 0.0}, []any{"e0", "d", "E", 1.0, 1.0, 1.0, 0.0}))
		s := e.Advantages(rollouts([]any{"h1", "d", "H", 1.0, 0.0, 0.0, 0.0}, []any{"e1", "d", "E", 1.0, 0.0, 0.0, 0.0}))
		if !(math.Abs(s.Adv[0]) > math.Abs(s.Adv[4])) {
			t.Fatalf("hard group should get the larger |A|: %v", s.Adv)
		}
	})
	t.Run("authors NaN for one rollout", func(t *testing.T) {
		c := DefaultConfig(MethodEQPO)
		c.AuthorsExact = true
		s := New(c).Advantages(rollouts([]any{"a", "d", "M,A3", 1.0}, []any{"b", "d", "M,A3", 1.0, 0.0}))
		if !math.IsNaN(s.Adv[0]) {
			t.Fatalf("authors-exact with one rollout must be NaN (paper.md 9.1), got %v", s.Adv)
		}
		d := New(DefaultConfig(MethodEQPO)).Advantages(rollouts([]any{"a", "d", "M,A3", 1.0}, []any{"b", "d", "M,A3", 1.0, 0.0}))
		for _, v := range d.Adv {
			if math.IsNaN(v) {
				t.Fatalf("default must not produce NaN: %v", d.Adv)
			}
		}
	})
	t.Run("all zero rewards", func(t *testing.T) {
		s := New(DefaultConfig(MethodEQPO)).Advantages(rollouts([]any{"a", "d", "UNK", 0.0, 0.0}, []any{"b", "d", "M", 0.0, 0.0}))
		closeTo(t, "zeros", s.Adv, []float64{0, 0, 0, 0}, 0)
	})
	t.Run("tiers off is GRPO up to batch scale", func(t *testing.T) {
		c := DefaultConfig(MethodEQPO)
		c.Representation, c.Difficulty, c.Source = false, false, false
		b := rollouts([]any{"a", "d", "M", 1.0, 0.0, 0.0}, []any{"b", "e", "F", 1.0, 1.0, 0.0})
		e := New(c).Advantages(b).Adv
		g := New(DefaultConfig(MethodGRPO)).Advantages(b).Adv
		k := e[0] / g[0]
		for i := range e {
			if math.Abs(e[i]-k*g[i]) > 1e-9 {
				t.Fatalf("not proportional: %v vs %v", e, g)
			}
		}
	})
}

func TestStateRoundTrip(t *testing.T) {
	c := DefaultConfig(MethodEQPOND)
	a := New(c)
	b1 := rollouts([]any{"a", "d", "M", 1.0, 0.0}, []any{"b", "d", "F", 0.0, 0.5}, []any{"c", "d", "F", 1.0, 1.0})
	b2 := rollouts([]any{"e", "d", "M", 1.0, 0.5}, []any{"f", "d", "F", 0.0, 0.0})
	a.Advantages(b1)
	st, err := a.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	b := New(c)
	if err := b.UnmarshalState(st); err != nil {
		t.Fatal(err)
	}
	closeTo(t, "resumed", b.Advantages(b2).Adv, a.Advantages(b2).Adv, 0)
}

func TestGroupDRO(t *testing.T) {
	d := &GroupDRO{Eta: 1}
	b := rollouts([]any{"a", "d", "easy", 1.0, 1.0}, []any{"b", "d", "hard", 0.0, 0.0})
	w := d.Weights(b)
	// risks 0 and 1: q_hard/q_easy = e after one step; weights q * n / n_g.
	if !(w[2] > w[0]) || math.Abs(w[2]/w[0]-math.E) > 1e-9 {
		t.Fatalf("weights %v", w)
	}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if math.Abs(sum-float64(len(w))) > 1e-9 {
		t.Fatalf("weights should sum to n: %v", sum)
	}
}

func TestSetF1(t *testing.T) {
	for _, c := range []struct {
		p, t []int
		want float64
	}{{[]int{1}, []int{1}, 1}, {[]int{1}, []int{2}, 0}, {[]int{1, 2}, []int{2}, 2.0 / 3}, {nil, []int{1}, 0}, {nil, nil, 0}} {
		if got := SetF1(c.p, c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("SetF1(%v,%v)=%v want %v", c.p, c.t, got, c.want)
		}
	}
}

func ExampleGroupRelative() {
	fmt.Printf("%.4f\n", GroupRelative([]float64{1, 0, 0, 1}, true, 1e-6))
	// Output: [0.8660 -0.8660 -0.8660 0.8660]
}
