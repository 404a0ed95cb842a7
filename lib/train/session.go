package train

import (
	"fmt"
	"os"
	"path/filepath"

	"eqpo/lib/fairness"
	"eqpo/lib/rl"
)

// Session is a run held in memory for interactive use (notebooks,
// teaching): the same data, policy and update as Run, one phase at a time,
// with no run directory bookkeeping beyond the warm-start cache.
type Session struct {
	r *runner
}

// Batch is one step's prompts, sampled answers and scored rollouts.
type Batch struct {
	Rollouts []rl.Rollout // G per prompt, in prompt order; UID names the prompt
	Answers  [][]int      // each rollout's predicted label set (head-local classes)
	Truth    [][]int      // each rollout's true label set
	Inputs   [][]float64  // each prompt's input (one per prompt)
	answers  []float32
	oldLogp  []float32
	prompts  []item
}

// NewSession prepares a spec for interactive use. cacheDir holds the warm
// start (default: a folder in the system temp directory).
func NewSession(spec Spec, cacheDir string) (*Session, error) {
	if err := spec.Resolve(); err != nil {
		return nil, err
	}
	if cacheDir == "" {
		cacheDir = filepath.Join(os.TempDir(), "eqpo-sft-cache")
	}
	dir, err := os.MkdirTemp("", "eqpo-session-*")
	if err != nil {
		return nil, err
	}
	r, err := newRunner(spec, Options{Out: dir, CacheDir: cacheDir})
	if err != nil {
		return nil, err
	}
	r.order = r.permutation(0)
	return &Session{r: r}, nil
}

// Spec returns the resolved spec.
func (s *Session) Spec() Spec { return s.r.spec }

// Classes returns a dataset's class names.
func (s *Session) Classes(dataset string) []string {
	if b := s.r.p.suite.Benchmark(dataset); b != nil {
		return b.Classes
	}
	return nil
}

// Sample draws the next PromptsPerStep prompts and G answers each, and
// scores them. It does not update the policy.
func (s *Session) Sample() *Batch {
	prompts := s.r.nextPrompts()
	answers, oldLogp, _ := s.r.sampleAnswers(prompts)
	var stats trainAccum
	rolls := s.r.score(prompts, answers, &stats)
	b := &Batch{Rollouts: rolls, answers: answers, oldLogp: oldLogp, prompts: prompts}
	g := s.r.spec.G
	k := len(answers) / (len(prompts) * g)
	for pi, it := range prompts {
		in := make([]float64, 0, len(it.s.Input()))
		for _, v := range it.s.Input() {
			in = append(in, float64(v))
		}
		b.Inputs = append(b.Inputs, in)
		for gi := 0; gi < g; gi++ {
			row := answers[(pi*g+gi)*k : (pi*g+gi+1)*k]
			b.Answers = append(b.Answers, labelsFrom(row, it, s.r.p))
			b.Truth = append(b.Truth, it.s.Labels)
		}
	}
	s.r.st.Step++
	return b
}

// Advantages runs the session's estimator (stateful ones remember the batch).
func (s *Session) Advantages(b *Batch) rl.Step { return s.r.est.Advantages(b.Rollouts) }

// Update applies the clipped policy-gradient update with these advantages
// (and Group-DRO weights for grpo_dro) and returns the mean loss.
func (s *Session) Update(b *Batch, adv []float64) (float64, error) {
	if len(adv) != len(b.Rollouts) {
		return 0, fmt.Errorf("train: %d advantages for %d rollouts", len(adv), len(b.Rollouts))
	}
	var stats trainAccum
	s.r.updatePolicy(b.prompts, b.answers, b.oldLogp, adv, s.r.sampleWeights(b.Rollouts), &stats)
	return stats.Loss, nil
}

// Evaluate answers the test split greedily and returns the fairness report.
func (s *Session) Evaluate() *fairness.Report {
	rep, _ := s.r.evaluate()
	return rep
}
