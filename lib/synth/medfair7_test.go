package synth

import (
	"math"
	"reflect"
	"testing"
	"time"

	"eqpo/lib/data"
)

func TestReproducibleFromSeed(t *testing.T) {
	a, b := MedFair7(11), MedFair7(11)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different suites")
	}
	c := MedFair7(12)
	if reflect.DeepEqual(a.Benchmarks[0].Train[0], c.Benchmarks[0].Train[0]) {
		t.Fatal("different seeds gave the same first sample")
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestShape(t *testing.T) {
	s := MedFair7(1)
	if len(s.Benchmarks) != 7 {
		t.Fatalf("%d benchmarks", len(s.Benchmarks))
	}
	want := map[string]int{"chexpert": 14, "hemorrhage": 2, "ham10000": 5, "isic2020": 2, "pad_ufes_20": 5, "vindr": 5, "covid_blues": 2}
	for _, b := range s.Benchmarks {
		if len(b.Classes) != want[b.Name] {
			t.Errorf("%s: %d classes, want %d", b.Name, len(b.Classes), want[b.Name])
		}
		if b.InputDim() != FeatureDim+ImageSide*ImageSide {
			t.Errorf("%s: input dim %d", b.Name, b.InputDim())
		}
	}
	if !s.Benchmark("chexpert").MultiLabel || s.Benchmark("hemorrhage").MultiLabel {
		t.Error("multi-label flags wrong")
	}
	if len(s.Benchmark("vindr").Attrs) != 1 {
		t.Error("vindr is evaluated on age only")
	}
}

// TestMinorityHarder fits a nearest-centroid classifier on the (majority-
// dominated) training split of each single-label benchmark and checks that
// its macro F1 on the rare cells (difficulty >= 0.3) is below its F1 on the
// most common cell, pooled over three seeds.
func TestMinorityHarder(t *testing.T) {
	var majF1, minF1 []float64
	for seed := uint64(1); seed <= 3; seed++ {
		s := MedFair7(seed)
		for i, b := range s.Benchmarks {
			if b.MultiLabel {
				continue
			}
			cs := cells(MedFair7Specs[i])
			diff := map[string]float64{}
			best, bestShare := "", 0.0
			for _, c := range cs {
				k := cellKey(c.sex, c.ageBin)
				diff[k] = c.difficulty
				if c.share > bestShare {
					best, bestShare = k, c.share
				}
			}
			cent := centroids(b)
			var majT, majP, minT, minP []int
			for _, x := range b.Test {
				k := cellKey(x.Demo.Sex, binIndex(x.Demo.Age))
				p := nearest(cent, x.Input())
				switch {
				case k == best:
					majT, majP = append(majT, x.Labels[0]), append(majP, p)
				case diff[k] >= 0.3:
					minT, minP = append(minT, x.Labels[0]), append(minP, p)
				}
			}
			if len(minT) > 0 {
				majF1 = append(majF1, macroF1(majT, majP, len(b.Classes)))
				minF1 = append(minF1, macroF1(minT, minP, len(b.Classes)))
			}
		}
	}
	ma, mi := mean(majF1), mean(minF1)
	t.Logf("majority-cell F1 %.3f, rare-cell F1 %.3f (%d benchmark-seeds)", ma, mi, len(majF1))
	if !(mi < ma-0.05) {
		t.Fatalf("rare cells not harder: majority F1 %.3f, rare F1 %.3f", ma, mi)
	}
}

func TestGenerateUnderASecond(t *testing.T) {
	// A smoke check of the generator's cost, not a benchmark: generating is
	// far below a second; a regression to O(n^2) would show here.
	start := time.Now()
	MedFair7(3)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("generation took %v", d)
	}
}

func BenchmarkMedFair7(b *testing.B) {
	for i := 0; i < b.N; i++ {
		MedFair7(uint64(i))
	}
}

func cellKey(sex string, bin int) string { return sex + string(rune('0'+bin)) }

func binIndex(age float64) int { return int(data.AgeBin(age)[1] - '1') }

func centroids(b *data.Benchmark) [][]float64 {
	d := b.InputDim()
	sum := make([][]float64, len(b.Classes))
	n := make([]float64, len(b.Classes))
	for c := range sum {
		sum[c] = make([]float64, d)
	}
	for _, x := range b.Train {
		for k, v := range x.Input() {
			sum[x.Labels[0]][k] += float64(v)
		}
		n[x.Labels[0]]++
	}
	for c := range sum {
		for k := range sum[c] {
			sum[c][k] /= math.Max(n[c], 1)
		}
	}
	return sum
}

func nearest(cent [][]float64, x []float32) int {
	best, bestD := 0, math.Inf(1)
	for c, m := range cent {
		d := 0.0
		for k, v := range x {
			d += (float64(v) - m[k]) * (float64(v) - m[k])
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func macroF1(truth, pred []int, k int) float64 {
	var f1s []float64
	for c := 0; c < k; c++ {
		tp, fp, fn, present := 0.0, 0.0, 0.0, false
		for i := range truth {
			if truth[i] == c {
				present = true
			}
			switch {
			case truth[i] == c && pred[i] == c:
				tp++
			case truth[i] != c && pred[i] == c:
				fp++
			case truth[i] == c && pred[i] != c:
				fn++
			}
		}
		if present {
			f1s = append(f1s, 2*tp/math.Max(2*tp+fp+fn, 1))
		}
	}
	return mean(f1s)
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / math.Max(float64(len(x)), 1)
}
