// Package policy holds the GoMLX policies: functions from a scope and input
// nodes to answer distributions, sampling and per-token log-probabilities.
//
// The classifier (MLP, or a small CNN over the image part) shares a trunk
// across benchmarks and has one head per benchmark, packed side by side
// into one output of K = sum of class counts; a per-prompt head mask picks
// the prompt's benchmark. A single-label answer is one categorical draw
// over the head; a multi-label answer is a set of independent Bernoulli
// draws, one per class of the head.
//
// The loss in lib/rl sees answers only as token sequences with a mask
// (Policy.TokenLogProbs): a single-label answer is one token, a multi-label
// answer one token per class of its head. A token-level sequence policy
// implements the same interface, so the loss code already handles masks
// and lengths.
package policy
