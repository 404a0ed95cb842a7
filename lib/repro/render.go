package repro

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"eqpo/lib/fairness"
	"eqpo/lib/report"
	"eqpo/lib/train"
)

// rowLabel is what a run is a row of: its method, or its variant.
func (a *Artefact) rowLabel(r *RunSummary) string {
	if a.Kind == "variants" {
		if len(a.Methods) > 1 {
			return r.Variant + "/" + r.Method
		}
		return r.Variant
	}
	return r.Method
}

func (a *Artefact) rowOrder() []string {
	var out []string
	if a.Kind == "variants" {
		for _, v := range a.Variants {
			if len(a.Methods) > 1 {
				for _, m := range a.Methods {
					out = append(out, v.Name+"/"+m)
				}
			} else {
				out = append(out, v.Name)
			}
		}
		return out
	}
	return a.Methods
}

// Render writes every table and figure of the artefact into dir from its
// run summaries, and returns the Markdown summary (also written to
// dir/summary.md).
func Render(a *Artefact, runs []*RunSummary, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "## %s\n\n%s\n\nSeeds %v; %d runs; each number is mean ± sample std over seeds (`runs.jsonl` holds every run).\n\n",
		a.Name, a.Description, a.Seeds, len(runs))
	t := a.Table(runs)
	t.WriteMarkdown(&md, a.Targets)
	for _, f := range []struct {
		name  string
		write func(*os.File) error
	}{
		{"table.csv", func(f *os.File) error { return t.WriteCSV(f, a.Targets) }},
		{"table.tex", func(f *os.File) error { t.WriteLaTeX(f); return nil }},
	} {
		fh, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			return "", err
		}
		if err := f.write(fh); err != nil {
			fh.Close()
			return "", err
		}
		fh.Close()
	}
	for _, fig := range a.Figures {
		var err error
		switch fig {
		case "trajectory":
			err = a.trajectory(runs, dir, &md)
		case "per_dataset":
			err = a.perDataset(runs, dir, &md)
		case "clusters":
			err = a.clusters(runs, dir, &md)
		case "overhead":
			err = a.overhead(runs, &md)
		case "modality":
			err = a.modality(runs, &md)
		default:
			err = fmt.Errorf("artefact %s: unknown figure %q", a.Name, fig)
		}
		if err != nil {
			return "", err
		}
	}
	out := md.String()
	return out, os.WriteFile(filepath.Join(dir, "summary.md"), []byte(out), 0o644)
}

// groupBy returns the runs per row label, in row order.
func (a *Artefact) groupBy(runs []*RunSummary) ([]string, map[string][]*RunSummary) {
	by := map[string][]*RunSummary{}
	for _, r := range runs {
		by[a.rowLabel(r)] = append(by[a.rowLabel(r)], r)
	}
	var labels []string
	for _, l := range a.rowOrder() {
		if len(by[l]) > 0 {
			labels = append(labels, l)
		}
	}
	return labels, by
}

func meanStdAt(vals [][]float64, i int) (float64, float64) {
	var x []float64
	for _, v := range vals {
		if i < len(v) {
			x = append(x, v[i])
		}
	}
	return fairness.MeanStd(x)
}

// Bands builds, per row of the artefact, the mean +- std over seeds of a
// column along the training curve (for notebooks and figures).
func (a *Artefact) Bands(runs []*RunSummary, column string) []report.Band {
	return a.bands(runs, func(p Point) float64 { v, _ := p.Overall.Get(column); return v })
}

// Table builds the methods (or variants) x columns table of the runs.
func (a *Artefact) Table(runs []*RunSummary) *report.Table {
	results := make([]report.RunResult, len(runs))
	for i, r := range runs {
		results[i] = report.RunResult{Method: a.rowLabel(r), Seed: r.Seed, Final: r.Final, Base: r.Base}
	}
	return report.MethodTable(results, a.rowOrder())
}

// bands builds mean +- std bands of a per-point value over each row's seeds.
func (a *Artefact) bands(runs []*RunSummary, get func(Point) float64) []report.Band {
	labels, by := a.groupBy(runs)
	var out []report.Band
	for _, l := range labels {
		rs := by[l]
		var xs []float64
		for _, p := range rs[0].Curve {
			xs = append(xs, float64(p.Step))
		}
		vals := make([][]float64, len(rs))
		for i, r := range rs {
			for _, p := range r.Curve {
				vals[i] = append(vals[i], get(p))
			}
		}
		b := report.Band{Name: l, X: xs}
		for i := range xs {
			m, s := meanStdAt(vals, i)
			b.Mean, b.Lo, b.Hi = append(b.Mean, m), append(b.Lo, m-s), append(b.Hi, m+s)
		}
		out = append(out, b)
	}
	return out
}

func (a *Artefact) trajectory(runs []*RunSummary, dir string, md *strings.Builder) error {
	fmt.Fprintf(md, "\n### Fairness over training\n\n| row | metric | step 0 | last | change |\n|---|---|---|---|---|\n")
	for _, metric := range []string{"F1", "Acc", "Delta_F1", "sigma_F1", "PP"} {
		bands := a.bands(runs, func(p Point) float64 { v, _ := p.Overall.Get(metric); return v })
		title := fmt.Sprintf("%s over training (%s)", metric, a.Name)
		if err := report.SaveTrajectoryFigure(filepath.Join(dir, "trajectory_"+metric+".png"), title, metric, bands); err != nil {
			return err
		}
		if report.EchartsAvailable() {
			if err := report.WriteLinkedHTML(report.TrajectoryChart(title, metric, bands), filepath.Join(dir, "trajectory_"+metric+".html"), repoRoot(dir)); err != nil {
				return err
			}
		}
		for _, b := range bands {
			last := len(b.Mean) - 1
			fmt.Fprintf(md, "| %s | %s | %s | %s | %+.4f |\n", b.Name, metric, report.FormatColumn(metric, b.Mean[0]),
				report.FormatColumn(metric, b.Mean[last]), b.Mean[last]-b.Mean[0])
		}
	}
	fmt.Fprintf(md, "\nFigures: `trajectory_{F1,Acc,Delta_F1,sigma_F1,PP}.png` (static) and `.html` (interactive).\n")
	return nil
}

func (a *Artefact) perDataset(runs []*RunSummary, dir string, md *strings.Builder) error {
	labels, by := a.groupBy(runs)
	dsSet := map[string]bool{}
	for _, r := range runs {
		for d, s := range r.Datasets {
			if s.Valid {
				dsSet[d] = true
			}
		}
	}
	var ds []string
	for d := range dsSet {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	fmt.Fprintf(md, "\n### Per-dataset group-mean F1 (final)\n\n| dataset | %s |\n|---|%s\n", strings.Join(labels, " | "), strings.Repeat("---|", len(labels)))
	series := map[string][]float64{}
	for _, d := range ds {
		cells := make([]string, len(labels))
		for i, l := range labels {
			var x []float64
			for _, r := range by[l] {
				if s, ok := r.Datasets[d]; ok && s.Valid {
					x = append(x, s.F1)
				}
			}
			m, s := fairness.MeanStd(x)
			series[l] = append(series[l], m)
			cells[i] = fmt.Sprintf("%.4f ± %.4f", m, s)
		}
		fmt.Fprintf(md, "| %s | %s |\n", d, strings.Join(cells, " | "))
	}
	title := "Per-dataset group-mean F1 (" + a.Name + ")"
	if err := report.SaveBarFigure(filepath.Join(dir, "per_dataset_f1.png"), title, "F1", ds, series, labels); err != nil {
		return err
	}
	if report.EchartsAvailable() {
		if err := report.WriteLinkedHTML(report.GroupBars(title, "F1", ds, series, labels), filepath.Join(dir, "per_dataset_f1.html"), repoRoot(dir)); err != nil {
			return err
		}
	}
	fmt.Fprintf(md, "\nFigure: `per_dataset_f1.png` / `.html`.\n")
	return nil
}

func (a *Artefact) clusters(runs []*RunSummary, dir string, md *strings.Builder) error {
	labels, by := a.groupBy(runs)
	fmt.Fprintf(md, "\n### Clusters found without demographic labels\n\nARI/NMI of the clusters against the masked demographic groups (sex x age) of the clustered questions, and stability (ARI between consecutive evaluations on shared questions), at the last evaluation; mean ± std over seeds. k is the elbow rule's choice.\n\n| row | dataset | k | ARI | NMI | stability |\n|---|---|---|---|---|---|\n")
	for _, l := range labels {
		dsSet := map[string]bool{}
		for _, r := range by[l] {
			if n := len(r.Curve); n > 0 {
				for d := range r.Curve[n-1].Clusters {
					dsSet[d] = true
				}
			}
		}
		var ds []string
		for d := range dsSet {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		for _, d := range ds {
			var k, ari, nmi, stab []float64
			for _, r := range by[l] {
				c, ok := r.Curve[len(r.Curve)-1].Clusters[d]
				if !ok {
					continue
				}
				k = append(k, float64(c.K))
				if c.ARI >= -0.5 { // -1 marks "undefined"
					ari, nmi = append(ari, c.ARI), append(nmi, c.NMI)
				}
				if c.Stability >= -0.5 {
					stab = append(stab, c.Stability)
				}
			}
			f := func(x []float64) string {
				if len(x) == 0 {
					return "n/a"
				}
				m, s := fairness.MeanStd(x)
				return fmt.Sprintf("%.3f ± %.3f", m, s)
			}
			fmt.Fprintf(md, "| %s | %s | %s | %s | %s | %s |\n", l, d, f(k), f(ari), f(nmi), f(stab))
		}
		if len(ds) > 0 {
			nmi := func(c train.ClusterLog) (float64, bool) { return c.NMI, c.NMI >= -0.5 } // -1 marks "undefined"
			if err := a.clusterCurve(by[l], filepath.Join(dir, "cluster_nmi_"+sanitize(l)+".png"),
				"Cluster NMI vs masked demographics ("+l+")", "NMI", l+" (mean NMI over datasets)", nmi); err != nil {
				return err
			}
			k := func(c train.ClusterLog) (float64, bool) { return float64(c.K), true }
			if err := a.clusterCurve(by[l], filepath.Join(dir, "cluster_k_"+sanitize(l)+".png"),
				"k chosen over training ("+l+")", "k", l+" (mean k over datasets)", k); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(md, "\nFigures: `cluster_nmi_<row>.png` and `cluster_k_<row>.png` (NMI and the chosen k over training, mean over datasets, ± std over seeds).\n")
	return nil
}

// clusterCurve saves a figure of a per-cluster value (mean over the datasets
// where it is defined) along training, with a band over seeds.
func (a *Artefact) clusterCurve(runs []*RunSummary, path, title, yLabel, name string, get func(train.ClusterLog) (float64, bool)) error {
	bands := a.bands(runs, func(p Point) float64 {
		s, n := 0.0, 0.0
		for _, d := range sortedKeys(p.Clusters) {
			if v, ok := get(p.Clusters[d]); ok {
				s, n = s+v, n+1
			}
		}
		if n == 0 {
			return math.NaN()
		}
		return s / n
	})
	for i := range bands {
		bands[i].Name = name
		clean(&bands[i])
	}
	return report.SaveTrajectoryFigure(path, title, yLabel, bands)
}

// clean replaces NaN points (no clustering yet) with the next defined value.
func clean(b *report.Band) {
	for _, s := range [][]float64{b.Mean, b.Lo, b.Hi} {
		for i := len(s) - 1; i >= 0; i-- {
			if math.IsNaN(s[i]) {
				if i+1 < len(s) {
					s[i] = s[i+1]
				} else {
					s[i] = 0
				}
			}
		}
	}
}

func sanitize(s string) string { return strings.NewReplacer("/", "_", " ", "_").Replace(s) }

func (a *Artefact) overhead(runs []*RunSummary, md *strings.Builder) error {
	labels, by := a.groupBy(runs)
	fmt.Fprintf(md, "\n### Cost of the advantage computation\n\nSeconds per step on this machine (2 cores; machine-dependent, unlike every other number here), mean ± std over seeds. \"first/last tenth\": mean over the first and last 10%% of steps, which shows how the cost grows with training length.\n\n| row | step s | advantage s | share | advantage s, first tenth | advantage s, last tenth |\n|---|---|---|---|---|---|\n")
	for _, l := range labels {
		var st, ad, sh, af, al []float64
		for _, r := range by[l] {
			if r.Timing == nil {
				continue
			}
			st, ad = append(st, r.Timing.StepMeanS), append(ad, r.Timing.AdvMeanS)
			sh = append(sh, r.Timing.AdvMeanS/r.Timing.StepMeanS)
			af, al = append(af, r.Timing.AdvFirstS), append(al, r.Timing.AdvLastS)
		}
		if len(st) == 0 {
			continue
		}
		f := func(x []float64, pct bool) string {
			m, s := fairness.MeanStd(x)
			if pct {
				return fmt.Sprintf("%.1f%% ± %.1f%%", 100*m, 100*s)
			}
			return fmt.Sprintf("%.5f ± %.5f", m, s)
		}
		fmt.Fprintf(md, "| %s | %s | %s | %s | %s | %s |\n", l, f(st, false), f(ad, false), f(sh, true), f(af, false), f(al, false))
	}
	return nil
}

func (a *Artefact) modality(runs []*RunSummary, md *strings.Builder) error {
	labels, by := a.groupBy(runs)
	mods := map[string]bool{}
	for _, r := range runs {
		for _, d := range r.Datasets {
			mods[d.Modality] = true
		}
	}
	var ms []string
	for m := range mods {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	fmt.Fprintf(md, "\n### Per modality (final; mean over the modality's datasets, then ± std over seeds)\n\n| row | modality | F1 | Delta_F1 | sigma_F1 | F1 change from base row's start |\n|---|---|---|---|---|---|\n")
	for _, l := range labels {
		for _, mod := range ms {
			var f1, gap, sig, delta []float64
			for _, r := range by[l] {
				var a1, a2, a3, a4, n float64
				for name, d := range r.Datasets {
					if d.Modality != mod || !d.Valid {
						continue
					}
					a1, a2, a3 = a1+d.F1, a2+d.DeltaF1, a3+d.SigmaF1
					if len(r.Curve) > 0 {
						if c0, ok := r.Curve[0].Datasets[name]; ok {
							a4 += d.F1 - c0.F1
						}
					}
					n++
				}
				if n > 0 {
					f1, gap, sig, delta = append(f1, a1/n), append(gap, a2/n), append(sig, a3/n), append(delta, a4/n)
				}
			}
			if len(f1) == 0 {
				continue
			}
			f := func(x []float64) string { m, s := fairness.MeanStd(x); return fmt.Sprintf("%.4f ± %.4f", m, s) }
			fmt.Fprintf(md, "| %s | %s | %s | %s | %s | %s |\n", l, mod, f(f1), f(gap), f(sig), f(delta))
		}
	}
	return nil
}

// repoRoot finds the repository root above dir (the folder with go.mod).
func repoRoot(dir string) string {
	d, _ := filepath.Abs(dir)
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "."
		}
		d = parent
	}
}

// sortedKeys orders a map's keys, so sums over it are bit-reproducible.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
