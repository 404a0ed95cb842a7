package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
)

// The fuzz targets check two properties of every loader: it never panics,
// and when it accepts an input it returns exactly one sample per data record
// (nothing dropped silently), each with a valid label and finite input.
// Seed corpora live in testdata/fuzz; CI runs them as plain tests; run
// `go test ./lib/data -fuzz FuzzParseUCIHeart -fuzztime 30s` to explore.

func countCSVRecords(b []byte, header bool) int {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	n := 0
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		n++
	}
	if header && n > 0 {
		n--
	}
	return n
}

func checkSamples(t *testing.T, s []Sample, want, nClasses int) {
	t.Helper()
	if len(s) != want {
		t.Fatalf("accepted input with %d records but returned %d samples", want, len(s))
	}
	for i := range s {
		if s[i].ID == "" || len(s[i].Labels) == 0 {
			t.Fatalf("sample %d: empty id or labels: %+v", i, s[i])
		}
		for _, l := range s[i].Labels {
			if nClasses > 0 && (l < 0 || l >= nClasses) {
				t.Fatalf("sample %d: label %d out of range", i, l)
			}
		}
		for _, v := range s[i].Input() {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("sample %d: non-finite input", i)
			}
		}
	}
}

func FuzzParseUCIHeart(f *testing.F) {
	f.Add([]byte("63,1,4,140,260,0,1,112,1,3,2,?,?,2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseUCIHeart(bytes.NewReader(b), "fuzz.csv", "h")
		if err == nil {
			checkSamples(t, s, countCSVRecords(b, false), len(UCIHeartClasses))
		}
	})
}

func FuzzParsePADUFES20(f *testing.F) {
	f.Add([]byte("patient_id,lesion_id,smoke,drink,background_father,background_mother,age,pesticide,gender,skin_cancer_history,cancer_history,has_piped_water,has_sewage_system,fitspatrick,region,diameter_1,diameter_2,diagnostic,itch,grew,hurt,changed,bleed,elevation,img_id,biopsed\nPAT_46,881,False,False,POMERANIA,POMERANIA,55,False,FEMALE,True,True,True,True,3.0,NECK,6.0,5.0,BCC,True,True,False,True,True,True,PAT_46_881_939.png,True\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParsePADUFES20(bytes.NewReader(b), "fuzz.csv")
		if err == nil {
			checkSamples(t, s, countCSVRecords(b, true), len(PADUFESClasses))
		}
	})
}

func FuzzParseHAM10000Metadata(f *testing.F) {
	f.Add([]byte("lesion_id,image_id,dx,dx_type,age,sex,localization\nL1,I1,bkl,histo,80.0,male,scalp\n"))
	pix := strings.Repeat("p,", 64) + "label\n" + strings.Repeat("0,", 64) + "2\n"
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseHAM10000(bytes.NewReader(b), strings.NewReader(pix), strings.NewReader("image_id,dataset\nI1,rosendahl\n"), "m", "p", "s")
		if err == nil {
			checkSamples(t, s, countCSVRecords(b, true), len(HAM10000Classes))
		}
	})
}

func FuzzParseClimb(f *testing.F) {
	f.Add([]byte(`{"answer":"a, b","images":["x"],"dataset":"vindr","demo":"sex: Female, age: 40"}` + "\n"))
	emb := map[string][]float32{"x": {0.5}}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _, err := ParseClimb(bytes.NewReader(b), "fuzz.jsonl", emb)
		if err != nil {
			return
		}
		lines := 0
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) != "" {
				lines++
			}
		}
		if len(s) != lines {
			t.Fatalf("%d non-blank lines, %d samples", lines, len(s))
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("f1,f2,sex,age,y\n1,2,male,40,a|b\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, labels, err := ParseCSV(bytes.NewReader(b), "fuzz.csv", CSVSpec{Label: "y", Sex: "sex", Age: "age"})
		if err == nil {
			for i := range s { // label names become indices later; here: present or not
				if len(labels[i]) > 0 {
					s[i].Labels = []int{0}
				}
			}
			checkSamples(t, s, countCSVRecords(b, true), 0)
		}
	})
}
