package train

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"

	"eqpo/lib/data"
	"eqpo/lib/policy"
	"eqpo/lib/synth"
)

// item is one prompt as the trainer sees it.
type item struct {
	s         *data.Sample
	bench     int    // index into prepared.benches
	group     string // training group key; "UNK" when masked or missing
	trueGroup string // the same key before masking (analysis only)
}

// prepared is the data side of a run, built once from the spec.
type prepared struct {
	suite    *data.Suite
	heads    []policy.Head
	offsets  []int // first output column of each head (policy.Config.Offset)
	k        int   // total output width
	inputDim int
	train    []item // after masking (and resampling for grpo_rs)
	test     []item
}

// LoadSuite builds the spec's benchmark suite, filtered by benchmark and
// modality names.
func LoadSuite(s Spec) (*data.Suite, error) {
	var suite *data.Suite
	switch s.Bench {
	case "medfair7":
		suite = synth.Generate(s.Seed, synth.Options{Scale: s.Scale})
	case "real3":
		dir, ok := data.DataDir(s.DataDir)
		if !ok {
			return nil, fmt.Errorf("data_dir: real data not found (set -data-dir or %s; data/README.md says where to download it)", data.DataDirEnv)
		}
		var err error
		if suite, err = data.RealSuite(dir, s.TestFrac, s.Seed); err != nil {
			return nil, err
		}
	case "climb":
		emb, err := data.LoadEmbeddings(s.Embeddings)
		if err != nil {
			return nil, err
		}
		bs, err := data.LoadClimb(s.ClimbFile, emb, s.TestFrac, s.Seed)
		if err != nil {
			return nil, err
		}
		suite = &data.Suite{Name: "climb", Benchmarks: bs}
	}
	keep := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	var bs []*data.Benchmark
	for _, b := range suite.Benchmarks {
		if keep(s.Benchmarks, b.Name) && keep(s.Modalities, b.Modality) {
			bs = append(bs, b)
		}
	}
	for _, n := range s.Benchmarks {
		if suite.Benchmark(n) == nil {
			return nil, fmt.Errorf("benchmarks: %q is not in suite %s", n, suite.Name)
		}
	}
	if len(bs) == 0 {
		return nil, fmt.Errorf("benchmarks/modalities: the filters leave no benchmark of suite %s", suite.Name)
	}
	suite.Benchmarks = bs
	return suite, suite.Validate()
}

func attrsOf(names []string) []data.Attr {
	var out []data.Attr
	for _, n := range names {
		if a, err := data.ParseAttr(n); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// groupKey joins the sample's keys of attrs with ","; ok is false when any
// is missing. With attrs sex, age it is the authors' "M,A3".
func groupKey(s *data.Sample, attrs []data.Attr) (string, bool) {
	parts := make([]string, 0, len(attrs))
	for _, a := range attrs {
		k, ok := data.GroupKey(s, a)
		if !ok {
			return "", false
		}
		parts = append(parts, k)
	}
	return strings.Join(parts, ","), len(parts) > 0
}

func prepare(s Spec) (*prepared, error) {
	suite, err := LoadSuite(s)
	if err != nil {
		return nil, err
	}
	p := &prepared{suite: suite, inputDim: suite.InputDim()}
	visible := map[data.Attr]bool{}
	maskAll := len(s.VisibleAttrs) == 1 && s.VisibleAttrs[0] == "none"
	for _, a := range attrsOf(s.VisibleAttrs) {
		visible[a] = true
	}
	for bi, b := range suite.Benchmarks {
		p.heads = append(p.heads, policy.Head{Name: b.Name, Classes: len(b.Classes), MultiLabel: b.MultiLabel})
		p.offsets = append(p.offsets, p.k)
		p.k += len(b.Classes)
		attrs := b.Attrs
		if len(s.GroupAttrs) > 0 {
			attrs = attrsOf(s.GroupAttrs)
		}
		var masked []data.Attr
		for _, a := range data.AllAttrs {
			if maskAll || (len(s.VisibleAttrs) > 0 && !visible[a]) {
				masked = append(masked, a)
			}
		}
		train := b.Train
		if len(masked) > 0 {
			train = data.MaskDemographics(b.Train, masked...)
		}
		for i := range train {
			it := item{s: &train[i], bench: bi, group: data.UnknownGroup}
			if k, ok := groupKey(&b.Train[i], attrs); ok {
				it.trueGroup = k
			}
			if k, ok := groupKey(&train[i], attrs); ok {
				it.group = k
			}
			p.train = append(p.train, it)
		}
		for i := range b.Test {
			it := item{s: &b.Test[i], bench: bi}
			it.trueGroup, _ = groupKey(&b.Test[i], attrs)
			p.test = append(p.test, it)
		}
	}
	if s.Method == "grpo_rs" {
		p.train = resample(p.train, s.Seed)
	}
	return p, nil
}

// resample is GRPO+RS's data balancing (the authors' balance_demographics.py):
// every (dataset, group) cell is oversampled with random duplicates to the
// size of its dataset's largest cell, then everything is shuffled.
func resample(items []item, seed uint64) []item {
	rng := rand.New(rand.NewPCG(seed, 0x7e5a))
	cells := map[int]map[string][]item{}
	for _, it := range items {
		if cells[it.bench] == nil {
			cells[it.bench] = map[string][]item{}
		}
		cells[it.bench][it.group] = append(cells[it.bench][it.group], it)
	}
	var out []item
	benches := make([]int, 0, len(cells))
	for b := range cells {
		benches = append(benches, b)
	}
	sort.Ints(benches)
	for _, b := range benches {
		largest := 0
		names := make([]string, 0, len(cells[b]))
		for g, c := range cells[b] {
			largest = max(largest, len(c))
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			c := cells[b][g]
			out = append(out, c...)
			for n := len(c); n < largest; n++ {
				out = append(out, c[rng.IntN(len(c))])
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// pretrainSampler draws the supervised warm-start batches: with probability
// majority a sample of its benchmark's most common true demographic cell,
// else one of the other cells; benchmarks in proportion to their size.
type pretrainSampler struct {
	majority, rest [][]int // per benchmark: indices into items
	weights        []float64
	majorityShare  float64
	items          []item
	rng            *rand.Rand
}

func newPretrainSampler(items []item, nBench int, share float64, seed uint64) *pretrainSampler {
	ps := &pretrainSampler{majority: make([][]int, nBench), rest: make([][]int, nBench), weights: make([]float64, nBench),
		majorityShare: share, items: items, rng: rand.New(rand.NewPCG(seed, 0x5f7))}
	counts := make([]map[string]int, nBench)
	for i := range counts {
		counts[i] = map[string]int{}
	}
	for _, it := range items {
		counts[it.bench][it.trueGroup]++
	}
	top := make([]string, nBench)
	for b, c := range counts {
		names := make([]string, 0, len(c))
		for g := range c {
			names = append(names, g)
		}
		sort.Strings(names)
		best := -1
		for _, g := range names {
			if g != "" && c[g] > best {
				top[b], best = g, c[g]
			}
		}
	}
	for i, it := range items {
		if it.trueGroup == top[it.bench] {
			ps.majority[it.bench] = append(ps.majority[it.bench], i)
		} else {
			ps.rest[it.bench] = append(ps.rest[it.bench], i)
		}
		ps.weights[it.bench]++
	}
	return ps
}

func (ps *pretrainSampler) batch(n int) []item {
	total := 0.0
	for _, w := range ps.weights {
		total += w
	}
	out := make([]item, n)
	for i := range out {
		u, b := ps.rng.Float64()*total, 0
		for b < len(ps.weights)-1 && u >= ps.weights[b] {
			u -= ps.weights[b]
			b++
		}
		pool := ps.rest[b]
		if len(pool) == 0 || (len(ps.majority[b]) > 0 && ps.rng.Float64() < ps.majorityShare) {
			pool = ps.majority[b]
		}
		out[i] = ps.items[pool[ps.rng.IntN(len(pool))]]
	}
	return out
}

// encoded is a batch as tensors: inputs zero-padded to inputDim, the head
// mask, the multi-label flag, and (for supervision) the true answers.
type encoded struct {
	x, headMask, multi, truth *tensors.Tensor
}

// encode builds a fixed-size batch of n rows from items; rows past
// len(items) are padding (all-zero head mask), which the caller masks out.
func encode(items []item, n int, p *prepared, withTruth bool) encoded {
	k, offsets := p.k, p.offsets
	x := make([]float32, n*p.inputDim)
	hm := make([]float32, n*k)
	mu := make([]float32, n)
	var tr []float32
	if withTruth {
		tr = make([]float32, n*k)
	}
	for r, it := range items {
		if r >= n {
			break
		}
		copy(x[r*p.inputDim:], it.s.Input())
		h := p.heads[it.bench]
		for c := 0; c < h.Classes; c++ {
			hm[r*k+offsets[it.bench]+c] = 1
		}
		if h.MultiLabel {
			mu[r] = 1
		}
		if withTruth {
			for _, l := range it.s.Labels {
				tr[r*k+offsets[it.bench]+l] = 1
			}
		}
	}
	e := encoded{
		x:        tensors.FromFlatDataAndDimensions(x, n, p.inputDim),
		headMask: tensors.FromFlatDataAndDimensions(hm, n, k),
		multi:    tensors.FromFlatDataAndDimensions(mu, n),
	}
	if withTruth {
		e.truth = tensors.FromFlatDataAndDimensions(tr, n, 1, k)
	}
	return e
}

// labelsFrom reads an answer row [K] back into the item's head-local classes.
func labelsFrom(row []float32, it item, p *prepared) []int {
	off := p.offsets[it.bench]
	var out []int
	for c := 0; c < p.heads[it.bench].Classes; c++ {
		if row[off+c] > 0.5 {
			out = append(out, c)
		}
	}
	return out
}
