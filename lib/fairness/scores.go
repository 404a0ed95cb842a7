package fairness

// Confusion holds one class's one-vs-rest counts.
type Confusion struct{ TP, FP, FN, TN float64 }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Precision is TP/(TP+FP), 0 when nothing was predicted positive.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall (TPR) is TP/(TP+FN), 0 when there is no positive.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 0 when both are 0.
func (c Confusion) F1() float64 {
	p, r := c.Precision(), c.Recall()
	return ratio(2*p*r, p+r)
}

// Acc is (TP+TN)/N.
func (c Confusion) Acc() float64 { return ratio(c.TP+c.TN, c.TP+c.FP+c.FN+c.TN) }

// FPR is FP/(FP+TN).
func (c Confusion) FPR() float64 { return ratio(c.FP, c.FP+c.TN) }

// FDR is FP/(TP+FP) = 1 - precision when anything was predicted positive.
func (c Confusion) FDR() float64 { return ratio(c.FP, c.TP+c.FP) }

// Counts computes per-class one-vs-rest confusion counts over label sets
// (class indices in [0, nClasses)). Indices outside the range panic.
func Counts(truth, pred [][]int, nClasses int) []Confusion {
	if len(truth) != len(pred) {
		panic("fairness: truth and pred lengths differ")
	}
	out := make([]Confusion, nClasses)
	inT := make([]bool, nClasses)
	inP := make([]bool, nClasses)
	for i := range truth {
		clear(inT)
		clear(inP)
		for _, c := range truth[i] {
			inT[c] = true
		}
		for _, c := range pred[i] {
			inP[c] = true
		}
		for c := 0; c < nClasses; c++ {
			switch {
			case inT[c] && inP[c]:
				out[c].TP++
			case !inT[c] && inP[c]:
				out[c].FP++
			case inT[c] && !inP[c]:
				out[c].FN++
			default:
				out[c].TN++
			}
		}
	}
	return out
}

// Scores are a subset's macro-averaged metrics, as fractions.
type Scores struct {
	Acc, F1, TPR, FPR, FDR, Precision float64
}

// Macro averages per-class metrics over the classes present in the ground
// truth of this subset. An empty subset gives zero Scores.
func Macro(truth, pred [][]int, nClasses int) Scores {
	cs := Counts(truth, pred, nClasses)
	var s Scores
	n := 0.0
	for _, c := range cs {
		if c.TP+c.FN == 0 {
			continue // class never true here: skipped, as the authors do
		}
		n++
		s.Acc += c.Acc()
		s.F1 += c.F1()
		s.TPR += c.Recall()
		s.FPR += c.FPR()
		s.FDR += c.FDR()
		s.Precision += c.Precision()
	}
	if n == 0 {
		return Scores{}
	}
	return s.scale(1 / n)
}

func (s Scores) scale(k float64) Scores {
	return Scores{s.Acc * k, s.F1 * k, s.TPR * k, s.FPR * k, s.FDR * k, s.Precision * k}
}

func (s Scores) add(o Scores) Scores {
	return Scores{s.Acc + o.Acc, s.F1 + o.F1, s.TPR + o.TPR, s.FPR + o.FPR, s.FDR + o.FDR, s.Precision + o.Precision}
}

// fields lists the Scores as a slice, in a fixed order, for reductions.
func (s Scores) fields() []float64 { return []float64{s.Acc, s.F1, s.TPR, s.FPR, s.FDR, s.Precision} }

func scoresFrom(f []float64) Scores { return Scores{f[0], f[1], f[2], f[3], f[4], f[5]} }
