package rl

// SetF1 is the F1 between a predicted and a true label set, the authors'
// accuracy reward (medical.py): 2|P∩T| / (|P|+|T|), 0 when both are empty.
// For single-label answers it is 1 when right and 0 when wrong.
func SetF1(pred, truth []int) float64 {
	if len(pred)+len(truth) == 0 {
		return 0
	}
	in := map[int]bool{}
	for _, t := range truth {
		in[t] = true
	}
	hit := 0
	seen := map[int]bool{}
	for _, p := range pred {
		if in[p] && !seen[p] {
			hit++
		}
		seen[p] = true
	}
	return 2 * float64(hit) / float64(len(seen)+len(in))
}

// Completion is what a policy produced for one prompt: a label set, and for
// a token-level policy the text it generated (empty for the classifier).
type Completion struct {
	Labels []int
	Text   string
}

// RewardFunc scores a completion against the true label set.
type RewardFunc func(c Completion, truth []int) float64

// AccuracyReward is SetF1 on the completion's label set. The authors add
// 0.3*IoU + 0.1*format for a sequence policy's box and JSON output; the
// classifier policy has neither, so they are 0 here (paper.md 2).
func AccuracyReward(c Completion, truth []int) float64 { return SetF1(c.Labels, truth) }
