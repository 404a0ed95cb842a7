package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"eqpo/lib/data"
	"eqpo/lib/rl"
)

// Spec is every knob of a run. The JSON field names are the spec file's;
// flags override fields. Defaults (DefaultSpec) follow the authors' recipe
// where it makes sense at this scale (paper.md section 2) and say so.
type Spec struct {
	Name string `json:"name"` // run name; default "<bench>-<method>-s<seed>"

	// Data.
	Bench      string   `json:"bench"`      // "medfair7" (embedded default), "real3" (HAM10000, PAD-UFES-20, UCI heart), "climb"
	Benchmarks []string `json:"benchmarks"` // keep only these benchmarks (empty: all)
	Modalities []string `json:"modalities"` // keep only these modalities (empty: all)
	Scale      float64  `json:"scale"`      // medfair7 size multiplier (1)
	TestFrac   float64  `json:"test_frac"`  // held-out share for real data (0.2)
	DataDir    string   `json:"data_dir"`   // real data directory (default: $EQPO_DATA_DIR or ../shared/data)
	ClimbFile  string   `json:"climb_file"` // bench "climb": the JSONL file
	Embeddings string   `json:"embeddings"` // bench "climb": image embeddings CSV
	// GroupAttrs form the training group key, joined with "," (default: each
	// benchmark's evaluated attributes, i.e. the authors' sex x age key "M,A3").
	GroupAttrs []string `json:"group_attrs"`
	// VisibleAttrs are the attributes whose values the training split keeps;
	// the others are masked (missing -> UNK, clustered). Empty keeps all;
	// ["none"] masks all, the no-label experiment. Evaluation always sees them.
	VisibleAttrs []string `json:"visible_attrs"`
	// EvalAttrs are the evaluated attributes (default: each benchmark's own,
	// the paper's sex and age).
	EvalAttrs []string `json:"eval_attrs"`
	MinGroup  int      `json:"min_group"` // groups below this size are shown but not in gaps (1)

	// Method and its knobs.
	Method string        `json:"method"` // grpo, dr_grpo, rloo, reinforce_pp, grpo_rs, grpo_dro, drpo, eqpo, eqpo_nd
	RL     rl.Config     `json:"rl"`     // estimator knobs (tiers, window, k rule, ...); method is set from Method
	Loss   rl.LossConfig `json:"loss"`   // clip 0.2/0.2, dual clip 3, token-mean, KL off (authors)

	// Policy.
	Arch   string `json:"arch"`   // "mlp" (default) or "cnn"
	Hidden []int  `json:"hidden"` // trunk widths ([128, 128])

	// Optimisation.
	G              int     `json:"g"`                // answers per prompt (8; authors 5 or 10)
	PromptsPerStep int     `json:"prompts_per_step"` // prompts per step (64; authors 512)
	MiniBatches    int     `json:"mini_batches"`     // updates per step (4: the authors' 512/128)
	Steps          int     `json:"steps"`            // RL steps (200)
	LR             float64 `json:"lr"`               // Adam learning rate (1e-3: a 30k-parameter MLP, not a 4B VLM's 5e-7)
	WeightDecay    float64 `json:"weight_decay"`     // decoupled weight decay (0.01, authors)

	// Start: "sft" warm-starts from a cached supervised pre-training on a
	// majority-dominated mix (the paper's models are pre-trained on such
	// corpora); "scratch" starts from random weights.
	Init             string  `json:"init"`
	PretrainSteps    int     `json:"pretrain_steps"`    // supervised steps (300)
	PretrainBatch    int     `json:"pretrain_batch"`    // batch size (128)
	PretrainMajority float64 `json:"pretrain_majority"` // share of pre-training samples from each benchmark's largest demographic cell (0.9)
	PretrainLR       float64 `json:"pretrain_lr"`       // (3e-3)

	// Logging, checkpoints, seeds.
	EvalEvery       int    `json:"eval_every"`       // evaluate every N steps, and at step 0 (20)
	CheckpointEvery int    `json:"checkpoint_every"` // save every N steps (20); also on SIGINT/SIGTERM
	KeepCheckpoints int    `json:"keep_checkpoints"` // newest checkpoints kept (3)
	Seed            uint64 `json:"seed"`             // one seed drives data, sampling, k-means (1)
}

// DefaultSpec is the workbench default.
func DefaultSpec() Spec {
	return Spec{
		Bench: "medfair7", Scale: 1, TestFrac: 0.2, MinGroup: 1,
		Method: "eqpo", RL: rl.DefaultConfig(rl.MethodEQPO), Loss: rl.DefaultLossConfig(),
		Arch: "mlp", Hidden: []int{128, 128},
		G: 8, PromptsPerStep: 64, MiniBatches: 4, Steps: 200, LR: 1e-3, WeightDecay: 0.01,
		Init: "sft", PretrainSteps: 300, PretrainBatch: 128, PretrainMajority: 0.9, PretrainLR: 3e-3,
		EvalEvery: 20, CheckpointEvery: 20, KeepCheckpoints: 3, Seed: 1,
	}
}

// LoadSpec reads a JSON spec over the defaults; unknown fields are errors.
func LoadSpec(path string) (Spec, error) {
	s := DefaultSpec()
	raw, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}

// Resolve fills derived fields (the name, the estimator's method and seed)
// and validates; errors name the field to change.
func (s *Spec) Resolve() error {
	m, err := rl.ParseMethod(s.Method)
	if err != nil {
		return fmt.Errorf("method: %v", err)
	}
	s.RL.Method = m
	s.RL.Seed = s.Seed
	if s.Name == "" {
		s.Name = fmt.Sprintf("%s-%s-s%d", s.Bench, s.Method, s.Seed)
	}
	switch s.Bench {
	case "medfair7", "real3":
	case "climb":
		if s.ClimbFile == "" || s.Embeddings == "" {
			return fmt.Errorf("climb_file and embeddings: both are required with bench climb")
		}
	default:
		return fmt.Errorf("bench: unknown benchmark suite %q (known: medfair7, real3, climb)", s.Bench)
	}
	for _, a := range append(append(append([]string{}, s.GroupAttrs...), s.EvalAttrs...), s.VisibleAttrs...) {
		if a == "none" {
			continue
		}
		if _, err := data.ParseAttr(a); err != nil {
			return fmt.Errorf("group_attrs/eval_attrs/visible_attrs: %v", err)
		}
	}
	checks := []struct {
		bad   bool
		field string
		msg   string
	}{
		{s.Steps < 0, "steps", fmt.Sprintf("must be >= 0, got %d", s.Steps)},
		{s.G < 1, "g", fmt.Sprintf("must be >= 1, got %d", s.G)},
		{s.PromptsPerStep < 1, "prompts_per_step", fmt.Sprintf("must be >= 1, got %d", s.PromptsPerStep)},
		{s.MiniBatches < 1 || s.PromptsPerStep%max(s.MiniBatches, 1) != 0, "mini_batches", fmt.Sprintf("must be >= 1 and divide prompts_per_step (%d), got %d", s.PromptsPerStep, s.MiniBatches)},
		{s.LR <= 0, "lr", fmt.Sprintf("must be > 0, got %v", s.LR)},
		{s.WeightDecay < 0, "weight_decay", "must be >= 0"},
		{s.Init != "sft" && s.Init != "scratch", "init", fmt.Sprintf("want sft or scratch, got %q", s.Init)},
		{s.Init == "sft" && (s.PretrainSteps < 1 || s.PretrainBatch < 1), "pretrain_steps", "pretrain_steps and pretrain_batch must be >= 1 with init sft"},
		{s.PretrainMajority < 0 || s.PretrainMajority > 1, "pretrain_majority", "must be in [0,1]"},
		{s.EvalEvery < 1, "eval_every", fmt.Sprintf("must be >= 1, got %d", s.EvalEvery)},
		{s.CheckpointEvery < 1, "checkpoint_every", fmt.Sprintf("must be >= 1, got %d", s.CheckpointEvery)},
		{s.Scale <= 0, "scale", "must be > 0"},
		{s.TestFrac <= 0 || s.TestFrac >= 1, "test_frac", "must be in (0,1)"},
		{s.Arch != "mlp" && s.Arch != "cnn", "arch", fmt.Sprintf("want mlp or cnn, got %q", s.Arch)},
	}
	for _, c := range checks {
		if c.bad {
			return fmt.Errorf("%s: %s", c.field, c.msg)
		}
	}
	if err := s.RL.Validate(); err != nil {
		return fmt.Errorf("rl.%v", err)
	}
	if err := s.Loss.Validate(); err != nil {
		return fmt.Errorf("loss.%v", err)
	}
	return nil
}
