package repro

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedHTMLLinksECharts: committed chart pages load the locally
// installed ECharts by relative path; the npm file is never committed inline.
func TestCommittedHTMLLinksECharts(t *testing.T) {
	var pages []string
	for _, g := range []string{"../../experiments/results/*/*.html", "../../ablations/results/*/*.html", "../../figures/*.html"} {
		m, _ := filepath.Glob(g)
		pages = append(pages, m...)
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 300<<10 || strings.Contains(string(b), "Apache Software Foundation") {
			t.Errorf("%s inlines the ECharts library (%d bytes)", p, len(b))
		}
		if !strings.Contains(string(b), `lib/report/assets/echarts.min.js"></script>`) {
			t.Errorf("%s does not link lib/report/assets/echarts.min.js", p)
		}
	}
}

func TestArtefactSpecs(t *testing.T) {
	files, err := Artefacts("../../experiments")
	if err != nil {
		t.Fatal(err)
	}
	abl, err := Artefacts("../../ablations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, abl...) {
		a, err := LoadArtefact(f)
		if err != nil {
			t.Fatal(err)
		}
		specs, err := a.Specs()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(specs) != len(a.Variants)*len(a.Methods)*len(a.Seeds) {
			t.Fatalf("%s: %d specs", f, len(specs))
		}
	}
}
