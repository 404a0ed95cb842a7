package data

import (
	"fmt"
	"math"
)

// Image is a small row-major image: Pixels has H*W*C values in [0,1].
type Image struct {
	H, W, C int
	Pixels  []float32
}

// Demographics holds the protected attributes of one sample. The zero value
// of each field means "missing": Sex "" and AgeKnown false are not groups.
type Demographics struct {
	Sex      string  // "M" or "F"; "" when missing
	Age      float64 // years; meaningful only when AgeKnown
	AgeKnown bool
	Skin     string // Fitzpatrick type "I".."VI"; "" when missing
	Race     string // free text as the dataset writes it; "" when missing
}

// Sample is one prompt: an input (a feature vector and/or a small image), its
// set of true classes and who it is about.
type Sample struct {
	ID       string
	Dataset  string // benchmark name, e.g. "ham10000"
	Modality string // "xray", "ct", "dermoscopy", "mammography", "ultrasound", "clinical"
	Source   string // acquisition site or hospital; the EQPO "data source" tier uses Dataset
	Patient  string // grouping id for leakage-free splits (patient or lesion); "" = the sample itself
	Features []float32
	Image    *Image
	Labels   []int // indices into the benchmark's Classes; several for multi-label
	Demo     Demographics
}

// Input returns the sample's model input: features then flattened image pixels.
func (s *Sample) Input() []float32 {
	out := make([]float32, 0, len(s.Features)+s.imageLen())
	out = append(out, s.Features...)
	if s.Image != nil {
		out = append(out, s.Image.Pixels...)
	}
	return out
}

func (s *Sample) imageLen() int {
	if s.Image == nil {
		return 0
	}
	return len(s.Image.Pixels)
}

// Benchmark is one diagnostic task with its splits.
type Benchmark struct {
	Name       string
	Modality   string
	Classes    []string
	MultiLabel bool
	// Attrs are the attributes evaluated for fairness on this benchmark
	// (the paper: sex and age, or age only where the dataset has no sex).
	Attrs []Attr
	Train []Sample
	Test  []Sample
}

// InputDim is the length of Sample.Input for this benchmark (0 if empty).
func (b *Benchmark) InputDim() int {
	for _, split := range [][]Sample{b.Train, b.Test} {
		if len(split) > 0 {
			return len(split[0].Input())
		}
	}
	return 0
}

// ClassIndex returns the index of a class name, or -1.
func (b *Benchmark) ClassIndex(name string) int {
	for i, c := range b.Classes {
		if c == name {
			return i
		}
	}
	return -1
}

// Validate checks the invariants every consumer relies on: labels in range,
// no NaN input, one input length per benchmark, a single label where the task
// is single-label.
func (b *Benchmark) Validate() error {
	dim := -1
	for split, samples := range map[string][]Sample{"train": b.Train, "test": b.Test} {
		for i := range samples {
			s := &samples[i]
			where := fmt.Sprintf("benchmark %s, %s sample %d (id %q)", b.Name, split, i, s.ID)
			if len(s.Labels) == 0 {
				return fmt.Errorf("%s: field labels: empty label set", where)
			}
			if !b.MultiLabel && len(s.Labels) != 1 {
				return fmt.Errorf("%s: field labels: %d labels on a single-label benchmark", where, len(s.Labels))
			}
			for _, l := range s.Labels {
				if l < 0 || l >= len(b.Classes) {
					return fmt.Errorf("%s: field labels: class index %d out of range [0,%d)", where, l, len(b.Classes))
				}
			}
			in := s.Input()
			if dim == -1 {
				dim = len(in)
			} else if len(in) != dim {
				return fmt.Errorf("%s: field input: length %d, others have %d", where, len(in), dim)
			}
			for j, v := range in {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("%s: field input[%d]: %v", where, j, v)
				}
			}
		}
	}
	return nil
}

// Suite is a set of benchmarks trained together (the paper trains one model on all seven).
type Suite struct {
	Name       string
	Benchmarks []*Benchmark
}

// Benchmark returns the named benchmark or nil.
func (s *Suite) Benchmark(name string) *Benchmark {
	for _, b := range s.Benchmarks {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// InputDim is the largest input length over the suite's benchmarks; the
// policy zero-pads shorter inputs to it.
func (s *Suite) InputDim() int {
	d := 0
	for _, b := range s.Benchmarks {
		d = max(d, b.InputDim())
	}
	return d
}

// Validate validates every benchmark.
func (s *Suite) Validate() error {
	seen := map[string]bool{}
	for _, b := range s.Benchmarks {
		if seen[b.Name] {
			return fmt.Errorf("suite %s: benchmark %q appears twice", s.Name, b.Name)
		}
		seen[b.Name] = true
		if err := b.Validate(); err != nil {
			return err
		}
	}
	return nil
}
