package policy

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

type Node = graph.Node

// Head is one benchmark's output block.
type Head struct {
	Name       string `json:"name"`
	Classes    int    `json:"classes"`
	MultiLabel bool   `json:"multi_label"`
}

// Config describes the classifier. Hyperparameters are passed in, never read
// from flags.
type Config struct {
	Arch      string `json:"arch"`       // "mlp" (default) or "cnn"
	Hidden    []int  `json:"hidden"`     // trunk widths (default [128, 128])
	InputDim  int    `json:"input_dim"`  // length of the padded input
	ImageSide int    `json:"image_side"` // cnn: the last ImageSide^2 inputs are a 1-channel image
	Heads     []Head `json:"heads"`
}

// K is the total output width (all heads side by side).
func (c Config) K() int {
	k := 0
	for _, h := range c.Heads {
		k += h.Classes
	}
	return k
}

// Offset returns the first output column of head i.
func (c Config) Offset(i int) int {
	o := 0
	for _, h := range c.Heads[:i] {
		o += h.Classes
	}
	return o
}

// Validate checks the config.
func (c Config) Validate() error {
	switch {
	case c.Arch != "mlp" && c.Arch != "cnn":
		return fmt.Errorf("policy.arch: want mlp or cnn, got %q", c.Arch)
	case c.InputDim < 1:
		return fmt.Errorf("policy.input_dim: must be >= 1")
	case len(c.Heads) == 0:
		return fmt.Errorf("policy.heads: none")
	case c.Arch == "cnn" && (c.ImageSide < 2 || c.ImageSide*c.ImageSide > c.InputDim):
		return fmt.Errorf("policy.image_side: %d does not fit input_dim %d", c.ImageSide, c.InputDim)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("policy.hidden: widths must be >= 1, got %v", c.Hidden)
		}
	}
	return nil
}

// Inputs are a batch of prompts: X [B, InputDim], HeadMask [B, K] (1 on the
// prompt's head), Multi [B] (1 where the head is multi-label); all float32.
type Inputs struct{ X, HeadMask, Multi *Node }

// Policy is what the trainer and the loss need from a model. Answers are
// [B, G, K] float32 0/1 label indicators (a token-level policy would use
// token ids); log-probs and masks are per token, [B, G, T].
type Policy interface {
	// Sample draws g answers per prompt with the store's in-graph RNG.
	Sample(s *model.Scope, in Inputs, g int) *Node
	// Greedy returns the most likely answer per prompt, [B, K].
	Greedy(s *model.Scope, in Inputs) *Node
	// TokenLogProbs returns log pi(token), the token mask and the per-token
	// entropy of the given answers, each [B, G, T].
	TokenLogProbs(s *model.Scope, in Inputs, answers *Node) (logp, mask, entropy *Node)
}

// Classifier is the fast default policy.
type Classifier struct{ Cfg Config }

// Logits maps prompts to [B, K] logits: the trunk, then all heads at once.
func (c Classifier) Logits(s *model.Scope, x *Node) *Node {
	b := x.Shape().Dimensions[0]
	h := x
	if c.Cfg.Arch == "cnn" {
		side := c.Cfg.ImageSide
		nFeat := c.Cfg.InputDim - side*side
		img := graph.Reshape(graph.Slice(x, graph.AxisRange(), graph.AxisRange(nFeat, c.Cfg.InputDim)), b, side, side, 1)
		img = activation.Relu(layers.Convolution(s.In("conv0"), img).Filters(8).KernelSize(3).PadSame().Done())
		img = activation.Relu(layers.Convolution(s.In("conv1"), img).Filters(8).KernelSize(3).PadSame().Done())
		img = graph.Reshape(img, b, side*side*8)
		if nFeat > 0 {
			h = graph.Concatenate([]*Node{graph.Slice(x, graph.AxisRange(), graph.AxisRange(0, nFeat)), img}, -1)
		} else {
			h = img
		}
	}
	for i, w := range c.Cfg.Hidden {
		h = activation.Relu(layers.DenseWithBias(s.In("h%d", i), h, w))
	}
	logits := layers.DenseWithBias(s.In("heads"), h, c.Cfg.K())
	logits.AssertDims(b, c.Cfg.K())
	return logits
}

// broadcastG repeats a [B, ...] node to [B, G, ...].
func broadcastG(x *Node, g int) *Node {
	dims := append([]int{x.Shape().Dimensions[0], g}, x.Shape().Dimensions[1:]...)
	return graph.BroadcastToDims(graph.InsertAxes(x, 1), dims...)
}

func (c Classifier) Sample(s *model.Scope, in Inputs, g int) *Node {
	logits := graph.StopGradient(c.Logits(s, in.X))
	b, k := logits.Shape().Dimensions[0], logits.Shape().Dimensions[1]
	gr := logits.Graph()
	lg, mask := broadcastG(logits, g), broadcastG(in.HeadMask, g)
	u := graph.ClipScalar(s.RandomUniform(gr, shapes.Make(dtypes.Float32, b, g, k)), 1e-7, 1-1e-7)
	// Single-label: Gumbel-max over the head's logits.
	gumbel := graph.Neg(graph.Log(graph.Neg(graph.Log(u))))
	masked := graph.Where(graph.GreaterThan(mask, graph.ScalarZero(gr, dtypes.Float32)), graph.Add(lg, gumbel), graph.Infinity(gr, dtypes.Float32, -1))
	single := graph.OneHot(graph.ArgMax(masked, -1, dtypes.Int32), k, dtypes.Float32)
	// Multi-label: class c is in the set when u < sigmoid(logit).
	multi := graph.Mul(graph.ConvertDType(graph.LessThan(u, graph.Sigmoid(lg)), dtypes.Float32), mask)
	isMulti := graph.BroadcastToDims(graph.Reshape(in.Multi, b, 1, 1), b, g, k)
	return graph.Where(graph.GreaterThan(isMulti, graph.ScalarZero(gr, dtypes.Float32)), multi, single)
}

func (c Classifier) Greedy(s *model.Scope, in Inputs) *Node {
	logits := c.Logits(s, in.X)
	k := logits.Shape().Dimensions[1]
	gr := logits.Graph()
	on := graph.GreaterThan(in.HeadMask, graph.ScalarZero(gr, dtypes.Float32))
	single := graph.OneHot(graph.ArgMax(graph.Where(on, logits, graph.Infinity(gr, dtypes.Float32, -1)), -1, dtypes.Int32), k, dtypes.Float32)
	multi := graph.Mul(graph.ConvertDType(graph.GreaterThan(logits, graph.ScalarZero(gr, dtypes.Float32)), dtypes.Float32), in.HeadMask)
	return graph.Where(graph.GreaterThan(graph.BroadcastToDims(graph.InsertAxes(in.Multi, -1), logits.Shape().Dimensions...), graph.ScalarZero(gr, dtypes.Float32)), multi, single)
}

// TokenLogProbs: T = K. Single-label prompts have one token (position 0)
// holding log softmax over the head at the chosen class; multi-label prompts
// have one Bernoulli token per class of the head.
func (c Classifier) TokenLogProbs(s *model.Scope, in Inputs, answers *Node) (logp, mask, entropy *Node) {
	logits := c.Logits(s, in.X)
	b, k := logits.Shape().Dimensions[0], logits.Shape().Dimensions[1]
	g := answers.Shape().Dimensions[1]
	answers.AssertDims(b, g, k)
	gr := logits.Graph()
	zero := graph.ScalarZero(gr, dtypes.Float32)
	on := graph.GreaterThan(in.HeadMask, zero)

	// Single-label: one token.
	logSoft := graph.MaskedLogSoftmax(logits, on, -1)
	logSoftSafe := graph.Where(on, logSoft, graph.ZerosLike(logSoft))               // -inf off-head -> 0 so 0*x is 0
	singleLp := graph.ReduceSum(graph.Mul(answers, broadcastG(logSoftSafe, g)), -1) // [B,G]
	p := graph.Exp(logSoftSafe)
	singleEnt := graph.Neg(graph.ReduceSum(graph.Mul(graph.Mul(p, logSoftSafe), in.HeadMask), -1)) // [B]
	first := graph.OneHot(graph.ScalarZero(gr, dtypes.Int32), k, dtypes.Float32)                   // [K]
	firstB := graph.BroadcastToDims(graph.Reshape(first, 1, 1, k), b, g, k)
	singleTok := graph.Mul(graph.InsertAxes(singleLp, -1), firstB)
	singleEntTok := graph.Mul(broadcastG(graph.InsertAxes(singleEnt, -1), g), firstB)

	// Multi-label: log sigmoid(z) if in the set, log(1 - sigmoid(z)) if not.
	lg := broadcastG(logits, g)
	logPos, logNeg := graph.Neg(graph.Softplus(graph.Neg(lg))), graph.Neg(graph.Softplus(lg))
	multiTok := graph.Add(graph.Mul(answers, logPos), graph.Mul(graph.OneMinus(answers), logNeg))
	sig := graph.Sigmoid(lg)
	multiEnt := graph.Neg(graph.Add(graph.Mul(sig, logPos), graph.Mul(graph.OneMinus(sig), logNeg)))

	isMulti := graph.GreaterThan(graph.BroadcastToDims(graph.Reshape(in.Multi, b, 1, 1), b, g, k), zero)
	headMaskG := broadcastG(in.HeadMask, g)
	mask = graph.Where(isMulti, headMaskG, firstB)
	logp = graph.Mul(graph.Where(isMulti, multiTok, singleTok), mask)
	entropy = graph.Mul(graph.Where(isMulti, multiEnt, singleEntTok), mask)
	return logp, mask, entropy
}
