package fairness

// Columns are the paper's table columns in the units the paper prints:
// PP, EOD, EOD_worst, FPR_Diff, Acc, sigma_Acc, Delta_Acc and Acc_ES in
// percent; F1, sigma_F1, Delta_F1 and F1_ES as fractions. The JSON keys are
// stable: other tools read them.
type Columns struct {
	PP       float64 `json:"PP"`
	EOD      float64 `json:"EOD"`
	EODWorst float64 `json:"EOD_worst"`
	FPRDiff  float64 `json:"FPR_Diff"`
	SigmaF1  float64 `json:"sigma_F1"`
	DeltaF1  float64 `json:"Delta_F1"`
	SigmaAcc float64 `json:"sigma_Acc"`
	DeltaAcc float64 `json:"Delta_Acc"`
	Acc      float64 `json:"Acc"`
	F1       float64 `json:"F1"`
	AccES    float64 `json:"Acc_ES"`
	F1ES     float64 `json:"F1_ES"`
}

// ColumnNames are the table columns in the paper's order (EOD_worst, the
// Fairlearn worst-case form, follows EOD).
var ColumnNames = []string{"PP", "EOD", "EOD_worst", "FPR_Diff", "sigma_F1", "Delta_F1", "sigma_Acc", "Delta_Acc", "Acc", "F1", "Acc_ES", "F1_ES"}

// LowerIsBetter says, per column name, which direction is better.
var LowerIsBetter = map[string]bool{"PP": true, "EOD": true, "EOD_worst": true, "FPR_Diff": true,
	"sigma_F1": true, "Delta_F1": true, "sigma_Acc": true, "Delta_Acc": true}

// Get returns a column by name; ok is false for an unknown name.
func (c Columns) Get(name string) (v float64, ok bool) {
	switch name {
	case "PP":
		return c.PP, true
	case "EOD":
		return c.EOD, true
	case "EOD_worst":
		return c.EODWorst, true
	case "FPR_Diff":
		return c.FPRDiff, true
	case "sigma_F1":
		return c.SigmaF1, true
	case "Delta_F1":
		return c.DeltaF1, true
	case "sigma_Acc":
		return c.SigmaAcc, true
	case "Delta_Acc":
		return c.DeltaAcc, true
	case "Acc":
		return c.Acc, true
	case "F1":
		return c.F1, true
	case "Acc_ES":
		return c.AccES, true
	case "F1_ES":
		return c.F1ES, true
	}
	return 0, false
}

// columnsFrom turns attribute-averaged gaps, spreads and means (fractions)
// into reported columns.
func columnsFrom(gap, std, mean Scores) Columns {
	return Columns{
		PP:       100 * gap.FDR,
		EOD:      100 * gap.TPR,
		EODWorst: 100 * max(gap.TPR, gap.FPR),
		FPRDiff:  100 * gap.FPR,
		SigmaF1:  std.F1,
		DeltaF1:  gap.F1,
		SigmaAcc: 100 * std.Acc,
		DeltaAcc: 100 * gap.Acc,
		Acc:      100 * mean.Acc,
		F1:       mean.F1,
		AccES:    100 * mean.Acc / (1 + std.Acc),
		F1ES:     mean.F1 / (1 + std.F1),
	}
}

// meanColumns averages columns unweighted (over datasets).
func meanColumns(cs []Columns) Columns {
	var out Columns
	if len(cs) == 0 {
		return out
	}
	for _, name := range ColumnNames {
		s := 0.0
		for _, c := range cs {
			v, _ := c.Get(name)
			s += v
		}
		out.set(name, s/float64(len(cs)))
	}
	// The equity-scaled columns are recomputed from the averaged values, as
	// the authors compute F1_ES = overall_f1 / (1 + overall_f1_std).
	out.AccES = out.Acc / (1 + out.SigmaAcc/100)
	out.F1ES = out.F1 / (1 + out.SigmaF1)
	return out
}

func (c *Columns) set(name string, v float64) {
	switch name {
	case "PP":
		c.PP = v
	case "EOD":
		c.EOD = v
	case "EOD_worst":
		c.EODWorst = v
	case "FPR_Diff":
		c.FPRDiff = v
	case "sigma_F1":
		c.SigmaF1 = v
	case "Delta_F1":
		c.DeltaF1 = v
	case "sigma_Acc":
		c.SigmaAcc = v
	case "Delta_Acc":
		c.DeltaAcc = v
	case "Acc":
		c.Acc = v
	case "F1":
		c.F1 = v
	case "Acc_ES":
		c.AccES = v
	case "F1_ES":
		c.F1ES = v
	}
}
