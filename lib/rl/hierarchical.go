package rl

import (
	"math"
	"math/rand/v2"
	"sort"

	"eqpo/lib/cluster"
)

// UnknownGroup mirrors data.UnknownGroup: the key of a question whose
// demographics are missing.
const UnknownGroup = "UNK"

// eqpoFactor is EQPO's hierarchical divisor for one question (paper.md 1.2,
// the authors' compute_fair_grpo_outcome_advantage):
//
//	factor = T_d · sqrt(N_g) · mu_g,     T_d = max(sqrt(N_d) · mu_d, eps)
//	A~_i   = A^_i / factor,              A_i = A~_i / (std_batch(A~) + eps)
//
// N_d, mu_d: questions seen in domain d and their mean reward over every
// rollout; N_g, mu_g: the same for the question's (domain, group) cell, or
// for its k-means cluster when the group is unknown. The effective weight
// is 1/(sqrt(N_d) mu_d sqrt(N_g) mu_g): rare and hard groups in rare and
// hard domains are up-weighted.
//
// The three tiers, each switchable for ablations (a tier that is off
// contributes 1): Representation is sqrt(N_g), Difficulty is mu_g, Source
// is the whole data-source factor T_d. Outside AuthorsExact, mu_d and mu_g
// are floored at MinMean so a group that is never right gets the largest
// weight, not "no scaling" (paper.md 1.5.3).
func eqpoFactor(nd, muD, ng, muG float64, c Config) float64 {
	if !c.AuthorsExact {
		muD, muG = math.Max(muD, c.MinMean), math.Max(muG, c.MinMean)
	}
	f := 1.0
	if c.Source {
		f = math.Max(math.Sqrt(nd)*muD, c.Eps)
	}
	if c.Representation {
		f *= math.Sqrt(ng)
	}
	if c.Difficulty {
		f *= muG
	}
	return f
}

// HistEntry is one question in a domain's history.
type HistEntry struct {
	UID       string    `json:"uid"`
	Group     string    `json:"group"`
	TrueGroup string    `json:"true_group,omitempty"`
	Rewards   []float64 `json:"rewards"`
	Features  []float64 `json:"features,omitempty"`
}

func (h *HistEntry) mean() float64 { return meanOf(h.Rewards) }

// hierState is the state the hierarchical estimators carry across steps;
// it is exported to JSON for checkpoints.
type hierState struct {
	Step    int                     `json:"step"`
	Domains map[string][]*HistEntry `json:"domains"` // domain -> recent questions, oldest first
}

// hierarchical implements EQPO, EQPO-ND and DRPO: they differ only in
// where a question's second-tier cell comes from (its demographic group, or
// a cluster) and in DRPO's domain mean.
type hierarchical struct {
	cfg   Config
	state hierState
}

func newHierarchical(c Config) *hierarchical {
	if c.AuthorsExact {
		c.Representation, c.Difficulty, c.Source = true, true, true
		c.Window, c.Restarts = 0, 1
		c.ClusterFeatures = "reward"
		c.KRule, c.KMax = "elbow", 3
	}
	return &hierarchical{cfg: c, state: hierState{Domains: map[string][]*HistEntry{}}}
}

// clustered says whether an entry's second-tier cell is a k-means cluster
// (EQPO's unknown group, every entry of EQPO-ND and DRPO) rather than its
// demographic group.
func (h *hierarchical) clustered(group string) bool {
	switch h.cfg.Method {
	case MethodDRPO, MethodEQPOND:
		return true
	}
	return group == UnknownGroup
}

func (h *hierarchical) Advantages(batch []Rollout) Step {
	c := h.cfg
	qs := groupByQuestion(batch, c.AuthorsExact)
	rng := rand.New(rand.NewPCG(c.Seed, uint64(h.state.Step)))
	h.state.Step++

	// 1. Append this step's questions to their domain histories.
	entryOf := make([]*HistEntry, len(qs))
	for i, q := range qs {
		e := &HistEntry{UID: q.uid, Group: q.group, TrueGroup: q.trueGroup, Rewards: q.rewards, Features: q.features}
		if c.Method == MethodEQPOND {
			e.Group = UnknownGroup // the true group is kept only for alignment scores
		}
		entryOf[i] = e
		hist := append(h.state.Domains[q.dataset], e)
		if c.Window > 0 && len(hist) > c.Window {
			hist = append([]*HistEntry(nil), hist[len(hist)-c.Window:]...)
		}
		h.state.Domains[q.dataset] = hist
	}

	// 2. Per-domain statistics and clusterings over the (bounded) history.
	type cellStat struct{ n, mu float64 }
	type domainStat struct {
		nd, muD float64
		groups  map[string]cellStat
		fit     *clusterFit
	}
	doms := map[string]*domainStat{}
	info := &StepInfo{Factors: map[string]float64{}, Clusters: map[string]ClusterInfo{}}
	domainNames := make([]string, 0, len(h.state.Domains))
	for d := range h.state.Domains {
		domainNames = append(domainNames, d)
	}
	sort.Strings(domainNames)
	for _, d := range domainNames {
		hist := h.state.Domains[d]
		ds := &domainStat{groups: map[string]cellStat{}, nd: float64(len(hist))}
		sum, cnt := 0.0, 0.0
		gsum, gcnt, gq := map[string]float64{}, map[string]float64{}, map[string]float64{}
		var clusteredEntries []*HistEntry
		for _, e := range hist {
			for _, r := range e.Rewards {
				sum += r
				cnt++
			}
			if h.clustered(e.Group) {
				clusteredEntries = append(clusteredEntries, e)
				continue
			}
			for _, r := range e.Rewards {
				gsum[e.Group] += r
				gcnt[e.Group]++
			}
			gq[e.Group]++
		}
		ds.muD = sum / cnt
		for g := range gq {
			ds.groups[g] = cellStat{n: gq[g], mu: gsum[g] / gcnt[g]}
		}
		if len(clusteredEntries) > 0 {
			ds.fit = fitClusters(clusteredEntries, c, rng)
			info.Clusters[d] = ds.fit.info
			if c.Method == MethodDRPO || (c.Method == MethodEQPOND && c.AuthorsExact) {
				// QoQ-Med's domain mean: inverse-cluster-size weighted centroid means.
				num, den := 0.0, 0.0
				for k := range ds.fit.sizes {
					if ds.fit.sizes[k] > 0 {
						num += ds.fit.mu[k] / float64(ds.fit.sizes[k])
						den += 1 / float64(ds.fit.sizes[k])
					}
				}
				ds.muD = num / den
			}
		}
		doms[d] = ds
	}

	// 3. Base advantages, scaled per question.
	adv := make([]float64, len(batch))
	factor := make([]float64, len(batch))
	facSum, facN := map[string]float64{}, map[string]float64{}
	for i, q := range qs {
		base := h.baseAdvantage(q.rewards)
		ds := doms[q.dataset]
		var ng, muG float64
		cell := q.group
		if h.clustered(entryOf[i].Group) {
			k := ds.fit.labelOf(entryOf[i], c)
			ng, muG = float64(ds.fit.sizes[k]), ds.fit.mu[k]
			cell = "cluster" + string(rune('0'+k))
			if c.Method == MethodEQPOND && c.AuthorsExact {
				muG = math.Max(muG, c.Eps)
			}
		} else {
			st := ds.groups[q.group]
			ng, muG = st.n, st.mu
		}
		f := eqpoFactor(ds.nd, ds.muD, ng, muG, c)
		if c.Method == MethodEQPOND && c.AuthorsExact {
			f = math.Min(math.Max(f, c.Eps), 1e6)
		}
		key := q.dataset + "/" + cell
		facSum[key] += f
		facN[key]++
		for j, bi := range q.idx {
			a := base[j] / f
			if math.IsNaN(a) || math.IsInf(a, 0) {
				a = base[j] // the authors keep the unscaled advantage
			}
			adv[bi], factor[bi] = a, f
		}
	}
	for k, s := range facSum {
		info.Factors[k] = s / facN[k]
	}

	// 4. Batch renormalisation by the unbiased std over every rollout.
	s := sampleStd(adv) + c.Eps
	for i := range adv {
		adv[i] /= s
	}
	return Step{Adv: adv, Factor: factor, Info: info}
}

// baseAdvantage is GRPO's; the authors' inline version has no group-of-1
// rule (one rollout gives 0/0 = NaN, paper.md 9.1).
func (h *hierarchical) baseAdvantage(r []float64) []float64 {
	if h.cfg.AuthorsExact && len(r) == 1 {
		return []float64{math.NaN()}
	}
	return GroupRelative(r, true, h.cfg.Eps)
}

// clusterFit is one domain's clustering of its clustered history entries.
type clusterFit struct {
	entries []*HistEntry
	labels  []int
	sizes   []int
	mu      []float64 // mean reward of each cluster (= the centroid's mean with reward features)
	res     *cluster.Result
	rows    [][]float64
	info    ClusterInfo
}

// ClusterInfo describes one domain's clustering at a step.
type ClusterInfo struct {
	K     int       `json:"k"`
	N     int       `json:"n"`
	Sizes []int     `json:"sizes"`
	Mu    []float64 `json:"mu"`
	// ARI and NMI of clusters against the true (masked) groups of the
	// entries whose true group is known; NaN-free: -1 when undefined.
	ARI float64 `json:"ari"`
	NMI float64 `json:"nmi"`
	// Labels and TrueGroups of the clustered entries, for stability and
	// alignment analysis across steps.
	UIDs   []string `json:"-"`
	Labels []int    `json:"-"`
}

func clusterRow(e *HistEntry, feat string, uniformLen bool) []float64 {
	sorted := func() []float64 {
		v := append([]float64(nil), e.Rewards...)
		sort.Float64s(v)
		return v
	}
	meanstd := func() []float64 { return []float64{meanOf(e.Rewards), sampleStd(e.Rewards)} }
	switch feat {
	case "reward":
		if uniformLen {
			return append([]float64(nil), e.Rewards...)
		}
		return meanstd()
	case "sorted":
		if uniformLen {
			return sorted()
		}
		return meanstd()
	case "meanstd":
		return meanstd()
	case "input":
		return append([]float64(nil), e.Features...)
	default: // reward+input
		r := meanstd()
		if uniformLen {
			r = sorted()
		}
		return append(r, e.Features...)
	}
}

func fitClusters(entries []*HistEntry, c Config, rng *rand.Rand) *clusterFit {
	uniform := true
	for _, e := range entries {
		uniform = uniform && len(e.Rewards) == len(entries[0].Rewards)
	}
	rows := make([][]float64, len(entries))
	for i, e := range entries {
		rows[i] = clusterRow(e, c.ClusterFeatures, uniform)
	}
	opt := cluster.Options{Restarts: c.Restarts}
	var k int
	switch c.KRule {
	case "fixed":
		k = c.K
	case "silhouette":
		k = cluster.SilhouetteK(rows, c.KMax, rng, opt)
	default:
		k = cluster.ElbowK(rows, c.KMax, rng, opt)
	}
	res := cluster.KMeans(rows, k, rng, opt)
	fit := &clusterFit{entries: entries, labels: res.Labels, res: res, rows: rows, sizes: make([]int, res.K), mu: make([]float64, res.K)}
	sum := make([]float64, res.K)
	for i, e := range entries {
		fit.sizes[res.Labels[i]]++
		sum[res.Labels[i]] += e.mean()
	}
	for k := range sum {
		if fit.sizes[k] > 0 {
			fit.mu[k] = sum[k] / float64(fit.sizes[k])
		}
	}
	fit.info = ClusterInfo{K: res.K, N: len(entries), Sizes: fit.sizes, Mu: fit.mu, ARI: -1, NMI: -1}
	var a, b []int
	ids := map[string]int{}
	for i, e := range entries {
		fit.info.UIDs = append(fit.info.UIDs, e.UID)
		fit.info.Labels = append(fit.info.Labels, res.Labels[i])
		if e.TrueGroup == "" || e.TrueGroup == UnknownGroup {
			continue
		}
		if _, ok := ids[e.TrueGroup]; !ok {
			ids[e.TrueGroup] = len(ids)
		}
		a, b = append(a, res.Labels[i]), append(b, ids[e.TrueGroup])
	}
	if len(a) > 1 {
		fit.info.ARI, fit.info.NMI = cluster.ARI(b, a), cluster.NMI(b, a)
	}
	return fit
}

// labelOf returns the cluster of an entry: its own label when it is in the
// fitted history, else the nearest centroid.
func (f *clusterFit) labelOf(e *HistEntry, c Config) int {
	for i, x := range f.entries {
		if x == e {
			return f.labels[i]
		}
	}
	return f.res.Predict([][]float64{clusterRow(e, c.ClusterFeatures, len(e.Rewards) == len(f.entries[0].Rewards))})[0]
}
