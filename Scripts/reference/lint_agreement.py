#!/usr/bin/env python3
"""Agreement of Fluke's findings with the reference linters, per shared code.

    python3 Scripts/reference/lint_agreement.py --samples SAMPLES.jsonl --fluke FLUKE_BIN \
        --venv VENV [--limit N] [--work DIR] [--diff-output DIFFS.jsonl]
    python3 Scripts/reference/lint_agreement.py --tree DIR --fluke FLUKE_BIN --venv VENV [...]

Writes every sample as a file (<work>/files/<Task_N>/<i>.py, EvalPlus's layout), then runs
on the same files:
  - pycodestyle (E and W codes), with --select of the codes Fluke shares with it;
  - flake8 with pep8-naming (N8 codes);
  - Ruff (pyflakes codes, C901, PLR09xx, pydocstyle D10x), with --isolated --no-cache;
  - ``fluke lint --isolated --format json --select <the same codes>``;
and compares the sets of (file, line, code). With --tree, the valid .py files below DIR (say
/usr/lib/python3.11, richer in multi-line statements than the samples) are compared instead;
every tool is then given the list of files: precision = both / Fluke, recall = both /
reference, per code. The reference tools come from VENV (a throwaway venv: see
Scripts/compare-lint); Fluke needs none of them. Standard library only.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

PYCODESTYLE = re.compile(r"^(E[1-8]\d\d|W\d+)$")  # E9xx: syntax errors, which pycodestyle does not report
NAMING = re.compile(r"^N8\d\d$")
RUFF = re.compile(r"^(F\d+|C901|PLR09\d\d|D1\d\d)$")
LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+)\b")


def write_samples(samples, root, limit, include_invalid):
    files = []
    skipped = 0
    with open(samples) as f:
        for n, line in enumerate(f):
            if limit and n >= limit:
                break
            d = json.loads(line)
            if not include_invalid:
                # The reference tools stop at the first tokenize error, each in its own way: compare
                # on the samples that are valid Python.
                try:
                    compile(d["solution"], "candidate", "exec")
                except (SyntaxError, ValueError):
                    skipped += 1
                    continue
            task = d["task_id"].replace("/", "_")
            path = os.path.join(root, task, "%d.py" % d["completion_id"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(d["solution"])
            files.append(path)
    return files, skipped


def tree_files(tree, include_invalid):
    """The .py files below `tree` (those CPython compiles, unless include_invalid)."""
    files = []
    skipped = 0
    for folder, dirs, names in os.walk(tree):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            if not include_invalid:
                try:
                    with open(path, "rb") as f:
                        compile(f.read(), path, "exec")
                except (SyntaxError, ValueError):
                    skipped += 1
                    continue
            files.append(path)
    return files, skipped


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.stdout, p.stderr, p.returncode


def parse_lines(text, root):
    found = set()
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            path = os.path.relpath(os.path.abspath(m["path"]), root)
            found.add((path, int(m["row"]), m["code"]))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", help="EvalPlus samples JSONL (written as files)")
    ap.add_argument("--tree", help="instead of --samples: the .py files below this folder")
    ap.add_argument("--fluke", required=True, help="the fluke binary")
    ap.add_argument("--venv", required=True, help="venv with pycodestyle, flake8, pep8-naming, ruff")
    ap.add_argument("--work", default="/tmp/fluke-lint-agreement")
    ap.add_argument("--limit", type=int, default=0, help="only the first N samples")
    ap.add_argument("--diff-output", help="write the disagreements here (JSONL)")
    ap.add_argument("--codes", help="only these codes (comma-separated)")
    ap.add_argument("--include-invalid", action="store_true",
                    help="also compare on samples that are not valid Python (left out by default)")
    args = ap.parse_args()

    if args.tree:
        root = os.path.abspath(args.tree)
        files, skipped = tree_files(root, args.include_invalid)
        if args.limit:
            files = files[:args.limit]
        targets = files
        print("files compared: %d (%d that are not valid Python left out)" % (len(files), skipped))
    elif args.samples:
        root = os.path.abspath(os.path.join(args.work, "files"))
        if os.path.isdir(root):
            subprocess.run(["rm", "-rf", root], check=True)
        files, skipped = write_samples(args.samples, root, args.limit, args.include_invalid)
        targets = [root]
        print("samples compared: %d (%d that are not valid Python left out)" % (len(files), skipped))
    else:
        ap.error("--samples or --tree is needed")

    rules = json.loads(run([args.fluke, "rules", "--isolated", "--format", "json"])[0])
    codes = sorted(r["code"] for r in rules)
    if args.codes:
        wanted = set(args.codes.split(","))
        codes = [c for c in codes if c in wanted]
    families = {
        "pycodestyle": [c for c in codes if PYCODESTYLE.match(c)],
        "pep8-naming": [c for c in codes if NAMING.match(c)],
        "ruff": [c for c in codes if RUFF.match(c)],
    }
    shared = [c for fam in families.values() for c in fam]
    if not shared:
        print("no shared codes", file=sys.stderr)
        return 1
    bin_ = os.path.join(args.venv, "bin")
    reference = set()
    tool_of = {}
    if families["pycodestyle"]:
        out, err, _ = run([os.path.join(bin_, "pycodestyle"), "--select=" + ",".join(families["pycodestyle"]),
                           "--max-line-length=79"] + targets)
        reference |= parse_lines(out, root)
        tool_of.update({c: "pycodestyle" for c in families["pycodestyle"]})
    if families["pep8-naming"]:
        out, err, _ = run([os.path.join(bin_, "flake8"), "--isolated", "--select=" + ",".join(families["pep8-naming"])] + targets)
        reference |= parse_lines(out, root)
        tool_of.update({c: "flake8 + pep8-naming" for c in families["pep8-naming"]})
    if families["ruff"]:
        out, err, _ = run([os.path.join(bin_, "ruff"), "check", "--no-cache", "--isolated", "--output-format", "concise",
                           "--select", ",".join(families["ruff"])] + targets)
        reference |= parse_lines(out, root)
        tool_of.update({c: "ruff" for c in families["ruff"]})

    out, err, status = run([args.fluke, "lint", "--isolated", "--format", "json", "--select", ",".join(shared)] + targets)
    if status not in (0, 1):
        print(err, file=sys.stderr)
        return 2
    fluke = set()
    for f in json.loads(out):
        fluke.add((os.path.relpath(os.path.abspath(f["filename"]), root), f["location"]["row"], f["code"]))

    by_code = collections.defaultdict(lambda: [0, 0, 0])
    for item in fluke:
        by_code[item[2]][0] += 1
    for item in reference:
        by_code[item[2]][1] += 1
    for item in fluke & reference:
        by_code[item[2]][2] += 1

    print("%-8s %-20s %8s %8s %8s %9s %9s" % ("code", "reference", "fluke", "ref", "both", "precision", "recall"))
    worst = 1.0
    for code in shared:
        f, r, b = by_code[code]
        precision = b / f if f else 1.0
        recall = b / r if r else 1.0
        worst = min(worst, precision, recall)
        print("%-8s %-20s %8d %8d %8d %8.2f%% %8.2f%%" % (code, tool_of[code], f, r, b, 100 * precision, 100 * recall))
    print("lowest precision or recall: %.2f%%" % (100 * worst))
    if args.diff_output:
        with open(args.diff_output, "w") as out:
            for path, row, code in sorted(fluke - reference):
                out.write(json.dumps({"side": "fluke only", "file": path, "line": row, "code": code}) + "\n")
            for path, row, code in sorted(reference - fluke):
                out.write(json.dumps({"side": "reference only", "file": path, "line": row, "code": code}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
