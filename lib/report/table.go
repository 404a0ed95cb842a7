package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"eqpo/lib/fairness"
)

// RunResult is one finished run as a table needs it.
type RunResult struct {
	Method string
	Seed   uint64
	Final  fairness.Columns
	Base   fairness.Columns
}

// Row is one method's mean and spread per column over its seeds.
type Row struct {
	Label  string
	Seeds  []uint64
	Values map[string][]float64 // column -> per-seed values, in Seeds order
	Mean   map[string]float64
	Std    map[string]float64
}

// Table is the paper-style methods x columns table.
type Table struct {
	Columns []string
	Rows    []*Row
}

// MethodTable groups runs by method (in the given order; others after, sorted),
// adds a "base" row (the warm-started policy before RL, averaged over the
// seeds of the first method that has them) and computes mean and sample std.
func MethodTable(runs []RunResult, order []string) *Table {
	by := map[string][]RunResult{}
	for _, r := range runs {
		by[r.Method] = append(by[r.Method], r)
	}
	var methods []string
	seen := map[string]bool{}
	for _, m := range order {
		if _, ok := by[m]; ok && !seen[m] {
			methods, seen[m] = append(methods, m), true
		}
	}
	var rest []string
	for m := range by {
		if !seen[m] {
			rest = append(rest, m)
		}
	}
	sort.Strings(rest)
	methods = append(methods, rest...)
	t := &Table{Columns: fairness.ColumnNames}
	if len(methods) > 0 {
		t.Rows = append(t.Rows, newRow("base", by[methods[0]], func(r RunResult) fairness.Columns { return r.Base }))
	}
	for _, m := range methods {
		t.Rows = append(t.Rows, newRow(m, by[m], func(r RunResult) fairness.Columns { return r.Final }))
	}
	return t
}

func newRow(label string, runs []RunResult, get func(RunResult) fairness.Columns) *Row {
	sort.Slice(runs, func(i, j int) bool { return runs[i].Seed < runs[j].Seed })
	row := &Row{Label: label, Values: map[string][]float64{}, Mean: map[string]float64{}, Std: map[string]float64{}}
	for _, r := range runs {
		row.Seeds = append(row.Seeds, r.Seed)
		for _, c := range fairness.ColumnNames {
			v, _ := get(r).Get(c)
			row.Values[c] = append(row.Values[c], v)
		}
	}
	for _, c := range fairness.ColumnNames {
		row.Mean[c], row.Std[c] = fairness.MeanStd(row.Values[c])
	}
	return row
}

// Row returns the row with a label, or nil.
func (t *Table) Row(label string) *Row {
	for _, r := range t.Rows {
		if r.Label == label {
			return r
		}
	}
	return nil
}

// Compare runs the paired test of row a against row b on every column,
// pairing values by seed (seeds present in both).
func Compare(a, b *Row) map[string]fairness.PairedTest {
	idx := map[uint64]int{}
	for i, s := range b.Seeds {
		idx[s] = i
	}
	out := map[string]fairness.PairedTest{}
	for _, c := range fairness.ColumnNames {
		var x, y []float64
		for i, s := range a.Seeds {
			if j, ok := idx[s]; ok {
				x, y = append(x, a.Values[c][i]), append(y, b.Values[c][j])
			}
		}
		out[c] = fairness.PairedTTest(x, y)
	}
	return out
}

// WriteMarkdown writes the mean +- std table, then for each target method the
// paired p-values against every other method row.
func (t *Table) WriteMarkdown(w io.Writer, targets []string) {
	fmt.Fprintf(w, "| method | n | %s |\n|---|---|%s\n", strings.Join(t.Columns, " | "), strings.Repeat("---|", len(t.Columns)))
	for _, r := range t.Rows {
		cells := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cells[i] = FormatColumn(c, r.Mean[c]) + " ± " + FormatColumn(c, r.Std[c])
		}
		fmt.Fprintf(w, "| %s | %d | %s |\n", r.Label, len(r.Seeds), strings.Join(cells, " | "))
	}
	for _, target := range targets {
		tr := t.Row(target)
		if tr == nil {
			continue
		}
		fmt.Fprintf(w, "\np-values of %s against each row (paired t-test over seeds, two-sided; ▲ = %s better, ▼ = worse):\n\n", target, target)
		fmt.Fprintf(w, "| vs | %s |\n|---|%s\n", strings.Join(t.Columns, " | "), strings.Repeat("---|", len(t.Columns)))
		for _, r := range t.Rows {
			if r.Label == target {
				continue
			}
			cmp := Compare(tr, r)
			cells := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cells[i] = formatP(cmp[c], c)
			}
			fmt.Fprintf(w, "| %s | %s |\n", r.Label, strings.Join(cells, " | "))
		}
	}
}

func formatP(p fairness.PairedTest, col string) string {
	if p.N < 2 || p.P != p.P {
		return "n/a"
	}
	better := p.MeanDiff < 0
	if !fairness.LowerIsBetter[col] {
		better = p.MeanDiff > 0
	}
	arrow := "▼"
	if better {
		arrow = "▲"
	}
	if p.MeanDiff == 0 {
		arrow = "="
	}
	return fmt.Sprintf("%.3g %s", p.P, arrow)
}

// WriteLaTeX writes a booktabs tabular of mean +- std.
func (t *Table) WriteLaTeX(w io.Writer) {
	fmt.Fprintf(w, "\\begin{tabular}{l%s}\n\\toprule\nMethod", strings.Repeat("r", len(t.Columns)))
	for _, c := range t.Columns {
		fmt.Fprintf(w, " & %s", strings.ReplaceAll(c, "_", "\\_"))
	}
	fmt.Fprint(w, " \\\\\n\\midrule\n")
	for _, r := range t.Rows {
		fmt.Fprint(w, strings.ReplaceAll(r.Label, "_", "\\_"))
		for _, c := range t.Columns {
			fmt.Fprintf(w, " & %s$\\pm$%s", FormatColumn(c, r.Mean[c]), FormatColumn(c, r.Std[c]))
		}
		fmt.Fprint(w, " \\\\\n")
	}
	fmt.Fprint(w, "\\bottomrule\n\\end{tabular}\n")
}

// WriteCSV writes one line per (method, column): mean, std, n, and the
// p-values of each target against the method.
func (t *Table) WriteCSV(w io.Writer, targets []string) error {
	cw := csv.NewWriter(w)
	head := []string{"method", "column", "mean", "std", "n", "seeds"}
	for _, tg := range targets {
		head = append(head, "p_t_"+tg, "p_signflip_"+tg)
	}
	cw.Write(head)
	for _, r := range t.Rows {
		cmps := make([]map[string]fairness.PairedTest, len(targets))
		for i, tg := range targets {
			if tr := t.Row(tg); tr != nil && tr != r {
				cmps[i] = Compare(tr, r)
			}
		}
		seeds := make([]string, len(r.Seeds))
		for i, s := range r.Seeds {
			seeds[i] = strconv.FormatUint(s, 10)
		}
		for _, c := range t.Columns {
			rec := []string{r.Label, c, strconv.FormatFloat(r.Mean[c], 'g', 10, 64), strconv.FormatFloat(r.Std[c], 'g', 10, 64),
				strconv.Itoa(len(r.Seeds)), strings.Join(seeds, " ")}
			for i := range targets {
				if cmps[i] == nil {
					rec = append(rec, "", "")
					continue
				}
				rec = append(rec, strconv.FormatFloat(cmps[i][c].P, 'g', 6, 64), strconv.FormatFloat(cmps[i][c].PSignFlip, 'g', 6, 64))
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}
