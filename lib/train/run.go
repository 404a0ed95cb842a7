package train

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/ml/model"

	"eqpo/lib/backend"
	"eqpo/lib/cluster"
	"eqpo/lib/data"
	"eqpo/lib/fairness"
	"eqpo/lib/rl"
)

// Options are how a run is driven, not what it computes (that is the Spec).
type Options struct {
	Out      string    // run directory
	Resume   bool      // continue from the newest valid checkpoint in Out
	Force    bool      // overwrite a finished run directory
	CacheDir string    // warm-start cache (default: <parent of Out>/.sft-cache)
	Progress io.Writer // progress output (nil: none)
	Terminal bool      // Progress is a terminal: one self-rewriting line
	// testOnlyStopAfter, when > 0, makes Run return after that many steps
	// without saving, as if the process had been killed (tests only).
	testOnlyStopAfter int
}

// ErrInterrupted is returned when the context is cancelled (SIGINT/SIGTERM
// in the command); a checkpoint was saved first.
var ErrInterrupted = errors.New("train: interrupted; checkpoint saved, continue with -resume")

const doneFile = "DONE"

// Run trains one run and returns its metrics.
func Run(ctx context.Context, spec Spec, opt Options) (*Metrics, error) {
	// --- Resolve the spec and the run directory.
	if opt.Resume {
		raw, err := os.ReadFile(filepath.Join(opt.Out, "spec.json"))
		if err != nil {
			return nil, fmt.Errorf("resume: %v", err)
		}
		spec = Spec{}
		if err := json.Unmarshal(raw, &spec); err != nil {
			return nil, fmt.Errorf("resume: %s/spec.json: %v", opt.Out, err)
		}
	}
	if err := spec.Resolve(); err != nil {
		return nil, err
	}
	if err := prepareRunDir(spec, opt); err != nil {
		return nil, err
	}
	if opt.Resume {
		if _, err := os.Stat(filepath.Join(opt.Out, doneFile)); err == nil {
			return readMetrics(opt.Out)
		}
	}

	r, err := newRunner(spec, opt)
	if err != nil {
		return nil, err
	}
	if err := r.restoreOrStart(); err != nil {
		return nil, err
	}

	// --- The loop: rollouts -> rewards -> advantages -> update -> log.
	for r.st.Step < spec.Steps {
		if err := ctx.Err(); err != nil {
			if err := r.checkpoint(); err != nil {
				return nil, err
			}
			return nil, ErrInterrupted
		}
		if opt.testOnlyStopAfter > 0 && r.st.Step >= opt.testOnlyStopAfter {
			return nil, ErrInterrupted
		}
		t0 := time.Now()
		prompts := r.nextPrompts()
		answers, oldLogp, stats := r.sampleAnswers(prompts)
		rollouts := r.score(prompts, answers, &stats)
		t1 := time.Now()
		step := r.est.Advantages(rollouts)
		weights := r.sampleWeights(rollouts)
		advDur := time.Since(t1)
		r.updatePolicy(prompts, answers, oldLogp, step.Adv, weights, &stats)
		r.st.Accum.add(stats)
		r.lastInfo = step.Info
		r.st.Step++
		r.timing(time.Since(t0), advDur)
		if r.st.Step%spec.EvalEvery == 0 || r.st.Step == spec.Steps {
			if err := r.evaluateAndLog(); err != nil {
				return nil, err
			}
		}
		if r.st.Step%spec.CheckpointEvery == 0 || r.st.Step == spec.Steps {
			if err := r.checkpoint(); err != nil {
				return nil, err
			}
		}
		r.progress(false)
	}
	r.progress(true)
	return r.finish()
}

// newRunner prepares the data, the backend and the policy (warm-started
// from the cache, or from scratch), the estimator and Group-DRO.
func newRunner(spec Spec, opt Options) (*runner, error) {
	p, err := prepare(spec)
	if err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	pc := policyConfig(spec, p)
	if err := pc.Validate(); err != nil {
		return nil, err
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(spec.Seed)); err != nil {
		return nil, err
	}
	if spec.Init == "sft" {
		cache := opt.CacheDir
		if cache == "" {
			cache = filepath.Join(filepath.Dir(filepath.Clean(opt.Out)), ".sft-cache")
		}
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, err
		}
		dir := filepath.Join(cache, "sft-"+pretrainKey(spec, pc))
		if verifyManifest(dir) != nil {
			os.RemoveAll(dir)
			if err := pretrain(be, spec, p, pc, dir); err != nil {
				return nil, fmt.Errorf("warm start: %v", err)
			}
		}
		if err := loadCheckpointDir(store, dir); err != nil {
			return nil, fmt.Errorf("warm start %s: %v", dir, err)
		}
	}
	r := &runner{spec: spec, opt: opt, p: p, eng: newEngine(be, store, spec, pc), est: rl.New(spec.RL)}
	if spec.Method == string(rl.MethodGRPODRO) {
		r.dro = &rl.GroupDRO{Eta: spec.RL.DROStep}
	}
	if len(p.test) == 0 || len(p.train) == 0 {
		return nil, fmt.Errorf("bench: %s has an empty train or test split", spec.Bench)
	}
	first := encode(p.test[:1], 1, p, false)
	r.eng.greedy.MustCall(first.x, first.headMask, first.multi)[0].FinalizeAll() // creates (or binds) the variables
	if spec.Loss.KLCoef > 0 {
		if err := freezeReference(store); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// runner is the state of one run in memory.
type runner struct {
	spec     Spec
	opt      Options
	p        *prepared
	eng      *engine
	est      rl.Estimator
	dro      *rl.GroupDRO
	st       runState
	order    []int
	lastInfo *rl.StepInfo
	lastEval *TrajectoryLine
	started  time.Time
	startAt  int
	timings  *os.File
}

func prepareRunDir(spec Spec, opt Options) error {
	if opt.Out == "" {
		return fmt.Errorf("out: a run directory is required")
	}
	if !opt.Resume {
		if _, err := os.Stat(filepath.Join(opt.Out, doneFile)); err == nil && !opt.Force {
			return fmt.Errorf("out: %s holds a finished run; pass -force to overwrite it or choose another -out", opt.Out)
		}
		if entries, _ := os.ReadDir(opt.Out); len(entries) > 0 {
			if !opt.Force {
				return fmt.Errorf("out: %s is not empty (an interrupted run? use -resume %s, or -force to start over)", opt.Out, opt.Out)
			}
			if err := os.RemoveAll(opt.Out); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(opt.Out, "checkpoints"), 0o755); err != nil {
		return err
	}
	raw, _ := json.MarshalIndent(spec, "", "  ")
	return writeFileAtomic(filepath.Join(opt.Out, "spec.json"), append(raw, '\n'))
}

// restoreOrStart loads the newest valid checkpoint (resume) or evaluates the
// starting policy as step 0 (the "base" row).
func (r *runner) restoreOrStart() error {
	traj := filepath.Join(r.opt.Out, "trajectory.jsonl")
	r.started = time.Now()
	if r.opt.Resume {
		dir, st, skipped := latestValidCheckpoint(r.opt.Out)
		for _, s := range skipped {
			r.logf("resume: skipping checkpoint %s", s)
		}
		if dir != "" {
			if err := loadCheckpointDir(r.eng.store, dir); err != nil {
				return fmt.Errorf("resume from %s: %v", dir, err)
			}
			if r.spec.Loss.KLCoef > 0 {
				if err := freezeReference(r.eng.store); err != nil {
					return err
				}
			}
			if err := r.est.UnmarshalState(st.Estimator); err != nil {
				return fmt.Errorf("resume: estimator state: %v", err)
			}
			if st.DRO != nil {
				r.dro = st.DRO
			}
			r.st = *st
			r.startAt = st.Step
			if err := os.Truncate(traj, st.TrajectoryBytes); err != nil {
				return fmt.Errorf("resume: trajectory.jsonl: %v", err)
			}
			r.logf("resume: continuing %s from step %d (%s)", r.spec.Name, st.Step, filepath.Base(dir))
			r.order = r.permutation(r.st.Epoch)
			return nil
		}
		r.logf("resume: no valid checkpoint in %s; starting from step 0", r.opt.Out)
	}
	if err := os.WriteFile(traj, nil, 0o644); err != nil {
		return err
	}
	r.st = runState{}
	r.order = r.permutation(0)
	return r.evaluateAndLog()
}

// permutation is the data order of an epoch: a function of (seed, epoch).
func (r *runner) permutation(epoch int) []int {
	return rand.New(rand.NewPCG(r.spec.Seed, uint64(epoch)+0x0de7)).Perm(len(r.p.train))
}

// nextPrompts takes the next PromptsPerStep training items in data order.
func (r *runner) nextPrompts() []item {
	out := make([]item, r.spec.PromptsPerStep)
	for i := range out {
		if r.st.Pos >= len(r.order) {
			r.st.Epoch++
			r.st.Pos = 0
			r.order = r.permutation(r.st.Epoch)
		}
		out[i] = r.p.train[r.order[r.st.Pos]]
		r.st.Pos++
	}
	return out
}

// sampleAnswers draws G answers per prompt with the in-graph RNG.
func (r *runner) sampleAnswers(prompts []item) (answers, oldLogp []float32, stats trainAccum) {
	b := encode(prompts, len(prompts), r.p, false)
	out := r.eng.rollout.MustCall(b.x, b.headMask, b.multi)
	answers, oldLogp = flatFloats(out[0]), flatFloats(out[1])
	out[0].FinalizeAll()
	out[1].FinalizeAll()
	return answers, oldLogp, stats
}

// score turns answers into rewards (set-F1) and rollouts for the estimator.
func (r *runner) score(prompts []item, answers []float32, stats *trainAccum) []rl.Rollout {
	g, k := r.spec.G, len(answers)/(len(prompts)*r.spec.G)
	rolls := make([]rl.Rollout, 0, len(prompts)*g)
	sum, zeroStd := 0.0, 0
	for pi, it := range prompts {
		first := -1.0
		allEqual := true
		var feat []float64
		if r.spec.RL.ClusterFeatures == "input" || r.spec.RL.ClusterFeatures == "reward+input" {
			for _, v := range it.s.Input() {
				feat = append(feat, float64(v))
			}
		}
		for gi := 0; gi < g; gi++ {
			row := answers[(pi*g+gi)*k : (pi*g+gi+1)*k]
			rew := rl.AccuracyReward(rl.Completion{Labels: labelsFrom(row, it, r.p)}, it.s.Labels)
			if gi == 0 {
				first = rew
			} else if rew != first {
				allEqual = false
			}
			sum += rew
			rolls = append(rolls, rl.Rollout{UID: fmt.Sprintf("s%d-q%d", r.st.Step, pi), Dataset: r.p.heads[it.bench].Name,
				Group: it.group, TrueGroup: it.trueGroup, Reward: rew, Features: feat})
		}
		if allEqual {
			zeroStd++
		}
	}
	stats.RewardMean = sum / float64(len(rolls))
	stats.ZeroStdFrac = float64(zeroStd) / float64(len(prompts))
	return rolls
}

// sampleWeights are Group-DRO's weights, or 1.
func (r *runner) sampleWeights(rolls []rl.Rollout) []float64 {
	if r.dro != nil {
		return r.dro.Weights(rolls)
	}
	w := make([]float64, len(rolls))
	for i := range w {
		w[i] = 1
	}
	return w
}

// updatePolicy runs MiniBatches clipped policy-gradient updates over the
// step's prompts (the authors' ppo_mini_batch_size).
func (r *runner) updatePolicy(prompts []item, answers, oldLogp []float32, adv, weights []float64, stats *trainAccum) {
	g := r.spec.G
	per := len(prompts) / r.spec.MiniBatches
	k := len(answers) / (len(prompts) * g)
	var acc trainAccum
	for m := 0; m < r.spec.MiniBatches; m++ {
		lo, hi := m*per, (m+1)*per
		b := encode(prompts[lo:hi], per, r.p, false)
		a := make([]float32, per*g)
		w := make([]float32, per*g)
		for i := range a {
			a[i] = float32(adv[lo*g+i])
			w[i] = float32(weights[lo*g+i])
			if math.IsNaN(adv[lo*g+i]) { // authors-exact can produce NaN: such samples do not learn
				a[i], w[i] = 0, 0
			}
		}
		out := r.eng.update.MustCall(b.x, b.headMask, b.multi,
			tensorOf(answers[lo*g*k:hi*g*k], per, g, k), tensorOf(oldLogp[lo*g*k:hi*g*k], per, g, k),
			tensorOf(a, per, g), tensorOf(w, per, g))
		acc.Loss += mustScalar(out[0])
		acc.PGLoss += mustScalar(out[1])
		acc.KL += mustScalar(out[2])
		acc.Entropy += mustScalar(out[3])
		acc.ClipFrac += mustScalar(out[4])
		for _, t := range out {
			t.FinalizeAll()
		}
	}
	n := float64(r.spec.MiniBatches)
	stats.Loss, stats.PGLoss, stats.KL, stats.Entropy, stats.ClipFrac = acc.Loss/n, acc.PGLoss/n, acc.KL/n, acc.Entropy/n, acc.ClipFrac/n
}

// evalBatch is the fixed evaluation batch size (the last batch is padded).
const evalBatch = 256

// evaluate answers every test prompt greedily and scores the answers.
func (r *runner) evaluate() (*fairness.Report, []fairness.Prediction) {
	var preds []fairness.Prediction
	for lo := 0; lo < len(r.p.test); lo += evalBatch {
		hi := min(lo+evalBatch, len(r.p.test))
		b := encode(r.p.test[lo:hi], evalBatch, r.p, false)
		out := r.eng.greedy.MustCall(b.x, b.headMask, b.multi)
		ans := flatFloats(out[0])
		out[0].FinalizeAll()
		k := len(ans) / evalBatch
		for i, it := range r.p.test[lo:hi] {
			bench := r.p.suite.Benchmarks[it.bench]
			names := func(idx []int) []string {
				s := make([]string, len(idx))
				for j, c := range idx {
					s[j] = bench.Classes[c]
				}
				return s
			}
			preds = append(preds, fairness.Prediction{ID: it.s.ID, Dataset: bench.Name, Demo: fairness.DemoMap(it.s),
				Labels: names(it.s.Labels), Pred: names(labelsFrom(ans[i*k:(i+1)*k], it, r.p))})
		}
	}
	return fairness.EvaluatePredictions(preds, r.evalAttrs(), r.spec.MinGroup), preds
}

func (r *runner) evalAttrs() []data.Attr {
	if len(r.spec.EvalAttrs) > 0 {
		return attrsOf(r.spec.EvalAttrs)
	}
	return fairness.DefaultAttrs
}

// evaluateAndLog appends one trajectory line.
func (r *runner) evaluateAndLog() error {
	rep, _ := r.evaluate()
	line := &TrajectoryLine{Step: r.st.Step, Eval: rep, Train: r.st.Accum.mean()}
	if info := r.lastInfo; info != nil {
		line.Factors = info.Factors
		line.Clusters = map[string]ClusterLog{}
		if r.st.PrevClusters == nil {
			r.st.PrevClusters = map[string]map[string]int{}
		}
		for d, c := range info.Clusters {
			cl := ClusterLog{ClusterInfo: c, Stability: -1}
			prev := r.st.PrevClusters[d]
			cur := map[string]int{}
			var a, b []int
			for i, uid := range c.UIDs {
				cur[uid] = c.Labels[i]
				if pl, ok := prev[uid]; ok {
					a, b = append(a, pl), append(b, c.Labels[i])
				}
			}
			if len(a) > 1 {
				cl.Stability = cluster.Stability(a, b)
			}
			r.st.PrevClusters[d] = cur
			line.Clusters[d] = cl
		}
	}
	r.st.Accum = trainAccum{}
	r.lastEval = line
	raw, err := json.Marshal(line)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(r.opt.Out, "trajectory.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.Write(raw)
	w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, err := os.Stat(filepath.Join(r.opt.Out, "trajectory.jsonl"))
	if err != nil {
		return err
	}
	r.st.TrajectoryBytes = st.Size()
	return nil
}

// checkpoint saves the store and the run state into checkpoints/step-N.
func (r *runner) checkpoint() error {
	est, err := r.est.MarshalState()
	if err != nil {
		return err
	}
	r.st.Estimator = est
	r.st.DRO = r.dro
	dir := filepath.Join(r.opt.Out, "checkpoints", fmt.Sprintf("step-%06d", r.st.Step))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := saveCheckpointDir(r.eng.store, dir); err != nil {
		return err
	}
	raw, err := json.Marshal(&r.st)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "state.json"), raw); err != nil {
		return err
	}
	if err := writeManifest(dir); err != nil {
		return err
	}
	pruneCheckpoints(r.opt.Out, r.spec.KeepCheckpoints)
	return nil
}

// finish writes metrics.json and predictions.jsonl and marks the run done.
func (r *runner) finish() (*Metrics, error) {
	rep, preds := r.evaluate()
	base, err := firstReport(filepath.Join(r.opt.Out, "trajectory.jsonl"))
	if err != nil {
		return nil, err
	}
	m := &Metrics{Name: r.spec.Name, Method: r.spec.Method, Seed: r.spec.Seed, Steps: r.spec.Steps, Final: rep, Base: base}
	raw, _ := json.MarshalIndent(m, "", " ")
	if err := writeFileAtomic(filepath.Join(r.opt.Out, "metrics.json"), raw); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(r.opt.Out, "predictions.jsonl"))
	if err != nil {
		return nil, err
	}
	if err := fairness.WritePredictions(f, preds); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if r.timings != nil {
		r.timings.Close()
	}
	return m, os.WriteFile(filepath.Join(r.opt.Out, doneFile), []byte("finished\n"), 0o644)
}

func firstReport(traj string) (*fairness.Report, error) {
	f, err := os.Open(traj)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("%s: empty", traj)
	}
	var l TrajectoryLine
	if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
		return nil, fmt.Errorf("%s:1: %v", traj, err)
	}
	return l.Eval, nil
}

func readMetrics(dir string) (*Metrics, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return nil, err
	}
	var m Metrics
	return &m, json.Unmarshal(raw, &m)
}

// timing appends step timings to timing.jsonl (kept out of trajectory.jsonl,
// which must be bit-identical across runs).
func (r *runner) timing(step, adv time.Duration) {
	if r.timings == nil {
		f, err := os.OpenFile(filepath.Join(r.opt.Out, "timing.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return
		}
		r.timings = f
	}
	fmt.Fprintf(r.timings, "{\"step\":%d,\"step_s\":%.6f,\"advantage_s\":%.6f}\n", r.st.Step, step.Seconds(), adv.Seconds())
}

func (r *runner) logf(format string, a ...any) {
	if r.opt.Progress != nil {
		fmt.Fprintf(r.opt.Progress, format+"\n", a...)
	}
}

// progress prints the step, speed, ETA, mean reward and the latest F1 and
// F1 gap: a rewriting line on a terminal, a plain line every EvalEvery
// steps otherwise.
func (r *runner) progress(final bool) {
	w := r.opt.Progress
	if w == nil {
		return
	}
	if !r.opt.Terminal && (final || r.st.Step%r.spec.EvalEvery != 0) {
		return // plain lines: one per evaluation; the last one was already printed
	}
	done := r.st.Step - r.startAt
	el := time.Since(r.started).Seconds()
	rate := float64(done) / math.Max(el, 1e-9)
	eta := float64(r.spec.Steps-r.st.Step) / math.Max(rate, 1e-9)
	f1, gap := 0.0, 0.0
	if r.lastEval != nil {
		f1, gap = r.lastEval.Eval.Overall.F1, r.lastEval.Eval.Overall.DeltaF1
	}
	msg := fmt.Sprintf("%s step %d/%d  %.1f steps/s  ETA %.0fs  reward %.3f  F1 %.4f  Delta_F1 %.4f",
		r.spec.Name, r.st.Step, r.spec.Steps, rate, eta, r.lastEval.Train.RewardMean, f1, gap)
	if r.opt.Terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(w, "\r\033[K%s%s", msg, end)
	} else {
		fmt.Fprintln(w, msg)
	}
}
