#!/usr/bin/env python3
"""Reference values for Fluke's Statistics module, from scipy and statsmodels.

    python3 -m venv /tmp/stats-venv
    /tmp/stats-venv/bin/pip install scipy==1.17.1 statsmodels==0.15.0 numpy==2.4.6
    /tmp/stats-venv/bin/python Scripts/reference/statistics_fixtures.py

writes Tests/StatisticsTests/Fixtures/statistics.json (made with Python 3.11, scipy 1.17.1,
statsmodels 0.15.0, numpy 2.4.6; the versions used are also recorded in the JSON's "meta").
The cases are random (a fixed seed, so a rerun with the same versions gives the same file) and
hand-picked edge cases: zeros, all-equal samples, tiny and large counts, ties, degenerate strata,
p-values near 1 and near 1e-300. The Swift tests (Tests/StatisticsTests) read the JSON and
compare every value; they need neither Python nor the network.

Non-finite numbers are written as the strings "nan", "inf" and "-inf".

Where the reference is computed more precisely than the library function (documented next to
each case), the script checks that the library value agrees before writing the precise one:
- Fisher's exact test: scipy's p-value is checked against an exact rational computation
  (Python integers) with scipy's tie rule; the JSON holds scipy's value and the exact one.
- Student's t with 1 degree of freedom (Cauchy): the closed form; scipy 1.17.1 is off by up to
  1.6e-9 absolute near t = 0 (the JSON also holds scipy's value, "cdf_scipy").
- Cochran-Mantel-Haenszel: statsmodels computes the p-value as 1 - chi2.cdf(x, 1), which is 0
  below ~1e-16; the JSON holds chi2.sf(x, 1), checked to equal statsmodels' to 1e-14 absolute.
"""
import json
import math
import os
import platform
import sys
from fractions import Fraction

import numpy as np
import scipy
import statsmodels
from scipy import special, stats
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "StatisticsTests", "Fixtures", "statistics.json")
rng = np.random.default_rng(20240505)


def num(x):
    """A JSON-safe float: non-finite values as strings."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def nums(xs):
    return [num(x) for x in xs]


# --- distribution functions --------------------------------------------------------------------
def distributions():
    xs = [-40, -38.5, -37, -30, -20, -10, -8.3, -5, -3, -1.96, -1, -0.5, -1e-3, -1e-10, 0,
          1e-10, 1e-3, 0.5, 1, 1.959963984540054, 3, 5, 8.3, 10, 20, 37.5]
    xs += list(rng.normal(0, 3, 40))
    normal = [{"x": num(x), "cdf": num(special.ndtr(x)), "sf": num(stats.norm.sf(x))} for x in xs]
    ps = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-16, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1,
          0.2, 0.2000001, 0.3, 0.4, 0.45, 0.49, 0.499999, 0.4999999999, 0.5, 0.5000000001, 0.500001,
          0.51, 0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10, 1 - 1e-15]
    ps += list(rng.uniform(0, 1, 30)) + list(10.0 ** rng.uniform(-300, -1, 20))
    nq = [{"p": num(p), "x": num(special.ndtri(p))} for p in ps]
    chi = [0, 1e-12, 1e-6, 0.01, 0.5, 1, 2, 3.841458820694124, 5, 10, 30, 100, 300, 1000, 1300]
    chi += list(rng.exponential(5, 20))
    chi2 = [{"x": num(x), "sf": num(stats.chi2.sf(x, 1))} for x in chi]
    t_cases, tq_cases = [], []
    for df in [1, 2, 3, 4, 4.5, 5, 7, 10, 19, 30, 50, 99, 100, 250, 1000, 10000, 1e6]:
        for t in [-50, -10, -4, -2.5, -1, -0.3, -1e-8, 0, 1e-8, 0.3, 1, 2.0, 2.5, 4, 10, 50, 300]:
            cdf, sf = stats.t.cdf(t, df), stats.t.sf(t, df)
            if df == 1:
                # Cauchy: the closed form 1/2 + atan(t)/pi. scipy 1.17.1's t.cdf(1e-8, 1) is off by
                # 1.6e-9 (0.500000004743187; the true value is 0.5000000031830989).
                exact = 0.5 + math.atan(t) / math.pi
                tail = math.atan2(1, abs(t)) / math.pi  # P(T > |t|), no cancellation
                cdf, sf = (tail, 1 - tail) if t < 0 else (1 - tail, tail)
                assert abs(cdf - exact) <= 1e-15
            t_cases.append({"df": num(df), "t": num(t), "cdf": num(cdf), "sf": num(sf),
                            "cdf_scipy": num(stats.t.cdf(t, df))})
        for p in [1e-12, 1e-6, 0.001, 0.005, 0.025, 0.05, 0.1, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 0.95,
                  0.975, 0.995, 0.999, 1 - 1e-6]:
            tq_cases.append({"df": num(df), "p": num(p), "q": num(stats.t.ppf(p, df))})
    beta = []
    for _ in range(60):
        a = float(10 ** rng.uniform(-1, 3)); b = float(10 ** rng.uniform(-1, 3))
        x = float(rng.uniform(0, 1))
        beta.append({"a": a, "b": b, "x": x, "value": num(special.betainc(a, b, x))})
    for a, b, x in [(0.5, 0.5, 0.5), (1, 1, 0.3), (2, 3, 0), (2, 3, 1), (50, 0.5, 0.9),
                    (0.5, 50, 0.01), (500, 500, 0.5), (500, 500, 0.45)]:
        beta.append({"a": a, "b": b, "x": x, "value": num(special.betainc(a, b, x))})
    return {"normal": normal, "normal_quantile": nq, "chi2_1": chi2, "t": t_cases,
            "t_quantile": tq_cases, "incomplete_beta": beta}


# --- proportions -------------------------------------------------------------------------------
def proportions():
    wilson, newcombe = [], []
    pairs = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (0, 1000), (1000, 1000),
             (1, 5000), (4999, 5000), (2500, 5000), (3, 7), (0, 0)]
    for _ in range(40):
        n = int(rng.choice([1, 2, 5, 10, 30, 100, 1000, 20000]))
        pairs.append((int(rng.integers(0, n + 1)), n))
    for conf in [0.95, 0.9, 0.99, 0.5, 0.999]:
        for s, n in pairs:
            if n == 0:
                wilson.append({"successes": 0, "trials": 0, "confidence": conf,
                               "estimate": "nan", "lower": "nan", "upper": "nan"})
                continue
            lo, hi = proportion_confint(s, n, alpha=1 - conf, method="wilson")
            wilson.append({"successes": s, "trials": n, "confidence": conf, "estimate": num(s / n),
                           "lower": num(lo), "upper": num(hi)})
    for i in range(len(pairs) - 1):
        for conf in [0.95, 0.9]:
            (s1, n1), (s2, n2) = pairs[i], pairs[(i * 7 + 3) % (len(pairs) - 1)]
            if n1 == 0 or n2 == 0:
                continue
            lo, hi = confint_proportions_2indep(s1, n1, s2, n2, method="newcomb", compare="diff",
                                                alpha=1 - conf)
            newcombe.append({"successes1": s1, "trials1": n1, "successes2": s2, "trials2": n2,
                             "confidence": conf, "estimate": num(s1 / n1 - s2 / n2),
                             "lower": num(lo), "upper": num(hi)})
    return {"wilson": wilson, "newcombe": newcombe}


# --- Fisher's exact test -----------------------------------------------------------------------
def fisher_exact_rational(a, b, c, d, alternative):
    """The p-value with Python integers: scipy's rule, exact arithmetic."""
    if 0 in (a + b, c + d, a + c, b + d):
        return 1.0
    K, N, n = a + b, a + b + c + d, a + c
    lo, hi = max(0, n - (N - K)), min(n, K)
    w, v = {}, math.comb(K, lo) * math.comb(N - K, n - lo)
    for x in range(lo, hi + 1):  # C(K, x) C(N-K, n-x) by the exact ratio of neighbours
        w[x] = v
        v = v * (K - x) * (n - x) // ((x + 1) * (N - K - n + x + 1))
    total = math.comb(N, n)
    if alternative == "less":
        s = sum(v for x, v in w.items() if x <= a)
    elif alternative == "greater":
        s = sum(v for x, v in w.items() if x >= a)
    else:
        mode = (n + 1) * (K + 1) // (N + 2)
        pobs, pmode = w[a], w[mode]
        # |pobs - pmode| / max <= 1e-14, and pmf(x) <= pobs * (1 + 1e-14), exactly.
        if (pmode - pobs) * 10**14 <= pmode:
            return 1.0
        s = sum(v for v in w.values() if v * 10**14 <= pobs * (10**14 + 1))
    return min(1.0, float(Fraction(s, total)))


def fisher():
    tables = [
        [[8, 2], [1, 5]], [[1, 9], [11, 3]], [[0, 5], [5, 0]], [[5, 0], [0, 5]], [[3, 3], [3, 3]],
        [[0, 0], [3, 4]], [[0, 3], [0, 4]], [[3, 0], [4, 0]], [[0, 0], [0, 0]], [[1, 0], [0, 0]],
        [[0, 1], [1, 0]], [[1, 1], [1, 1]], [[10, 10], [10, 10]], [[10, 11], [11, 10]],
        [[500, 0], [0, 500]], [[495, 5], [5, 495]], [[490, 10], [12, 488]], [[450, 50], [40, 460]],
        [[1000, 1000], [1000, 1000]], [[1000, 1010], [990, 1000]], [[2000, 1500], [1500, 2000]],
        [[3000, 10], [20, 3000]], [[5000, 4000], [4000, 5000]], [[12000, 11800], [11900, 12100]],
        [[1, 2000], [30, 1900]], [[0, 3000], [40, 2960]], [[7, 12], [12, 7]], [[100, 50], [50, 100]],
        [[2, 7], [8, 2]], [[20, 30], [30, 20]], [[450, 430], [420, 440]], [[250, 250], [250, 251]],
    ]
    for scale in [3, 10, 40, 200, 2000]:
        for _ in range(18):
            tables.append(rng.integers(0, scale + 1, size=(2, 2)).tolist())
    for _ in range(12):  # strongly associated tables: small p-values
        n = int(rng.integers(200, 900))
        p = float(rng.uniform(0.85, 0.99))
        a = int(rng.binomial(n, p)); d = int(rng.binomial(n, p))
        tables.append([[a, n - a], [n - d, d]])
    cases = []
    for t in tables:
        (a, b), (c, d) = t
        alts = ["two-sided", "less", "greater"] if (a + b + c + d) < 3000 else ["two-sided"]
        for alt in alts:
            res = stats.fisher_exact(t, alternative=alt)
            exact = fisher_exact_rational(a, b, c, d, alt)
            cases.append({"table": [a, b, c, d], "alternative": alt,
                          "odds_ratio": num(res.statistic), "p_value": num(res.pvalue),
                          "p_exact": num(exact)})
    return cases


# --- Benjamini-Hochberg ------------------------------------------------------------------------
def bh():
    lists = [[0.01], [1.0], [0.0, 0.0], [0.5, 0.5, 0.5], [0.01, 0.02, 0.03, 0.04, 0.05],
             [0.05, 0.04, 0.03, 0.02, 0.01], [1e-300, 0.9, 1e-10, 0.3, 0.3, 0.99, 1.0],
             [0.02, 0.5, 0.02, 0.01, 0.9]]
    for m in [2, 3, 10, 50, 200, 1000]:
        for _ in range(3):
            p = rng.uniform(0, 1, m) ** rng.uniform(1, 6)
            if rng.uniform() < 0.5:  # some ties
                p[: m // 3] = np.round(p[: m // 3], 2)
            lists.append(p.tolist())
    return [{"p": nums(p), "adjusted": nums(multipletests(p, method="fdr_bh")[1])} for p in lists]


# --- Cochran-Mantel-Haenszel -------------------------------------------------------------------
def cmh():
    sets = [
        [[[2, 5], [3, 6]], [[3, 1], [2, 4]], [[1, 1], [1, 3]]],
        [[[10, 0], [0, 10]], [[8, 1], [2, 9]]],
        [[[0, 0], [0, 0]], [[1, 0], [0, 0]], [[3, 2], [1, 4]], [[2, 2], [2, 3]]],  # n = 0 and n = 1
        [[[5, 0], [3, 0]], [[4, 2], [1, 5]]],                                     # a zero column
        [[[50, 20], [20, 50]]] * 12,                                              # tiny p-value
        [[[5, 5], [5, 5]], [[4, 6], [6, 4]]],                                     # |dev| < 0.5
        [[[3, 0], [4, 0]], [[0, 0], [2, 2]]],                                     # all variance 0
    ]
    for _ in range(60):
        k = int(rng.integers(1, 31))
        scale = int(rng.choice([1, 2, 4, 10, 50]))
        effect = float(rng.choice([0, 0, 0.5, 1.0]))
        tables = []
        for _ in range(k):
            n1 = int(rng.integers(0, 2 * scale + 1)); n2 = int(rng.integers(0, 2 * scale + 1))
            p2 = float(rng.uniform(0.1, 0.9))
            p1 = min(0.999, p2 + effect * (1 - p2) * float(rng.uniform(0, 1)))
            a = int(rng.binomial(n1, p1)); c = int(rng.binomial(n2, p2))
            tables.append([[a, n1 - a], [c, n2 - c]])
        sets.append(tables)
    cases = []
    for tables in sets:
        used = [t for t in tables if sum(map(sum, t)) >= 2]
        entry = {"tables": [[t[0][0], t[0][1], t[1][0], t[1][1]] for t in tables],
                 "confidence": 0.95}
        if not used:
            continue
        with np.errstate(all="ignore"):
            st = StratifiedTable([np.array(t, dtype=float) for t in used])
            for corr, suffix in [(False, ""), (True, "_corrected")]:
                r = st.test_null_odds(correction=corr)
                sf = stats.chi2.sf(r.statistic, 1)
                if np.isfinite(r.statistic):
                    assert abs(sf - r.pvalue) <= 1e-14, (tables, sf, r.pvalue)
                entry["statistic" + suffix] = num(r.statistic)
                entry["p_value" + suffix] = num(sf)
                entry["p_value_statsmodels" + suffix] = num(r.pvalue)
            entry["odds_ratio"] = num(st.oddsratio_pooled)
            entry["log_odds_ratio_se"] = num(st.logodds_pooled_se)
            lo, hi = st.oddsratio_pooled_confint(alpha=0.05)
            entry["lower"] = num(lo); entry["upper"] = num(hi)
        cases.append(entry)
    return cases


# --- rank tests --------------------------------------------------------------------------------
def mann_whitney():
    pairs = [([1.0], [2.0]), ([1.0, 1.0, 1.0], [1.0, 1.0]), ([1, 2, 3], [4, 5, 6]),
             ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
             ([0.1, 0.4, 0.2], [0.3]), ([3, 3, 3, 4], [3, 4, 4, 4, 5])]
    for _ in range(50):
        n1 = int(rng.integers(1, 60)); n2 = int(rng.integers(1, 60))
        kind = rng.integers(0, 3)
        if kind == 0:    # continuous, no ties
            x = rng.normal(0, 1, n1); y = rng.normal(float(rng.uniform(-1, 1)), 1, n2)
        elif kind == 1:  # discrete rates: many ties
            x = rng.integers(0, 6, n1) / 5; y = rng.integers(0, 6, n2) / 5
        else:            # small exact-sized samples
            x = rng.normal(0, 1, int(rng.integers(1, 9))); y = rng.normal(0.5, 1, int(rng.integers(1, 12)))
        pairs.append((list(map(float, x)), list(map(float, y))))
    cases = []
    for x, y in pairs:
        x = [float(v) for v in x]; y = [float(v) for v in y]
        delta = float(np.sign(np.subtract.outer(x, y)).mean())
        ties = len(set(x + y)) < len(x) + len(y)
        methods = ["auto", "asymptotic"] + ([] if ties else ["exact"])
        for method in methods:
            for cont in [True, False]:
                if method == "exact" and not cont:
                    continue
                with np.errstate(all="ignore"):
                    r = stats.mannwhitneyu(x, y, use_continuity=cont, alternative="two-sided",
                                           method=method)
                cases.append({"x": x, "y": y, "use_continuity": cont, "method": method,
                              "u": num(r.statistic), "p_value": num(r.pvalue),
                              "auc": num(r.statistic / (len(x) * len(y))), "cliffs_delta": delta})
    return cases


def wilcoxon():
    samples = [[1.0, 2.0, 3.0, -0.5], [0.0, 0.0, 0.0], [0, 1, 2, -3], [1.0] * 8, [0.0] * 20,
               [0.5, -0.5, 0.5, -0.5, 0.25, 0.0, 0.0], list(np.arange(1, 31) * 1.0),
               list(-np.arange(1, 60) * 1.0), [1e-3, -2e-3, 3e-3, 4e-3, 5e-3, -6e-3]]
    for _ in range(50):
        n = int(rng.integers(1, 80))
        kind = rng.integers(0, 3)
        if kind == 0:
            d = rng.normal(float(rng.uniform(-0.5, 0.5)), 1, n)
        elif kind == 1:  # differences of rates: ties and zeros
            d = (rng.integers(0, 6, n) - rng.integers(0, 6, n)) / 5
        else:
            d = rng.normal(0.3, 1, int(rng.integers(1, 14)))
            if rng.uniform() < 0.5:
                d = np.round(d, 1)
        samples.append(list(map(float, d)))
    cases = []
    for d in samples:
        d = [float(v) for v in d]
        nz = [v for v in d if v != 0]
        ties = len(set(abs(v) for v in nz)) < len(nz)
        runs = [("auto", False), ("asymptotic", False), ("asymptotic", True)]
        if not ties and len(nz) == len(d) and len(d) <= 50:
            runs.append(("exact", False))
        for method, corr in runs:
            with np.errstate(all="ignore"):
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = stats.wilcoxon(d, zero_method="wilcox", correction=corr, method=method)
            cases.append({"d": d, "method": method, "correction": corr,
                          "statistic": num(r.statistic), "p_value": num(r.pvalue)})
    return cases


# --- paired t and descriptive ------------------------------------------------------------------
def paired_t():
    samples = [[1.0, 2.0], [0.1, -0.2, 0.3, 0.05], list(np.linspace(-1, 2, 50)), [5.0, 5.0, 5.1]]
    for _ in range(30):
        n = int(rng.integers(2, 200))
        samples.append(list(map(float, rng.normal(float(rng.uniform(-1, 1)), float(rng.uniform(0.1, 3)), n))))
    cases = []
    for d in samples:
        for conf in [0.95, 0.9, 0.99]:
            r = stats.ttest_1samp(d, 0.0)
            ci = r.confidence_interval(confidence_level=conf)
            cases.append({"d": d, "confidence": conf, "mean": num(np.mean(d)),
                          "sd": num(np.std(d, ddof=1)), "lower": num(ci.low), "upper": num(ci.high),
                          "t": num(r.statistic), "p_value": num(r.pvalue)})
    return cases


def descriptive():
    samples = [[1.0], [2.0, 1.0], [3.0, 3.0, 3.0], [1, 2, 3, 4], [5, 1, 4, 2, 3], [0.0, 1e-10, -1e-10]]
    for _ in range(30):
        n = int(rng.integers(1, 300))
        samples.append(list(map(float, rng.normal(0, 10, n) if rng.uniform() < 0.5
                                else rng.integers(0, 11, n) / 10)))
    qs = [0, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.99, 1]
    cases = []
    for x in samples:
        x = [float(v) for v in x]
        cases.append({"values": x, "mean": num(np.mean(x)),
                      "sd": num(np.std(x, ddof=1)) if len(x) > 1 else "nan",
                      "min": num(np.min(x)), "max": num(np.max(x)), "median": num(np.median(x)),
                      "q1": num(np.quantile(x, 0.25)), "q3": num(np.quantile(x, 0.75)),
                      "quantiles": [[q, num(np.quantile(x, q))] for q in qs]})
    hist = []
    for x in samples[:20]:
        for edges in [[0, 0.25, 0.5, 0.75, 1.0], [-30, -10, 0, 10, 30], [0.0, 1.0],
                      list(np.linspace(-5, 5, 11))]:
            hist.append({"values": x, "edges": [float(e) for e in edges],
                         "counts": np.histogram(x, bins=edges)[0].tolist()})
    return {"descriptive": cases, "histogram": hist}


def main():
    data = {"meta": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "script": "Scripts/reference/statistics_fixtures.py"}}
    data.update(distributions())
    data.update(proportions())
    data["fisher"] = fisher()
    data["benjamini_hochberg"] = bh()
    data["cmh"] = cmh()
    data["mann_whitney"] = mann_whitney()
    data["wilcoxon"] = wilcoxon()
    data["paired_t"] = paired_t()
    data.update(descriptive())
    # scipy against the exact rational Fisher p-values.
    worst = max(abs(c["p_value"] - c["p_exact"]) / max(c["p_exact"], 1e-300) for c in data["fisher"])
    print(f"fisher: scipy vs exact, worst relative difference {worst:.3g}", file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}: " + ", ".join(f"{k} {len(v)}" for k, v in data.items() if k != "meta"),
          file=sys.stderr)


if __name__ == "__main__":
    main()
