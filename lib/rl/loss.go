package rl

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
)

type Node = graph.Node

// LossAgg says how token losses become one number (verl's loss_agg_mode).
// They differ only once answers have several tokens (multi-label here).
type LossAgg string

const (
	// TokenMean averages over every unmasked token in the batch (verl
	// default, DAPO): long answers weigh more.
	TokenMean LossAgg = "token-mean"
	// SeqMeanTokenSum sums each answer's tokens, then averages answers
	// (the original GRPO's length bias towards long answers' totals).
	SeqMeanTokenSum LossAgg = "seq-mean-token-sum"
	// SeqMeanTokenMean averages within each answer, then across answers
	// (the original GRPO paper's 1/|o_i| normalisation).
	SeqMeanTokenMean LossAgg = "seq-mean-token-mean"
)

// LossConfig holds the update's knobs; defaults follow the authors' verl
// runs (paper.md section 2).
type LossConfig struct {
	ClipLow  float64 `json:"clip_low"`  // epsilon below 1 (0.2)
	ClipHigh float64 `json:"clip_high"` // epsilon above 1 (0.2; DAPO uses 0.28)
	// DualClip c bounds the loss of negative-advantage tokens at c·|A|
	// (Ye et al. 2020; verl clip_ratio_c = 3.0). 0 disables it.
	DualClip float64 `json:"dual_clip"`
	Agg      LossAgg `json:"agg"`
	// KLCoef beta weights the KL to the frozen reference policy (the
	// authors' EQPO/GRPO runs: off, 0). KLType is "k1" (log ratio) or
	// "low_var_kl" (Schulman's k3, clamped to [-10, 10] as verl does).
	KLCoef      float64 `json:"kl_coef"`
	KLType      string  `json:"kl_type"`
	EntropyCoef float64 `json:"entropy_coef"` // bonus for entropy (authors: 0)
}

// DefaultLossConfig is the authors' recipe.
func DefaultLossConfig() LossConfig {
	return LossConfig{ClipLow: 0.2, ClipHigh: 0.2, DualClip: 3, Agg: TokenMean, KLType: "low_var_kl"}
}

// Validate names the bad field.
func (c LossConfig) Validate() error {
	switch {
	case c.ClipLow < 0 || c.ClipLow >= 1:
		return fmt.Errorf("clip_low: want [0,1), got %v", c.ClipLow)
	case c.ClipHigh < 0:
		return fmt.Errorf("clip_high: want >= 0, got %v", c.ClipHigh)
	case c.DualClip != 0 && c.DualClip <= 1:
		return fmt.Errorf("dual_clip: want 0 (off) or > 1, got %v", c.DualClip)
	case c.Agg != TokenMean && c.Agg != SeqMeanTokenSum && c.Agg != SeqMeanTokenMean:
		return fmt.Errorf("agg: want token-mean, seq-mean-token-sum or seq-mean-token-mean, got %q", c.Agg)
	case c.KLType != "k1" && c.KLType != "low_var_kl":
		return fmt.Errorf("kl_type: want k1 or low_var_kl, got %q", c.KLType)
	case c.KLCoef < 0:
		return fmt.Errorf("kl_coef: want >= 0, got %v", c.KLCoef)
	}
	return nil
}

// LossInputs are per-token [N, T] log-probs and mask, and per-answer [N]
// advantages and sample weights (1 for plain methods; Group-DRO's weights;
// 0 for padding). OldLogp are the sampling policy's log-probs; RefLogp the
// reference policy's (nil when KLCoef is 0); Entropy may be nil when
// EntropyCoef is 0.
type LossInputs struct {
	Logp, OldLogp, RefLogp, Mask, Entropy *Node
	Adv, Weight                           *Node
}

// LossOutputs carries the loss and diagnostics (all scalars).
type LossOutputs struct {
	Loss, PGLoss, KL, Entropy, ClipFrac *Node
}

// ClippedSurrogate is PPO's per-token loss with dual clip:
//
//	r = exp(logp - old)
//	l = max(-A r, -A clip(r, 1-eps_low, 1+eps_high))
//	l = min(l, -A c)   where A < 0 (dual clip)
//
// It also returns where the clip was active, for the clip fraction.
func ClippedSurrogate(logp, oldLogp, adv *Node, c LossConfig) (loss, clipped *Node) {
	ratio := graph.Exp(graph.Sub(logp, oldLogp))
	pg1 := graph.Neg(graph.Mul(adv, ratio))
	pg2 := graph.Neg(graph.Mul(adv, graph.ClipScalar(ratio, 1-c.ClipLow, 1+c.ClipHigh)))
	loss = graph.Max(pg1, pg2)
	clipped = graph.GreaterThan(pg2, pg1)
	if c.DualClip > 0 {
		pg3 := graph.Neg(graph.MulScalar(adv, c.DualClip))
		neg := graph.LessThan(adv, graph.ZerosLike(adv))
		loss = graph.Where(neg, graph.Min(loss, pg3), loss)
	}
	return loss, clipped
}

// Aggregate reduces [N, T] token values to a scalar under the mask.
// Answers with no unmasked token (padding) count in no mean.
func Aggregate(x, mask *Node, agg LossAgg) *Node {
	g := x.Graph()
	one := graph.ScalarOne(g, x.DType())
	xm := graph.Mul(x, mask)
	switch agg {
	case SeqMeanTokenSum, SeqMeanTokenMean:
		perSeq := graph.ReduceSum(xm, -1)
		tokens := graph.ReduceSum(mask, -1)
		valid := graph.ConvertDType(graph.GreaterThan(tokens, graph.ZerosLike(tokens)), x.DType())
		if agg == SeqMeanTokenMean {
			perSeq = graph.Div(perSeq, graph.Max(tokens, graph.OnesLike(tokens)))
		}
		return graph.Div(graph.ReduceAllSum(perSeq), graph.Max(graph.ReduceAllSum(valid), one))
	default:
		return graph.Div(graph.ReduceAllSum(xm), graph.Max(graph.ReduceAllSum(mask), one))
	}
}

// PolicyLoss builds the full objective:
//
//	L = agg(w · surrogate) + beta · agg(kl) - entropy_coef · agg(entropy)
func PolicyLoss(in LossInputs, c LossConfig) LossOutputs {
	adv := graph.InsertAxes(in.Adv, -1)  // [N,1] broadcasts over tokens
	w := graph.InsertAxes(in.Weight, -1) // [N,1]
	mask := graph.Mul(in.Mask, graph.BroadcastToDims(graph.ConvertDType(graph.GreaterThan(w, graph.ZerosLike(w)), in.Mask.DType()), in.Mask.Shape().Dimensions...))
	advB := graph.BroadcastToDims(adv, in.Logp.Shape().Dimensions...)
	surr, clipped := ClippedSurrogate(in.Logp, in.OldLogp, advB, c)
	surr = graph.Mul(surr, graph.BroadcastToDims(w, in.Logp.Shape().Dimensions...))
	out := LossOutputs{PGLoss: Aggregate(surr, mask, c.Agg)}
	out.ClipFrac = Aggregate(graph.ConvertDType(clipped, in.Logp.DType()), mask, TokenMean)
	out.Loss = out.PGLoss
	g := in.Logp.Graph()
	if c.KLCoef > 0 && in.RefLogp != nil {
		out.KL = Aggregate(KLPenalty(in.Logp, in.RefLogp, c.KLType), mask, c.Agg)
		out.Loss = graph.Add(out.Loss, graph.MulScalar(out.KL, c.KLCoef))
	} else {
		out.KL = graph.ScalarZero(g, dtypes.Float32)
	}
	if in.Entropy != nil {
		out.Entropy = Aggregate(in.Entropy, mask, c.Agg)
		if c.EntropyCoef != 0 {
			out.Loss = graph.Sub(out.Loss, graph.MulScalar(out.Entropy, c.EntropyCoef))
		}
	} else {
		out.Entropy = graph.ScalarZero(g, dtypes.Float32)
	}
	return out
}

// KLPenalty is the per-token KL estimate to the reference policy: k1 =
// logp - ref; low_var_kl (k3) = exp(ref - logp) - (ref - logp) - 1, clamped
// to [-10, 10] as verl's kl_penalty does.
func KLPenalty(logp, refLogp *Node, klType string) *Node {
	if klType == "k1" {
		return graph.Sub(logp, refLogp)
	}
	d := graph.Sub(refLogp, logp)
	return graph.ClipScalar(graph.Sub(graph.Sub(graph.Exp(d), d), graph.OnesLike(d)), -10, 10)
}
