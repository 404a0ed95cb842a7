#!/usr/bin/python3
"""Reference values for lib/fairness and lib/cluster, from scikit-learn.

Run with Debian's interpreter (it has python3-sklearn):
    /usr/bin/python3 lib/fairness/testdata/make_fixtures.py
Writes lib/fairness/testdata/sklearn_fixtures.json, predictions.jsonl,
predictions_expected.json and lib/cluster/testdata/sklearn_agreement.json.
Seeded (numpy default_rng(20261129)); rerunning reproduces the files.
"""
import json, os
import numpy as np
from sklearn.metrics import (multilabel_confusion_matrix, precision_recall_fscore_support,
                             adjusted_rand_score, normalized_mutual_info_score)
from sklearn.preprocessing import MultiLabelBinarizer

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261129)


def binarize(sets, k):
    return MultiLabelBinarizer(classes=list(range(k))).fit_transform(sets)


def macro(truth, pred, k):
    """Paper macro: average over classes present in the ground truth."""
    T, P = binarize(truth, k), binarize(pred, k)
    present = [c for c in range(k) if T[:, c].sum() > 0]
    if not present:
        return dict(acc=0, f1=0, tpr=0, fpr=0, fdr=0, precision=0)
    mcm = multilabel_confusion_matrix(T, P, labels=list(range(k)))
    prec, rec, f1, _ = precision_recall_fscore_support(T, P, labels=present, average=None, zero_division=0)
    acc, fpr, fdr = [], [], []
    for c in present:
        tn, fp, fn, tp = mcm[c].ravel()
        acc.append((tp + tn) / (tp + tn + fp + fn))
        fpr.append(fp / (fp + tn) if fp + tn else 0.0)
        fdr.append(fp / (fp + tp) if fp + tp else 0.0)
    return dict(acc=float(np.mean(acc)), f1=float(np.mean(f1)), tpr=float(np.mean(rec)),
                fpr=float(np.mean(fpr)), fdr=float(np.mean(fdr)), precision=float(np.mean(prec)))


def random_sets(n, k, multi):
    out = []
    for _ in range(n):
        if multi:
            s = sorted(set(rng.choice(k, size=rng.integers(1, 4), replace=True).tolist()))
        else:
            s = [int(rng.integers(0, k))]
        out.append(s)
    return out


cases = []
for i, (n, k, multi) in enumerate([(40, 2, False), (60, 5, False), (80, 7, True), (25, 4, True), (10, 3, False)]):
    truth = random_sets(n, k, multi)
    # predictions: 60% correct, else random; sometimes empty (multi-label)
    pred = [t if rng.random() < 0.6 else (random_sets(1, k, multi)[0] if rng.random() > 0.1 else []) for t in truth]
    T, P = binarize(truth, k), binarize(pred, k)
    mcm = multilabel_confusion_matrix(T, P, labels=list(range(k)))
    per_class = []
    prec, rec, f1, _ = precision_recall_fscore_support(T, P, labels=list(range(k)), average=None, zero_division=0)
    for c in range(k):
        tn, fp, fn, tp = (int(x) for x in mcm[c].ravel())
        per_class.append(dict(tp=tp, fp=fp, fn=fn, tn=tn, precision=float(prec[c]), recall=float(rec[c]), f1=float(f1[c])))
    cases.append(dict(name=f"case{i}_k{k}_{'multi' if multi else 'single'}", n_classes=k, truth=truth, pred=pred,
                      per_class=per_class, macro=macro(truth, pred, k)))
with open(os.path.join(HERE, "sklearn_fixtures.json"), "w") as f:
    json.dump(dict(generator="make_fixtures.py, scikit-learn", cases=cases), f, indent=1)

# A predictions file and its expected table columns (paper definitions,
# computed here with numpy: gap = max-min, std ddof=1, attribute average,
# then unweighted dataset average).
names = {"derm": ["mel", "nv", "bcc"], "xray": ["edema", "effusion", "opacity", "none"]}
lines = []
for ds, cls in names.items():
    k = len(cls)
    for j in range(70):
        multi = ds == "xray"
        t = random_sets(1, k, multi)[0]
        p = t if rng.random() < 0.55 else random_sets(1, k, multi)[0]
        demo = {}
        if rng.random() > 0.1:
            demo["sex"] = "M" if rng.random() < 0.6 else "F"
        if rng.random() > 0.1:
            demo["age"] = int(rng.integers(18, 90))
        lines.append(dict(id=f"{ds}-{j}", dataset=ds, demo=demo, labels=[cls[c] for c in t], pred=[cls[c] for c in p]))
with open(os.path.join(HERE, "predictions.jsonl"), "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")


def age_bin(a):
    return "A1" if a <= 25 else "A2" if a <= 50 else "A3" if a <= 75 else "A4"


expected = {}
ds_cols = []
for ds in sorted(names):
    rows = [l for l in lines if l["dataset"] == ds]
    cls = sorted({c for l in rows for c in l["labels"] + l["pred"]})
    idx = {c: i for i, c in enumerate(cls)}
    gaps, stds, means = [], [], []
    for attr in ["age", "sex"]:
        groups = {}
        for l in rows:
            if attr not in l["demo"]:
                continue
            g = l["demo"]["sex"] if attr == "sex" else age_bin(l["demo"]["age"])
            groups.setdefault(g, []).append(l)
        vals = {m: [] for m in ["acc", "f1", "tpr", "fpr", "fdr"]}
        for g in sorted(groups):
            sc = macro([[idx[c] for c in l["labels"]] for l in groups[g]], [[idx[c] for c in l["pred"]] for l in groups[g]], len(cls))
            for m in vals:
                vals[m].append(sc[m])
        gaps.append({m: max(v) - min(v) for m, v in vals.items()})
        stds.append({m: float(np.std(v, ddof=1)) for m, v in vals.items()})
        means.append({m: float(np.mean(v)) for m, v in vals.items()})
    g = {m: np.mean([x[m] for x in gaps]) for m in gaps[0]}
    s = {m: np.mean([x[m] for x in stds]) for m in stds[0]}
    mu = {m: np.mean([x[m] for x in means]) for m in means[0]}
    ds_cols.append(dict(PP=100 * g["fdr"], EOD=100 * g["tpr"], EOD_worst=100 * max(g["tpr"], g["fpr"]), FPR_Diff=100 * g["fpr"],
                        sigma_F1=s["f1"], Delta_F1=g["f1"], sigma_Acc=100 * s["acc"], Delta_Acc=100 * g["acc"],
                        Acc=100 * mu["acc"], F1=mu["f1"]))
overall = {k: float(np.mean([c[k] for c in ds_cols])) for k in ds_cols[0]}
overall["Acc_ES"] = overall["Acc"] / (1 + overall["sigma_Acc"] / 100)
overall["F1_ES"] = overall["F1"] / (1 + overall["sigma_F1"])
with open(os.path.join(HERE, "predictions_expected.json"), "w") as f:
    json.dump(dict(overall=overall), f, indent=1)

# Agreement scores for lib/cluster.
agree = []
for n, ka, kb in [(30, 3, 3), (100, 4, 6), (57, 2, 5), (12, 1, 3), (200, 8, 8)]:
    a = rng.integers(0, ka, size=n).tolist()
    b = [x if rng.random() < 0.5 else int(rng.integers(0, kb)) for x in a]
    agree.append(dict(a=a, b=b, ari=float(adjusted_rand_score(a, b)), nmi=float(normalized_mutual_info_score(a, b))))
with open(os.path.join(HERE, "..", "..", "cluster", "testdata", "sklearn_agreement.json"), "w") as f:
    json.dump(dict(generator="lib/fairness/testdata/make_fixtures.py, scikit-learn adjusted_rand_score / normalized_mutual_info_score (arithmetic)", cases=agree), f, indent=1)
print("wrote fixtures")
