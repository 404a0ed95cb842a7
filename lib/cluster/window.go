package cluster

// Window is a bounded history of rows: it keeps the most recent Cap rows
// (all of them when Cap <= 0, the authors' unbounded history). Re-fitting on
// a Window costs O(Cap) per step instead of O(steps). Items carry an
// optional label (the masked demographic group) for alignment scores.
type Window struct {
	Cap    int
	Rows   [][]float64
	Labels []string
	Total  int // rows ever added
}

// Add appends a row, evicting the oldest beyond Cap.
func (w *Window) Add(row []float64, label string) {
	w.Rows = append(w.Rows, row)
	w.Labels = append(w.Labels, label)
	w.Total++
	if w.Cap > 0 && len(w.Rows) > w.Cap {
		drop := len(w.Rows) - w.Cap
		w.Rows = append([][]float64(nil), w.Rows[drop:]...)
		w.Labels = append([]string(nil), w.Labels[drop:]...)
	}
}

// Len is the number of rows held.
func (w *Window) Len() int { return len(w.Rows) }
