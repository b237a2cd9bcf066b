"""Reference values for the report's within-task score contrast (Tests/ReportTests), computed
with scipy: the pooled within-task AUC (sum of per-task Mann-Whitney U over sum of n_TP * n_FP),
the mean per-task difference of mean scores with its Student t interval, and the Wilcoxon
signed-rank p-value of those differences (scipy's default method).

    python3 Scripts/reference/report_fixtures.py   # in a venv with scipy (1.17.1 was used)
"""
import json
import random

import numpy as np
from scipy import stats

rng = random.Random(20261122)
tasks = []
for t in range(14):
    n_tp, n_fp = rng.randint(1, 9), rng.randint(1, 6)
    shift = rng.uniform(-1.5, 2.5)
    tp = [round(min(10, max(0, rng.gauss(6 + shift, 2))), 2) for _ in range(n_tp)]
    fp = [round(min(10, max(0, rng.gauss(5 + shift, 2))), 2) for _ in range(n_fp)]
    tasks.append({"tp": tp, "fp": fp})
u = sum(stats.mannwhitneyu(t["tp"], t["fp"]).statistic for t in tasks)
pairs = sum(len(t["tp"]) * len(t["fp"]) for t in tasks)
d = np.array([np.mean(t["tp"]) - np.mean(t["fp"]) for t in tasks])
ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
print(json.dumps({"tasks": tasks, "auc": u / pairs, "mean": float(d.mean()), "lower": float(ci.low),
                  "upper": float(ci.high), "wilcoxon_p": float(stats.wilcoxon(d).pvalue)}, indent=1))
