package report

import (
	"fmt"
	"hash/fnv"
	"math"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Band is one series over x with a spread: Mean[i] with [Lo[i], Hi[i]]
// (for example mean +- std over seeds). Lo/Hi may be nil.
type Band struct {
	Name         string
	X            []float64
	Mean, Lo, Hi []float64
}

func base(title, sub string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		// A chart id derived from the title keeps rendered pages byte-stable
		// (go-echarts otherwise draws a random one each time).
		charts.WithInitializationOpts(opts.Initialization{Width: "900px", Height: "500px", ChartID: chartID(title)}),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: sub}),
		charts.WithAnimation(false), // screenshot-safe
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "12%"}),
		charts.WithGridOpts(opts.Grid{Top: "24%"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	}
}

// TrajectoryChart plots a metric against training step, one line per band,
// with the band drawn as a shaded area between Lo and Hi. Bands share the
// steps of the first one (a category axis: ECharts stacks areas only there).
func TrajectoryChart(title, metric string, bands []Band) *charts.Line {
	c := charts.NewLine()
	var names []string
	for _, b := range bands {
		names = append(names, b.Name)
	}
	sub := "one run per line"
	for _, b := range bands {
		if b.Lo != nil {
			sub = "mean over seeds; shaded: ± 1 std"
		}
	}
	c.SetGlobalOptions(append(base(title, sub),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "12%", Data: names}),
		charts.WithXAxisOpts(opts.XAxis{Name: "step", Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Name: metric, Scale: opts.Bool(true)}))...)
	if len(bands) == 0 {
		return c
	}
	steps := make([]string, len(bands[0].X))
	for i, x := range bands[0].X {
		steps[i] = fmt.Sprint(x)
	}
	c.SetXAxis(steps)
	vals := func(y []float64) []opts.LineData {
		out := make([]opts.LineData, len(steps))
		for j := range out {
			if j < len(y) {
				out[j] = opts.LineData{Value: round4(y[j])}
			}
		}
		return out
	}
	for i, b := range bands {
		color := palette[i%len(palette)]
		if b.Lo != nil && b.Hi != nil {
			stack := "band" + fmt.Sprint(i)
			diff := make([]float64, len(b.Hi))
			for j := range diff {
				diff[j] = b.Hi[j] - b.Lo[j]
			}
			// An invisible series at Lo, and stacked on it one of height
			// Hi - Lo whose area is the band.
			c.AddSeries(b.Name+" lo", vals(b.Lo), charts.WithLineChartOpts(opts.LineChart{Stack: stack, ShowSymbol: opts.Bool(false)}),
				charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}))
			c.AddSeries(b.Name+" band", vals(diff), charts.WithLineChartOpts(opts.LineChart{Stack: stack, ShowSymbol: opts.Bool(false)}),
				charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
				charts.WithAreaStyleOpts(opts.AreaStyle{Color: color, Opacity: opts.Float(0.18)}))
		}
		c.AddSeries(b.Name, vals(b.Mean), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}))
	}
	return c
}

var palette = []string{"#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000", "#EE7733"}

// GroupBars draws one bar per group for each series (e.g. per-group F1 of
// GRPO and of EQPO, or per-dataset F1).
func GroupBars(title, metric string, groups []string, series map[string][]float64, order []string) *charts.Bar {
	c := charts.NewBar()
	c.SetGlobalOptions(append(base(title, ""), charts.WithYAxisOpts(opts.YAxis{Name: metric}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Rotate: 20}}))...)
	c.SetXAxis(groups)
	for i, name := range order {
		vals := series[name]
		d := make([]opts.BarData, len(vals))
		for j, v := range vals {
			d[j] = opts.BarData{Value: round4(v)}
		}
		c.AddSeries(name, d, charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[i%len(palette)]}))
	}
	return c
}

// Heatmap shows rows x columns values (methods x metrics); each column is
// min-max scaled for the colour so columns with different units compare,
// and the cell label is the raw value.
func Heatmap(title string, rows, cols []string, values [][]float64, lowerIsBetter map[string]bool) *charts.HeatMap {
	c := charts.NewHeatMap()
	c.SetGlobalOptions(append(base(title, "colour: per-column rank, green = better"),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: cols, AxisLabel: &opts.AxisLabel{Rotate: 30}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(false), Min: 0, Max: 1, Show: opts.Bool(false),
			InRange: &opts.VisualMapInRange{Color: []string{"#d73027", "#fee08b", "#1a9850"}}}))...)
	var d []opts.HeatMapData
	for j, col := range cols {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range rows {
			lo, hi = math.Min(lo, values[i][j]), math.Max(hi, values[i][j])
		}
		for i := range rows {
			s := 0.5
			if hi > lo {
				s = (values[i][j] - lo) / (hi - lo)
			}
			if lowerIsBetter[col] {
				s = 1 - s
			}
			d = append(d, opts.HeatMapData{Value: [3]any{j, i, s}, Name: FormatColumn(col, values[i][j])})
		}
	}
	c.AddSeries("score", d, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}"}))
	return c
}

// ClusterScatter projects rows to 2-D with PCA (gonum) and draws one point
// series per label: call it once with cluster ids and once with the true
// groups to compare them side by side.
func ClusterScatter(title string, rows [][]float64, labels []string) (*charts.Scatter, error) {
	xy, err := PCA2(rows)
	if err != nil {
		return nil, err
	}
	c := charts.NewScatter()
	c.SetGlobalOptions(append(base(title, "PCA projection (gonum stat.PC)"),
		charts.WithXAxisOpts(opts.XAxis{Name: "PC1", Type: "value", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: "PC2", Scale: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))...)
	by := map[string][]opts.ScatterData{}
	for i, l := range labels {
		by[l] = append(by[l], opts.ScatterData{Value: []float64{round4(xy[i][0]), round4(xy[i][1])}, SymbolSize: 8})
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		c.AddSeries(n, by[n], charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[i%len(palette)], Opacity: opts.Float(0.75)}))
	}
	return c, nil
}

// PCA2 returns each row's coordinates on the first two principal components.
func PCA2(rows [][]float64) ([][2]float64, error) {
	if len(rows) < 2 {
		return nil, fmt.Errorf("report: PCA needs at least 2 rows")
	}
	d := len(rows[0])
	m := mat.NewDense(len(rows), d, nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	var pc stat.PC
	if ok := pc.PrincipalComponents(m, nil); !ok {
		return nil, fmt.Errorf("report: PCA failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	k := min(2, d)
	var proj mat.Dense
	proj.Mul(m, vecs.Slice(0, d, 0, k))
	out := make([][2]float64, len(rows))
	for i := range out {
		out[i][0] = proj.At(i, 0)
		if k > 1 {
			out[i][1] = proj.At(i, 1)
		}
	}
	return out, nil
}

// ScaleFactors plots EQPO's mean divisor per (dataset, group) cell over
// training; smaller divisor = larger weight.
func ScaleFactors(title string, steps []float64, cells map[string][]float64) *charts.Line {
	names := make([]string, 0, len(cells))
	for n := range cells {
		names = append(names, n)
	}
	sort.Strings(names)
	var bands []Band
	for _, n := range names {
		bands = append(bands, Band{Name: n, X: steps, Mean: cells[n]})
	}
	c := TrajectoryChart(title, "EQPO divisor (1/weight)", bands)
	c.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: title, Subtitle: "mean divisor per (dataset, group); lower = up-weighted"}))
	return c
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// chartID is a stable DOM id for a chart: "c" and the FNV-1a hash of its title.
func chartID(title string) string {
	h := fnv.New32a()
	h.Write([]byte(title))
	return fmt.Sprintf("c%08x", h.Sum32())
}
