package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"eqpo/lib/data"
	"eqpo/lib/fairness"
	"eqpo/lib/report"
	"eqpo/lib/train"
)

func init() {
	register("sweep", "run a grid of specs x methods x seeds with a worker pool; skips finished runs, resumes killed ones", runSweep)
	register("table", "collect run directories into the paper-style table (mean ± std, paired p-values)", runTable)
	register("eval", "evaluate a run's checkpoint greedily on the test split", runEval)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep",
		"Runs every combination of -spec files (or the defaults), -methods and -seeds under -out, one directory per run\n(NAME-METHOD-sSEED). Finished runs are skipped and interrupted ones resumed, so a killed sweep is re-run as is.",
		"eqpo sweep -methods grpo,eqpo -seeds 1,2,3 -steps 200 -out runs/sweep && eqpo table -runs runs/sweep", stderr)
	specs := fs.String("spec", "", "comma-separated spec files (default: the built-in defaults)")
	methods := fs.String("methods", "", "comma-separated methods (default: each spec's own)")
	seeds := fs.String("seeds", "1", "comma-separated seeds")
	bench := fs.String("bench", "", "override every spec's suite")
	steps := fs.Int("steps", -1, "override every spec's steps")
	out := fs.String("out", "runs/sweep", "root directory of the runs")
	workers := fs.Int("workers", runtime.NumCPU(), "runs in parallel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var base []train.Spec
	if *specs == "" {
		base = []train.Spec{train.DefaultSpec()}
	}
	for _, f := range splitList(*specs) {
		s, err := train.LoadSpec(f)
		if err != nil {
			return err
		}
		if s.Name == "" {
			s.Name = strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		}
		base = append(base, s)
	}
	var seedList []uint64
	for _, s := range splitList(*seeds) {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("-seeds: %q is not a seed", s)
		}
		seedList = append(seedList, v)
	}
	var grid []train.Spec
	for _, b := range base {
		ms := splitList(*methods)
		if len(ms) == 0 {
			ms = []string{b.Method}
		}
		for _, m := range ms {
			for _, seed := range seedList {
				s := b
				s.Method, s.Seed = m, seed
				if *bench != "" {
					s.Bench = *bench
				}
				if *steps >= 0 {
					s.Steps = *steps
				}
				prefix := b.Name
				if prefix == "" {
					prefix = s.Bench
				}
				s.Name = fmt.Sprintf("%s-%s-s%d", prefix, m, seed)
				grid = append(grid, s)
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "sweep: %d runs, %d workers, under %s\n", len(grid), *workers, *out)
	return train.Sweep(ctx, grid, *out, *workers, stderr)
}

func runTable(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("table",
		"Reads metrics.json of every finished run under -runs and prints methods x the paper's columns as mean ± std\nover seeds (plus the warm-started base row), then paired p-values of each -target against every other row.",
		"eqpo table -runs runs/sweep -targets eqpo,eqpo_nd -format md", stderr)
	runs := fs.String("runs", "", "directory holding run directories (required)")
	format := fs.String("format", "md", "md, latex or csv")
	targets := fs.String("targets", "eqpo,eqpo_nd", "methods whose p-values against every other row are reported")
	order := fs.String("order", "grpo,dr_grpo,rloo,reinforce_pp,grpo_rs,grpo_dro,drpo,eqpo,eqpo_nd", "row order")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs == "" {
		return fmt.Errorf("-runs is required (try -h)")
	}
	ms, err := train.CollectRuns(*runs)
	if err != nil {
		return err
	}
	t := report.MethodTable(toResults(ms), splitList(*order))
	switch *format {
	case "md":
		t.WriteMarkdown(stdout, splitList(*targets))
	case "latex":
		t.WriteLaTeX(stdout)
	case "csv":
		return t.WriteCSV(stdout, splitList(*targets))
	default:
		return fmt.Errorf("-format %q: want md, latex or csv", *format)
	}
	return nil
}

func toResults(ms []*train.Metrics) []report.RunResult {
	out := make([]report.RunResult, len(ms))
	for i, m := range ms {
		out[i] = report.RunResult{Method: m.Method, Seed: m.Seed, Final: m.Final.Overall, Base: m.Base.Overall}
	}
	return out
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval",
		"Loads a run's checkpoint (the newest valid one unless -checkpoint names one) and evaluates it greedily\non the test split of its suite (or of -bench), printing the fairness report.",
		"eqpo eval -run runs/eqpo-s1 -format md -preds /tmp/preds.jsonl", stderr)
	run := fs.String("run", "", "run directory (required)")
	ckpt := fs.String("checkpoint", "", "checkpoint directory name (step-000200) or path")
	bench := fs.String("bench", "", "evaluate on this suite instead of the run's")
	attrs := fs.String("attrs", "", "attributes to group by (default: the run's, sex and age)")
	minGroup := fs.Int("min-group", 0, "groups smaller than this are excluded from gaps (default: the run's)")
	format := fs.String("format", "md", "md or json")
	preds := fs.String("preds", "", "also write the predictions (eqpo metrics format) here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *run == "" {
		return fmt.Errorf("-run is required (try -h)")
	}
	for _, a := range splitList(*attrs) {
		if _, err := data.ParseAttr(a); err != nil {
			return fmt.Errorf("-attrs: %v", err)
		}
	}
	rep, ps, err := train.EvaluateCheckpoint(*run, *ckpt, *bench, splitList(*attrs), *minGroup)
	if err != nil {
		return err
	}
	if *preds != "" {
		f, err := os.Create(*preds)
		if err != nil {
			return err
		}
		if err := fairness.WritePredictions(f, ps); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	report.WriteMetricsMarkdown(stdout, rep)
	return nil
}
