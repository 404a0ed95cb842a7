package rl

import "math"

func sqrt(x float64) float64 { return math.Sqrt(x) }

// GroupRelative is the GRPO advantage of one question's rewards:
//
//	A_i = (r_i - mean(r)) / (std(r) + eps)    with std the sample std (ddof 1)
//
// or A_i = r_i - mean(r) when scaleByStd is false (Dr.GRPO). A question with
// a single rollout uses mean 0 and std 1 (verl's rule), so A = r. All-equal
// rewards give 0.
func GroupRelative(rewards []float64, scaleByStd bool, eps float64) []float64 {
	out := make([]float64, len(rewards))
	if len(rewards) == 1 {
		out[0] = rewards[0]
		return out
	}
	m := meanOf(rewards)
	s := 1.0
	if scaleByStd {
		s = sampleStd(rewards) + eps
	}
	for i, r := range rewards {
		out[i] = (r - m) / s
	}
	return out
}

// RLOOAdvantage is the leave-one-out baseline: A_i = r_i - mean_{j != i} r_j
// = G/(G-1) (r_i - mean(r)); 0 for a single rollout.
func RLOOAdvantage(rewards []float64) []float64 {
	g := float64(len(rewards))
	out := make([]float64, len(rewards))
	if g < 2 {
		return out
	}
	m := meanOf(rewards)
	for i, r := range rewards {
		out[i] = g / (g - 1) * (r - m)
	}
	return out
}

// Whiten is REINFORCE++'s batch normalisation of outcome rewards (verl's
// masked_whiten): (x - mean) / sqrt(var + 1e-8) with the unbiased variance
// over the whole batch.
func Whiten(x []float64) []float64 {
	m := meanOf(x)
	v := 0.0
	if len(x) > 1 {
		for _, r := range x {
			v += (r - m) * (r - m)
		}
		v /= float64(len(x) - 1)
	}
	out := make([]float64, len(x))
	for i, r := range x {
		out[i] = (r - m) / math.Sqrt(v+1e-8)
	}
	return out
}

// perQuestion applies f to each question's rewards and scatters the result
// back to input order.
func perQuestion(batch []Rollout, f func([]float64) []float64) []float64 {
	out := make([]float64, len(batch))
	for _, q := range groupByQuestion(batch, false) {
		a := f(q.rewards)
		for j, i := range q.idx {
			out[i] = a[j]
		}
	}
	return out
}
