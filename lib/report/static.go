package report

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func hexColor(h string) color.Color {
	var r, g, b uint8
	for i, p := range []*uint8{&r, &g, &b} {
		v := 0
		for _, c := range h[1+2*i : 3+2*i] {
			v *= 16
			switch {
			case c >= '0' && c <= '9':
				v += int(c - '0')
			case c >= 'a' && c <= 'f':
				v += int(c-'a') + 10
			case c >= 'A' && c <= 'F':
				v += int(c-'A') + 10
			}
		}
		*p = uint8(v)
	}
	return color.RGBA{r, g, b, 255}
}

// SaveTrajectoryFigure writes a static line figure (mean lines with a
// shaded +-std band) for papers; the format follows the extension (.png,
// .svg, .pdf). It needs no browser and is deterministic.
func SaveTrajectoryFigure(path, title, metric string, bands []Band) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "step"
	p.Y.Label.Text = metric
	p.Legend.Top = true
	for i, b := range bands {
		col := hexColor(palette[i%len(palette)])
		if b.Lo != nil && b.Hi != nil {
			poly := make(plotter.XYs, 0, 2*len(b.X))
			for j := range b.X {
				poly = append(poly, plotter.XY{X: b.X[j], Y: b.Hi[j]})
			}
			for j := len(b.X) - 1; j >= 0; j-- {
				poly = append(poly, plotter.XY{X: b.X[j], Y: b.Lo[j]})
			}
			if pg, err := plotter.NewPolygon(poly); err == nil {
				r, g, bl, _ := col.RGBA()
				pg.Color = color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 50}
				pg.LineStyle.Width = 0
				p.Add(pg)
			}
		}
		pts := make(plotter.XYs, len(b.X))
		for j := range b.X {
			pts[j] = plotter.XY{X: b.X[j], Y: b.Mean[j]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = col
		l.Width = vg.Points(1.8)
		p.Add(l)
		p.Legend.Add(b.Name, l)
	}
	p.Legend.ThumbnailWidth = 0.4 * vg.Inch
	p.Legend.Padding = vg.Points(2)
	return p.Save(7*vg.Inch, 4*vg.Inch, path)
}

// SaveBarFigure writes grouped bars (one group per label, one bar per series).
func SaveBarFigure(path, title, metric string, groups []string, series map[string][]float64, order []string) error {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = metric
	p.Legend.Top = true
	w := vg.Points(12)
	for i, name := range order {
		vals := plotter.Values(series[name])
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = hexColor(palette[i%len(palette)])
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(i)-float64(len(order)-1)/2) * w
		p.Add(bars)
		p.Legend.Add(name, bars)
	}
	p.NominalX(groups...)
	return p.Save(7*vg.Inch, 4*vg.Inch, path)
}
