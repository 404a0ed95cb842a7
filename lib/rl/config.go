package rl

import (
	"fmt"
	"strings"
)

// Method names an advantage estimator; the names are the run spec's.
type Method string

const (
	MethodGRPO        Method = "grpo"         // group mean/std (Shao et al. 2024)
	MethodDrGRPO      Method = "dr_grpo"      // group mean only (Liu et al. 2025, "Dr. GRPO")
	MethodRLOO        Method = "rloo"         // leave-one-out baseline (Ahmadian et al. 2024)
	MethodReinforcePP Method = "reinforce_pp" // batch-whitened outcome reward (Hu 2025, REINFORCE++)
	MethodGRPORS      Method = "grpo_rs"      // GRPO on data resampled to balance (dataset, group) cells
	MethodGRPODRO     Method = "grpo_dro"     // GRPO with Group-DRO sample weights (Sagawa et al. 2020)
	MethodDRPO        Method = "drpo"         // QoQ-Med: domain x k-means cluster scaling
	MethodEQPO        Method = "eqpo"         // this paper: representation x difficulty x source scaling
	MethodEQPOND      Method = "eqpo_nd"      // EQPO with no demographics: clusters stand in for groups
)

// Methods lists every method in table order.
var Methods = []Method{MethodGRPO, MethodDrGRPO, MethodRLOO, MethodReinforcePP, MethodGRPORS, MethodGRPODRO, MethodDRPO, MethodEQPO, MethodEQPOND}

// ParseMethod validates a method name.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, len(Methods))
	for i, m := range Methods {
		names[i] = string(m)
	}
	return "", fmt.Errorf("unknown method %q (known: %s)", s, strings.Join(names, ", "))
}

// Config holds every estimator knob, with its default in DefaultConfig.
type Config struct {
	Method Method `json:"method"`
	// Eps is the std epsilon of GRPO and of the batch renormalisation
	// (verl: 1e-6).
	Eps float64 `json:"eps"`

	// The three EQPO tiers (paper.md 1.2); each can be switched off for
	// ablations. With all three off EQPO is GRPO plus batch renormalisation.
	Representation bool `json:"representation"` // divide by sqrt(N_g), the group's question count
	Difficulty     bool `json:"difficulty"`     // divide by mu_g, the group's mean reward
	Source         bool `json:"source"`         // divide by T_d = sqrt(N_d) mu_d, the data source's factor

	// MinMean floors mu_d, mu_g and mu_c. Deviation (paper.md 1.5.3): the
	// authors leave mu unclamped, so a group that has never been right gets
	// factor 0 and "no scaling"; with the floor it gets the largest weight
	// (1/MinMean). Default 0.05.
	MinMean float64 `json:"min_mean"`
	// Window is how many recent questions per domain the statistics and the
	// clustering see. Deviation (paper.md 1.5.2): the authors keep the whole
	// run's history and re-fit k-means on it every step (O(history)). 0
	// means unbounded. Default 2048.
	Window int `json:"window"`

	// Clustering (EQPO's unknown-group path, EQPO-ND and DRPO).
	KRule    string `json:"k_rule"`   // "elbow" (authors), "silhouette" or "fixed"
	K        int    `json:"k"`        // k when KRule is "fixed"
	KMax     int    `json:"k_max"`    // cap for elbow/silhouette (authors: 3)
	Restarts int    `json:"restarts"` // k-means++ starts (authors: 1; default 4)
	// ClusterFeatures: "reward" (the raw G-vector, authors), "sorted" (the
	// sorted G-vector: removes the rollout-order noise of paper.md 1.5.1;
	// default), "meanstd", "input" (the question's policy input) or
	// "reward+input".
	ClusterFeatures string `json:"cluster_features"`
	Seed            uint64 `json:"seed"` // k-means seed; each step uses (Seed, step)

	// DROStep is Group-DRO's exponentiated-gradient step size eta.
	DROStep float64 `json:"dro_step"`

	// AuthorsExact follows the authors' code including its quirks (paper.md
	// 9): unbounded history, unclamped means, raw unsorted reward vectors,
	// one k-means start, no group-of-1 rule inside EQPO/DRPO (NaN), a
	// question's domain and group from its last rollout. It forces all three
	// tiers on. Not reproduced: float32 rounding (9.10) and sklearn's k-means
	// random stream (9.7); hand-worked cases use well-separated clusters.
	AuthorsExact bool `json:"authors_exact"`
}

// DefaultConfig is the workbench default for a method.
func DefaultConfig(m Method) Config {
	return Config{
		Method: m, Eps: 1e-6,
		Representation: true, Difficulty: true, Source: true,
		MinMean: 0.05, Window: 2048,
		KRule: "elbow", K: 3, KMax: 3, Restarts: 4, ClusterFeatures: "sorted",
		DROStep: 0.1,
	}
}

// Validate checks the knobs and names the bad one.
func (c Config) Validate() error {
	if _, err := ParseMethod(string(c.Method)); err != nil {
		return fmt.Errorf("method: %v", err)
	}
	switch {
	case c.Eps <= 0:
		return fmt.Errorf("eps: must be > 0, got %v", c.Eps)
	case c.MinMean < 0:
		return fmt.Errorf("min_mean: must be >= 0, got %v", c.MinMean)
	case c.Window < 0:
		return fmt.Errorf("window: must be >= 0 (0 = unbounded), got %d", c.Window)
	case c.KRule != "elbow" && c.KRule != "silhouette" && c.KRule != "fixed":
		return fmt.Errorf("k_rule: want elbow, silhouette or fixed, got %q", c.KRule)
	case c.KRule == "fixed" && c.K < 1:
		return fmt.Errorf("k: must be >= 1 with k_rule fixed, got %d", c.K)
	case c.KMax < 1:
		return fmt.Errorf("k_max: must be >= 1, got %d", c.KMax)
	case c.DROStep < 0:
		return fmt.Errorf("dro_step: must be >= 0, got %v", c.DROStep)
	}
	switch c.ClusterFeatures {
	case "reward", "sorted", "meanstd", "input", "reward+input":
	default:
		return fmt.Errorf("cluster_features: want reward, sorted, meanstd, input or reward+input, got %q", c.ClusterFeatures)
	}
	return nil
}
