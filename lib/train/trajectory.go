package train

import (
	"eqpo/lib/fairness"
	"eqpo/lib/rl"
)

// TrajectoryLine is one line of trajectory.jsonl, written at step 0 and
// every EvalEvery steps. Its keys:
//
//	step                  completed RL steps
//	eval                  the full fairness report on the test split (greedy
//	                      answers): overall columns, per dataset, per attribute
//	                      and group (lib/fairness documents every column)
//	train.reward_mean     mean reward of the sampled answers since the last line
//	train.loss, .pg_loss, .kl, .entropy, .clip_frac
//	                      update diagnostics averaged since the last line
//	train.zero_std_frac   share of questions whose G rewards were all equal
//	                      (no learning signal under GRPO)
//	eqpo_factors          "dataset/group" -> mean EQPO/DRPO divisor at the last step
//	clusters              dataset -> k, sizes, cluster mean rewards, ARI and NMI
//	                      against the masked demographic groups, and stability
//	                      (ARI with the previous line's clustering on shared items)
type TrajectoryLine struct {
	Step     int                   `json:"step"`
	Eval     *fairness.Report      `json:"eval"`
	Train    trainAccum            `json:"train"`
	Factors  map[string]float64    `json:"eqpo_factors,omitempty"`
	Clusters map[string]ClusterLog `json:"clusters,omitempty"`
}

// ClusterLog is one dataset's clustering at an evaluation point: the
// estimator's report plus its stability since the previous evaluation.
type ClusterLog struct {
	rl.ClusterInfo
	Stability float64 `json:"stability"` // -1 when there is no previous clustering to compare
}

// trainAccum averages step diagnostics between two trajectory lines.
type trainAccum struct {
	Steps       int     `json:"steps"`
	RewardMean  float64 `json:"reward_mean"`
	Loss        float64 `json:"loss"`
	PGLoss      float64 `json:"pg_loss"`
	KL          float64 `json:"kl"`
	Entropy     float64 `json:"entropy"`
	ClipFrac    float64 `json:"clip_frac"`
	ZeroStdFrac float64 `json:"zero_std_frac"`
}

func (a *trainAccum) add(o trainAccum) {
	a.Steps++
	a.RewardMean += o.RewardMean
	a.Loss += o.Loss
	a.PGLoss += o.PGLoss
	a.KL += o.KL
	a.Entropy += o.Entropy
	a.ClipFrac += o.ClipFrac
	a.ZeroStdFrac += o.ZeroStdFrac
}

func (a trainAccum) mean() trainAccum {
	if a.Steps == 0 {
		return a
	}
	n := float64(a.Steps)
	return trainAccum{Steps: a.Steps, RewardMean: a.RewardMean / n, Loss: a.Loss / n, PGLoss: a.PGLoss / n, KL: a.KL / n,
		Entropy: a.Entropy / n, ClipFrac: a.ClipFrac / n, ZeroStdFrac: a.ZeroStdFrac / n}
}

// Metrics is metrics.json: the final evaluation, the base (step 0, before
// RL) evaluation, and what produced them.
type Metrics struct {
	Name   string           `json:"name"`
	Method string           `json:"method"`
	Seed   uint64           `json:"seed"`
	Steps  int              `json:"steps"`
	Final  *fairness.Report `json:"final"`
	Base   *fairness.Report `json:"base"`
}
