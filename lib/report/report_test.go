package report

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eqpo/lib/fairness"
)

// nonBackground counts pixels that differ clearly from the top-left corner.
func nonBackground(t *testing.T, path string) (int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	br, bgc, bb, _ := bg.RGBA()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if absDiff(r, br)+absDiff(g, bgc)+absDiff(bl, bb) > 3*0x1000 {
				n++
			}
		}
	}
	return n, b.Dx() * b.Dy()
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func sampleCharts(t *testing.T) map[string]renderer {
	x := []float64{0, 20, 40, 60}
	traj := TrajectoryChart("F1 over training", "F1", []Band{
		{Name: "grpo", X: x, Mean: []float64{.5, .52, .51, .5}, Lo: []float64{.48, .5, .49, .47}, Hi: []float64{.52, .54, .53, .53}},
		{Name: "eqpo", X: x, Mean: []float64{.5, .55, .58, .6}, Lo: []float64{.48, .52, .55, .57}, Hi: []float64{.52, .58, .61, .63}},
	})
	bars := GroupBars("F1 per group", "F1", []string{"M,A1", "M,A3", "F,A1", "F,A3"}, map[string][]float64{"grpo": {.4, .7, .35, .65}, "eqpo": {.5, .68, .48, .66}}, []string{"grpo", "eqpo"})
	heat := Heatmap("methods x columns", []string{"grpo", "eqpo"}, []string{"PP", "F1"}, [][]float64{{20, .6}, {15, .62}}, fairness.LowerIsBetter)
	rows := [][]float64{{1, 1, 0}, {1, .9, .1}, {0, .1, 1}, {.1, 0, .9}, {.5, .5, .5}, {.6, .4, .5}}
	scat, err := ClusterScatter("clusters", rows, []string{"c0", "c0", "c1", "c1", "c2", "c2"})
	if err != nil {
		t.Fatal(err)
	}
	fac := ScaleFactors("EQPO factors", x, map[string][]float64{"derm/M,A3": {1, 1.1, 1.2, 1.2}, "derm/F,A1": {.3, .35, .4, .42}})
	return map[string]renderer{"trajectory": traj, "bars": bars, "heatmap": heat, "scatter": scat, "factors": fac}
}

// TestChartsRenderToPNG renders one chart of each kind offline with headless
// Chromium and checks the image is not blank.
func TestChartsRenderToPNG(t *testing.T) {
	if _, err := EchartsJS(); err != nil {
		t.Skipf("%v", err)
	}
	if _, err := exec.LookPath(Chromium); err != nil {
		t.Skip("chromium not installed (make setup installs Debian's chromium)")
	}
	dir := t.TempDir()
	for name, c := range sampleCharts(t) {
		t.Run(name, func(t *testing.T) {
			html, err := StandaloneHTML(c)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(html), "https://") && strings.Contains(string(html), "<script src=\"http") {
				t.Fatal("page still loads a script from the network")
			}
			path := filepath.Join(dir, name+".png")
			if err := WritePNG(c, path); err != nil {
				t.Fatal(err)
			}
			n, total := nonBackground(t, path)
			t.Logf("%s: %d of %d pixels drawn", name, n, total)
			if n < total/100 {
				t.Fatalf("%s looks blank: %d of %d pixels differ from the background", name, n, total)
			}
		})
	}
}

func TestSnippetHidesAMD(t *testing.T) {
	if _, err := EchartsJS(); err != nil {
		t.Skipf("%v", err)
	}
	s, err := Snippet(sampleCharts(t)["bars"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s, "<script>window.__eqpoAMD=window.define;window.define=undefined;") || strings.Contains(s, "<script src=") {
		t.Fatal("snippet must hide define and inline the library")
	}
}

func TestStaticFigures(t *testing.T) {
	dir := t.TempDir()
	x := []float64{0, 10, 20}
	if err := SaveTrajectoryFigure(filepath.Join(dir, "t.png"), "F1", "F1", []Band{{Name: "eqpo", X: x, Mean: []float64{.5, .6, .7}, Lo: []float64{.45, .55, .65}, Hi: []float64{.55, .65, .75}}}); err != nil {
		t.Fatal(err)
	}
	if n, total := nonBackground(t, filepath.Join(dir, "t.png")); n < total/100 {
		t.Fatalf("static figure looks blank: %d/%d", n, total)
	}
	if err := SaveBarFigure(filepath.Join(dir, "b.svg"), "F1", "F1", []string{"a", "b"}, map[string][]float64{"x": {1, 2}}, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.svg")); !strings.Contains(string(b), "<svg") {
		t.Fatal("not an SVG")
	}
	_ = image.Point{}
}
