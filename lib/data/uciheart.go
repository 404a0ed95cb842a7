package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// UCIHeartClasses: the 0..4 "num" diagnosis collapsed to absence/presence,
// the standard binary use of this dataset.
var UCIHeartClasses = []string{"no_disease", "disease"}

// UCIHeartSources are the four hospitals, each a processed.<name>.csv file.
var UCIHeartSources = []string{"cleveland", "hungarian", "switzerland", "va"}

// uciColumns are the 14 headerless columns (heart-disease.names).
var uciColumns = []string{"age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"}

// uciScale centres and scales the 11 clinical (non-demographic) inputs to
// roughly unit range; fixed constants so a sample's features do not depend
// on which other rows were loaded. Values: rounded pooled means/spreads from
// heart-disease.names' ranges.
var uciScale = map[string][2]float64{
	"cp": {3, 1}, "trestbps": {132, 18}, "chol": {200, 110}, "fbs": {0, 1}, "restecg": {0.6, 0.8},
	"thalach": {138, 26}, "exang": {0.4, 0.5}, "oldpeak": {0.9, 1.1}, "slope": {1.8, 0.6}, "ca": {0.7, 0.9}, "thal": {5, 1.9},
}

// UCIFeatureNames names the columns of a UCI heart sample's feature vector:
// age/100, sex (+1 M, -1 F), the 11 scaled clinical values (0 when missing)
// and one missing-indicator per clinical value.
func UCIFeatureNames() []string {
	names := []string{"age/100", "sex"}
	names = append(names, uciColumns[2:13]...)
	for _, c := range uciColumns[2:13] {
		names = append(names, c+"_missing")
	}
	return names
}

// LoadUCIHeart reads the four processed.<hospital>.csv files from dir; each
// hospital is a data source. "?" marks a missing value (documented); any
// other unparsable value is an error.
func LoadUCIHeart(dir string) ([]Sample, error) {
	var out []Sample
	for _, h := range UCIHeartSources {
		path := filepath.Join(dir, "processed."+h+".csv")
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s, err := ParseUCIHeart(f, path, h)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// ParseUCIHeart parses one hospital's file.
func ParseUCIHeart(r io.Reader, name, hospital string) ([]Sample, error) {
	t, err := readCSV(r, name, false)
	if err != nil {
		return nil, err
	}
	out := make([]Sample, len(t.rows))
	for i, row := range t.rows {
		if len(row) != len(uciColumns) {
			return nil, t.errf(i, "", "%d fields, want %d (%s)", len(row), len(uciColumns), strings.Join(uciColumns, ","))
		}
		s := &out[i]
		s.ID = fmt.Sprintf("%s-%04d", hospital, i)
		s.Dataset, s.Modality, s.Source = "uci_heart", "clinical", hospital
		if s.Demo.Age, s.Demo.AgeKnown, err = parseAge(missingAsEmpty(row[0])); err != nil {
			return nil, t.errf(i, "age", "%v", err)
		}
		switch strings.TrimSpace(row[1]) { // 1 = male, 0 = female; Cleveland writes 1.0/0.0
		case "1", "1.0":
			s.Demo.Sex = "M"
		case "0", "0.0":
			s.Demo.Sex = "F"
		case "?":
		default:
			return nil, t.errf(i, "sex", "%q is not 0 or 1", row[1])
		}
		num, err := parseFinite(row[13])
		if err != nil || num < 0 || num > 4 || num != float64(int(num)) {
			return nil, t.errf(i, "num", "diagnosis %q is not an integer 0..4", row[13])
		}
		s.Labels = []int{b2i(num > 0)}
		sex := float32(0)
		switch s.Demo.Sex {
		case "M":
			sex = 1
		case "F":
			sex = -1
		}
		feat := []float32{float32(s.Demo.Age / 100), sex}
		var miss []float32
		for j := 2; j < 13; j++ {
			col := uciColumns[j]
			x := strings.TrimSpace(row[j])
			if x == "?" || x == "" {
				feat = append(feat, 0)
				miss = append(miss, 1)
				continue
			}
			v, err := parseFinite(x)
			if err != nil {
				return nil, t.errf(i, col, "%v (use ? for a missing value)", err)
			}
			sc := uciScale[col]
			feat = append(feat, float32((v-sc[0])/sc[1]))
			miss = append(miss, 0)
		}
		s.Features = append(feat, miss...)
	}
	return out, nil
}

func missingAsEmpty(s string) string {
	if strings.TrimSpace(s) == "?" {
		return ""
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
