// Package data owns the workbench's data model: a Sample (one prompt with its
// input, label set and demographics), a Benchmark (classes and train/test
// splits) and a Suite of benchmarks; the demographic group keys the paper
// uses (sex, age in the paper's four bins, skin type, data source, and the
// authors' intersectional sex x age key); leakage-free grouped splits;
// masking of demographics for the no-label (EQPO-ND) runs; and loaders for
// the real datasets (HAM10000, PAD-UFES-20, UCI Heart Disease), the authors'
// CLIMB JSONL format and generic CSV files.
//
// It knows nothing about policies or RL. A missing demographic value is
// missing (the zero value), never an empty-string group: GroupKey reports
// ok=false for it and UnknownGroup is what the EQPO-ND path clusters.
//
// Loaders never drop input silently: a malformed row is an error naming the
// file, the line and the field.
package data
