package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// HAM10000Classes are the seven diagnoses in the order of the hmnist label
// codes' alphabetical dx names.
var HAM10000Classes = []string{"akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"}

// hmnistCode maps the Kaggle hmnist label code to the dx name (SOURCES.md).
var hmnistCode = []string{"akiec", "bcc", "bkl", "df", "nv", "vasc", "mel"}

// HAM10000 file names inside the dataset directory.
const (
	HAMMetadataFile = "HAM10000_metadata.csv"
	HAMPixelsFile   = "hmnist_8_8_L.csv"
	HAMSourceFile   = "HAM10000_image_source.csv"
)

// LoadHAM10000 reads HAM10000 from dir (metadata, the 8x8 grayscale pixels
// and the acquisition-source join). Row i of the pixel file is row i of the
// metadata; the loader checks that the two files' diagnoses agree on every
// row. Patient is the lesion id, Source the acquisition site.
func LoadHAM10000(dir string) ([]Sample, error) {
	open := func(name string) (*os.File, error) { return os.Open(filepath.Join(dir, name)) }
	meta, err := open(HAMMetadataFile)
	if err != nil {
		return nil, err
	}
	defer meta.Close()
	pix, err := open(HAMPixelsFile)
	if err != nil {
		return nil, err
	}
	defer pix.Close()
	src, err := open(HAMSourceFile)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return ParseHAM10000(meta, pix, src, filepath.Join(dir, HAMMetadataFile), filepath.Join(dir, HAMPixelsFile), filepath.Join(dir, HAMSourceFile))
}

// ParseHAM10000 is LoadHAM10000 over readers; the names are used in errors.
func ParseHAM10000(meta, pixels, source io.Reader, metaName, pixName, srcName string) ([]Sample, error) {
	mt, err := readCSV(meta, metaName, true)
	if err != nil {
		return nil, err
	}
	mc, err := mt.need("lesion_id", "image_id", "dx", "age", "sex")
	if err != nil {
		return nil, err
	}
	pt, err := readCSV(pixels, pixName, true)
	if err != nil {
		return nil, err
	}
	st, err := readCSV(source, srcName, true)
	if err != nil {
		return nil, err
	}
	sc, err := st.need("image_id", "dataset")
	if err != nil {
		return nil, err
	}
	if len(pt.rows) != len(mt.rows) || len(st.rows) != len(mt.rows) {
		return nil, &InputError{File: pixName, Msg: fmt.Sprintf("%d pixel rows and %d source rows for %d metadata rows; the files must be row-aligned", len(pt.rows), len(st.rows), len(mt.rows))}
	}
	if len(pt.header) != 65 {
		return nil, &InputError{File: pixName, Line: 1, Msg: fmt.Sprintf("%d columns, want 64 pixels + label", len(pt.header))}
	}
	out := make([]Sample, len(mt.rows))
	for i, row := range mt.rows {
		s := &out[i]
		s.ID = row[mc[1]]
		if s.ID == "" {
			return nil, mt.errf(i, "image_id", "empty")
		}
		s.Dataset, s.Modality = "ham10000", "dermoscopy"
		s.Patient = row[mc[0]]
		dx := row[mc[2]]
		li := indexOf(HAM10000Classes, dx)
		if li < 0 {
			return nil, mt.errf(i, "dx", "unknown diagnosis %q (known: %v)", dx, HAM10000Classes)
		}
		s.Labels = []int{li}
		if s.Demo.Age, s.Demo.AgeKnown, err = parseAge(row[mc[3]]); err != nil {
			return nil, mt.errf(i, "age", "%v", err)
		}
		if s.Demo.Sex, err = parseSex(row[mc[4]]); err != nil {
			return nil, mt.errf(i, "sex", "%v", err)
		}
		// Pixels and the cross-check of the label code.
		prow := pt.rows[i]
		img := &Image{H: 8, W: 8, C: 1, Pixels: make([]float32, 64)}
		for j := 0; j < 64; j++ {
			v, err := strconv.Atoi(prow[j])
			if err != nil || v < 0 || v > 255 {
				return nil, pt.errf(i, pt.header[j], "pixel %q is not an integer in [0,255]", prow[j])
			}
			img.Pixels[j] = float32(v) / 255
		}
		code, err := strconv.Atoi(prow[64])
		if err != nil || code < 0 || code >= len(hmnistCode) {
			return nil, pt.errf(i, "label", "label code %q is not in 0..6", prow[64])
		}
		if hmnistCode[code] != dx {
			return nil, pt.errf(i, "label", "label code %d (%s) disagrees with metadata dx %q at the same row", code, hmnistCode[code], dx)
		}
		s.Image = img
		srow := st.rows[i]
		if srow[sc[0]] != s.ID {
			return nil, st.errf(i, "image_id", "%q does not match metadata image_id %q at the same row", srow[sc[0]], s.ID)
		}
		if s.Source = srow[sc[1]]; s.Source == "" {
			return nil, st.errf(i, "dataset", "empty acquisition source")
		}
	}
	return out, nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
