package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test re-run this binary as the eqpo command, so that the
// SIGKILL test kills a real process.
func TestMain(m *testing.M) {
	if os.Getenv("EQPO_TEST_AS_COMMAND") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func eqpo(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestAdvantagesHandWorked checks `eqpo advantages -authors-exact` on the
// interleaved two-step case worked by hand in lib/rl (TestEQPOAuthorsExact).
func TestAdvantagesHandWorked(t *testing.T) {
	out, errs, code := eqpo(t, "advantages", "-in", "testdata/rollouts_eqpo.json", "-method", "eqpo", "-authors-exact")
	if code != 0 {
		t.Fatal(errs)
	}
	var got map[string][][]*float64
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// Input order interleaves q0..q3: rollouts 0-3 are each question's first answer.
	want := [][]float64{{0.80178414, 0.37796413, -1.60356601, 0.37796413, -0.80178414, -0.37796413, 1.60356601, -0.37796413}, {0, 0, -1.22474380, 1.22474380}}
	for s := range want {
		for i := range want[s] {
			if got["eqpo"][s][i] == nil || math.Abs(*got["eqpo"][s][i]-want[s][i]) > 1e-6 {
				t.Fatalf("step %d rollout %d: got %v, want %v", s, i, got["eqpo"][s], want[s])
			}
		}
	}
	// A single rollout gives NaN in the authors' fair_grpo (paper.md 9.1): null in JSON.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "one.json"), []byte(`{"steps":[{"rollouts":[{"uid":"a","dataset":"d","demo_group":"M,A3","reward":1}]}]}`), 0o644)
	out, _, _ = eqpo(t, "advantages", "-in", filepath.Join(dir, "one.json"), "-method", "eqpo", "-authors-exact")
	if !strings.Contains(out, "null") {
		t.Fatalf("want null for NaN: %s", out)
	}
}

func TestMetricsCommand(t *testing.T) {
	out, errs, code := eqpo(t, "metrics", "-preds", "../../lib/fairness/testdata/predictions.jsonl", "-format", "json")
	if code != 0 {
		t.Fatal(errs)
	}
	var rep struct {
		Overall  map[string]float64
		Datasets map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"PP", "EOD", "FPR_Diff", "sigma_F1", "Delta_F1", "sigma_Acc", "Delta_Acc", "Acc", "F1", "Acc_ES", "F1_ES"} {
		if _, ok := rep.Overall[k]; !ok {
			t.Errorf("overall lacks %s", k)
		}
	}
	if len(rep.Datasets) != 2 {
		t.Fatalf("datasets: %d", len(rep.Datasets))
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte(`{"dataset":"d","labels":["a"],"pred":["a"]}`+"\n"+`{"dataset":"d","labels":[],"pred":["a"]}`+"\n"), 0o644)
	_, errs, code = eqpo(t, "metrics", "-preds", filepath.Join(dir, "bad.jsonl"))
	if code == 0 || !strings.Contains(errs, "bad.jsonl:2: field labels") {
		t.Fatalf("want an error naming line 2 and field labels, got %q", errs)
	}
}

func TestBadSpecErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-method", "ppo"}, "method: unknown method"},
		{[]string{"-bench", "imagenet"}, "bench: unknown benchmark suite"},
		{[]string{"-steps", "-3"}, "steps: must be >= 0"},
		{[]string{"-spec", filepath.Join(dir, "nope.json")}, "nope.json"},
	} {
		_, errs, code := eqpo(t, append([]string{"train", "-out", filepath.Join(dir, "x")}, c.args...)...)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code == 0 || len(lines) != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: want one error line containing %q, got %q", c.args, c.want, errs)
		}
	}
}

// TestKillAndResume kills a real training process with SIGKILL once it has
// checkpointed, resumes it, and compares with an uninterrupted run.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three small runs")
	}
	dir := t.TempDir()
	common := []string{"-method", "eqpo_nd", "-steps", "60", "-eval-every", "10", "-prompts", "32", "-seed", "5", "-quiet", "-cache", filepath.Join(dir, "cache")}
	if _, errs, code := eqpo(t, append([]string{"train", "-out", filepath.Join(dir, "full")}, common...)...); code != 0 {
		t.Fatal(errs)
	}
	cut := filepath.Join(dir, "cut")
	cmd := exec.Command(os.Args[0], append([]string{"train", "-out", cut}, common...)...)
	cmd.Env = append(os.Environ(), "EQPO_TEST_AS_COMMAND=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		m, _ := filepath.Glob(filepath.Join(cut, "checkpoints", "step-*", "MANIFEST.json"))
		if len(m) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(cut, "DONE")); err == nil {
		t.Skip("the run finished before it could be killed")
	}
	if _, errs, code := eqpo(t, "train", "-resume", cut, "-quiet"); code != 0 {
		t.Fatal(errs)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "full", "metrics.json"))
	b, _ := os.ReadFile(filepath.Join(cut, "metrics.json"))
	var ma, mb struct {
		Final struct{ Overall map[string]float64 }
	}
	json.Unmarshal(a, &ma)
	json.Unmarshal(b, &mb)
	if len(ma.Final.Overall) == 0 {
		t.Fatal("no metrics")
	}
	for k, v := range ma.Final.Overall {
		if mb.Final.Overall[k] != v {
			t.Fatalf("%s: uninterrupted %v, killed+resumed %v", k, v, mb.Final.Overall[k])
		}
	}
	ta, _ := os.ReadFile(filepath.Join(dir, "full", "trajectory.jsonl"))
	tb, _ := os.ReadFile(filepath.Join(cut, "trajectory.jsonl"))
	if !bytes.Equal(ta, tb) {
		t.Fatal("trajectory differs after kill and resume")
	}
}

func TestSweepAndTable(t *testing.T) {
	if testing.Short() {
		t.Skip("trains six small runs")
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "small.json")
	os.WriteFile(spec, []byte(`{"scale": 0.5, "prompts_per_step": 32, "eval_every": 5, "pretrain_steps": 40}`), 0o644)
	if _, errs, code := eqpo(t, "sweep", "-spec", spec, "-methods", "grpo,eqpo", "-seeds", "1,2,3", "-steps", "10", "-out", dir, "-workers", "2"); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := eqpo(t, "table", "-runs", dir, "-targets", "eqpo")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, want := range []string{"| grpo | 3 |", "| eqpo | 3 |", " ± ", "p-values of eqpo", "| grpo | "} {
		if !strings.Contains(out, want) {
			t.Fatalf("table lacks %q:\n%s", want, out)
		}
	}
	// A second sweep skips the finished runs.
	_, errs, _ = eqpo(t, "sweep", "-spec", spec, "-methods", "grpo,eqpo", "-seeds", "1,2,3", "-steps", "10", "-out", dir)
	if strings.Count(errs, "skip ") != 6 {
		t.Fatalf("expected 6 skipped runs:\n%s", errs)
	}
}
