// Package fairness computes the paper's metrics from label sets, predicted
// label sets and group keys. It knows nothing about policies.
//
// # Definitions (paper.md section 4, the authors' evaluation.py)
//
// Per class c, one-vs-rest over label sets: TP, FP, FN, TN and
//
//	precision = TP/(TP+FP)   recall = TPR = TP/(TP+FN)   F1 = 2PR/(P+R)
//	acc = (TP+TN)/N          FPR = FP/(FP+TN)            FDR = FP/(TP+FP)
//
// each 0 when its denominator is 0. A subset's score is the macro average
// over the classes that occur in that subset's ground truth (a class that
// is predicted but never true is skipped).
//
// Per attribute (sex, age bins, ...), each group's scores are computed on
// its own subset; gap = max - min over groups, spread = sample standard
// deviation (ddof 1), mean = unweighted mean over groups. Groups smaller
// than MinGroup are reported but excluded from gap, spread and mean; an
// attribute with fewer than two eligible groups has no gap or spread and is
// left out of its dataset's averages (the authors' statistics.stdev would
// raise there). A sample whose attribute is missing belongs to no group of
// that attribute but counts in the dataset's overall scores.
//
// A dataset's columns average its attributes; the overall columns average
// the datasets, unweighted. The column names, used verbatim in JSON, tables
// and plots (see Columns):
//
//	PP         predictive parity: FDR gap, %                       lower is fairer
//	EOD        equal opportunity: TPR gap, %                       lower is fairer
//	EOD_worst  equalized odds, worst case: max(TPR gap, FPR gap), % (Fairlearn's equalized_odds_difference)
//	FPR_Diff   FPR gap, %
//	sigma_F1   spread of group F1 (fraction)
//	Delta_F1   gap of group F1 (fraction)
//	sigma_Acc  spread of group accuracy, %
//	Delta_Acc  gap of group accuracy, %
//	Acc        mean over attributes of the group-mean accuracy, %
//	F1         mean over attributes of the group-mean F1 (fraction)
//	Acc_ES     equity-scaled accuracy Acc/(1+sigma_Acc), computed on fractions, %
//	F1_ES      equity-scaled F1 F1/(1+sigma_F1)
//
// The package panics with a "fairness: " prefix on caller mistakes (slices
// of different lengths) and returns errors for bad input files.
package fairness
