package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/model"
)

// smallSpec is a fast run: 30 steps on MedFair-7 at half size.
func smallSpec(method string) Spec {
	s := DefaultSpec()
	s.Method = method
	s.Scale = 0.5
	s.Steps = 30
	s.EvalEvery = 10
	s.CheckpointEvery = 10
	s.PromptsPerStep = 32
	s.PretrainSteps = 60
	s.Seed = 3
	return s
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministic: the same spec and seed give bit-identical trajectories.
func TestDeterministic(t *testing.T) {
	for _, m := range []string{"eqpo", "eqpo_nd", "grpo_dro"} {
		t.Run(m, func(t *testing.T) {
			root := t.TempDir()
			spec := smallSpec(m)
			for _, d := range []string{"a", "b"} {
				if _, err := Run(context.Background(), spec, Options{Out: filepath.Join(root, d), CacheDir: filepath.Join(root, "cache-"+d)}); err != nil {
					t.Fatal(err)
				}
			}
			a, b := readFile(t, filepath.Join(root, "a", "trajectory.jsonl")), readFile(t, filepath.Join(root, "b", "trajectory.jsonl"))
			if !bytes.Equal(a, b) {
				t.Fatal("trajectory.jsonl differs between two runs with the same spec and seed")
			}
			if n := bytes.Count(a, []byte("\n")); n != 4 {
				t.Fatalf("%d trajectory lines, want 4 (steps 0, 10, 20, 30)", n)
			}
		})
	}
}

// TestResumeMatchesUninterrupted stops a run mid-way (no checkpoint at the
// stop: everything after the last checkpoint is lost, as with SIGKILL),
// resumes it and compares with an uninterrupted run.
func TestResumeMatchesUninterrupted(t *testing.T) {
	root := t.TempDir()
	spec := smallSpec("eqpo_nd")
	full := filepath.Join(root, "full")
	if _, err := Run(context.Background(), spec, Options{Out: full, CacheDir: filepath.Join(root, "cache")}); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(root, "cut")
	_, err := Run(context.Background(), spec, Options{Out: cut, CacheDir: filepath.Join(root, "cache"), testOnlyStopAfter: 17})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	var log bytes.Buffer
	if _, err := Run(context.Background(), Spec{}, Options{Out: cut, Resume: true, CacheDir: filepath.Join(root, "cache"), Progress: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "from step 10") {
		t.Fatalf("expected to resume from step 10:\n%s", log.String())
	}
	for _, f := range []string{"trajectory.jsonl", "predictions.jsonl"} {
		if !bytes.Equal(readFile(t, filepath.Join(full, f)), readFile(t, filepath.Join(cut, f))) {
			t.Fatalf("%s differs after resume", f)
		}
	}
	var a, b Metrics
	json.Unmarshal(readFile(t, filepath.Join(full, "metrics.json")), &a)
	json.Unmarshal(readFile(t, filepath.Join(cut, "metrics.json")), &b)
	if a.Final.Overall != b.Final.Overall {
		t.Fatalf("final metrics differ: %+v vs %+v", a.Final.Overall, b.Final.Overall)
	}
}

// TestCorruptCheckpointFallsBack truncates the newest checkpoint: resume
// reports it and uses the previous one.
func TestCorruptCheckpointFallsBack(t *testing.T) {
	root := t.TempDir()
	spec := smallSpec("eqpo")
	out := filepath.Join(root, "run")
	if _, err := Run(context.Background(), spec, Options{Out: out, CacheDir: filepath.Join(root, "cache"), testOnlyStopAfter: 25}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	bins, _ := filepath.Glob(filepath.Join(out, "checkpoints", "step-000020", "*.bin"))
	if len(bins) == 0 {
		t.Fatal("no checkpoint binary at step 20")
	}
	if err := os.Truncate(bins[0], 10); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if _, err := Run(context.Background(), Spec{}, Options{Out: out, Resume: true, CacheDir: filepath.Join(root, "cache"), Progress: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "skipping checkpoint step-000020") || !strings.Contains(log.String(), "from step 10") {
		t.Fatalf("expected a report of the corrupt checkpoint and a resume from step 10:\n%s", log.String())
	}
}

func TestFinishedRunIsNotOverwritten(t *testing.T) {
	root := t.TempDir()
	spec := smallSpec("grpo")
	spec.Steps = 2
	out := filepath.Join(root, "run")
	opt := Options{Out: out, CacheDir: filepath.Join(root, "cache")}
	if _, err := Run(context.Background(), spec, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), spec, opt); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("want a refusal naming -force, got %v", err)
	}
	opt.Force = true
	if _, err := Run(context.Background(), spec, opt); err != nil {
		t.Fatal(err)
	}
}

func TestBadSpec(t *testing.T) {
	for _, c := range []struct {
		name, field string
		edit        func(*Spec)
	}{
		{"unknown method", "method", func(s *Spec) { s.Method = "ppo2" }},
		{"unknown bench", "bench", func(s *Spec) { s.Bench = "mnist" }},
		{"negative steps", "steps", func(s *Spec) { s.Steps = -5 }},
		{"bad mini batches", "mini_batches", func(s *Spec) { s.MiniBatches = 3 }},
		{"bad k rule", "rl.k_rule", func(s *Spec) { s.RL.KRule = "gap" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSpec()
			c.edit(&s)
			err := s.Resolve()
			if err == nil || !strings.HasPrefix(err.Error(), c.field+":") {
				t.Fatalf("want an error starting with %q, got %v", c.field+":", err)
			}
		})
	}
	if _, err := LoadSpec(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing spec file must be an error")
	}
	p := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(p, []byte(`{"stepz": 3}`), 0o644)
	if _, err := LoadSpec(p); err == nil || !strings.Contains(err.Error(), "stepz") {
		t.Fatalf("unknown field must be named: %v", err)
	}
}

// TestGRPOLearns trains from scratch on MedFair-7 and checks the mean
// reward rises clearly above its starting level, identically twice.
func TestGRPOLearns(t *testing.T) {
	root := t.TempDir()
	spec := smallSpec("grpo")
	spec.Init = "scratch"
	spec.Steps = 60
	spec.EvalEvery = 60
	var first float64
	for i, d := range []string{"a", "b"} {
		if _, err := Run(context.Background(), spec, Options{Out: filepath.Join(root, d)}); err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(readFile(t, filepath.Join(root, d, "trajectory.jsonl"))), []byte("\n"))
		var l0, l1 TrajectoryLine
		json.Unmarshal(lines[0], &l0)
		json.Unmarshal(lines[len(lines)-1], &l1)
		// Chance: uniform guessing over 2-5 classes; start ~0.3, a learning policy well above.
		t.Logf("run %s: F1 %.3f -> %.3f, train reward (mean over 60 steps) %.3f", d, l0.Eval.Overall.F1, l1.Eval.Overall.F1, l1.Train.RewardMean)
		if !(l1.Eval.Overall.F1 > l0.Eval.Overall.F1+0.15) {
			t.Fatalf("F1 did not rise: %.3f -> %.3f", l0.Eval.Overall.F1, l1.Eval.Overall.F1)
		}
		if i == 0 {
			first = l1.Eval.Overall.F1
		} else if l1.Eval.Overall.F1 != first {
			t.Fatal("two runs with the same seed differ")
		}
	}
}

// TestCNNPolicy trains the small-CNN policy a few steps (the image part of
// the input through two 3x3 convolutions).
func TestCNNPolicy(t *testing.T) {
	spec := smallSpec("eqpo")
	spec.Arch = "cnn"
	spec.Steps, spec.EvalEvery, spec.PretrainSteps = 4, 2, 10
	m, err := Run(context.Background(), spec, Options{Out: filepath.Join(t.TempDir(), "cnn")})
	if err != nil {
		t.Fatal(err)
	}
	if m.Final.Overall.F1 <= 0 {
		t.Fatalf("CNN policy F1 %v", m.Final.Overall.F1)
	}
}

// TestKLToFrozenReference trains with a KL penalty: the logged KL to the
// frozen reference becomes positive as the policy moves, the reference
// weights do not move (also after a resume, where GoMLX brings loaded
// variables back trainable), and the resumed run matches an uninterrupted one.
func TestKLToFrozenReference(t *testing.T) {
	root := t.TempDir()
	spec := smallSpec("grpo")
	spec.Loss.KLCoef = 0.05
	spec.Steps, spec.EvalEvery, spec.CheckpointEvery = 20, 10, 10
	full := filepath.Join(root, "full")
	if _, err := Run(context.Background(), spec, Options{Out: full, CacheDir: filepath.Join(root, "cache")}); err != nil {
		t.Fatal(err)
	}
	traj, err := ReadTrajectory(full)
	if err != nil {
		t.Fatal(err)
	}
	if kl := traj[len(traj)-1].Train.KL; !(kl > 0) {
		t.Fatalf("KL to the reference after 20 steps = %v, want > 0", kl)
	}
	cut := filepath.Join(root, "cut")
	if _, err := Run(context.Background(), spec, Options{Out: cut, CacheDir: filepath.Join(root, "cache"), testOnlyStopAfter: 13}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want ErrInterrupted, got %v", err)
	}
	if _, err := Run(context.Background(), Spec{}, Options{Out: cut, Resume: true, CacheDir: filepath.Join(root, "cache")}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(full, "trajectory.jsonl")), readFile(t, filepath.Join(cut, "trajectory.jsonl"))) {
		t.Fatal("with KL on, the resumed trajectory differs (was the reference trained after loading?)")
	}
	// The reference in the last checkpoint equals the warm start's policy.
	r, err := newRunner(spec, Options{Out: filepath.Join(root, "probe"), CacheDir: filepath.Join(root, "cache")})
	if err != nil {
		t.Fatal(err)
	}
	dir, _, _ := latestValidCheckpoint(full)
	if err := loadCheckpointDir(r.eng.store, dir); err != nil {
		t.Fatal(err)
	}
	warm := model.NewStore()
	cacheDirs, _ := filepath.Glob(filepath.Join(root, "cache", "sft-*"))
	if err := loadCheckpointDir(warm, cacheDirs[0]); err != nil {
		t.Fatal(err)
	}
	n := 0
	for v := range warm.IterVariables() {
		if !strings.HasPrefix(v.Path(), "/policy/") {
			continue // GoMLX's checkpoint also records its global step
		}
		ref := r.eng.store.GetVariable("/ref/" + strings.TrimPrefix(v.Path(), "/policy/"))
		if ref == nil {
			t.Fatalf("no reference copy of %s", v.Path())
		}
		a, b := flatFloats(v.MustValue()), flatFloats(ref.MustValue())
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("reference %s moved during training", ref.Path())
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no warm-start variables compared")
	}
}
