package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"eqpo/lib/report"
	"eqpo/lib/train"
)

func init() {
	register("train", "train one run (method x suite x seed); -resume DIR continues a killed run", runTrain)
}

// specFlags registers the flags every user reaches for first; set ones
// override the spec file.
type specFlags struct {
	spec, method, bench, out, resume, dataDir, cache *string
	steps, evalEvery, g, prompts                     *int
	seed                                             *uint64
	force, quiet                                     *bool
}

func addSpecFlags(fs *flag.FlagSet) specFlags {
	return specFlags{
		spec:      fs.String("spec", "", "run spec JSON file (fields documented in lib/train/spec.go and experiments/README.md)"),
		method:    fs.String("method", "", "grpo, dr_grpo, rloo, reinforce_pp, grpo_rs, grpo_dro, drpo, eqpo, eqpo_nd (default eqpo)"),
		bench:     fs.String("bench", "", "benchmark suite: medfair7 (embedded default), real3, climb"),
		out:       fs.String("out", "", "run directory (default runs/NAME)"),
		resume:    fs.String("resume", "", "continue the run in this directory from its newest valid checkpoint"),
		dataDir:   fs.String("data-dir", "", "real data directory (default $EQPO_DATA_DIR or ../shared/data)"),
		cache:     fs.String("cache", "", "warm-start cache directory (default: beside the run directory)"),
		steps:     fs.Int("steps", -1, "RL steps (default 200)"),
		evalEvery: fs.Int("eval-every", 0, "evaluate every N steps (default 20)"),
		g:         fs.Int("g", 0, "answers per prompt (default 8)"),
		prompts:   fs.Int("prompts", 0, "prompts per step (default 64)"),
		seed:      fs.Uint64("seed", 0, "seed (default 1)"),
		force:     fs.Bool("force", false, "overwrite an existing run directory"),
		quiet:     fs.Bool("quiet", false, "no progress output"),
	}
}

// resolve builds the spec: defaults, then the spec file, then set flags.
func (f specFlags) resolve(fs *flag.FlagSet) (train.Spec, error) {
	s := train.DefaultSpec()
	if *f.spec != "" {
		var err error
		if s, err = train.LoadSpec(*f.spec); err != nil {
			return s, err
		}
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["method"] {
		s.Method = *f.method
		s.Name = ""
	}
	if set["bench"] {
		s.Bench = *f.bench
		s.Name = ""
	}
	if set["steps"] {
		s.Steps = *f.steps
	}
	if set["eval-every"] {
		s.EvalEvery = *f.evalEvery
	}
	if set["g"] {
		s.G = *f.g
	}
	if set["prompts"] {
		s.PromptsPerStep = *f.prompts
	}
	if set["seed"] {
		s.Seed = *f.seed
		s.Name = ""
	}
	if set["data-dir"] {
		s.DataDir = *f.dataDir
	}
	return s, s.Resolve()
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train",
		"Trains one run and writes spec.json, trajectory.jsonl (fairness table every eval), metrics.json,\npredictions.jsonl and checkpoints to the run directory. SIGINT/SIGTERM save a checkpoint first.",
		"eqpo train -bench medfair7 -method eqpo -steps 200 -seed 1 -out runs/eqpo-s1\n  eqpo train -resume runs/eqpo-s1", stderr)
	f := addSpecFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before nothing else; try -h)", fs.Arg(0))
	}
	opt := train.Options{Force: *f.force, CacheDir: *f.cache}
	if !*f.quiet {
		opt.Progress, opt.Terminal = stderr, isTerminal(stderr)
	}
	var spec train.Spec
	if *f.resume != "" {
		opt.Out, opt.Resume = *f.resume, true
	} else {
		var err error
		if spec, err = f.resolve(fs); err != nil {
			return err
		}
		opt.Out = *f.out
		if opt.Out == "" {
			opt.Out = "runs/" + spec.Name
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := train.Run(ctx, spec, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "run %s finished: %s\n\n", m.Name, opt.Out)
	report.WriteColumnsMarkdown(stdout, []string{"base", m.Method}, m.Base.Overall, m.Final.Overall)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
