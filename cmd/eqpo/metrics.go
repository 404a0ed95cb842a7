package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"eqpo/lib/data"
	"eqpo/lib/fairness"
	"eqpo/lib/report"
)

func init() {
	register("metrics", "fairness table from a predictions JSONL file (any model's)", runMetrics)
}

func runMetrics(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("metrics",
		"Reads predictions ({\"id\",\"dataset\",\"demo\":{\"sex\",\"age\",...},\"labels\":[...],\"pred\":[...]} per line)\nand prints the paper's columns overall, per dataset and per attribute group.",
		"eqpo metrics -preds runs/eqpo-s1/predictions.jsonl -format md", stderr)
	preds := fs.String("preds", "", "predictions JSONL file (required)")
	minGroup := fs.Int("min-group", 1, "groups smaller than this are reported but excluded from gaps and spreads")
	format := fs.String("format", "md", "output format: md or json")
	attrs := fs.String("attrs", "sex,age", "attributes to group by: sex, age, skin, race, source, sex_age")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *preds == "" {
		return fmt.Errorf("-preds is required (try -h)")
	}
	if *format != "md" && *format != "json" {
		return fmt.Errorf("-format %q: want md or json", *format)
	}
	as, err := data.ParseAttrs(*attrs)
	if err != nil {
		return fmt.Errorf("-attrs: %v", err)
	}
	f, err := os.Open(*preds)
	if err != nil {
		return err
	}
	defer f.Close()
	ps, err := fairness.ReadPredictions(f, *preds)
	if err != nil {
		return err
	}
	rep := fairness.EvaluatePredictions(ps, as, *minGroup)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	report.WriteMetricsMarkdown(stdout, rep)
	return nil
}
