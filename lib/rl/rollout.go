package rl

// Rollout is one sampled answer with what the estimators may look at.
type Rollout struct {
	UID     string  // question id; rollouts of one question share it
	Dataset string  // domain: the EQPO "data source" tier
	Group   string  // demographic key, or data.UnknownGroup ("UNK") when missing
	Reward  float64 // scalar reward of this answer
	// TrueGroup is the demographic key kept for analysis only (EQPO-ND logs
	// cluster-vs-demographic ARI/NMI with it); estimators never read it for
	// weights.
	TrueGroup string
	// Features of the question (the policy input), used only when the
	// clustering features include "input".
	Features []float64
}

// question is the rollouts of one uid, in input order.
type question struct {
	uid       string
	idx       []int // positions in the batch
	rewards   []float64
	dataset   string
	group     string
	trueGroup string
	features  []float64
}

// groupByQuestion collects rollouts by UID in order of first appearance;
// rollouts need not be contiguous. The question's dataset and group come
// from its first rollout, or its last when lastWins (the authors' code).
func groupByQuestion(batch []Rollout, lastWins bool) []*question {
	byUID := map[string]*question{}
	var qs []*question
	for i, r := range batch {
		q, ok := byUID[r.UID]
		if !ok {
			q = &question{uid: r.UID, dataset: r.Dataset, group: r.Group, trueGroup: r.TrueGroup, features: r.Features}
			byUID[r.UID] = q
			qs = append(qs, q)
		}
		if lastWins {
			q.dataset, q.group, q.trueGroup = r.Dataset, r.Group, r.TrueGroup
		}
		q.idx = append(q.idx, i)
		q.rewards = append(q.rewards, r.Reward)
	}
	return qs
}

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// sampleStd is the unbiased standard deviation (ddof 1), as torch.std.
func sampleStd(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	m := meanOf(x)
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return sqrt(s / float64(len(x)-1))
}
