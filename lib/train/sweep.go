package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/gomlx/gomlx/ml/model"

	"eqpo/lib/backend"
	"eqpo/lib/fairness"
)

// Sweep runs every spec (each already carrying its seed) with a pool of
// workers. A run directory root/<name> that is finished is skipped; one
// that was interrupted is resumed. The warm-start cache is shared, so all
// methods of one seed start from the identical policy. Errors of single
// runs are collected; the others go on.
func Sweep(ctx context.Context, specs []Spec, root string, workers int, log io.Writer) error {
	if workers < 1 {
		workers = 1
	}
	names := map[string]bool{}
	for i := range specs {
		if err := specs[i].Resolve(); err != nil {
			return fmt.Errorf("spec %d (%s): %v", i, specs[i].Name, err)
		}
		if names[specs[i].Name] {
			return fmt.Errorf("two runs are named %q: give each spec a distinct name", specs[i].Name)
		}
		names[specs[i].Name] = true
	}
	var mu sync.Mutex
	var errs []error
	logf := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		if log != nil {
			fmt.Fprintf(log, format+"\n", a...)
		}
	}
	jobs := make(chan Spec)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				out := filepath.Join(root, s.Name)
				opt := Options{Out: out, CacheDir: filepath.Join(root, ".sft-cache")}
				if _, err := os.Stat(filepath.Join(out, doneFile)); err == nil {
					logf("skip %s (finished)", s.Name)
					continue
				}
				if _, err := os.Stat(filepath.Join(out, "spec.json")); err == nil {
					opt.Resume = true
					logf("resume %s", s.Name)
				} else {
					logf("start %s", s.Name)
				}
				m, err := Run(ctx, s, opt)
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
					mu.Unlock()
					logf("FAILED %s: %v", s.Name, err)
					continue
				}
				logf("done %s: F1 %.4f Delta_F1 %.4f", s.Name, m.Final.Overall.F1, m.Final.Overall.DeltaF1)
			}
		}()
	}
	for _, s := range specs {
		if ctx.Err() != nil {
			break
		}
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}

// CollectRuns reads metrics.json of every finished run directory under root
// (one level deep), sorted by directory name.
func CollectRuns(root string) ([]*Metrics, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "*", doneFile))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	var out []*Metrics
	for _, d := range dirs {
		m, err := readMetrics(filepath.Dir(d))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Dir(d), err)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no finished run (a run directory with metrics.json and DONE)", root)
	}
	return out, nil
}

// ReadTrajectory reads a run's trajectory.jsonl.
func ReadTrajectory(runDir string) ([]TrajectoryLine, error) {
	raw, err := os.ReadFile(filepath.Join(runDir, "trajectory.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []TrajectoryLine
	dec := json.NewDecoder(bytes.NewReader(raw))
	for i := 1; dec.More(); i++ {
		var l TrajectoryLine
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("%s/trajectory.jsonl:%d: %v", runDir, i, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// ReadSpec reads a run directory's resolved spec.
func ReadSpec(runDir string) (Spec, error) {
	var s Spec
	raw, err := os.ReadFile(filepath.Join(runDir, "spec.json"))
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(raw, &s)
}

// EvaluateCheckpoint evaluates a run's checkpoint (the newest valid one when
// ckpt is "") greedily on the test split of its suite, or of another suite
// with the same benchmarks (bench != "").
func EvaluateCheckpoint(runDir, ckpt, bench string, attrs []string, minGroup int) (*fairness.Report, []fairness.Prediction, error) {
	spec, err := ReadSpec(runDir)
	if err != nil {
		return nil, nil, err
	}
	if bench != "" {
		spec.Bench = bench
	}
	if len(attrs) > 0 {
		spec.EvalAttrs = attrs
	}
	if minGroup > 0 {
		spec.MinGroup = minGroup
	}
	if err := spec.Resolve(); err != nil {
		return nil, nil, err
	}
	dir := ckpt
	if dir == "" {
		if dir, _, _ = latestValidCheckpoint(runDir); dir == "" {
			return nil, nil, fmt.Errorf("%s: no valid checkpoint", runDir)
		}
	} else if !filepath.IsAbs(dir) && filepath.Dir(dir) == "." {
		dir = filepath.Join(runDir, "checkpoints", dir)
	}
	p, err := prepare(spec)
	if err != nil {
		return nil, nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, nil, err
	}
	store := model.NewStore()
	if err := loadCheckpointDir(store, dir); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", dir, err)
	}
	r := &runner{spec: spec, p: p, eng: newEngine(be, store, spec, policyConfig(spec, p))}
	rep, preds := r.evaluate()
	return rep, preds, nil
}
