// Package rl owns what happens between sampled answers and the update:
// rewards (set-F1, as the authors' accuracy term), advantage estimators
// (GRPO, Dr.GRPO, RLOO, REINFORCE++, DRPO, EQPO and EQPO-ND), the Group-DRO
// sample weights, and the PPO-clip loss graph on GoMLX.
//
// The estimators are plain Go on float64 and keep their own state across
// steps (histories, clusters). The EQPO formula is in one function,
// eqpoFactor, next to the paper's symbols; Config documents every knob and
// where the workbench deviates from the authors' code (paper.md 1.5 and 9),
// with AuthorsExact to follow their code instead.
//
// Data flows one way: rollouts and rewards in, advantages and weights out.
package rl
