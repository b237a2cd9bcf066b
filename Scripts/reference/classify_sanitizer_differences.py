#!/usr/bin/env python3
"""Explain why Fluke's sanitized samples differ from EvalPlus's.

Standard library only. Companion of compare_sanitized.py: where that script
only counts how many pairs agree, this one puts every pair that does *not*
agree by Python AST into one explained category, each one checked on the two
outputs (and the raw sample), not guessed:

    python3 Scripts/reference/classify_sanitizer_differences.py \\
        FLUKE.jsonl EVALPLUS.jsonl --raw SAMPLES.jsonl \\
        [--dataset HumanEvalPlus.jsonl.gz | --no-entry-point] \\
        [--examples 5] [--list CATEGORY ...] [--diff-lines 30]

FLUKE.jsonl is the output of ``fluke sanitize`` (with ``--entry-point-only``
when EvalPlus was given the entry point), EVALPLUS.jsonl the output of
evalplus_sanitize.py, SAMPLES.jsonl the raw samples both were made from.
Pairs are keyed on (task_id, completion_id). ``--dataset`` gives each task's
entry point (needed for the reachability rules; without it, or with
``--no-entry-point``, those rules never match).

Below, F is Fluke's output, E is EvalPlus's output and R the raw sample. The
top-level statements of F and E are compared as multisets of ``ast.dump``;
"only in F" / "only in E" are the multiset differences. A definition's name
is the name of a def/class, or the single plain-name target of an
assignment. The *uses* of a definition are every identifier inside it (names,
attribute names, parameters, keywords, as EvalPlus's tree-sitter walk sees
them); a definition is *needed* if it is reachable from the entry point
through uses, among the definitions of the same output. Statements EvalPlus
*keeps* on its normal path are: imports, undecorated classes, undecorated
functions with a ``return`` anywhere inside, and assignments (``=`` or
annotated); EvalPlus drops everything else (decorated definitions included,
as tree-sitter wraps them in a node it does not look at).

Categories, tried in this order; the first rule that holds wins, so they do
not overlap and the result is deterministic:

  match: exact text                   F == E
  match: whitespace only              equal after rstrip of every line and
                                      dropping leading/trailing blank lines
  match: AST                          ast.dump(parse(F)) == ast.dump(parse(E))
  --- the rest are the disagreements ---
  Fluke output does not parse         ast.parse(F) fails
  EvalPlus output does not parse      ast.parse(E) fails
  same statements, other order        nothing only in F or only in E (EvalPlus
                                      moves every import before the rest)
  EvalPlus fell back to the raw text  E is exactly a run of whole lines of R
                                      (EvalPlus's code_extract) and either
                                      starts or ends with a blank line (its
                                      normal path strips) or holds a
                                      statement its normal path drops
  EvalPlus drops a function with no return
                                      nothing only in E; everything only in F
                                      is a def with no ``return`` inside
  EvalPlus drops a decorated definition
                                      nothing only in E; everything only in F
                                      is a decorated def or class
  EvalPlus keeps a definition the entry point does not need
                                      nothing only in F; everything only in E
                                      is a definition E's entry point does
                                      not reach
  Fluke keeps a definition the entry point does not need
                                      nothing only in E; everything only in F
                                      is a definition F's entry point does
                                      not reach
  EvalPlus keeps the first of two definitions, Fluke the last
                                      everything only in F or only in E is a
                                      definition whose name R defines at top
                                      level more than once, and each such
                                      name is in both F and E
  EvalPlus drops other top-level code nothing only in E; everything only in F
                                      is a statement EvalPlus never keeps
                                      (expression, assert, if, for, ...)
  Fluke drops code EvalPlus keeps     nothing only in F (whatever is left)
  EvalPlus drops code Fluke keeps     nothing only in E (whatever is left)
  other                               anything else; a few are printed with a
                                      diff (--examples)

With ``--list CATEGORY`` (a category name or a unique prefix of one, may be
repeated) the ids of that category are printed, and with ``--examples N``
up to N examples of "other" (and of every listed category) with a unified
diff of E against F.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import sys
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_sanitized import Key, load, normalize, open_text, percent, sort_key  # noqa: E402

MATCH_EXACT = "match: exact text"
MATCH_WHITESPACE = "match: whitespace only"
MATCH_AST = "match: AST"
FLUKE_UNPARSABLE = "Fluke output does not parse"
EVALPLUS_UNPARSABLE = "EvalPlus output does not parse"
REORDERED = "same statements, other order"
RAW_FALLBACK = "EvalPlus fell back to the raw text"
NO_RETURN = "EvalPlus drops a function with no return"
DECORATED = "EvalPlus drops a decorated definition"
EVALPLUS_UNNEEDED = "EvalPlus keeps a definition the entry point does not need"
FLUKE_UNNEEDED = "Fluke keeps a definition the entry point does not need"
DUPLICATE = "EvalPlus keeps the first of two definitions, Fluke the last"
OTHER_TOP_LEVEL = "EvalPlus drops other top-level code"
FLUKE_DROPS = "Fluke drops code EvalPlus keeps"
EVALPLUS_DROPS = "EvalPlus drops code Fluke keeps"
OTHER = "other"
ERROR = "error on either side"

MATCHES = [MATCH_EXACT, MATCH_WHITESPACE, MATCH_AST]
DISAGREEMENTS = [
    FLUKE_UNPARSABLE,
    EVALPLUS_UNPARSABLE,
    REORDERED,
    RAW_FALLBACK,
    NO_RETURN,
    DECORATED,
    EVALPLUS_UNNEEDED,
    FLUKE_UNNEEDED,
    DUPLICATE,
    OTHER_TOP_LEVEL,
    FLUKE_DROPS,
    EVALPLUS_DROPS,
    OTHER,
]
CATEGORIES = MATCHES + DISAGREEMENTS + [ERROR]

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


# --- facts about statements -------------------------------------------------------------------


def parse(text: str) -> Optional[ast.Module]:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def has_return(node: ast.AST) -> bool:
    return any(isinstance(inner, ast.Return) for inner in ast.walk(node))


def definition_name(stmt: ast.stmt) -> Optional[str]:
    if isinstance(stmt, DEFINITIONS):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) >= 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


def is_definition(stmt: ast.stmt) -> bool:
    return definition_name(stmt) is not None


def evalplus_keeps(stmt: ast.stmt) -> bool:
    """Would EvalPlus's normal (non-fallback) path keep this top-level statement?"""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
        return True
    if isinstance(stmt, ast.ClassDef):
        return not stmt.decorator_list
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return not stmt.decorator_list and has_return(stmt)
    return False


def identifiers(node: ast.AST) -> Set[str]:
    """Every identifier inside a node, like EvalPlus's walk over tree-sitter identifiers."""
    names: Set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            names.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            names.add(inner.attr)
        elif isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, ast.keyword) and inner.arg:
            names.add(inner.arg)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(inner.name)
        elif isinstance(inner, ast.alias):
            names.add((inner.asname or inner.name).split(".")[0])
    return names


def needed_names(module: ast.Module, entry_point: str) -> Set[str]:
    """Names of the top-level definitions reachable from the entry point."""
    uses: Dict[str, Set[str]] = {}
    for stmt in module.body:
        name = definition_name(stmt)
        if name is not None:
            uses.setdefault(name, set()).update(identifiers(stmt))
    reached = {entry_point}
    queue = [entry_point]
    while queue:
        for used in uses.get(queue.pop(), ()):
            if used not in reached:
                reached.add(used)
                queue.append(used)
    return reached


def top_level_definition_names(module: ast.Module) -> Counter:
    return Counter(name for name in map(definition_name, module.body) if name is not None)


def is_line_window(text: str, raw: Optional[str]) -> bool:
    """Is text exactly lines[i:j] of raw, joined by newlines, for some i < j?"""
    if raw is None or not text:
        return False
    raw_lines = raw.split("\n")
    lines = text.split("\n")
    count = len(lines)
    for start in range(len(raw_lines) - count + 1):
        if raw_lines[start] == lines[0] and raw_lines[start : start + count] == lines:
            return True
    return False


# --- the classification -----------------------------------------------------------------------


def multiset_difference(left: List[ast.stmt], right: List[ast.stmt]) -> List[ast.stmt]:
    remaining = Counter(ast.dump(stmt) for stmt in right)
    only: List[ast.stmt] = []
    for stmt in left:
        dump = ast.dump(stmt)
        if remaining[dump]:
            remaining[dump] -= 1
        else:
            only.append(stmt)
    return only


def classify(fluke: str, evalplus: str, raw: Optional[str], entry_point: Optional[str]) -> str:
    if fluke == evalplus:
        return MATCH_EXACT
    if normalize(fluke) == normalize(evalplus):
        return MATCH_WHITESPACE
    tree_f, tree_e = parse(fluke), parse(evalplus)
    if tree_f is None:
        return FLUKE_UNPARSABLE
    if tree_e is None:
        return EVALPLUS_UNPARSABLE
    if ast.dump(tree_f) == ast.dump(tree_e):
        return MATCH_AST

    only_f = multiset_difference(tree_f.body, tree_e.body)
    only_e = multiset_difference(tree_e.body, tree_f.body)
    if not only_f and not only_e:
        return REORDERED

    if is_line_window(evalplus, raw) and (
        evalplus != evalplus.strip() or not all(evalplus_keeps(stmt) for stmt in tree_e.body)
    ):
        return RAW_FALLBACK

    if not only_e and all(
        isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not has_return(stmt) for stmt in only_f
    ):
        return NO_RETURN
    if not only_e and all(isinstance(stmt, DEFINITIONS) and stmt.decorator_list for stmt in only_f):
        return DECORATED

    if entry_point:
        if not only_f:
            needed = needed_names(tree_e, entry_point)
            if all(is_definition(stmt) and definition_name(stmt) not in needed for stmt in only_e):
                return EVALPLUS_UNNEEDED
        if not only_e:
            needed = needed_names(tree_f, entry_point)
            if all(is_definition(stmt) and definition_name(stmt) not in needed for stmt in only_f):
                return FLUKE_UNNEEDED

    tree_r = parse(raw) if raw is not None else None
    if tree_r is not None:
        defined_twice = {name for name, count in top_level_definition_names(tree_r).items() if count > 1}
        names_f, names_e = top_level_definition_names(tree_f), top_level_definition_names(tree_e)
        differing = only_f + only_e
        if all(
            definition_name(stmt) in defined_twice
            and names_f[definition_name(stmt)]
            and names_e[definition_name(stmt)]
            for stmt in differing
        ):
            return DUPLICATE

    if not only_e and all(not evalplus_keeps(stmt) and not is_definition(stmt) for stmt in only_f):
        return OTHER_TOP_LEVEL
    if not only_f:
        return FLUKE_DROPS
    if not only_e:
        return EVALPLUS_DROPS
    return OTHER


# --- input and report -------------------------------------------------------------------------


def load_entry_points(path: Path) -> Dict[str, str]:
    import json

    entry_points: Dict[str, str] = {}
    with open_text(path) as handle:
        for line in handle:
            if line.strip():
                problem = json.loads(line)
                entry_points[problem["task_id"]] = problem["entry_point"]
    return entry_points


def short_diff(evalplus: str, fluke: str, limit: int) -> str:
    lines = list(
        difflib.unified_diff(
            evalplus.split("\n"), fluke.split("\n"), "evalplus", "fluke", lineterm="", n=2
        )
    )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(line if len(line) <= 160 else line[:157] + "..." for line in lines)


def resolve_category(prefix: str) -> str:
    exact = [name for name in CATEGORIES if name.lower() == prefix.lower()]
    if exact:
        return exact[0]
    found = [name for name in CATEGORIES if name.lower().startswith(prefix.lower())]
    if len(found) != 1:
        raise SystemExit(f"--list {prefix!r}: matches {found or 'no category'}; use one of {CATEGORIES}")
    return found[0]


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Classify where Fluke's sanitizer and EvalPlus's disagree.")
    parser.add_argument("fluke", type=Path, help="fluke sanitize output (JSONL)")
    parser.add_argument("evalplus", type=Path, help="evalplus_sanitize.py output (JSONL)")
    parser.add_argument("--raw", type=Path, required=True, help="the raw samples both were made from")
    parser.add_argument("--dataset", type=Path, default=None, help="dataset JSONL(.gz) with entry points")
    parser.add_argument(
        "--no-entry-point", action="store_true", help="the outputs were made without entry points"
    )
    parser.add_argument("--examples", type=int, default=5, help="examples of 'other' to print (default 5)")
    parser.add_argument("--diff-lines", type=int, default=30, help="diff lines per example (default 30)")
    parser.add_argument(
        "--list", action="append", default=[], metavar="CATEGORY", help="print the ids in this category"
    )
    parser.add_argument("--title", default=None, help="a heading for the report")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    fluke, _ = load(args.fluke)
    evalplus, _ = load(args.evalplus)
    raw, _ = load(args.raw)
    entry_points: Dict[str, str] = {}
    if args.dataset is not None and not args.no_entry_point:
        entry_points = load_entry_points(args.dataset)
    listed = [resolve_category(name) for name in args.list]

    keys = sorted(set(fluke) & set(evalplus), key=sort_key)
    by_category: Dict[str, List[Key]] = OrderedDict((name, []) for name in CATEGORIES)
    texts: Dict[Key, Tuple[str, str]] = {}
    for key in keys:
        text_f, text_e = fluke[key].get("solution"), evalplus[key].get("solution")
        if not isinstance(text_f, str) or not isinstance(text_e, str):
            by_category[ERROR].append(key)
            continue
        raw_text = raw.get(key, {}).get("solution")
        category = classify(text_f, text_e, raw_text if isinstance(raw_text, str) else None, entry_points.get(key[0]))
        by_category[category].append(key)
        if category == OTHER or category in listed:
            texts[key] = (text_f, text_e)

    total = len(keys)
    if args.title:
        print(f"== {args.title}")
    unpaired = len(set(fluke) ^ set(evalplus))
    print(f"pairs: {total}" + (f" ({unpaired} records without a partner, not counted)" if unpaired else ""))
    if not entry_points:
        print("no entry points: the reachability rules are off")

    exact = len(by_category[MATCH_EXACT])
    whitespace = exact + len(by_category[MATCH_WHITESPACE])
    by_ast = whitespace + len(by_category[MATCH_AST])
    reordered = by_ast + len(by_category[REORDERED])
    print()
    print("overall (cumulative)                       count    share")
    for name, count in [
        ("exact text", exact),
        ("after whitespace normalization", whitespace),
        ("by Python AST", by_ast),
        ("by AST or same statements in other order", reordered),
    ]:
        print(f"  {name:<41}{count:>6}  {percent(count, total)}")

    width = max(len(name) for name in CATEGORIES)
    print()
    print(f"{'category (first matching rule wins)':<{width}}  {'count':>6}  {'share':>7}")
    for name in CATEGORIES:
        if name == FLUKE_UNPARSABLE:
            print("-" * (width + 17))
        count = len(by_category[name])
        if name == ERROR and not count:
            continue
        print(f"{name:<{width}}  {count:>6}  {percent(count, total)}")

    def ids(category: str) -> str:
        return ", ".join(f"{task}#{completion}" for task, completion in by_category[category])

    for category in [FLUKE_UNPARSABLE] + [name for name in listed if name != FLUKE_UNPARSABLE]:
        if by_category[category]:
            print(f"\n{category}: {ids(category)}")

    for category in [OTHER] + [name for name in listed if name != OTHER]:
        examples = by_category[category][: args.examples]
        if not examples:
            continue
        print(f"\nexamples of {category!r} ({len(examples)} of {len(by_category[category])}):")
        for key in examples:
            text_f, text_e = texts[key]
            print(f"\n--- {key[0]} completion {key[1]}")
            print(short_diff(text_e, text_f, args.diff_lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
