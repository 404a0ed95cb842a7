package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// DataDirEnv names the environment variable that points at the real data.
const DataDirEnv = "EQPO_DATA_DIR"

// DataDir resolves the real-data directory: the flag value if set, else
// $EQPO_DATA_DIR, else ../shared/data (relative to the working directory or
// any parent of it) when it exists. ok is false when none is found.
func DataDir(flagValue string) (dir string, ok bool) {
	for _, c := range []string{flagValue, os.Getenv(DataDirEnv)} {
		if c != "" {
			_, err := os.Stat(c)
			return c, err == nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "..", "shared", "data")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return filepath.Clean(c), true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// RealSuite loads the three real datasets under dir as one suite, each split
// by patient/lesion with testFrac held out. The paper's group attributes are
// sex and age; HAM10000 adds its acquisition source, PAD-UFES-20 the
// Fitzpatrick skin type and UCI heart its hospital.
func RealSuite(dir string, testFrac float64, seed uint64) (*Suite, error) {
	type spec struct {
		name, modality string
		classes        []string
		attrs          []Attr
		load           func(string) ([]Sample, error)
		sub            string
	}
	specs := []spec{
		{"ham10000", "dermoscopy", HAM10000Classes, []Attr{AttrSex, AttrAge, AttrSource}, LoadHAM10000, "ham10000"},
		{"pad_ufes_20", "dermoscopy", PADUFESClasses, []Attr{AttrSex, AttrAge, AttrSkin}, LoadPADUFES20, "pad_ufes_20"},
		{"uci_heart", "clinical", UCIHeartClasses, []Attr{AttrSex, AttrAge, AttrSource}, LoadUCIHeart, "uci_heart_disease"},
	}
	suite := &Suite{Name: "real3"}
	for _, sp := range specs {
		samples, err := sp.load(filepath.Join(dir, sp.sub))
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", sp.name, err)
		}
		b := &Benchmark{Name: sp.name, Modality: sp.modality, Classes: sp.classes, Attrs: sp.attrs}
		b.Train, b.Test = SplitGrouped(samples, testFrac, seed)
		suite.Benchmarks = append(suite.Benchmarks, b)
	}
	return suite, suite.Validate()
}
