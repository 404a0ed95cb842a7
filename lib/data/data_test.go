package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realDir returns ../shared/data (or $EQPO_DATA_DIR) or skips with a message.
func realDir(t testing.TB) string {
	t.Helper()
	dir, ok := DataDir("")
	if !ok {
		t.Skip("real data not found: set EQPO_DATA_DIR or place it at ../shared/data (see data/README.md)")
	}
	return dir
}

func TestAgeBin(t *testing.T) {
	// Edges from the authors' rl_dataset.py (paper.md 1.2, 9.11).
	for _, c := range []struct {
		age  float64
		want string
	}{{0, "A1"}, {25, "A1"}, {25.5, "A2"}, {50, "A2"}, {51, "A3"}, {75, "A3"}, {75.1, "A4"}, {99, "A4"}} {
		if got := AgeBin(c.age); got != c.want {
			t.Errorf("AgeBin(%v) = %s, want %s", c.age, got, c.want)
		}
	}
}

func TestGroupKey(t *testing.T) {
	full := Sample{Source: "siteA", Demo: Demographics{Sex: "F", Age: 68, AgeKnown: true, Skin: "II"}}
	none := Sample{}
	cases := []struct {
		name   string
		s      Sample
		attr   Attr
		want   string
		wantOK bool
	}{
		{"sex", full, AttrSex, "F", true},
		{"age", full, AttrAge, "A3", true},
		{"skin", full, AttrSkin, "II", true},
		{"source", full, AttrSource, "siteA", true},
		{"intersectional", full, AttrSexAge, "F,A3", true},
		{"missing sex", none, AttrSex, "", false},
		{"missing age is not age 0", none, AttrAge, "", false},
		{"intersectional needs both", Sample{Demo: Demographics{Sex: "M"}}, AttrSexAge, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := GroupKey(&c.s, c.attr)
			if got != c.want || ok != c.wantOK {
				t.Fatalf("GroupKey = (%q,%v), want (%q,%v)", got, ok, c.want, c.wantOK)
			}
		})
	}
	if g := TrainingGroup(&none, AttrSexAge); g != UnknownGroup {
		t.Fatalf("TrainingGroup of missing = %q, want %q", g, UnknownGroup)
	}
}

func TestMaskDemographics(t *testing.T) {
	in := []Sample{{Source: "s", Demo: Demographics{Sex: "M", Age: 30, AgeKnown: true, Skin: "I"}}}
	all := MaskDemographics(in)
	if all[0].Demo != (Demographics{}) || all[0].Source != "s" {
		t.Fatalf("mask all: %+v", all[0])
	}
	if in[0].Demo.Sex != "M" {
		t.Fatal("MaskDemographics modified its input")
	}
	sexOnly := MaskDemographics(in, AttrSex)
	if sexOnly[0].Demo.Sex != "" || !sexOnly[0].Demo.AgeKnown {
		t.Fatalf("mask sex: %+v", sexOnly[0].Demo)
	}
}

func TestSplitGroupedNoLeak(t *testing.T) {
	var s []Sample
	for i := 0; i < 300; i++ {
		s = append(s, Sample{ID: string(rune('a'+i%26)) + strings.Repeat("x", i), Patient: []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"}[i%10]})
	}
	tr, te := SplitGrouped(s, 0.3, 7)
	if len(tr)+len(te) != len(s) {
		t.Fatalf("split lost samples: %d+%d != %d", len(tr), len(te), len(s))
	}
	inTrain := map[string]bool{}
	for _, x := range tr {
		inTrain[x.Patient] = true
	}
	for _, x := range te {
		if inTrain[x.Patient] {
			t.Fatalf("patient %s in both splits", x.Patient)
		}
	}
	if len(te) != 90 { // 3 of 10 patients, 30 samples each
		t.Fatalf("test size %d, want 90", len(te))
	}
	tr2, _ := SplitGrouped(s, 0.3, 7)
	if tr2[0].ID != tr[0].ID || len(tr2) != len(tr) {
		t.Fatal("split not reproducible for the same seed")
	}
}

func TestLoadHAM10000Real(t *testing.T) {
	dir := realDir(t)
	s, err := LoadHAM10000(filepath.Join(dir, "ham10000"))
	if err != nil {
		t.Fatal(err)
	}
	lesions := map[string]bool{}
	sources := map[string]int{}
	for _, x := range s {
		lesions[x.Patient] = true
		sources[x.Source]++
	}
	if len(s) != 10015 || len(lesions) != 7470 {
		t.Fatalf("HAM10000: %d images, %d lesions; want 10015, 7470", len(s), len(lesions))
	}
	if len(sources) != 4 || sources["vidir_molemax"] != 3954 {
		t.Fatalf("sources %v", sources)
	}
}

func TestLoadPADUFES20Real(t *testing.T) {
	dir := realDir(t)
	s, err := LoadPADUFES20(filepath.Join(dir, "pad_ufes_20"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	patients := map[string]bool{}
	noSex := 0
	for _, x := range s {
		counts[PADUFESClasses[x.Labels[0]]]++
		patients[x.Patient] = true
		if x.Demo.Sex == "" {
			noSex++
		}
	}
	// Published counts (SOURCES.md): 2298 images, 1373 patients, BCC 845 ... MEL 52.
	if len(s) != 2298 || len(patients) != 1373 || counts["BCC"] != 845 || counts["MEL"] != 52 {
		t.Fatalf("PAD-UFES-20: %d rows, %d patients, %v", len(s), len(patients), counts)
	}
	if noSex != 804 {
		t.Fatalf("%d rows without sex, want 804", noSex)
	}
	if got, want := len(s[0].Features), len(PADFeatureNames()); got != want {
		t.Fatalf("feature length %d, names %d", got, want)
	}
}

func TestLoadUCIHeartReal(t *testing.T) {
	dir := realDir(t)
	s, err := LoadUCIHeart(filepath.Join(dir, "uci_heart_disease"))
	if err != nil {
		t.Fatal(err)
	}
	src := map[string]int{}
	for _, x := range s {
		src[x.Source]++
	}
	if len(s) != 920 || src["cleveland"] != 303 || src["hungarian"] != 294 || src["switzerland"] != 123 || src["va"] != 200 {
		t.Fatalf("UCI heart: %d rows, %v", len(s), src)
	}
	if got, want := len(s[0].Features), len(UCIFeatureNames()); got != want {
		t.Fatalf("feature length %d, names %d", got, want)
	}
}

func TestRealSuite(t *testing.T) {
	dir := realDir(t)
	suite, err := RealSuite(dir, 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(suite.Benchmarks) != 3 || suite.InputDim() != 64 {
		t.Fatalf("suite: %d benchmarks, input dim %d", len(suite.Benchmarks), suite.InputDim())
	}
}

// wantInputError checks that err is an InputError naming line and field.
func wantInputError(t *testing.T, err error, line int, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an InputError, got %v", err)
	}
	if ie.Line != line || ie.Field != field {
		t.Fatalf("error %q names line %d field %q; want line %d field %q", err, ie.Line, ie.Field, line, field)
	}
}

func TestBadInput(t *testing.T) {
	padHeader := "patient_id,lesion_id,smoke,drink,background_father,background_mother,age,pesticide,gender,skin_cancer_history,cancer_history,has_piped_water,has_sewage_system,fitspatrick,region,diameter_1,diameter_2,diagnostic,itch,grew,hurt,changed,bleed,elevation,img_id,biopsed\n"
	padRow := "PAT_1,1,,,,,%s,,,,,,,,ARM,,,%s,False,False,False,False,False,False,a.png,False\n"
	t.Run("pad unknown label", func(t *testing.T) {
		_, err := ParsePADUFES20(strings.NewReader(padHeader+strings.ReplaceAll(strings.Replace(padRow, "%s", "8", 1), "%s", "XYZ")), "m.csv")
		wantInputError(t, err, 2, "diagnostic")
	})
	t.Run("pad unparsable age", func(t *testing.T) {
		_, err := ParsePADUFES20(strings.NewReader(padHeader+strings.ReplaceAll(strings.Replace(padRow, "%s", "eight", 1), "%s", "NEV")), "m.csv")
		wantInputError(t, err, 2, "age")
	})
	t.Run("uci NaN feature", func(t *testing.T) {
		_, err := ParseUCIHeart(strings.NewReader("63,1,4,140,260,0,1,112,1,3,2,?,?,2\n44,1,4,NaN,209,0,1,127,0,0,?,?,?,0\n"), "p.csv", "x")
		wantInputError(t, err, 2, "trestbps")
	})
	t.Run("uci malformed row", func(t *testing.T) {
		_, err := ParseUCIHeart(strings.NewReader("63,1,4,140,260,0,1,112,1,3,2,?,?,2\n44,1\n"), "p.csv", "x")
		wantInputError(t, err, 2, "")
	})
	t.Run("ham label disagreement", func(t *testing.T) {
		meta := "lesion_id,image_id,dx,dx_type,age,sex,localization\nL1,I1,bkl,histo,80.0,male,scalp\n"
		pix := strings.Repeat("p,", 64) + "label\n" + strings.Repeat("0,", 64) + "4\n"
		src := "image_id,dataset\nI1,rosendahl\n"
		_, err := ParseHAM10000(strings.NewReader(meta), strings.NewReader(pix), strings.NewReader(src), "m", "p", "s")
		wantInputError(t, err, 2, "label")
	})
	t.Run("ham unknown sex", func(t *testing.T) {
		meta := "lesion_id,image_id,dx,dx_type,age,sex,localization\nL1,I1,bkl,histo,80.0,robot,scalp\n"
		pix := strings.Repeat("p,", 64) + "label\n" + strings.Repeat("0,", 64) + "2\n"
		_, err := ParseHAM10000(strings.NewReader(meta), strings.NewReader(pix), strings.NewReader("image_id,dataset\nI1,r\n"), "m", "p", "s")
		wantInputError(t, err, 2, "sex")
	})
	t.Run("climb bad json", func(t *testing.T) {
		_, _, err := ParseClimb(strings.NewReader(`{"dataset":"vindr","answer":"a","images":["x"]}`+"\n{oops\n"), "c.jsonl", map[string][]float32{"x": {1}})
		wantInputError(t, err, 2, "")
	})
	t.Run("climb unparsable age", func(t *testing.T) {
		_, _, err := ParseClimb(strings.NewReader(`{"dataset":"vindr","answer":"a","images":["x"],"demo":"sex: Male, age: old"}`), "c.jsonl", map[string][]float32{"x": {1}})
		wantInputError(t, err, 1, "demo")
	})
	t.Run("climb missing embedding", func(t *testing.T) {
		_, _, err := ParseClimb(strings.NewReader(`{"dataset":"vindr","answer":"a","images":["y"]}`), "c.jsonl", map[string][]float32{"x": {1}})
		wantInputError(t, err, 1, "images")
	})
	t.Run("csv NaN feature", func(t *testing.T) {
		_, _, err := ParseCSV(strings.NewReader("f1,y\n1,a\nnan,b\n"), "g.csv", CSVSpec{Label: "y"})
		wantInputError(t, err, 3, "f1")
	})
}

func TestClimb(t *testing.T) {
	in := `{"problem":"?","answer":"\\boxed{Pneumonia and Edema}","images":["a.png"],"dataset":"chexpert_full","data_source":"stanford","demo":"sex: Male, age: 68"}
{"problem":"?","answer":"edema","images":["b.png"],"dataset":"chexpert_full","data_source":"stanford"}
`
	emb := map[string][]float32{"a.png": {1, 2}, "b.png": {3, 4}}
	s, labels, err := ParseClimb(strings.NewReader(in), "x.jsonl", emb)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || strings.Join(labels[0], "|") != "edema|pneumonia" {
		t.Fatalf("labels %v", labels)
	}
	if k, _ := GroupKey(&s[0], AttrSexAge); k != "M,A3" {
		t.Fatalf("demo key %q, want M,A3", k)
	}
	if g := TrainingGroup(&s[1], AttrSexAge); g != UnknownGroup {
		t.Fatalf("row without demo: %q", g)
	}
	bs := benchmarksFromLabelNames(s, labels, 0, 1)
	if !bs[0].MultiLabel || len(bs[0].Classes) != 2 || bs[0].Modality != "xray" {
		t.Fatalf("benchmark %+v", bs[0])
	}
}

func TestDataDirFlagWins(t *testing.T) {
	d := t.TempDir()
	if got, ok := DataDir(d); got != d || !ok {
		t.Fatalf("DataDir(%q) = %q,%v", d, got, ok)
	}
	if _, ok := DataDir(filepath.Join(d, "nope")); ok {
		t.Fatal("a missing flag dir must not be ok")
	}
	_ = os.Getenv
}
