// Package report turns measured numbers into things people read: Markdown,
// LaTeX and CSV tables (a metrics report; the paper-style methods x
// columns table with mean +- std over seeds and paired p-values), go-echarts
// charts that render offline (inline in GoNB, standalone HTML with the
// ECharts script inlined) and static PNG/SVG figures through gonum/plot.
// It computes no metric itself: it formats what lib/fairness returns.
package report
