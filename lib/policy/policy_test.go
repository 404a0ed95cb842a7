package policy

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"eqpo/lib/backend"
)

// Two heads: a single-label head of 3 classes and a multi-label head of 2.
var cfg = Config{Arch: "mlp", Hidden: []int{8}, InputDim: 4, Heads: []Head{{"a", 3, false}, {"b", 2, true}}}

func inputs() (x, hm, mu *tensors.Tensor) {
	x = tensors.FromFlatDataAndDimensions([]float32{0.1, -0.2, 0.3, 0.5, 1, 0, -1, 0.2}, 2, 4)
	hm = tensors.FromFlatDataAndDimensions([]float32{1, 1, 1, 0, 0, 0, 0, 0, 1, 1}, 2, 5)
	mu = tensors.FromFlatDataAndDimensions([]float32{0, 1}, 2)
	return
}

// TestTokenLogProbsAreDistributions enumerates every possible answer of each
// prompt and checks that their probabilities sum to 1: 3 one-hot answers for
// the single-label prompt, 4 label sets for the two-class multi-label one.
func TestTokenLogProbsAreDistributions(t *testing.T) {
	pol := Classifier{Cfg: cfg}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		t.Fatal(err)
	}
	// G = 4 answers per prompt: prompt 0 gets its 3 one-hots (+ a repeat),
	// prompt 1 gets {}, {c3}, {c4}, {c3,c4} on its head (columns 3 and 4).
	ans := []float32{
		1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1,
	}
	exec := model.MustNewExec(backend.MustGet(), store, func(s *model.Scope, in []*graph.Node) []*graph.Node {
		lp, mask, ent := pol.TokenLogProbs(s.At("policy"), Inputs{X: in[0], HeadMask: in[1], Multi: in[2]}, in[3])
		return []*graph.Node{graph.ReduceSum(lp, -1), mask, ent}
	})
	x, hm, mu := inputs()
	out := exec.MustCall(x, hm, mu, tensors.FromFlatDataAndDimensions(ans, 2, 4, 5))
	seq := out[0].Value().([][]float32) // [B, G] answer log-probs
	p0 := math.Exp(float64(seq[0][0])) + math.Exp(float64(seq[0][1])) + math.Exp(float64(seq[0][2]))
	p1 := 0.0
	for g := 0; g < 4; g++ {
		p1 += math.Exp(float64(seq[1][g]))
	}
	if math.Abs(p0-1) > 1e-5 || math.Abs(p1-1) > 1e-5 {
		t.Fatalf("probabilities of all answers sum to %v (single-label) and %v (multi-label), want 1", p0, p1)
	}
	mask := out[1].Value().([][][]float32)
	if mask[0][0][0] != 1 || mask[0][0][1] != 0 || mask[1][0][3] != 1 || mask[1][0][4] != 1 || mask[1][0][0] != 0 {
		t.Fatalf("token masks: single-label = one token, multi-label = its head's classes; got %v", mask)
	}
}

func TestSampleAndGreedyStayInHead(t *testing.T) {
	pol := Classifier{Cfg: cfg}
	store := model.NewStore()
	store.SetRNGStateFromSeed(3)
	exec := model.MustNewExec(backend.MustGet(), store, func(s *model.Scope, x, hm, mu *graph.Node) (*graph.Node, *graph.Node) {
		in := Inputs{X: x, HeadMask: hm, Multi: mu}
		return pol.Sample(s.At("policy"), in, 16), pol.Greedy(s.At("policy"), in)
	})
	x, hm, mu := inputs()
	out := exec.MustCall(x, hm, mu)
	samples := out[0].Value().([][][]float32)
	for g, a := range samples[0] {
		n := a[0] + a[1] + a[2]
		if n != 1 || a[3]+a[4] != 0 {
			t.Fatalf("single-label sample %d is not one class of head a: %v", g, a)
		}
	}
	for g, a := range samples[1] {
		if a[0]+a[1]+a[2] != 0 {
			t.Fatalf("multi-label sample %d leaves its head: %v", g, a)
		}
	}
	greedy := out[1].Value().([][]float32)
	if greedy[0][0]+greedy[0][1]+greedy[0][2] != 1 {
		t.Fatalf("greedy single-label answer %v", greedy[0])
	}
}

func TestConfigValidate(t *testing.T) {
	bad := cfg
	bad.Arch = "transformer"
	if bad.Validate() == nil {
		t.Fatal("unknown arch accepted")
	}
	if cfg.K() != 5 || cfg.Offset(1) != 3 {
		t.Fatalf("K %d offset %d", cfg.K(), cfg.Offset(1))
	}
}
