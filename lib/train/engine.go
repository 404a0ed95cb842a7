package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"eqpo/lib/policy"
	"eqpo/lib/rl"
)

type Node = graph.Node

// engine holds the GoMLX store and the compiled step functions of a run.
type engine struct {
	be      compute.Backend
	store   *model.Store
	pol     policy.Classifier
	spec    Spec
	rollout *model.Exec // (x, headMask, multi) -> answers [B,G,K], old log-probs [B,G,K]
	update  *model.Exec // (x, headMask, multi, answers, old, adv, weight) -> loss, pg, kl, entropy, clipfrac
	greedy  *model.Exec // (x, headMask, multi) -> answers [B,K]
}

func policyConfig(s Spec, p *prepared) policy.Config {
	side := 0
	if s.Arch == "cnn" {
		side = 8 // MedFair-7 and HAM10000 images are 8x8; validated below
	}
	return policy.Config{Arch: s.Arch, Hidden: s.Hidden, InputDim: p.inputDim, ImageSide: side, Heads: p.heads}
}

func inputsOf(x, hm, mu *Node) policy.Inputs { return policy.Inputs{X: x, HeadMask: hm, Multi: mu} }

func newEngine(be compute.Backend, store *model.Store, s Spec, pc policy.Config) *engine {
	e := &engine{be: be, store: store, pol: policy.Classifier{Cfg: pc}, spec: s}
	g := s.G
	e.rollout = model.MustNewExec(be, store, func(sc *model.Scope, x, hm, mu *Node) (*Node, *Node) {
		in := inputsOf(x, hm, mu)
		answers := e.pol.Sample(sc.At("policy"), in, g)
		logp, _, _ := e.pol.TokenLogProbs(sc.At("policy"), in, answers)
		return answers, graph.StopGradient(logp)
	})
	opt := optimizer.Adam().LearningRate(s.LR).WeightDecay(s.WeightDecay).Done()
	useRef := s.Loss.KLCoef > 0
	e.update = model.MustNewExec(be, store, func(sc *model.Scope, ins []*Node) []*Node {
		x, hm, mu, answers, old, adv, w := ins[0], ins[1], ins[2], ins[3], ins[4], ins[5], ins[6]
		in := inputsOf(x, hm, mu)
		logp, mask, ent := e.pol.TokenLogProbs(sc.At("policy"), in, answers)
		dims := logp.Shape().Dimensions
		n, t := dims[0]*dims[1], dims[2]
		flat := func(v *Node) *Node { return graph.Reshape(v, n, t) }
		li := rl.LossInputs{Logp: flat(logp), OldLogp: flat(old), Mask: flat(mask), Entropy: flat(ent),
			Adv: graph.Reshape(adv, n), Weight: graph.Reshape(w, n)}
		if useRef {
			ref, _, _ := e.pol.TokenLogProbs(sc.At("ref"), in, answers)
			li.RefLogp = graph.StopGradient(flat(ref))
		}
		out := rl.PolicyLoss(li, s.Loss)
		opt.UpdateGraph(sc, x.Graph(), out.Loss)
		return []*Node{out.Loss, out.PGLoss, out.KL, out.Entropy, out.ClipFrac}
	})
	e.greedy = model.MustNewExec(be, store, func(sc *model.Scope, x, hm, mu *Node) *Node {
		return e.pol.Greedy(sc.At("policy"), inputsOf(x, hm, mu))
	})
	return e
}

// freezeReference copies /policy/* to /ref/* as non-trainable variables (the
// KL reference), or re-marks loaded /ref/* variables non-trainable: GoMLX
// brings checkpoint-loaded variables back trainable.
func freezeReference(store *model.Store) error {
	var pol []*model.Variable
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), "/policy/") {
			pol = append(pol, v)
		}
	}
	for _, v := range pol {
		rp := "/ref/" + strings.TrimPrefix(v.Path(), "/policy/")
		if rv := store.GetVariable(rp); rv != nil {
			rv.SetTrainable(false)
			continue
		}
		val, err := v.MustValue().LocalClone()
		if err != nil {
			return err
		}
		rv, err := store.CreateVariable(rp, val)
		if err != nil {
			return err
		}
		rv.SetTrainable(false)
	}
	return nil
}

// pretrainKey identifies a warm start: everything that changes its weights.
func pretrainKey(s Spec, pc policy.Config) string {
	key, _ := json.Marshal(map[string]any{
		"bench": s.Bench, "benchmarks": s.Benchmarks, "modalities": s.Modalities, "scale": s.Scale, "test_frac": s.TestFrac,
		"data_dir": s.DataDir, "climb": s.ClimbFile, "emb": s.Embeddings, "policy": pc, "steps": s.PretrainSteps,
		"batch": s.PretrainBatch, "majority": s.PretrainMajority, "lr": s.PretrainLR, "seed": s.Seed, "group_attrs": s.GroupAttrs,
	})
	h := sha256.Sum256(key)
	return hex.EncodeToString(h[:8])
}

// pretrain runs the supervised warm start and saves the policy weights as a
// GoMLX checkpoint in dir (atomically: written elsewhere, then renamed).
func pretrain(be compute.Backend, s Spec, p *prepared, pc policy.Config, dir string) error {
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(s.Seed)); err != nil {
		return err
	}
	pol := policy.Classifier{Cfg: pc}
	opt := optimizer.Adam().LearningRate(s.PretrainLR).Done()
	step := model.MustNewExec(be, store, func(sc *model.Scope, x, hm, mu, truth *Node) *Node {
		logp, mask, _ := pol.TokenLogProbs(sc.At("policy"), inputsOf(x, hm, mu), truth)
		dims := logp.Shape().Dimensions
		loss := graph.Neg(rl.Aggregate(graph.Reshape(logp, dims[0], dims[2]), graph.Reshape(mask, dims[0], dims[2]), rl.TokenMean))
		opt.UpdateGraph(sc, x.Graph(), loss)
		return loss
	})
	sampler := newPretrainSampler(p.train, len(p.heads), s.PretrainMajority, s.Seed)
	for i := 0; i < s.PretrainSteps; i++ {
		b := encode(sampler.batch(s.PretrainBatch), s.PretrainBatch, p, true)
		step.MustCall(b.x, b.headMask, b.multi, b.truth)[0].FinalizeAll()
	}
	// Keep only the policy weights: a fresh store, then a GoMLX checkpoint.
	out := model.NewStore()
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), "/policy/") {
			val, err := v.MustValue().LocalClone()
			if err != nil {
				return err
			}
			if _, err := out.CreateVariable(v.Path(), val); err != nil {
				return err
			}
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".sft-tmp-*")
	if err != nil {
		return err
	}
	h, err := checkpoint.Build(out).Dir(tmp).Keep(1).Done()
	if err != nil {
		return err
	}
	if err := h.Save(); err != nil {
		return err
	}
	if err := writeManifest(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, statErr := os.Stat(dir); statErr == nil {
			return nil // a parallel run of the same key finished first: identical weights
		}
		return err
	}
	return nil
}

// loadCheckpointDir loads every variable of a verified checkpoint directory
// into store, overwriting variables that already exist.
//
// GoMLX v0.28.2 pitfall: checkpoint.Build(store).Immediate() looks existing
// variables up by their checkpoint key (prefixed) instead of their path,
// misses them, and CreateVariable then returns the existing variable
// without setting its value: a store that already holds the variables
// silently keeps its old values. So we load into an empty store and copy.
func loadCheckpointDir(store *model.Store, dir string) error {
	if err := verifyManifest(dir); err != nil {
		return err
	}
	tmp := model.NewStore()
	if _, err := checkpoint.Build(tmp).Dir(dir).Immediate().Done(); err != nil {
		return err
	}
	for v := range tmp.IterVariables() {
		val, err := v.Value()
		if err != nil {
			return err
		}
		if cur := store.GetVariable(v.Path()); cur != nil {
			if !cur.Shape().Equal(val.Shape()) {
				return fmt.Errorf("%s: variable %s has shape %s in the checkpoint, %s in the model", dir, v.Path(), val.Shape(), cur.Shape())
			}
			if err := cur.SetValue(val); err != nil {
				return err
			}
		} else if _, err := store.CreateVariable(v.Path(), val); err != nil {
			return err
		}
	}
	return nil
}

// saveCheckpointDir writes all of store's variables to dir as a GoMLX checkpoint.
func saveCheckpointDir(store *model.Store, dir string) error {
	h, err := checkpoint.Build(store).Dir(dir).Keep(-1).Done()
	if err != nil {
		return err
	}
	return h.Save()
}

// flatFloats reads a float32 tensor's data.
func flatFloats(t *tensors.Tensor) []float32 {
	var out []float32
	tensors.MustConstFlatData[float32](t, func(f []float32) { out = append([]float32(nil), f...) })
	return out
}

func mustScalar(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("train: not a float scalar: %v", t))
}
