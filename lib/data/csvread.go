package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// InputError is a bad-input error that names where the problem is.
type InputError struct {
	File  string
	Line  int    // 1-based; 0 when not line-specific
	Field string // column or key name; "" when the whole line is bad
	Msg   string
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// csvTable is a CSV file read whole, with each row's line number kept.
type csvTable struct {
	file   string
	header []string
	col    map[string]int
	rows   [][]string
	lines  []int
}

// readCSV reads a CSV stream. With header=true the first record names the
// columns. Every row must have as many fields as the first record.
func readCSV(r io.Reader, file string, header bool) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	t := &csvTable{file: file, col: map[string]int{}}
	width := -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &InputError{File: file, Line: pe.Line, Msg: pe.Err.Error()}
			}
			return nil, &InputError{File: file, Msg: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // csv.Reader already skips empty lines; this is a line of spaces
		}
		if width == -1 {
			width = len(rec)
			if header {
				t.header = rec
				for i, h := range rec {
					t.col[strings.TrimSpace(h)] = i
				}
				continue
			}
		}
		if len(rec) != width {
			return nil, &InputError{File: file, Line: line, Msg: fmt.Sprintf("%d fields, expected %d", len(rec), width)}
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

func readCSVFile(path string, header bool) (*csvTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCSV(f, path, header)
}

// need returns the index of a required column.
func (t *csvTable) need(names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		j, ok := t.col[n]
		if !ok {
			return nil, &InputError{File: t.file, Line: 1, Field: n, Msg: "required column is missing from the header"}
		}
		idx[i] = j
	}
	return idx, nil
}

func (t *csvTable) errf(row int, field, format string, args ...any) error {
	return &InputError{File: t.file, Line: t.lines[row], Field: field, Msg: fmt.Sprintf(format, args...)}
}

// parseFinite parses a float and rejects NaN and Inf: a NaN feature is bad input.
func parseFinite(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %q", s)
	}
	return v, nil
}

// parseAge parses an age in years; "" is missing. Negative or > 130 is an error.
func parseAge(s string) (age float64, known bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	v, err := parseFinite(s)
	if err != nil {
		return 0, false, err
	}
	if v < 0 || v > 130 {
		return 0, false, fmt.Errorf("age %v outside [0,130]", v)
	}
	return v, true, nil
}

// parseSex maps the spellings the datasets use to "M"/"F"; missing spellings to "".
func parseSex(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "m", "male", "man", "1":
		return "M", nil
	case "f", "female", "woman", "0":
		return "F", nil
	case "", "unknown", "unk", "nan", "na", "?":
		return "", nil
	}
	return "", fmt.Errorf("unrecognised sex %q (want male/female/M/F or empty)", s)
}
