// Package train runs experiments: one run is one (benchmark suite, method,
// seed, spec). Run reads top to bottom like a cleanrl script: resolve the
// spec, seed, load data, build the policy (warm-started by a cached
// supervised pre-training on a majority-dominated mix, or from scratch),
// then per step: sample prompts, sample G answers each, score them,
// compute advantages (and Group-DRO weights), update, and every EvalEvery
// steps evaluate greedily on the test split and append one line to
// trajectory.jsonl.
//
// A run directory holds spec.json (the resolved spec), trajectory.jsonl,
// metrics.json, predictions.jsonl (the `eqpo metrics` format) and
// checkpoints/step-NNNNNN/ (a GoMLX checkpoint of every variable: policy,
// reference, Adam moments, the in-graph RNG; plus state.json with the data
// order, estimator histories and Group-DRO weights; plus a MANIFEST of
// SHA-256 sums written last). Resume picks the newest checkpoint whose
// manifest verifies, reports any it skipped, and ends with the same final
// metrics as an uninterrupted run.
//
// This is the only package that knows about data, policy, rl and fairness
// together.
package train
