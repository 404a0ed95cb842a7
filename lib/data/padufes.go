package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// PADUFESClasses are PAD-UFES-20's six diagnoses.
var PADUFESClasses = []string{"ACK", "BCC", "MEL", "NEV", "SCC", "SEK"}

// padBoolCols are the yes/no clinical fields, encoded +1 True, -1 False, 0
// missing or "UNK". "biopsed" is left out on purpose: whether a lesion was
// biopsied is decided from the suspected diagnosis, so it leaks the label.
var padBoolCols = []string{"smoke", "drink", "pesticide", "skin_cancer_history", "cancer_history",
	"has_piped_water", "has_sewage_system", "itch", "grew", "hurt", "changed", "bleed", "elevation"}

// padRegions is the fixed one-hot vocabulary of the lesion's body region.
var padRegions = []string{"ABDOMEN", "ARM", "BACK", "CHEST", "EAR", "FACE", "FOOT", "FOREARM", "HAND", "LIP", "NECK", "NOSE", "SCALP", "THIGH"}

// PADFeatureNames names the columns of a PAD-UFES-20 sample's feature vector.
func PADFeatureNames() []string {
	names := append([]string{"age/100", "diameter_1/20", "diameter_2/20", "questionnaire_missing"}, padBoolCols...)
	for _, r := range padRegions {
		names = append(names, "region="+r)
	}
	return names
}

// LoadPADUFES20 reads PAD-UFES-20's metadata.csv from dir. Patient is the
// patient id (a patient can have several lesions; splitting by patient is
// the stricter choice). Sex, age and Fitzpatrick skin type are the
// demographics; 804 rows carry no questionnaire (no sex, no skin type), all
// of them ACK, SEK or NEV: missingness is label-correlated (data/README.md).
func LoadPADUFES20(dir string) ([]Sample, error) {
	path := filepath.Join(dir, "metadata.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePADUFES20(f, path)
}

// ParsePADUFES20 is LoadPADUFES20 over a reader.
func ParsePADUFES20(r io.Reader, name string) ([]Sample, error) {
	t, err := readCSV(r, name, true)
	if err != nil {
		return nil, err
	}
	base, err := t.need("patient_id", "lesion_id", "age", "gender", "fitspatrick", "region", "diameter_1", "diameter_2", "diagnostic", "img_id")
	if err != nil {
		return nil, err
	}
	boolIdx, err := t.need(padBoolCols...)
	if err != nil {
		return nil, err
	}
	out := make([]Sample, len(t.rows))
	for i, row := range t.rows {
		s := &out[i]
		s.ID, s.Dataset, s.Modality, s.Source = row[base[9]], "pad_ufes_20", "dermoscopy", "pad_ufes_20"
		if s.ID == "" {
			return nil, t.errf(i, "img_id", "empty")
		}
		s.Patient = row[base[0]]
		li := indexOf(PADUFESClasses, row[base[8]])
		if li < 0 {
			return nil, t.errf(i, "diagnostic", "unknown diagnosis %q (known: %v)", row[base[8]], PADUFESClasses)
		}
		s.Labels = []int{li}
		if s.Demo.Age, s.Demo.AgeKnown, err = parseAge(row[base[2]]); err != nil {
			return nil, t.errf(i, "age", "%v", err)
		}
		if s.Demo.Sex, err = parseSex(row[base[3]]); err != nil {
			return nil, t.errf(i, "gender", "%v", err)
		}
		if s.Demo.Skin, err = parseFitzpatrick(row[base[4]]); err != nil {
			return nil, t.errf(i, "fitspatrick", "%v", err)
		}
		feat := make([]float32, 0, 4+len(padBoolCols)+len(padRegions))
		feat = append(feat, float32(s.Demo.Age/100))
		for k, col := range []int{base[6], base[7]} {
			v := float32(0)
			if x := strings.TrimSpace(row[col]); x != "" {
				d, err := parseFinite(x)
				if err != nil {
					return nil, t.errf(i, []string{"diameter_1", "diameter_2"}[k], "%v", err)
				}
				v = float32(d / 20)
			}
			feat = append(feat, v)
		}
		missing := float32(0)
		if strings.TrimSpace(row[base[3]]) == "" {
			missing = 1
		}
		feat = append(feat, missing)
		for k, col := range boolIdx {
			switch strings.TrimSpace(row[col]) {
			case "True":
				feat = append(feat, 1)
			case "False":
				feat = append(feat, -1)
			case "", "UNK":
				feat = append(feat, 0)
			default:
				return nil, t.errf(i, padBoolCols[k], "want True, False, UNK or empty, got %q", row[col])
			}
		}
		ri := indexOf(padRegions, row[base[5]])
		if ri < 0 {
			return nil, t.errf(i, "region", "unknown region %q (known: %v)", row[base[5]], padRegions)
		}
		for k := range padRegions {
			feat = append(feat, b2f(k == ri))
		}
		s.Features = feat
	}
	return out, nil
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

var romans = []string{"I", "II", "III", "IV", "V", "VI"}

// parseFitzpatrick maps "3.0", "3" or "III" to "III"; empty is missing.
func parseFitzpatrick(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if i := indexOf(romans, strings.ToUpper(s)); i >= 0 {
		return romans[i], nil
	}
	v, err := parseFinite(s)
	if err != nil || v != float64(int(v)) || v < 1 || v > 6 {
		return "", fmt.Errorf("Fitzpatrick type %q is not 1..6 or I..VI", s)
	}
	return romans[int(v)-1], nil
}
