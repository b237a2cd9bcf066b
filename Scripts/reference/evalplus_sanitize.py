#!/usr/bin/env python3
"""Reference sanitizer: run EvalPlus's own ``sanitize`` over a samples file.

This is a thin driver for differential testing of Fluke's sanitizer against
EvalPlus. It does not reimplement anything: every sample goes through
``evalplus.sanitize.sanitize(code, entrypoint)`` from an installed evalplus.

Setup (once, outside the repository):

    python3 -m venv /tmp/evalplus-venv
    /tmp/evalplus-venv/bin/pip install evalplus==0.3.1

Usage:

    /tmp/evalplus-venv/bin/python Scripts/reference/evalplus_sanitize.py \\
        SAMPLES.jsonl --output OUT.jsonl [--dataset DATASET.jsonl.gz] \\
        [--no-entry-point] [--limit N]

Input:
    SAMPLES.jsonl   EvalPlus samples, one JSON object a line with
                    ``task_id``, ``completion_id`` and ``solution``.
    --dataset       Dataset JSONL, plain or gzipped, with ``task_id`` and
                    ``entry_point``. Defaults to
                    ``../shared/data/HumanEvalPlus.jsonl.gz`` relative to the
                    repository root. Not read with ``--no-entry-point``.

Output (``--output``, ``-`` for stdout): one JSON object a line, in input
order, ``{"task_id", "completion_id", "solution"}``. A sample that could not
be processed (bad JSON, unknown task, an exception inside sanitize) yields
``{"task_id", "completion_id", "error"}`` instead and processing continues.

Progress and a final summary go to stderr only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, Optional, TextIO

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATASET = REPO_ROOT.parent / "shared" / "data" / "HumanEvalPlus.jsonl.gz"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_text(path: Path) -> TextIO:
    """Open a JSONL file for reading, transparently un-gzipping it."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


def load_entry_points(path: Path) -> Dict[str, str]:
    entry_points: Dict[str, str] = {}
    with open_text(path) as handle:
        for line in handle:
            if not line.strip():
                continue
            problem = json.loads(line)
            entry_points[problem["task_id"]] = problem["entry_point"]
    return entry_points


def iter_samples(handle: TextIO) -> Iterator[tuple[int, Optional[dict], Optional[str]]]:
    """Yield (line number, record or None, parse error or None)."""
    for lineno, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, None, f"invalid JSON on line {lineno}: {exc}"
            continue
        if not isinstance(record, dict):
            yield lineno, None, f"line {lineno} is not a JSON object"
            continue
        yield lineno, record, None


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Sanitize EvalPlus samples with evalplus's own sanitize().",
    )
    parser.add_argument("samples", type=Path, help="samples JSONL (task_id, completion_id, solution)")
    parser.add_argument("--output", "-o", required=True, help="output JSONL path, or - for stdout")
    parser.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        help=f"dataset JSONL(.gz) with task_id and entry_point (default: {DEFAULT_DATASET})",
    )
    parser.add_argument(
        "--no-entry-point",
        action="store_true",
        help="call sanitize(code, None): no dependency pruning from the entry point",
    )
    parser.add_argument("--limit", type=int, default=None, help="process at most N samples")
    parser.add_argument(
        "--progress-every", type=int, default=500, help="report progress every N samples (default 500)"
    )
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)

    try:
        from evalplus.sanitize import sanitize
    except ImportError as exc:
        log(f"error: cannot import evalplus.sanitize ({exc}); install evalplus==0.3.1 in this interpreter")
        return 2

    try:
        import evalplus

        version = getattr(evalplus, "__version__", "unknown")
    except Exception:  # pragma: no cover - version is informational only
        version = "unknown"
    log(f"evalplus {version}; entry point: {'none' if args.no_entry_point else args.dataset}")

    entry_points: Dict[str, str] = {}
    if not args.no_entry_point:
        if not args.dataset.exists():
            log(f"error: dataset not found: {args.dataset}")
            return 2
        entry_points = load_entry_points(args.dataset)
        log(f"loaded {len(entry_points)} entry points")

    out: TextIO = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    processed = errors = changed = 0
    started = time.monotonic()
    try:
        with open_text(args.samples) as handle:
            for _lineno, record, parse_error in iter_samples(handle):
                if args.limit is not None and processed >= args.limit:
                    break
                processed += 1
                task_id = record.get("task_id") if record else None
                completion_id = record.get("completion_id") if record else None
                result: dict = {"task_id": task_id, "completion_id": completion_id}
                try:
                    if parse_error is not None:
                        raise ValueError(parse_error)
                    code = record.get("solution")
                    if not isinstance(code, str):
                        raise ValueError("sample has no string 'solution' field")
                    if args.no_entry_point:
                        entry_point = None
                    elif task_id in entry_points:
                        entry_point = entry_points[task_id]
                    else:
                        raise LookupError(f"task_id {task_id!r} not in dataset")
                    sanitized = sanitize(code, entry_point)
                    result["solution"] = sanitized
                    if sanitized != code:
                        changed += 1
                except Exception as exc:  # one bad sample must not stop the run
                    errors += 1
                    result["error"] = f"{type(exc).__name__}: {exc}"
                out.write(json.dumps(result) + "\n")
                if args.progress_every > 0 and processed % args.progress_every == 0:
                    elapsed = time.monotonic() - started
                    log(f"{processed} samples, {errors} errors, {elapsed:.1f}s")
    finally:
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()

    elapsed = time.monotonic() - started
    log(
        f"done: {processed} samples, {changed} changed, {errors} errors, "
        f"{elapsed:.1f}s ({elapsed / max(processed, 1) * 1000:.2f} ms/sample)"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `--output - | head`
        sys.stderr.close()
        sys.exit(1)
