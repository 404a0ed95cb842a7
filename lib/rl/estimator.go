package rl

import (
	"encoding/json"
	"math"
	"sort"
)

// Step is an estimator's output for one training step.
type Step struct {
	Adv    []float64 // per rollout, in input order
	Factor []float64 // EQPO/DRPO divisor per rollout (nil for the others)
	Info   *StepInfo // scale factors and clusterings (nil for the others)
}

// StepInfo is what the hierarchical estimators report for logging.
type StepInfo struct {
	Factors  map[string]float64     `json:"factors"`  // "dataset/group" (or "dataset/clusterK") -> mean divisor
	Clusters map[string]ClusterInfo `json:"clusters"` // dataset -> clustering of its history
}

// Estimator turns one step's rollouts into advantages. Stateful estimators
// (EQPO, EQPO-ND, DRPO) remember past steps; their state round-trips through
// MarshalState/UnmarshalState for checkpoints.
type Estimator interface {
	Advantages(batch []Rollout) Step
	MarshalState() ([]byte, error)
	UnmarshalState([]byte) error
}

// New returns the estimator for c.Method. GRPO+RS and GRPO+DRO use the GRPO
// advantage (their difference is in the data and in the sample weights).
func New(c Config) Estimator {
	switch c.Method {
	case MethodEQPO, MethodEQPOND, MethodDRPO:
		return newHierarchical(c)
	}
	return stateless{c}
}

type stateless struct{ cfg Config }

func (s stateless) Advantages(batch []Rollout) Step {
	var adv []float64
	switch s.cfg.Method {
	case MethodDrGRPO:
		adv = perQuestion(batch, func(r []float64) []float64 { return GroupRelative(r, false, s.cfg.Eps) })
	case MethodRLOO:
		adv = perQuestion(batch, RLOOAdvantage)
	case MethodReinforcePP:
		r := make([]float64, len(batch))
		for i := range batch {
			r[i] = batch[i].Reward
		}
		adv = Whiten(r)
	default: // grpo, grpo_rs, grpo_dro
		adv = perQuestion(batch, func(r []float64) []float64 { return GroupRelative(r, true, s.cfg.Eps) })
	}
	return Step{Adv: adv}
}

func (stateless) MarshalState() ([]byte, error) { return []byte("{}"), nil }
func (stateless) UnmarshalState([]byte) error   { return nil }

func (h *hierarchical) MarshalState() ([]byte, error) { return json.Marshal(&h.state) }

func (h *hierarchical) UnmarshalState(b []byte) error {
	st := hierState{Domains: map[string][]*HistEntry{}}
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	h.state = st
	return nil
}

// GroupDRO keeps Group-DRO's adversarial distribution q over cells and turns
// it into per-rollout weights (Sagawa et al. 2020, Algorithm 1, adapted to
// RL). Each step, a cell's risk is 1 - its mean reward in the batch, and
//
//	q_g <- q_g exp(eta · risk_g),  q <- q / sum(q)
//
// The weight of a rollout in cell g is q_g · n / n_g (n rollouts in the
// batch, n_g in the cell), so that the token-mean loss equals sum_g q_g ·
// loss_g. The authors name Group-DRO but ship no code (paper.md 5); this
// adaptation (risk from rewards, not from the surrogate loss) is ours.
type GroupDRO struct {
	Eta float64            `json:"eta"`
	Q   map[string]float64 `json:"q"` // unnormalised across unseen cells; new cells start at the mean q
}

// Weights updates q from this batch and returns a weight per rollout; a
// rollout's cell is "dataset/group".
func (d *GroupDRO) Weights(batch []Rollout) []float64 {
	if d.Q == nil {
		d.Q = map[string]float64{}
	}
	n := map[string]float64{}
	sum := map[string]float64{}
	for _, r := range batch {
		k := r.Dataset + "/" + r.Group
		n[k]++
		sum[k] += r.Reward
	}
	cells := make([]string, 0, len(n))
	for k := range n {
		cells = append(cells, k)
	}
	sort.Strings(cells)
	init := 1.0
	if len(d.Q) > 0 {
		init = d.total() / float64(len(d.Q))
	}
	for _, k := range cells {
		if _, ok := d.Q[k]; !ok {
			d.Q[k] = init
		}
		d.Q[k] *= math.Exp(d.Eta * (1 - sum[k]/n[k]))
	}
	total := d.total()
	for k := range d.Q {
		d.Q[k] /= total
	}
	// Weights over the cells present in this batch, renormalised to them.
	present := 0.0
	for _, k := range cells {
		present += d.Q[k]
	}
	w := make([]float64, len(batch))
	for i, r := range batch {
		k := r.Dataset + "/" + r.Group
		w[i] = d.Q[k] / present * float64(len(batch)) / n[k]
	}
	return w
}

// total sums q in key order, so the result is bit-reproducible.
func (d *GroupDRO) total() float64 {
	keys := make([]string, 0, len(d.Q))
	for k := range d.Q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := 0.0
	for _, k := range keys {
		t += d.Q[k]
	}
	return t
}
