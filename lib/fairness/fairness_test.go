package fairness

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"eqpo/lib/data"
)

const tol = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestSklearnFixtures compares counts, per-class and macro metrics with
// scikit-learn (testdata/make_fixtures.py).
func TestSklearnFixtures(t *testing.T) {
	raw, err := os.ReadFile("testdata/sklearn_fixtures.json")
	if err != nil {
		t.Skip("fixtures missing: run /usr/bin/python3 lib/fairness/testdata/make_fixtures.py")
	}
	var fx struct {
		Cases []struct {
			Name     string
			NClasses int `json:"n_classes"`
			Truth    [][]int
			Pred     [][]int
			PerClass []struct {
				TP, FP, FN, TN        float64
				Precision, Recall, F1 float64
			} `json:"per_class"`
			Macro map[string]float64
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			cs := Counts(c.Truth, c.Pred, c.NClasses)
			for k, want := range c.PerClass {
				got := cs[k]
				if got.TP != want.TP || got.FP != want.FP || got.FN != want.FN || got.TN != want.TN {
					t.Fatalf("class %d counts %+v, sklearn %+v", k, got, want)
				}
				if !near(got.Precision(), want.Precision) || !near(got.Recall(), want.Recall) || !near(got.F1(), want.F1) {
					t.Fatalf("class %d P/R/F1 %v %v %v, sklearn %v %v %v", k, got.Precision(), got.Recall(), got.F1(), want.Precision, want.Recall, want.F1)
				}
			}
			m := Macro(c.Truth, c.Pred, c.NClasses)
			for name, got := range map[string]float64{"acc": m.Acc, "f1": m.F1, "tpr": m.TPR, "fpr": m.FPR, "fdr": m.FDR, "precision": m.Precision} {
				if !near(got, c.Macro[name]) {
					t.Errorf("macro %s = %v, reference %v", name, got, c.Macro[name])
				}
			}
		})
	}
}

// TestPredictionsFile checks the whole eqpo-metrics path against the
// independent numpy computation of the paper's columns.
func TestPredictionsFile(t *testing.T) {
	f, err := os.Open("testdata/predictions.jsonl")
	if err != nil {
		t.Skip("fixtures missing: run /usr/bin/python3 lib/fairness/testdata/make_fixtures.py")
	}
	defer f.Close()
	ps, err := ReadPredictions(f, "predictions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile("testdata/predictions_expected.json")
	var want struct{ Overall map[string]float64 }
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	rep := EvaluatePredictions(ps, DefaultAttrs, 1)
	for name, w := range want.Overall {
		got, ok := rep.Overall.Get(name)
		if !ok || !near(got, w) {
			t.Errorf("%s = %v, reference %v", name, got, w)
		}
	}
	if rep.Datasets["derm"].Attrs["sex"].LeftOut == 0 {
		t.Error("expected some samples without sex to be counted as left out")
	}
}

func TestEdgeRules(t *testing.T) {
	// Hand-worked: class 2 is predicted but never true -> skipped from the macro.
	truth := [][]int{{0}, {0}, {1}, {1}}
	pred := [][]int{{0}, {2}, {1}, {0}}
	// class 0: TP1 FP1 FN1 -> P=.5 R=.5 F1=.5; class 1: TP1 FN1 -> P=1 R=.5 F1=2/3.
	m := Macro(truth, pred, 3)
	if !near(m.F1, (0.5+2.0/3)/2) || !near(m.TPR, 0.5) {
		t.Fatalf("macro %+v", m)
	}
	t.Run("empty subset", func(t *testing.T) {
		if Macro(nil, nil, 3) != (Scores{}) {
			t.Fatal("empty subset must score 0")
		}
	})
	t.Run("single-sample group and one group", func(t *testing.T) {
		sub := Subset{Dataset: "d", NClasses: 2, Truth: [][]int{{0}, {1}, {1}}, Pred: [][]int{{0}, {1}, {0}},
			Groups: map[string][]string{"sex": {"M", "F", "F"}, "age": {"A1", "A1", ""}}}
		dr := EvaluateDataset(sub, 1)
		sex := dr.Attrs["sex"]
		if sex.Groups["M"].N != 1 || !sex.Valid {
			t.Fatalf("sex %+v", sex)
		}
		// M: class 0 only, correct -> F1 1. F: truth {1,1} pred {1,0}: class 1 TP1 FN1 -> F1 2/3
		// (class 0 is predicted once but never true in F: skipped). Gap 1/3, std = (1/3)/sqrt2.
		if !near(sex.Gap.F1, 1.0/3) || !near(sex.Std.F1, (1.0/3)/math.Sqrt2) {
			t.Fatalf("gap %v std %v", sex.Gap.F1, sex.Std.F1)
		}
		age := dr.Attrs["age"]
		if age.Valid || age.LeftOut != 1 {
			t.Fatalf("age has one group: no gap; want invalid with 1 left out, got %+v", age)
		}
		if !near(dr.DeltaF1, 1.0/3) { // only sex contributes
			t.Fatalf("Delta_F1 %v", dr.DeltaF1)
		}
	})
	t.Run("min group excludes", func(t *testing.T) {
		sub := Subset{Dataset: "d", NClasses: 2, Truth: [][]int{{0}, {1}, {1}}, Pred: [][]int{{0}, {1}, {0}},
			Groups: map[string][]string{"sex": {"M", "F", "F"}}}
		dr := EvaluateDataset(sub, 2)
		if !dr.Attrs["sex"].Groups["M"].Excluded || dr.Attrs["sex"].Valid || dr.Valid {
			t.Fatalf("group of 1 under min 2 must be excluded: %+v", dr.Attrs["sex"])
		}
	})
}

func TestFrame(t *testing.T) {
	truth := [][]int{{1}, {1}, {0}, {0}, {1}, {0}}
	pred := [][]int{{1}, {0}, {0}, {1}, {1}, {1}}
	keys := []string{"a", "a", "a", "b", "b", "b"}
	// Selection rate of class 1: a 1/3, b 3/3 -> difference 2/3, ratio 1/3.
	f := NewFrame(SelectionRate(1), truth, pred, keys)
	if !near(f.Difference(false), 2.0/3) || !near(f.Ratio(false), 1.0/3) || !near(f.Overall, 4.0/6) {
		t.Fatalf("frame %+v", f)
	}
	if !near(f.Difference(true), 1.0/3) {
		t.Fatalf("to_overall %v", f.Difference(true))
	}
	if d := DemographicParityDifference(pred, keys, []int{1}); !near(d, 2.0/3) {
		t.Fatalf("DPD %v", d)
	}
	// a: TPR 1/2, FPR 0/1; b: TPR 1/1, FPR 2/2 -> worst case max(.5, 1) = 1, mean .75.
	if eo := EqualizedOddsDifference(truth, pred, keys, 1, false); !near(eo, 1) {
		t.Fatalf("EOD worst %v", eo)
	}
	if eo := EqualizedOddsDifference(truth, pred, keys, 1, true); !near(eo, 0.75) {
		t.Fatalf("EOD mean %v", eo)
	}
}

func TestStats(t *testing.T) {
	m, s := MeanStd([]float64{1, 2, 3, 4})
	if !near(m, 2.5) || !near(s, math.Sqrt(5.0/3)) {
		t.Fatalf("MeanStd %v %v", m, s)
	}
	if _, s := MeanStd([]float64{7}); s != 0 {
		t.Fatal("std of one value must be 0")
	}
	// Paired t: d = {1,2,3,4,5}: mean 3, sd sqrt(2.5), t = 3/(sqrt(2.5)/sqrt5) = 4.2426; p (df 4) = 0.01324
	// (scipy.stats.ttest_rel gives p = 0.013236).
	r := PairedTTest([]float64{2, 4, 6, 8, 10}, []float64{1, 2, 3, 4, 5})
	if math.Abs(r.T-4.242640687) > 1e-6 || math.Abs(r.P-0.013236) > 1e-5 {
		t.Fatalf("t-test %+v", r)
	}
	if r.PSignFlip != 2.0/32 {
		t.Fatalf("sign flip p %v, want 1/16", r.PSignFlip)
	}
	lo, hi := BootstrapCI([]float64{1, 2, 3, 4, 5}, 2000, 0.05, rand.New(rand.NewPCG(1, 2)))
	if !(lo < 3 && hi > 3 && lo >= 1 && hi <= 5) {
		t.Fatalf("bootstrap CI [%v,%v]", lo, hi)
	}
}

func TestReadPredictionsBadLine(t *testing.T) {
	_, err := ReadPredictions(stringsReader(`{"dataset":"d","labels":["a"],"pred":["a"]}
{"dataset":"d","labels":["a"],"pred":["a"],"demo":{"age":"old"}}`), "p.jsonl")
	ie, ok := err.(*data.InputError)
	if !ok || ie.Line != 2 || ie.Field != "demo" {
		t.Fatalf("want an error at line 2 field demo, got %v", err)
	}
}

// ExampleMacro shows the macro average skipping a class that is never true.
func ExampleMacro() {
	truth := [][]int{{0}, {0}, {1}, {1}}
	pred := [][]int{{0}, {2}, {1}, {0}}
	s := Macro(truth, pred, 3)
	fmt.Printf("F1 %.4f TPR %.2f\n", s.F1, s.TPR)
	// Output: F1 0.5833 TPR 0.50
}

// ExampleEvaluate shows the table columns for two sex groups.
func ExampleEvaluate() {
	sub := Subset{Dataset: "toy", NClasses: 2,
		Truth:  [][]int{{0}, {1}, {0}, {1}},
		Pred:   [][]int{{0}, {1}, {1}, {1}},
		Groups: map[string][]string{"sex": {"M", "M", "F", "F"}}}
	rep := Evaluate([]Subset{sub}, 1)
	fmt.Printf("F1 %.3f Delta_F1 %.3f PP %.1f%%\n", rep.Overall.F1, rep.Overall.DeltaF1, rep.Overall.PP)
	// Output: F1 0.667 Delta_F1 0.667 PP 25.0%
}
