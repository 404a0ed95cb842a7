package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"eqpo/lib/fairness"
)

// FormatColumn prints a column value in the paper's style: percentages with
// two decimals, fractions with four.
func FormatColumn(name string, v float64) string {
	switch name {
	case "F1", "sigma_F1", "Delta_F1", "F1_ES":
		return fmt.Sprintf("%.4f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// WriteMetricsMarkdown writes a fairness report as Markdown: the overall
// columns, one row per dataset, and per attribute each group's scores.
func WriteMetricsMarkdown(w io.Writer, rep *fairness.Report) {
	fmt.Fprintf(w, "## Overall (%d predictions; unweighted mean over datasets; min group size %d)\n\n", rep.N, rep.MinGroup)
	writeColumnsHeader(w)
	writeColumnsRow(w, "overall", rep.Overall)
	names := make([]string, 0, len(rep.Datasets))
	for n := range rep.Datasets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if rep.Datasets[n].Valid {
			writeColumnsRow(w, n, rep.Datasets[n].Columns)
		} else {
			fmt.Fprintf(w, "| %s | (no attribute with two eligible groups) |\n", n)
		}
	}
	for _, n := range names {
		d := rep.Datasets[n]
		fmt.Fprintf(w, "\n### %s (%d samples; macro F1 %.4f, Acc %.2f%% without grouping)\n", n, d.N, d.All.F1, 100*d.All.Acc)
		attrs := make([]string, 0, len(d.Attrs))
		for a := range d.Attrs {
			attrs = append(attrs, a)
		}
		sort.Strings(attrs)
		for _, a := range attrs {
			ar := d.Attrs[a]
			fmt.Fprintf(w, "\n%s: %d samples left out (attribute missing)\n\n| group | n | F1 | Acc %% | TPR %% | FPR %% | FDR %% |\n|---|---|---|---|---|---|---|\n", a, ar.LeftOut)
			groups := make([]string, 0, len(ar.Groups))
			for g := range ar.Groups {
				groups = append(groups, g)
			}
			sort.Strings(groups)
			for _, g := range groups {
				gr := ar.Groups[g]
				mark := ""
				if gr.Excluded {
					mark = " (below min group, excluded from gaps)"
				}
				fmt.Fprintf(w, "| %s%s | %d | %.4f | %.2f | %.2f | %.2f | %.2f |\n", g, mark, gr.N, gr.F1, 100*gr.Acc, 100*gr.TPR, 100*gr.FPR, 100*gr.FDR)
			}
			if ar.Valid {
				fmt.Fprintf(w, "| gap | | %.4f | %.2f | %.2f | %.2f | %.2f |\n", ar.Gap.F1, 100*ar.Gap.Acc, 100*ar.Gap.TPR, 100*ar.Gap.FPR, 100*ar.Gap.FDR)
				fmt.Fprintf(w, "| std | | %.4f | %.2f | %.2f | %.2f | %.2f |\n", ar.Std.F1, 100*ar.Std.Acc, 100*ar.Std.TPR, 100*ar.Std.FPR, 100*ar.Std.FDR)
			}
		}
	}
}

// WriteColumnsMarkdown writes one row of the paper's columns per label.
func WriteColumnsMarkdown(w io.Writer, labels []string, rows ...fairness.Columns) {
	writeColumnsHeader(w)
	for i, c := range rows {
		writeColumnsRow(w, labels[i], c)
	}
}

func writeColumnsHeader(w io.Writer) {
	fmt.Fprintf(w, "| | %s |\n|---|%s\n", strings.Join(fairness.ColumnNames, " | "), strings.Repeat("---|", len(fairness.ColumnNames)))
}

func writeColumnsRow(w io.Writer, label string, c fairness.Columns) {
	cells := make([]string, len(fairness.ColumnNames))
	for i, n := range fairness.ColumnNames {
		v, _ := c.Get(n)
		cells[i] = FormatColumn(n, v)
	}
	fmt.Fprintf(w, "| %s | %s |\n", label, strings.Join(cells, " | "))
}
