package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"eqpo/lib/data"
)

// FeatureDim and ImageSide fix the input shape of every MedFair-7 sample.
const (
	FeatureDim = 16
	ImageSide  = 8
)

// Spec describes one simulated benchmark.
type Spec struct {
	Name       string
	Modality   string
	Classes    []string
	MultiLabel bool
	ClassPrior []float64 // single-label: class probabilities; multi-label: per-class prevalence
	RealSize   int       // records in the real benchmark (paper.md section 3)
	HasSex     bool      // false: the paper evaluates age only
	MaleShare  float64   // share of "M" where HasSex
	AgeShare   [4]float64
	Separation float64 // prototype spread: higher is easier
}

// MedFair7Specs are the seven benchmarks. Sizes are the real record counts
// (paper.md section 3); the simulated size is Size(RealSize). Class priors
// follow the real datasets' imbalance loosely (documented in data/README.md).
var MedFair7Specs = []Spec{
	{Name: "chexpert", Modality: "xray", MultiLabel: true, RealSize: 212498, HasSex: true, MaleShare: 0.59,
		Classes: []string{"no_finding", "enlarged_cardiomediastinum", "cardiomegaly", "lung_opacity", "lung_lesion", "edema",
			"consolidation", "pneumonia", "atelectasis", "pneumothorax", "pleural_effusion", "pleural_other", "fracture", "support_devices"},
		ClassPrior: []float64{0.10, 0.05, 0.12, 0.45, 0.04, 0.25, 0.07, 0.03, 0.15, 0.09, 0.38, 0.02, 0.04, 0.50},
		AgeShare:   [4]float64{0.04, 0.22, 0.50, 0.24}, Separation: 1.6},
	{Name: "hemorrhage", Modality: "ct", RealSize: 2501, HasSex: true, MaleShare: 0.55,
		Classes: []string{"no_hemorrhage", "hemorrhage"}, ClassPrior: []float64{0.6, 0.4},
		AgeShare: [4]float64{0.06, 0.24, 0.46, 0.24}, Separation: 1.4},
	{Name: "ham10000", Modality: "dermoscopy", RealSize: 10015, HasSex: true, MaleShare: 0.54,
		Classes: []string{"akiec", "bcc", "bkl", "mel", "nv"}, ClassPrior: []float64{0.04, 0.06, 0.12, 0.12, 0.66},
		AgeShare: [4]float64{0.06, 0.38, 0.46, 0.10}, Separation: 1.5},
	{Name: "isic2020", Modality: "dermoscopy", RealSize: 33126, HasSex: true, MaleShare: 0.52,
		Classes: []string{"benign", "malignant"}, ClassPrior: []float64{0.8, 0.2},
		AgeShare: [4]float64{0.07, 0.45, 0.40, 0.08}, Separation: 1.3},
	{Name: "pad_ufes_20", Modality: "dermoscopy", RealSize: 2298, HasSex: true, MaleShare: 0.50,
		Classes: []string{"ack", "bcc", "mel", "nev", "sek"}, ClassPrior: []float64{0.32, 0.45, 0.03, 0.10, 0.10},
		AgeShare: [4]float64{0.03, 0.17, 0.55, 0.25}, Separation: 1.3},
	{Name: "vindr", Modality: "mammography", RealSize: 20000, HasSex: false,
		Classes: []string{"birads_1", "birads_2", "birads_3", "birads_4", "birads_5"}, ClassPrior: []float64{0.67, 0.23, 0.05, 0.04, 0.01},
		AgeShare: [4]float64{0.02, 0.55, 0.38, 0.05}, Separation: 1.2},
	{Name: "covid_blues", Modality: "ultrasound", RealSize: 362, HasSex: false,
		Classes: []string{"covid_negative", "covid_positive"}, ClassPrior: []float64{0.55, 0.45},
		AgeShare: [4]float64{0.05, 0.35, 0.45, 0.15}, Separation: 0.9},
}

// Size maps a real record count to the simulated one: 120*log10(n),
// monotone in the real size but compressed so that CheXpert (75% of the
// real records) does not swamp the other six at workbench scale.
func Size(real int) int { return int(math.Round(120 * math.Log10(float64(real)))) }

// Options tune the generator; the zero value means the documented defaults.
type Options struct {
	Scale    float64 // multiplies every benchmark's size (default 1)
	TestFrac float64 // held-out share (default 0.2)
	// MinorityShift scales how far a rare cell's class prototypes move away
	// from the majority's (default 1.0); 0 makes all groups equally easy
	// apart from noise.
	MinorityShift float64
}

func (o Options) withDefaults() Options {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.TestFrac == 0 {
		o.TestFrac = 0.2
	}
	if o.MinorityShift == 0 {
		o.MinorityShift = 1
	}
	return o
}

// MedFair7 generates the suite with default options.
func MedFair7(seed uint64) *data.Suite { return Generate(seed, Options{}) }

// Generate builds MedFair-7 from a seed. Each benchmark draws from its own
// stream (seed, benchmark index), so adding or scaling one never changes the
// others.
func Generate(seed uint64, opt Options) *data.Suite {
	opt = opt.withDefaults()
	suite := &data.Suite{Name: "medfair7"}
	for i, sp := range MedFair7Specs {
		rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
		suite.Benchmarks = append(suite.Benchmarks, generate(sp, rng, opt))
	}
	return suite
}

// cell is one demographic cell (sex x age bin) of a benchmark.
type cell struct {
	sex        string
	ageBin     int
	share      float64
	difficulty float64 // 0 for the most common cell, up to 1 for the rarest
}

func cells(sp Spec) []cell {
	var cs []cell
	sexes := []struct {
		s string
		p float64
	}{{"", 1}}
	if sp.HasSex {
		sexes = []struct {
			s string
			p float64
		}{{"M", sp.MaleShare}, {"F", 1 - sp.MaleShare}}
	}
	maxShare := 0.0
	for _, sx := range sexes {
		for a, pa := range sp.AgeShare {
			c := cell{sex: sx.s, ageBin: a, share: sx.p * pa}
			maxShare = math.Max(maxShare, c.share)
			cs = append(cs, c)
		}
	}
	for i := range cs {
		// Difficulty grows with rarity on a log scale: a cell 3x rarer than
		// the majority cell gets 0.38, 10x rarer 0.8, 18x rarer or more 1.
		cs[i].difficulty = math.Min(1, math.Max(0, 0.8*math.Log10(maxShare/cs[i].share)))
	}
	return cs
}

// ageIn draws an age in years uniformly inside the paper's bin.
func ageIn(bin int, rng *rand.Rand) float64 {
	lo := []float64{18, 26, 51, 76}[bin]
	hi := []float64{25, 50, 75, 90}[bin]
	return math.Round(lo + rng.Float64()*(hi-lo))
}

func normal(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64() * scale
	}
	return v
}

func generate(sp Spec, rng *rand.Rand, opt Options) *data.Benchmark {
	nClasses := len(sp.Classes)
	cs := cells(sp)
	// Majority class prototypes, and per (cell, class) offsets that rarer cells move by.
	proto := make([][]float64, nClasses)
	for c := range proto {
		proto[c] = normal(rng, FeatureDim, 0.4*sp.Separation)
	}
	offset := make([][][]float64, len(cs))
	for g := range cs {
		offset[g] = make([][]float64, nClasses)
		for c := range offset[g] {
			offset[g][c] = normal(rng, FeatureDim, 0.4*sp.Separation*opt.MinorityShift*2.2*cs[g].difficulty)
		}
	}
	// A fixed projection of the latent features into image space.
	proj := make([][]float64, ImageSide*ImageSide)
	for p := range proj {
		proj[p] = normal(rng, FeatureDim, 0.06)
	}
	cum := make([]float64, len(cs))
	acc := 0.0
	for g, c := range cs {
		acc += c.share
		cum[g] = acc
	}
	n := int(math.Round(float64(Size(sp.RealSize)) * opt.Scale))
	samples := make([]data.Sample, n)
	for i := range samples {
		u := rng.Float64() * acc
		g := 0
		for g < len(cs)-1 && u > cum[g] {
			g++
		}
		c := cs[g]
		labels := drawLabels(sp, rng)
		noise := 1 + 1.0*c.difficulty
		x := normal(rng, FeatureDim, noise)
		for _, l := range labels {
			for k := range x {
				x[k] += proto[l][k] + offset[g][l][k]
			}
		}
		feat := make([]float32, FeatureDim)
		for k := range x {
			feat[k] = float32(x[k] / 3)
		}
		s := &samples[i]
		s.ID = fmt.Sprintf("%s-%05d", sp.Name, i)
		s.Dataset, s.Modality, s.Source, s.Patient = sp.Name, sp.Modality, sp.Name, s.ID
		s.Labels = labels
		s.Features = feat
		s.Image = image(sp.Modality, x, proj, rng)
		s.Demo = data.Demographics{Sex: c.sex, Age: ageIn(c.ageBin, rng), AgeKnown: true}
		if sp.Modality == "mammography" {
			s.Demo.Sex = "F" // recorded, but VinDr is evaluated on age only, as in the paper
		}
	}
	b := &data.Benchmark{Name: sp.Name, Modality: sp.Modality, Classes: sp.Classes, MultiLabel: sp.MultiLabel}
	if sp.HasSex {
		b.Attrs = []data.Attr{data.AttrSex, data.AttrAge}
	} else {
		b.Attrs = []data.Attr{data.AttrAge}
	}
	// Each sample is its own patient, so the split is a plain seeded split.
	b.Train, b.Test = data.SplitGrouped(samples, opt.TestFrac, rng.Uint64())
	return b
}

func drawLabels(sp Spec, rng *rand.Rand) []int {
	if !sp.MultiLabel {
		u, acc := rng.Float64(), 0.0
		for c, p := range sp.ClassPrior {
			acc += p
			if u < acc {
				return []int{c}
			}
		}
		return []int{len(sp.ClassPrior) - 1}
	}
	var ls []int
	for c := 1; c < len(sp.ClassPrior); c++ {
		if rng.Float64() < sp.ClassPrior[c] {
			ls = append(ls, c)
		}
	}
	if len(ls) == 0 {
		ls = []int{0} // "no finding" when nothing else is present
	}
	return ls
}

// image renders an 8x8 modality texture plus a projection of the latent
// features (the diagnostic signal) plus pixel noise, clipped to [0,1].
func image(modality string, x []float64, proj [][]float64, rng *rand.Rand) *data.Image {
	img := &data.Image{H: ImageSide, W: ImageSide, C: 1, Pixels: make([]float32, ImageSide*ImageSide)}
	for r := 0; r < ImageSide; r++ {
		for c := 0; c < ImageSide; c++ {
			p := r*ImageSide + c
			fr, fc := float64(r)/7, float64(c)/7
			dr, dc := fr-0.5, fc-0.5
			rad := math.Sqrt(dr*dr + dc*dc)
			var base float64
			switch modality {
			case "xray": // bright mediastinum column, dark lungs
				base = 0.25 + 0.5*math.Exp(-dc*dc/0.02)
			case "ct": // skull ring
				base = 0.15 + 0.7*math.Exp(-(rad-0.4)*(rad-0.4)/0.004)
			case "dermoscopy": // central lesion on skin
				base = 0.7 - 0.45*math.Exp(-rad*rad/0.05)
			case "mammography": // breast triangle from the left edge
				if fc < 1-fr*0.6 {
					base = 0.55
				} else {
					base = 0.05
				}
			case "ultrasound": // fan-shaped speckle
				base = 0.2 + 0.3*math.Abs(math.Sin(9*rad))
			default:
				base = 0.5
			}
			v := base + 0.04*rng.NormFloat64()
			for k, w := range proj[p] {
				v += w * x[k]
			}
			img.Pixels[p] = float32(math.Min(1, math.Max(0, v)))
		}
	}
	return img
}
