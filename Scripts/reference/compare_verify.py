"""Compares `fluke verify` labels with EvalPlus 0.3.1's eval_results.json, candidate by candidate.

    python compare_verify.py FLUKE_LABELS.jsonl EVALPLUS_eval_results.json [--examples N]

Both must come from the same samples file (EvalPlus numbers samples per task in file order; so
does Fluke's reader). For each candidate it compares (base_status, plus_status): EvalPlus's, and
the `evalplus_status` Fluke records beside its own status (Fluke's `timeout` and `error` map to
EvalPlus's `fail` when the process reported, to `timeout` when it was killed or died).

Every disagreement is put in one kind:
  time-limit   one side ran into a time limit (a timeout status, or Fluke's first failing input
               was a per-input timeout) and the other did not: the candidate runs close to its
               limit, so the result depends on machine load;
  killed       one side's process never reported (EvalPlus: `timeout`) and the other's failed;
  other        anything else (printed in full: these are the ones to explain or fix).
"""
import argparse
import json
from collections import Counter


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fluke")
    ap.add_argument("evalplus")
    ap.add_argument("--examples", type=int, default=5)
    a = ap.parse_args()

    ours = {}
    for line in open(a.fluke):
        if line.strip():
            r = json.loads(line)
            ours[(r["task_id"], r["completion_id"])] = r
    ref = {}
    for task, results in json.load(open(a.evalplus))["eval"].items():
        for i, r in enumerate(results):
            ref[(task, i)] = r

    keys = sorted(set(ours) & set(ref))
    missing = len(set(ref) - set(ours)), len(set(ours) - set(ref))
    agree = 0
    kinds = Counter()
    pairs = Counter()
    examples = {}
    for k in keys:
        o, e = ours[k], ref[k]
        fo = (o["base"]["evalplus_status"], o["plus"]["evalplus_status"])
        fe = (e["base_status"], e["plus_status"])
        if fo == fe:
            agree += 1
            continue
        timed = any(o[p]["status"] == "timeout" for p in ("base", "plus")) or "timeout" in fe
        if "timeout" in fe + fo and not any(o[p]["status"] == "timeout" for p in ("base", "plus")) and \
                any(o[p].get("killed") for p in ("base", "plus")):
            kind = "killed"
        elif timed:
            kind = "time-limit"
        else:
            kind = "other"
        kinds[kind] += 1
        pairs[(fo, fe)] += 1
        examples.setdefault(kind, []).append((k, fo, fe, o))

    n = len(keys)
    print(f"candidates compared: {n} (only in EvalPlus: {missing[0]}, only in Fluke: {missing[1]})")
    print(f"same (base, plus) status: {agree} ({100.0 * agree / max(1, n):.2f}%)")
    labels_same = sum(1 for k in keys if (ours[k]["base"]["evalplus_status"] == "pass") == (ref[k]["base_status"] == "pass")
                      and (ours[k]["plus"]["evalplus_status"] == "pass") == (ref[k]["plus_status"] == "pass"))
    print(f"same label (TP/FP/TN/FN): {labels_same} ({100.0 * labels_same / max(1, n):.2f}%)")
    print("disagreements by kind:", dict(kinds) or "none")
    for (fo, fe), c in pairs.most_common():
        print(f"  fluke {fo} vs evalplus {fe}: {c}")
    for kind, items in examples.items():
        print(f"\n-- {kind}: first {min(a.examples, len(items))} of {len(items)}")
        for k, fo, fe, o in items[: a.examples]:
            detail = {p: {x: o[p].get(x) for x in ("status", "input_index", "exception", "killed", "seconds") if o[p].get(x) is not None}
                      for p in ("base", "plus")}
            print(f"  {k[0]}#{k[1]}: fluke {fo} evalplus {fe} {json.dumps(detail)}")


main()
