package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"eqpo/lib/rl"
)

func init() {
	register("advantages", "run an advantage estimator over recorded rollouts (debugging, teaching)", runAdvantages)
}

type rolloutsFile struct {
	Steps []struct {
		Rollouts []struct {
			UID       string   `json:"uid"`
			Dataset   string   `json:"dataset"`
			DemoGroup string   `json:"demo_group"`
			Reward    *float64 `json:"reward"`
		} `json:"rollouts"`
	} `json:"steps"`
}

// nullableFloats encodes NaN as null.
type nullableFloats []float64

func (f nullableFloats) MarshalJSON() ([]byte, error) {
	out := make([]any, len(f))
	for i, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[i] = nil
		} else {
			out[i] = v
		}
	}
	return json.Marshal(out)
}

func runAdvantages(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("advantages",
		`Reads {"steps":[{"rollouts":[{"uid":"q0","dataset":"derm","demo_group":"M,A3","reward":0.75},...]},...]}
(rollouts of one question share a uid; demo_group "UNK" = missing demographics) and prints
{"METHOD": [[advantages of step 0 in input order], ...]} with null for NaN. State (histories,
clusters) starts empty and persists across the steps in order.`,
		"eqpo advantages -in rollouts.json -method eqpo -authors-exact", stderr)
	in := fs.String("in", "", "rollouts JSON file (required)")
	method := fs.String("method", "eqpo", "estimator: grpo, dr_grpo, rloo, reinforce_pp, drpo, eqpo, eqpo_nd, ...")
	exact := fs.Bool("authors-exact", false, "follow the authors' code including its quirks (paper.md section 9)")
	out := fs.String("out", "", "write the JSON here instead of stdout")
	seed := fs.Uint64("seed", 0, "k-means seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("-in is required (try -h)")
	}
	m, err := rl.ParseMethod(*method)
	if err != nil {
		return fmt.Errorf("-method: %v", err)
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	var f rolloutsFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("%s: invalid JSON: %v", *in, err)
	}
	cfg := rl.DefaultConfig(m)
	cfg.AuthorsExact, cfg.Seed = *exact, *seed
	est := rl.New(cfg)
	var result []nullableFloats
	for si, st := range f.Steps {
		batch := make([]rl.Rollout, len(st.Rollouts))
		for ri, r := range st.Rollouts {
			where := fmt.Sprintf("%s: steps[%d].rollouts[%d]", *in, si, ri)
			switch {
			case r.UID == "":
				return fmt.Errorf("%s: field uid: missing", where)
			case r.Reward == nil:
				return fmt.Errorf("%s: field reward: missing", where)
			case math.IsNaN(*r.Reward):
				return fmt.Errorf("%s: field reward: NaN", where)
			}
			g := r.DemoGroup
			if g == "" {
				g = rl.UnknownGroup
			}
			batch[ri] = rl.Rollout{UID: r.UID, Dataset: r.Dataset, Group: g, TrueGroup: r.DemoGroup, Reward: *r.Reward}
		}
		result = append(result, est.Advantages(batch).Adv)
	}
	w := stdout
	if *out != "" {
		fh, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer fh.Close()
		w = fh
	}
	return json.NewEncoder(w).Encode(map[string]any{string(m): result})
}
