package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"

	"github.com/go-echarts/go-echarts/v2/render"
)

// EchartsEnv names the variable that points at echarts.min.js (npm
// echarts@5.6.0, dist/echarts.min.js). `make setup` installs it into
// lib/report/assets/, which is where it is looked for by default; it is not
// committed. Nothing is ever loaded from a CDN.
const EchartsEnv = "EQPO_ECHARTS_JS"

var (
	jsOnce sync.Once
	jsText string
	jsErr  error
)

// EchartsJS returns the ECharts library text.
func EchartsJS() (string, error) {
	jsOnce.Do(func() {
		var candidates []string
		if p := os.Getenv(EchartsEnv); p != "" {
			candidates = append(candidates, p)
		}
		if _, file, _, ok := runtime.Caller(0); ok {
			candidates = append(candidates, filepath.Join(filepath.Dir(file), "assets", "echarts.min.js"))
		}
		if home, err := os.UserHomeDir(); err == nil {
			candidates = append(candidates, filepath.Join(home, ".cache", "eqpo", "echarts.min.js"))
		}
		for _, c := range candidates {
			if b, err := os.ReadFile(c); err == nil {
				jsText = string(b)
				return
			}
		}
		jsErr = fmt.Errorf("report: echarts.min.js not found (looked in %v); run `make setup` or set %s", candidates, EchartsEnv)
	})
	return jsText, jsErr
}

type renderer interface {
	RenderContent() []byte
	RenderSnippet() render.ChartSnippet
}

var scriptTag = regexp.MustCompile(`<script src="[^"]*echarts(\.min)?\.js"></script>`)

// StandaloneHTML renders a chart as one self-contained HTML page with the
// ECharts script inlined: it renders offline and can be mailed around.
func StandaloneHTML(c renderer) ([]byte, error) {
	js, err := EchartsJS()
	if err != nil {
		return nil, err
	}
	page := c.RenderContent()
	if !scriptTag.Match(page) {
		return nil, fmt.Errorf("report: no echarts script tag to inline")
	}
	return scriptTag.ReplaceAllLiteral(page, []byte("<script>"+js+"</script>")), nil
}

// Snippet renders a chart for an inline notebook cell (GoNB's
// gonbui.DisplayHTML; call gonbui.Sync() after it, large outputs are
// otherwise lost). Jupyter pages load require.js, so the ECharts bundle
// would register as an AMD module and leave `echarts` undefined; `define`
// is hidden while it loads.
func Snippet(c renderer) (string, error) {
	js, err := EchartsJS()
	if err != nil {
		return "", err
	}
	s := c.RenderSnippet()
	return "<script>window.__eqpoAMD=window.define;window.define=undefined;</script><script>" + js +
		"</script><script>window.define=window.__eqpoAMD;</script>" + s.Element + s.Script, nil
}

// WriteHTML writes the standalone page.
func WriteHTML(c renderer, path string) error {
	page, err := StandaloneHTML(c)
	if err != nil {
		return err
	}
	return os.WriteFile(path, page, 0o644)
}

// Chromium is the browser used for PNG screenshots (Debian's chromium).
var Chromium = "chromium"

// WritePNG renders a chart to PNG with headless Chromium (offline: the
// script is inlined). The window is a little larger than the 900x500 chart.
func WritePNG(c renderer, path string) error {
	page, err := StandaloneHTML(c)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "eqpo-chart-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	html := filepath.Join(tmp, "chart.html")
	if err := os.WriteFile(html, page, 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	cmd := exec.Command(Chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(tmp, "profile"), "--screenshot="+abs, "--window-size=920,520",
		"--virtual-time-budget=2000", "file://"+html)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("report: %s: %v: %s", Chromium, err, lastLines(stderr.String(), 3))
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("report: chromium wrote no screenshot: %s", lastLines(stderr.String(), 3))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}

// EchartsAvailable says whether the ECharts script is installed (HTML
// charts need it; the static gonum/plot figures do not).
func EchartsAvailable() bool {
	_, err := EchartsJS()
	return err == nil
}

// WriteLinkedHTML writes a chart page that loads ECharts from the workbench's
// installed copy by a path relative to the page (lib/report/assets/
// echarts.min.js, put there by `make setup`). Pages committed to the
// repository use this form: the npm file itself is never committed, and the
// page still renders offline. root is the repository root.
func WriteLinkedHTML(c renderer, path, root string) error {
	absPage, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return err
	}
	absJS, err := filepath.Abs(filepath.Join(root, "lib", "report", "assets", "echarts.min.js"))
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(absPage, absJS)
	if err != nil {
		return err
	}
	page := c.RenderContent()
	if !scriptTag.Match(page) {
		return fmt.Errorf("report: no echarts script tag to relink")
	}
	page = scriptTag.ReplaceAllLiteral(page, []byte(`<script src="`+filepath.ToSlash(rel)+`"></script>`))
	return os.WriteFile(path, page, 0o644)
}
