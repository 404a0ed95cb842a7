package train

import (
	"testing"
)

// BenchmarkGRPOStep is one full GRPO step at the scale the issue names:
// B=256 prompts of MedFair-7, G=8 answers each, the default MLP
// (80 -> 128 -> 128 -> 35), one update (mini_batches 1): in-graph sampling,
// set-F1 rewards, group advantages, PPO-clip loss, backward and Adam.
// experiments/torch_grpo_step.py times the same step in PyTorch.
func BenchmarkGRPOStep(b *testing.B) {
	spec := DefaultSpec()
	spec.Method = "grpo"
	spec.PromptsPerStep, spec.G, spec.MiniBatches = 256, 8, 1
	spec.Init = "scratch"
	s, err := NewSession(spec, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	step := func() {
		batch := s.Sample()
		if _, err := s.Update(batch, s.Advantages(batch).Adv); err != nil {
			b.Fatal(err)
		}
	}
	step() // compile the graphs
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
}
