package rl

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"eqpo/lib/backend"
)

type lossCase struct {
	Name   string
	Config struct {
		ClipLow     float64 `json:"clip_low"`
		ClipHigh    float64 `json:"clip_high"`
		DualClip    float64 `json:"dual_clip"`
		Agg         string  `json:"agg"`
		KLCoef      float64 `json:"kl_coef"`
		KLType      string  `json:"kl_type"`
		EntropyCoef float64 `json:"entropy_coef"`
	}
	X              [][][]float32
	W              []float32
	Old, Ref, Mask [][]float32
	Adv, Weight    []float32
	Loss           float64
	Grad           []float64
}

func flat3(x [][][]float32) []float32 {
	var out []float32
	for _, a := range x {
		for _, b := range a {
			out = append(out, b...)
		}
	}
	return out
}

func flat2(x [][]float32) []float32 {
	var out []float32
	for _, a := range x {
		out = append(out, a...)
	}
	return out
}

// TestLossMatchesTorch compares PolicyLoss and its gradient with the
// independent PyTorch implementation in testdata/make_loss_fixtures.py.
func TestLossMatchesTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/loss_fixtures.json")
	if err != nil {
		t.Skip("fixtures missing: run /usr/bin/python3 lib/rl/testdata/make_loss_fixtures.py")
	}
	var fx struct{ Cases []lossCase }
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	be := backend.MustGet()
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			n, tt, d := len(c.X), len(c.X[0]), len(c.W)
			cfg := LossConfig{ClipLow: c.Config.ClipLow, ClipHigh: c.Config.ClipHigh, DualClip: c.Config.DualClip, Agg: LossAgg(c.Config.Agg),
				KLCoef: c.Config.KLCoef, KLType: c.Config.KLType, EntropyCoef: c.Config.EntropyCoef}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			exec := graph.MustNewExec(be, func(in []*graph.Node) []*graph.Node {
				x, w, old, ref, mask, adv, weight := in[0], in[1], in[2], in[3], in[4], in[5], in[6]
				logits := graph.ReduceSum(graph.Mul(x, graph.Reshape(w, 1, 1, d)), -1) // [N,T] = X @ W
				logp := graph.Neg(graph.Softplus(graph.Neg(logits)))
				p := graph.Sigmoid(logits)
				ent := graph.Neg(graph.Add(graph.Mul(p, logp), graph.Mul(graph.OneMinus(p), graph.Neg(graph.Softplus(logits)))))
				out := PolicyLoss(LossInputs{Logp: logp, OldLogp: old, RefLogp: ref, Mask: mask, Entropy: ent, Adv: adv, Weight: weight}, cfg)
				return append([]*graph.Node{out.Loss}, graph.Gradient(out.Loss, w)...)
			})
			res := exec.MustCall(
				tensors.FromFlatDataAndDimensions(flat3(c.X), n, tt, d),
				tensors.FromFlatDataAndDimensions(c.W, d),
				tensors.FromFlatDataAndDimensions(flat2(c.Old), n, tt),
				tensors.FromFlatDataAndDimensions(flat2(c.Ref), n, tt),
				tensors.FromFlatDataAndDimensions(flat2(c.Mask), n, tt),
				tensors.FromFlatDataAndDimensions(c.Adv, n),
				tensors.FromFlatDataAndDimensions(c.Weight, n))
			loss := float64(res[0].Value().(float32))
			grad := res[1].Value().([]float32)
			rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-6) }
			if r := rel(loss, c.Loss); r > 1e-5 {
				t.Fatalf("loss %v, torch %v (rel %g)", loss, c.Loss, r)
			}
			gmax := 0.0
			for _, v := range c.Grad {
				gmax = math.Max(gmax, math.Abs(v))
			}
			for i := range grad {
				// relative to the largest component: tiny components are pure rounding
				if r := math.Abs(float64(grad[i])-c.Grad[i]) / gmax; r > 1e-5 {
					t.Fatalf("grad[%d] %v, torch %v (rel %g)", i, grad[i], c.Grad[i], r)
				}
			}
		})
	}
}
