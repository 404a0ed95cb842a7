#!/usr/bin/python3
"""Writes the GoNB notebooks (notebooks/*.ipynb) from the cells below, so
they are reviewed as code. Run: /usr/bin/python3 notebooks/build_notebooks.py
Each notebook imports this repository's packages through `go work`; none
re-implements a model, a metric or an estimator."""
import nbformat as nbf, os

HERE = os.path.dirname(os.path.abspath(__file__))
SETUP = [
    ("md", "Setup: make this repository's packages importable (`go work`), and pin the module versions GoNB would otherwise fetch at `@latest`."),
    ("code", "!*rm -f go.work && go work init && go work use . $GONB_DIR/..\n%goworkfix"),
    ("code", "!*go get github.com/gomlx/gomlx@v0.28.2 github.com/gomlx/compute@v0.1.2 github.com/janpfeifer/gonb@v0.11.4 github.com/go-echarts/go-echarts/v2@v2.6.7 gonum.org/v1/gonum@v0.17.0 gonum.org/v1/plot@v0.17.0 2>&1 | tail -1"),
    ("code", '''import (
	"os"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui"
)

// show displays a chart inline: the ECharts script is inlined (no CDN) and
// hidden from require.js; Sync flushes the large output.
func show(html string, err error) {
	if err != nil {
		panic(err)
	}
	gonbui.DisplayHTML(html)
	gonbui.Sync()
}

// repo is this repository's root (the notebook runs in notebooks/).
func repo(parts ...string) string {
	return filepath.Join(append([]string{os.Getenv("GONB_DIR"), ".."}, parts...)...)
}'''),
]

def notebook(name, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
                   "language_info": {"name": "go"}}
    for kind, src in cells:
        nb.cells.append(nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src))
    nbf.write(nb, os.path.join(HERE, name + ".ipynb"))

LOAD_ARTEFACT = '''import (
	"strings"

	"eqpo/lib/repro"
)

// load reads an artefact file and its committed run summaries.
func load(suite, name string) (*repro.Artefact, []*repro.RunSummary) {
	a, err := repro.LoadArtefact(repo(suite, name+".json"))
	if err != nil {
		panic(err)
	}
	runs, err := repro.ReadSummaries(repo(suite, "results", name, "runs.jsonl"))
	if err != nil {
		panic(err)
	}
	return a, runs
}

// table shows an artefact's table with its p-values.
func table(a *repro.Artefact, runs []*repro.RunSummary) {
	var b strings.Builder
	a.Table(runs).WriteMarkdown(&b, a.Targets)
	gonbui.DisplayMarkdown(b.String())
}'''

# Mean of a final column per row label, for bar charts.
FINAL_MEANS = '''import (
	"eqpo/lib/fairness"
)

// finalMeans is the mean over seeds of a final column, per row of the table.
func finalMeans(a *repro.Artefact, runs []*repro.RunSummary, column string) ([]string, []float64) {
	t := a.Table(runs)
	var labels []string
	var vals []float64
	for _, r := range t.Rows[1:] { // skip the base row
		labels = append(labels, r.Label)
		vals = append(vals, r.Mean[column])
	}
	_ = fairness.ColumnNames
	return labels, vals
}'''

notebook("01-quickstart", [
    ("md", "# Quick start: GRPO vs EQPO on MedFair-7\n\nMedFair-7 is the workbench's embedded, seeded **simulation** of the paper's seven diagnostic benchmarks (X-ray, CT, dermoscopy, mammography, ultrasound). Rare demographic cells are harder by construction. We warm-start a small policy on a majority-dominated mix (the paper's models are pre-trained on such corpora), then post-train it with GRPO and with EQPO and compare the paper's fairness columns."),
    *SETUP,
    ("md", "## The suite"),
    ("code", '''import (
	"fmt"
	"strings"

	"eqpo/lib/synth"
)

%%
suite := synth.MedFair7(1)
var b strings.Builder
b.WriteString("| benchmark | modality | classes | multi-label | evaluated on | train | test |\\n|---|---|---|---|---|---|---|\\n")
for _, bm := range suite.Benchmarks {
	fmt.Fprintf(&b, "| %s | %s | %d | %v | %v | %d | %d |\\n", bm.Name, bm.Modality, len(bm.Classes), bm.MultiLabel, bm.Attrs, len(bm.Train), len(bm.Test))
}
gonbui.DisplayMarkdown(b.String())'''),
    ("md", "## Train both methods\n\n200 RL steps each (G = 8 answers for each of 64 prompts per step), seed 1. The fairness table is logged every 20 steps into each run's `trajectory.jsonl`."),
    ("code", '''import (
	"context"

	"eqpo/lib/train"
)

func runDir(method string) string { return filepath.Join(os.TempDir(), "eqpo-quickstart", method) }

%%
for _, m := range []string{"grpo", "eqpo"} {
	spec := train.DefaultSpec()
	spec.Method = m
	spec.Steps = 200
	spec.PretrainMajority, spec.PretrainSteps = 0.98, 150
	if _, err := train.Run(context.Background(), spec, train.Options{Out: runDir(m), Force: true}); err != nil {
		panic(err)
	}
}
fmt.Println("trained:", runDir("grpo"), runDir("eqpo"))'''),
    ("md", "## The fairness table\n\nPP, EOD, FPR_Diff, σ_Acc, Δ_Acc, Acc and Acc_ES are percentages; F1, σ_F1, Δ_F1 and F1_ES fractions. Lower is fairer for the gaps (PP, EOD, FPR_Diff, Δ) and spreads (σ). The base row is the warm-started policy before RL."),
    ("code", '''import (
	"eqpo/lib/fairness"
	"eqpo/lib/report"
)

%%
labels := []string{}
rows := []fairness.Columns{}
for i, m := range []string{"grpo", "eqpo"} {
	traj, err := train.ReadTrajectory(runDir(m))
	if err != nil {
		panic(err)
	}
	if i == 0 {
		labels, rows = append(labels, "base"), append(rows, traj[0].Eval.Overall)
	}
	labels, rows = append(labels, m), append(rows, traj[len(traj)-1].Eval.Overall)
}
var b strings.Builder
report.WriteColumnsMarkdown(&b, labels, rows...)
gonbui.DisplayMarkdown(b.String())'''),
    ("md", "## Fairness over training\n\nThe paper's headline analysis: the max cross-group F1 gap (Δ_F1) and F1 along training. One seed here; `02-reproduce-tables` shows the committed multi-seed runs with bands."),
    ("code", '''%%
for _, metric := range []string{"Delta_F1", "F1"} {
	var bands []report.Band
	for _, m := range []string{"grpo", "eqpo"} {
		traj, err := train.ReadTrajectory(runDir(m))
		if err != nil {
			panic(err)
		}
		b := report.Band{Name: m}
		for _, l := range traj {
			v, _ := l.Eval.Overall.Get(metric)
			b.X, b.Mean = append(b.X, float64(l.Step)), append(b.Mean, v)
		}
		bands = append(bands, b)
	}
	show(report.Snippet(report.TrajectoryChart(metric+" over training (seed 1)", metric, bands)))
}'''),
    ("md", "## EQPO's scale factors over training\n\nEvery logged step also records EQPO's mean divisor per (dataset, group) cell. A lower divisor means the cell's advantages are scaled up. Here: the cells of the simulated HAM10000."),
    ("code", '''%%
traj, err := train.ReadTrajectory(runDir("eqpo"))
if err != nil {
	panic(err)
}
var steps []float64
cells := map[string][]float64{}
for _, l := range traj[1:] { // step 0 precedes any update: no factors yet
	steps = append(steps, float64(l.Step))
	for c, f := range l.Factors {
		if strings.HasPrefix(c, "ham10000/") {
			cells[c] = append(cells[c], f)
		}
	}
}
for c, v := range cells { // a cell missing from some logged batch: repeat its first value
	for len(v) < len(steps) {
		v = append([]float64{v[0]}, v...)
	}
	cells[c] = v
}
show(report.Snippet(report.ScaleFactors("EQPO divisor per HAM10000 group over training", steps, cells)))'''),
])

notebook("02-reproduce-tables", [
    ("md", "# Reproducing the paper's tables at workbench scale\n\nThis notebook reads the committed results of `make tables` (`experiments/results/*/runs.jsonl`: one line per run, every number traceable) and shows the main table, the training trajectories and the per-dataset F1. The verdicts, claim by claim, are in `experiments/README.md`. To re-run everything: `make tables` (about the time recorded in BENCHMARKS.md)."),
    *SETUP,
    ("code", LOAD_ARTEFACT),
    ("md", "## Main table, MedFair-7\n\nMean ± std over seeds, then the paired p-values of EQPO and EQPO-ND against every other row (▲: the target is better on that column)."),
    ("code", '%%\na, runs := load("experiments", "main_medfair7")\ntable(a, runs)'),
    ("md", "## Training trajectories (mean ± std over seeds)"),
    ("code", '''import "eqpo/lib/report"

%%
a, runs := load("experiments", "main_medfair7")
for _, col := range []string{"F1", "Delta_F1"} {
	show(report.Snippet(report.TrajectoryChart(col+" over training, MedFair-7", col, a.Bands(runs, col))))
}'''),
    ("md", "## Per-dataset group-mean F1: EQPO vs GRPO"),
    ("code", '''import "sort"

%%
_, runs := load("experiments", "main_medfair7")
sum := map[string]map[string][]float64{}
for _, r := range runs {
	if r.Method != "grpo" && r.Method != "eqpo" {
		continue
	}
	for d, s := range r.Datasets {
		if !s.Valid {
			continue
		}
		if sum[r.Method] == nil {
			sum[r.Method] = map[string][]float64{}
		}
		sum[r.Method][d] = append(sum[r.Method][d], s.F1)
	}
}
var ds []string
for d := range sum["grpo"] {
	ds = append(ds, d)
}
sort.Strings(ds)
series := map[string][]float64{}
for _, m := range []string{"grpo", "eqpo"} {
	for _, d := range ds {
		mean, _ := fairness.MeanStd(sum[m][d])
		series[m] = append(series[m], mean)
	}
}
show(report.Snippet(report.GroupBars("Per-dataset group-mean F1 (mean over seeds)", "F1", ds, series, []string{"grpo", "eqpo"})))'''),
    ("md", "## Main table on the real suite (HAM10000, PAD-UFES-20, UCI heart)"),
    ("code", '%%\na, runs := load("experiments", "main_real3")\ntable(a, runs)'),
])

notebook("03-ablation-tiers", [
    ("md", "# Which tier of EQPO does the work?\n\nEQPO divides each advantage by `T_d · sqrt(N_g) · mu_g`: **source** (the domain factor `T_d = sqrt(N_d) mu_d`), **representation** (`sqrt(N_g)`, how many questions the group has had) and **difficulty** (`mu_g`, the group's mean reward). The ablation switches them on and off (`ablations/tiers_*.json`); with none on, EQPO is GRPO plus a batch renormalisation."),
    *SETUP,
    ("code", LOAD_ARTEFACT),
    ("code", FINAL_MEANS),
    ("md", "## MedFair-7"),
    ("code", '%%\na, runs := load("ablations", "tiers_medfair7")\ntable(a, runs)'),
    ("code", '''import "eqpo/lib/report"

%%
a, runs := load("ablations", "tiers_medfair7")
for _, col := range []string{"Delta_F1", "F1", "PP"} {
	labels, vals := finalMeans(a, runs, col)
	show(report.Snippet(report.GroupBars(col+" by tier combination (MedFair-7)", col, labels, map[string][]float64{col: vals}, []string{col})))
}'''),
    ("md", "## Real suite"),
    ("code", '%%\na, runs := load("ablations", "tiers_real3")\ntable(a, runs)'),
])

notebook("04-clustering-k", [
    ("md", "# EQPO-ND: how many clusters, and clustered on what?\n\nWith no demographic labels in training, EQPO-ND clusters each domain's questions and lets the clusters stand in for groups. The authors cluster the raw G-vector of rewards with k from an elbow rule capped at 3. Here: k fixed at 1..8, the elbow rule (cap 3 and 8), silhouette, and four feature choices (`ablations/clustering_k.json`). ARI and NMI compare the clusters with the masked sex x age groups."),
    *SETUP,
    ("code", LOAD_ARTEFACT),
    ("code", FINAL_MEANS),
    ("code", '%%\na, runs := load("ablations", "clustering_k")\ntable(a, runs)'),
    ("code", '''import "eqpo/lib/report"

// lastNMI is the mean over datasets of the final clustering's NMI, per row.
func lastNMI(a *repro.Artefact, runs []*repro.RunSummary) ([]string, []float64) {
	labels, _ := finalMeans(a, runs, "F1")
	sum, n := map[string]float64{}, map[string]float64{}
	for _, r := range runs {
		last := r.Curve[len(r.Curve)-1]
		for _, c := range last.Clusters {
			if c.NMI >= 0 {
				sum[r.Variant] += c.NMI
				n[r.Variant]++
			}
		}
	}
	vals := make([]float64, len(labels))
	for i, l := range labels {
		if n[l] > 0 {
			vals[i] = sum[l] / n[l]
		}
	}
	return labels, vals
}

%%
a, runs := load("ablations", "clustering_k")
labels, nmi := lastNMI(a, runs)
show(report.Snippet(report.GroupBars("NMI of clusters vs masked demographics", "NMI", labels, map[string][]float64{"NMI": nmi}, []string{"NMI"})))
labels, gap := finalMeans(a, runs, "Delta_F1")
show(report.Snippet(report.GroupBars("Delta_F1 by clustering choice", "Delta_F1", labels, map[string][]float64{"Delta_F1": gap}, []string{"Delta_F1"})))'''),
])

notebook("05-modalities", [
    ("md", "# Modalities: alone, leave-one-out, all\n\nGRPO and EQPO trained on each modality alone, on all but one, and on all five (`ablations/modalities.json`). The per-modality table shows how each modality's F1 and F1 gap move with what it is trained alongside."),
    *SETUP,
    ("code", LOAD_ARTEFACT),
    ("code", '''%%
b, err := os.ReadFile(repo("ablations", "results", "modalities", "summary.md"))
if err != nil {
	panic(err)
}
s := string(b)
gonbui.DisplayMarkdown(s[strings.Index(s, "### Per modality"):])'''),
    ("code", '''import (
	"fmt"

	"eqpo/lib/fairness"
	"eqpo/lib/report"
)

%%
_, runs := load("ablations", "modalities")
mods := []string{"xray", "ct", "dermoscopy", "mammography", "ultrasound"}
series := map[string][]float64{}
order := []string{}
for _, v := range []string{"all", "only"} {
	for _, m := range []string{"grpo", "eqpo"} {
		key := fmt.Sprintf("%s %s", m, v)
		order = append(order, key)
		for _, mod := range mods {
			var x []float64
			for _, r := range runs {
				if r.Method != m || !(r.Variant == "all" && v == "all" || r.Variant == "only_"+mod && v == "only") {
					continue
				}
				s, n := 0.0, 0.0
				for _, d := range r.Datasets {
					if d.Modality == mod && d.Valid {
						s, n = s+d.DeltaF1, n+1
					}
				}
				if n > 0 {
					x = append(x, s/n)
				}
			}
			mean, _ := fairness.MeanStd(x)
			series[key] = append(series[key], mean)
		}
	}
}
show(report.Snippet(report.GroupBars("Delta_F1 per modality: trained on all vs on that modality only", "Delta_F1", mods, series, order)))'''),
])

notebook("06-teach-fair-rl", [
    ("md", "# Fairness-aware RL, step by step\n\nA teaching notebook. We take **one small batch** from a warm-started policy and follow it through: sampled answers and rewards, group-relative advantages (GRPO), EQPO's three reweighting tiers, then what EQPO-ND does when demographics are hidden, and finally a short training comparison. Every number comes from the workbench's own packages (`lib/train`, `lib/rl`, `lib/cluster`)."),
    *SETUP,
    ("code", '''import (
	"fmt"
	"strings"

	"eqpo/lib/train"
)

// session is deterministic: every cell rebuilds the same warm-started policy
// (cached after the first cell) and draws the same batch.
func session(method string) *train.Session {
	spec := train.DefaultSpec()
	spec.Method = method
	spec.Scale = 0.5
	spec.PromptsPerStep = 32
	spec.PretrainMajority, spec.PretrainSteps = 0.98, 150
	s, err := train.NewSession(spec, filepath.Join(os.TempDir(), "eqpo-teach-cache"))
	if err != nil {
		panic(err)
	}
	return s
}'''),
    ("md", "## 1. Rollouts and rewards\n\nFor each prompt (an image + features from one benchmark) the policy samples **G = 8 answers**. Each answer is a set of labels; its reward is the F1 between the predicted and the true label set (1 or 0 for single-label tasks), the authors' accuracy reward. Here are the first six prompts of the batch:"),
    ("code", '''%%
s := session("grpo")
b := s.Sample()
g := s.Spec().G
var out strings.Builder
out.WriteString("| prompt | dataset | group | truth | 8 sampled answers | rewards |\\n|---|---|---|---|---|---|\\n")
for q := 0; q < 6; q++ {
	r0 := b.Rollouts[q*g]
	cls := s.Classes(r0.Dataset)
	name := func(ls []int) string {
		var n []string
		for _, l := range ls {
			n = append(n, cls[l])
		}
		return "{" + strings.Join(n, ",") + "}"
	}
	var ans, rew []string
	for i := q * g; i < (q+1)*g; i++ {
		ans = append(ans, name(b.Answers[i]))
		rew = append(rew, fmt.Sprintf("%.2f", b.Rollouts[i].Reward))
	}
	fmt.Fprintf(&out, "| %d | %s | %s | %s | %s | %s |\\n", q, r0.Dataset, r0.Group, name(b.Truth[q*g]), strings.Join(ans, " "), strings.Join(rew, " "))
}
gonbui.DisplayMarkdown(out.String())'''),
    ("md", "## 2. Group-relative advantages (GRPO)\n\nGRPO compares each answer with its siblings: `A_i = (r_i - mean(r)) / (std(r) + eps)`. Answers better than their group's average are pushed up, worse ones down. A prompt whose 8 answers all get the same reward teaches nothing."),
    ("code", '''import "eqpo/lib/rl"

%%
s := session("grpo")
b := s.Sample()
g := s.Spec().G
for q := 0; q < 6; q++ {
	var r []float64
	for i := q * g; i < (q+1)*g; i++ {
		r = append(r, b.Rollouts[i].Reward)
	}
	fmt.Printf("prompt %d  rewards %v\\n          advantages %.2f\\n", q, r, rl.GroupRelative(r, true, 1e-6))
}'''),
    ("md", "## 3. EQPO's three tiers\n\nEQPO divides every advantage by `T_d · sqrt(N_g) · mu_g` and renormalises the batch. **Representation** (`sqrt(N_g)`): groups that have had fewer questions weigh more. **Difficulty** (`mu_g`): groups with a lower mean reward weigh more. **Source** (`T_d = sqrt(N_d) mu_d`): the same at the level of the dataset. The chart shows the divisor per (dataset, group) cell for this batch under each tier alone and all three together: a lower bar means the cell is up-weighted."),
    ("code", '''import (
	"sort"

	"eqpo/lib/report"
)

%%
s := session("eqpo")
b := s.Sample()
type tier struct {
	name          string
	rep, diff, src bool
}
tiers := []tier{{"representation", true, false, false}, {"difficulty", false, true, false}, {"source", false, false, true}, {"all three (EQPO)", true, true, true}}
series := map[string][]float64{}
var cells []string
var order []string
for i, t := range tiers {
	cfg := rl.DefaultConfig(rl.MethodEQPO)
	cfg.Representation, cfg.Difficulty, cfg.Source = t.rep, t.diff, t.src
	info := rl.New(cfg).Advantages(b.Rollouts).Info
	if i == 0 {
		for c := range info.Factors {
			if strings.HasPrefix(c, "ham10000/") || strings.HasPrefix(c, "hemorrhage/") {
				cells = append(cells, c)
			}
		}
		sort.Strings(cells)
	}
	for _, c := range cells {
		series[t.name] = append(series[t.name], info.Factors[c])
	}
	order = append(order, t.name)
}
show(report.Snippet(report.GroupBars("EQPO divisor per (dataset, group) cell, one batch", "divisor (lower = up-weighted)", cells, series, order)))'''),
    ("md", "## 4. When demographics are hidden: EQPO-ND\n\nWithout demographic labels EQPO-ND clusters each dataset's questions by their reward pattern (here: the sorted vector of the 8 rewards) and lets the clusters play the role of groups. Do the clusters line up with the hidden sex x age groups? Below: ten batches of CheXpert questions projected with PCA, coloured by cluster and by the true (masked) group, with ARI and NMI."),
    ("code", '''import (
	"eqpo/lib/cluster"
)

%%
s := session("eqpo_nd")
est := rl.New(rl.DefaultConfig(rl.MethodEQPOND))
rows := map[string][]float64{}
truth := map[string]string{}
var last *rl.StepInfo
for step := 0; step < 10; step++ {
	b := s.Sample()
	for _, r := range b.Rollouts {
		if r.Dataset == "chexpert" {
			rows[r.UID] = append(rows[r.UID], r.Reward)
			truth[r.UID] = r.TrueGroup
		}
	}
	last = est.Advantages(b.Rollouts).Info
}
ci := last.Clusters["chexpert"]
var x [][]float64
var byCluster, byGroup []string
var a, c []int
gid := map[string]int{}
for i, uid := range ci.UIDs {
	v := append([]float64(nil), rows[uid]...)
	sort.Float64s(v)
	x = append(x, v)
	byCluster = append(byCluster, fmt.Sprintf("cluster %d", ci.Labels[i]))
	byGroup = append(byGroup, truth[uid])
	if _, ok := gid[truth[uid]]; !ok {
		gid[truth[uid]] = len(gid)
	}
	a, c = append(a, gid[truth[uid]]), append(c, ci.Labels[i])
}
fmt.Printf("%d CheXpert questions, k = %d, ARI = %.3f, NMI = %.3f\\n", len(x), ci.K, cluster.ARI(a, c), cluster.NMI(a, c))
for _, view := range []struct {
	title  string
	labels []string
}{{"CheXpert questions coloured by cluster", byCluster}, {"The same questions coloured by the hidden sex x age group", byGroup}} {
	chart, err := report.ClusterScatter(view.title, x, view.labels)
	if err != nil {
		panic(err)
	}
	show(report.Snippet(chart))
}'''),
    ("md", "Reward patterns separate *how hard a question is for the current policy*; they can line up with demographics only as far as difficulty differs between groups. ARI and NMI above measure that alignment for this one batch history (0 = chance, 1 = identical partitions); the ablation notebook `04-clustering-k` measures it over whole runs and seeds."),
    ("md", "## 5. A short training comparison\n\n100 steps of GRPO and of EQPO from the same warm start, evaluated greedily on the test split."),
    ("code", '''import (
	"context"

	"eqpo/lib/fairness"
)

%%
labels := []string{}
rows := []fairness.Columns{}
for i, m := range []string{"grpo", "eqpo"} {
	spec := train.DefaultSpec()
	spec.Method, spec.Scale, spec.Steps, spec.EvalEvery = m, 0.5, 100, 50
	spec.PretrainMajority, spec.PretrainSteps = 0.98, 150
	met, err := train.Run(context.Background(), spec, train.Options{Out: filepath.Join(os.TempDir(), "eqpo-teach", m), Force: true,
		CacheDir: filepath.Join(os.TempDir(), "eqpo-teach-cache")})
	if err != nil {
		panic(err)
	}
	if i == 0 {
		labels, rows = append(labels, "base"), append(rows, met.Base.Overall)
	}
	labels, rows = append(labels, m), append(rows, met.Final.Overall)
}
var out strings.Builder
report.WriteColumnsMarkdown(&out, labels, rows...)
gonbui.DisplayMarkdown(out.String())'''),
    ("md", "One seed and 100 steps prove nothing: the committed multi-seed results with p-values are in `02-reproduce-tables` and `experiments/README.md`."),
])
print("wrote notebooks")
