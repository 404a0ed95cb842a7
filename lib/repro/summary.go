package repro

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"eqpo/lib/fairness"
	"eqpo/lib/train"
)

// RunSummary is one finished run as the tables and figures need it; one
// JSON line of results/<artefact>/runs.jsonl.
type RunSummary struct {
	Name     string                    `json:"name"`
	Variant  string                    `json:"variant"`
	Method   string                    `json:"method"`
	Seed     uint64                    `json:"seed"`
	Steps    int                       `json:"steps"`
	Final    fairness.Columns          `json:"final"`
	Base     fairness.Columns          `json:"base"`
	Datasets map[string]DatasetSummary `json:"datasets"`
	Curve    []Point                   `json:"curve"`
	Timing   *Timing                   `json:"timing,omitempty"`
}

// DatasetSummary is one benchmark's final columns.
type DatasetSummary struct {
	fairness.Columns
	Modality string  `json:"modality"`
	N        int     `json:"n"`
	MacroF1  float64 `json:"macro_f1"` // without grouping
	Valid    bool    `json:"valid"`
}

// Point is one evaluation on the trajectory.
type Point struct {
	Step     int                         `json:"step"`
	Overall  fairness.Columns            `json:"overall"`
	Datasets map[string]fairness.Columns `json:"datasets"`
	Reward   float64                     `json:"reward"`
	Clusters map[string]train.ClusterLog `json:"clusters,omitempty"`
}

// Timing summarises timing.jsonl: seconds per step and in the advantage
// computation, over the whole run and over its first and last tenth (how
// the cost grows with training length). Machine-dependent, unlike the rest.
type Timing struct {
	Steps      int     `json:"steps"`
	StepMeanS  float64 `json:"step_mean_s"`
	AdvMeanS   float64 `json:"advantage_mean_s"`
	AdvFirstS  float64 `json:"advantage_first_tenth_s"`
	AdvLastS   float64 `json:"advantage_last_tenth_s"`
	StepFirstS float64 `json:"step_first_tenth_s"`
	StepLastS  float64 `json:"step_last_tenth_s"`
}

// Summarize condenses a finished run directory.
func Summarize(runDir, variant string, modality map[string]string) (*RunSummary, error) {
	spec, err := train.ReadSpec(runDir)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err != nil {
		return nil, err
	}
	var m train.Metrics
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s/metrics.json: %v", runDir, err)
	}
	traj, err := train.ReadTrajectory(runDir)
	if err != nil {
		return nil, err
	}
	s := &RunSummary{Name: spec.Name, Variant: variant, Method: spec.Method, Seed: spec.Seed, Steps: spec.Steps,
		Final: m.Final.Overall, Base: m.Base.Overall, Datasets: map[string]DatasetSummary{}}
	for name, d := range m.Final.Datasets {
		s.Datasets[name] = DatasetSummary{Columns: d.Columns, Modality: modality[name], N: d.N, MacroF1: d.All.F1, Valid: d.Valid}
	}
	for _, l := range traj {
		p := Point{Step: l.Step, Overall: l.Eval.Overall, Reward: l.Train.RewardMean, Clusters: l.Clusters, Datasets: map[string]fairness.Columns{}}
		for name, d := range l.Eval.Datasets {
			p.Datasets[name] = d.Columns
		}
		s.Curve = append(s.Curve, p)
	}
	s.Timing = readTiming(filepath.Join(runDir, "timing.jsonl"))
	return s, nil
}

func readTiming(path string) *Timing {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var step, adv []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct {
			Step float64 `json:"step_s"`
			Adv  float64 `json:"advantage_s"`
		}
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			step, adv = append(step, l.Step), append(adv, l.Adv)
		}
	}
	if len(step) == 0 {
		return nil
	}
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	tenth := max(1, len(step)/10)
	return &Timing{Steps: len(step), StepMeanS: mean(step), AdvMeanS: mean(adv),
		AdvFirstS: mean(adv[:tenth]), AdvLastS: mean(adv[len(adv)-tenth:]),
		StepFirstS: mean(step[:tenth]), StepLastS: mean(step[len(step)-tenth:])}
}

// WriteSummaries writes runs.jsonl sorted by run name.
func WriteSummaries(path string, runs []*RunSummary) error {
	sort.Slice(runs, func(i, j int) bool { return runs[i].Name < runs[j].Name })
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range runs {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// ReadSummaries reads runs.jsonl.
func ReadSummaries(path string) ([]*RunSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*RunSummary
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for line := 1; sc.Scan(); line++ {
		var r RunSummary
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		out = append(out, &r)
	}
	return out, sc.Err()
}
