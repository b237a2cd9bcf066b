#!/usr/bin/env python3
"""Compare two JSONL files of sanitized samples and print an agreement table.

Standard library only. Typical use is differential testing of Fluke's
sanitizer against the EvalPlus reference produced by evalplus_sanitize.py:

    python3 Scripts/reference/compare_sanitized.py A.jsonl B.jsonl \\
        [--diff-output DIFFS.jsonl] [--label-a fluke] [--label-b evalplus]

Each input holds one JSON object a line with ``task_id``, ``completion_id``
and ``solution`` (records carrying ``error`` instead of ``solution`` are
counted as errors). Records are paired on (task_id, completion_id).

Levels of agreement, each cumulative over the previous one:

    exact        the two texts are identical
    normalized   identical after stripping trailing whitespace on every line
                 and dropping leading/trailing blank lines
    ast          ``ast.dump(ast.parse(text))`` is equal (comments, blank
                 lines and formatting ignored); pairs where either side fails
                 to parse are counted separately and never match here

Pairs that are not an exact match are written to ``--diff-output`` (if
given), one JSON object a line with both texts and the strongest level at
which they still agree (``normalized``, ``ast`` or ``none``), so they can be
inspected by hand.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import sys
from pathlib import Path
from typing import Dict, Optional, TextIO, Tuple

Key = Tuple[str, str]


def open_text(path: Path) -> TextIO:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


def record_key(record: dict) -> Key:
    # completion_id may be an int in one file and a string in another.
    return (str(record.get("task_id")), str(record.get("completion_id")))


def load(path: Path) -> Tuple[Dict[Key, dict], int]:
    """Return records by key, plus the number of duplicate keys seen."""
    records: Dict[Key, dict] = {}
    duplicates = 0
    with open_text(path) as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{lineno}: invalid JSON: {exc}")
            key = record_key(record)
            if key in records:
                duplicates += 1
            records[key] = record
    return records, duplicates


def normalize(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def ast_dump(text: str) -> Optional[str]:
    try:
        return ast.dump(ast.parse(text))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:6.2f}%" if whole else "     -"


def sort_key(key: Key):
    task, completion = key
    # Order HumanEval/2 before HumanEval/10 and completion 2 before 10.
    prefix, _, number = task.rpartition("/")
    task_order = (prefix, int(number)) if number.isdigit() else (task, -1)
    completion_order = int(completion) if completion.lstrip("-").isdigit() else completion
    return (task_order, str(type(completion_order)), completion_order)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Agreement table for two sanitized-sample JSONL files.")
    parser.add_argument("a", type=Path, help="first JSONL (e.g. Fluke output)")
    parser.add_argument("b", type=Path, help="second JSONL (e.g. EvalPlus reference)")
    parser.add_argument("--diff-output", type=Path, default=None, help="write non-identical pairs here")
    parser.add_argument("--label-a", default="a", help="name for the first file in reports")
    parser.add_argument("--label-b", default="b", help="name for the second file in reports")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    label_a, label_b = args.label_a, args.label_b
    records_a, dup_a = load(args.a)
    records_b, dup_b = load(args.b)

    keys_a, keys_b = set(records_a), set(records_b)
    common = sorted(keys_a & keys_b, key=sort_key)

    compared = errors = exact = normalized = ast_equal = 0
    parse_fail_a = parse_fail_b = parse_fail_both = 0
    diff_handle = open(args.diff_output, "w", encoding="utf-8") if args.diff_output else None
    diffs_written = 0
    try:
        for key in common:
            rec_a, rec_b = records_a[key], records_b[key]
            text_a, text_b = rec_a.get("solution"), rec_b.get("solution")
            if not isinstance(text_a, str) or not isinstance(text_b, str):
                errors += 1
                continue
            compared += 1
            if text_a == text_b:
                exact += 1
                normalized += 1
                ast_equal += 1
                continue

            level = "none"
            if normalize(text_a) == normalize(text_b):
                normalized += 1
                ast_equal += 1
                level = "normalized"
            else:
                dump_a, dump_b = ast_dump(text_a), ast_dump(text_b)
                if dump_a is None and dump_b is None:
                    parse_fail_both += 1
                elif dump_a is None:
                    parse_fail_a += 1
                elif dump_b is None:
                    parse_fail_b += 1
                elif dump_a == dump_b:
                    ast_equal += 1
                    level = "ast"

            if diff_handle is not None:
                diff_handle.write(
                    json.dumps(
                        {
                            "task_id": key[0],
                            "completion_id": rec_a.get("completion_id", key[1]),
                            "agree": level,
                            label_a: text_a,
                            label_b: text_b,
                        }
                    )
                    + "\n"
                )
                diffs_written += 1
    finally:
        if diff_handle is not None:
            diff_handle.close()

    rows = [
        (f"records in {label_a}", len(records_a), None),
        (f"records in {label_b}", len(records_b), None),
        (f"only in {label_a}", len(keys_a - keys_b), None),
        (f"only in {label_b}", len(keys_b - keys_a), None),
        ("paired", len(common), None),
        ("  with an error on either side", errors, len(common)),
        ("compared (total)", compared, compared),
        ("  exact text match", exact, compared),
        ("  match after whitespace normalization", normalized, compared),
        ("  match by Python AST", ast_equal, compared),
        ("  disagree", compared - ast_equal, compared),
        ("  (of which) parse failure only in " + label_a, parse_fail_a, compared),
        ("  (of which) parse failure only in " + label_b, parse_fail_b, compared),
        ("  (of which) parse failure in both", parse_fail_both, compared),
    ]
    if dup_a or dup_b:
        rows.insert(4, ("duplicate keys (last kept)", dup_a + dup_b, None))

    width = max(len(name) for name, _, _ in rows)
    print(f"{'':<{width}}  {'count':>7}  {'share':>7}")
    for name, count, whole in rows:
        share = percent(count, whole) if whole is not None else ""
        print(f"{name:<{width}}  {count:>7}  {share:>7}")
    if diff_handle is not None:
        print(f"\nwrote {diffs_written} non-identical pairs to {args.diff_output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
