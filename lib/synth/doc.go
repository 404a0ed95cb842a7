// Package synth generates MedFair-7, the workbench's embedded default: a
// simulated suite of seven diagnostic benchmarks that mirror the paper's
// (CheXpert, Hemorrhage, HAM10000, ISIC-2020, PAD-UFES-20, VinDr-Mammo,
// COVID-BLUES) in modality, class count, label type, which attributes are
// evaluated, and ordering of size. It is a simulation, not data: nothing in
// it comes from a patient.
//
// Every sample has a 16-value feature vector and an 8x8 image with a
// modality-specific texture. Each demographic cell (sex x age bin) has a
// population share that is majority-dominated; the rarer a cell, the further
// its class prototypes are moved away from the majority's and the noisier
// its inputs, so a model fit to the majority is measurably worse on
// minorities (TestMinorityHarder). The whole suite is a function of the
// seed; data/README.md documents every number.
package synth
