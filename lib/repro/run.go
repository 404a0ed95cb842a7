package repro

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"eqpo/lib/train"
)

// Options drive a reproduction.
type Options struct {
	RunsRoot    string // where run directories go (default "runs")
	Workers     int
	FiguresOnly bool // redraw from the committed runs.jsonl; train nothing
	Log         io.Writer
}

// RunArtefact trains (unless FiguresOnly) and renders one artefact file;
// results go to <folder of the file>/results/<name>/.
func RunArtefact(ctx context.Context, path string, opt Options) (string, error) {
	a, err := LoadArtefact(path)
	if err != nil {
		return "", err
	}
	suiteDir := filepath.Dir(path)
	results := filepath.Join(suiteDir, "results", a.Name)
	summaries := filepath.Join(results, "runs.jsonl")
	if !opt.FiguresOnly {
		specs, err := a.Specs()
		if err != nil {
			return "", err
		}
		if opt.RunsRoot == "" {
			opt.RunsRoot = "runs"
		}
		root := filepath.Join(opt.RunsRoot, filepath.Base(suiteDir), a.Name)
		start := time.Now()
		if err := train.Sweep(ctx, specs, root, opt.Workers, opt.Log); err != nil {
			return "", err
		}
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "%s: %d runs trained in %.0f s with %d workers\n", a.Name, len(specs), time.Since(start).Seconds(), opt.Workers)
		}
		modality := map[string]string{}
		for _, s := range specs {
			full := s
			full.Benchmarks, full.Modalities = nil, nil
			if suite, err := train.LoadSuite(full); err == nil {
				for _, b := range suite.Benchmarks {
					modality[b.Name] = b.Modality
				}
			}
		}
		variantOf := map[string]string{}
		for _, v := range a.Variants {
			for _, m := range a.Methods {
				for _, seed := range a.Seeds {
					variantOf[runName(v.Name, m, seed)] = v.Name
				}
			}
		}
		var runs []*RunSummary
		for _, s := range specs {
			r, err := Summarize(filepath.Join(root, s.Name), variantOf[s.Name], modality)
			if err != nil {
				return "", err
			}
			runs = append(runs, r)
		}
		if err := WriteSummaries(summaries, runs); err != nil {
			return "", err
		}
	}
	runs, err := ReadSummaries(summaries)
	if err != nil {
		return "", fmt.Errorf("%v (run without -figures-only to train first)", err)
	}
	return Render(a, runs, results)
}
