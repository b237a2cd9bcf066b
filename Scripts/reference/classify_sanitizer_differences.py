#!/usr/bin/env python3
"""Explain why Fluke's sanitized samples differ from EvalPlus's.

Standard library only. Companion of compare_sanitized.py: where that script
counts how many pairs agree, this one puts every pair into exactly one
category, and every pair that does *not* agree by Python AST into an
explained one, each checked on the two outputs and the raw sample, not
guessed:

    python3 Scripts/reference/classify_sanitizer_differences.py \\
        FLUKE.jsonl EVALPLUS.jsonl --raw SAMPLES.jsonl \\
        [--dataset HumanEvalPlus.jsonl.gz | --no-entry-point] \\
        [--examples 5] [--diff-lines 30] [--list CATEGORY ...]

FLUKE.jsonl is ``fluke sanitize`` output (with ``--entry-point-only`` when
EvalPlus had the entry point), EVALPLUS.jsonl the output of
evalplus_sanitize.py, SAMPLES.jsonl the raw samples both were made from;
records pair on (task_id, completion_id). ``--dataset`` gives each task's
entry point: the reachability reasons need it and are off without it or
with ``--no-entry-point`` (outputs made without entry points); the driver
reason uses it either way. Python's own parser decides
what parses, so run this with the Python EvalPlus ran on (3.11 here).

Terms. F is Fluke's output, E EvalPlus's, R the raw sample. "Only in F" and
"only in E" are the multiset differences of the two outputs' top-level
statements, compared by ``ast.dump``. A *definition* is a def, a class, or an
assignment to one plain name; its name is that name. A definition is
*needed* when the entry point reaches it through identifiers (names,
attribute names, parameters, keywords: what EvalPlus's tree-sitter walk
collects) among the definitions of the same output. W is EvalPlus's
``code_extract(R)``, the longest run of lines of R that parses (computed here
exactly as EvalPlus does); when R parses, W is R.

Pair rules, tried in this order (first match wins):

  match: exact text                   F == E
  match: whitespace only              equal after rstrip of each line and
                                      dropping leading/trailing blank lines
  match: AST                          ast.dump(parse(F)) == ast.dump(parse(E))
  Fluke output does not parse         ast.parse(F) fails (listed with the error)
  EvalPlus output does not parse      ast.parse(E) fails
  Fluke output does not compile       parses, but compile() fails (e.g. a
                                      ``from __future__`` import after code)
  same statements, other order        nothing only in F or in E (EvalPlus
                                      moves every import before the rest)
  EvalPlus fell back to the raw text  E is exactly a run of whole lines of R
                                      (its fallback, code_extract) and starts
                                      or ends with a blank line (the normal
                                      path strips) or holds a statement the
                                      normal path never keeps (see below)

Otherwise each statement only in F, and each only in E, gets the first
reason of its list that holds:

  only in F (Fluke keeps, EvalPlus does not):
    EvalPlus drops a function with no return   undecorated def, no ``return``
                                               anywhere inside (ast.walk)
    EvalPlus drops a decorated definition      decorated def or class
    EvalPlus drops `from __future__` imports   tree-sitter's own node type,
                                               which EvalPlus ignores
    EvalPlus keeps only the first definition of a name
                                               a definition whose name F
                                               defines earlier too, or R
                                               defines twice and E also has
    Fluke keeps a definition the entry point does not need
                                               a definition not needed in F
    Fluke keeps code outside EvalPlus's parsable window
                                               R does not parse and the
                                               statement's text is not in W
    EvalPlus drops an assignment to an attribute, item or tuple
                                               (EvalPlus names it None: never
                                               needed, and only the first kept)
    EvalPlus drops other top-level code        anything else but an import or
                                               a definition (call, assert, if,
                                               for, ...)
  only in E (EvalPlus keeps, Fluke does not):
    EvalPlus keeps a definition the entry point does not need
                                               a definition not needed in E
    EvalPlus keeps only the first definition of a name
                                               R defines the name twice and F
                                               has a different one of it
    EvalPlus keeps the parsable head of a cut-off definition
                                               a def/class whose text is in R
                                               and R goes on with a line
                                               indented deeper than the def
    Fluke drops driver code EvalPlus keeps
                                               not a def/class, text in R, and
                                               calls the entry point or a
                                               function E defines (driver code)
    Fluke drops complete code EvalPlus keeps   any other statement whose text
                                               is in R (Fluke looks wrong)

and the pair is put in the one reason all its statements share, in
"several of the reasons above" when all are explained but by different
reasons (the combinations are printed), and in "other" when any statement
has no reason. ``--examples N`` prints N examples of "other" (and of each
``--list``-ed category) with a unified diff of E against F; ``--list`` also
prints every id in that category (give a name, or a unique prefix or part of
one).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
import warnings
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_sanitized import Key, load, normalize, open_text, percent, sort_key  # noqa: E402

# Pair rules, in order.
MATCH_EXACT = "match: exact text"
MATCH_WHITESPACE = "match: whitespace only"
MATCH_AST = "match: AST"
FLUKE_UNPARSABLE = "Fluke output does not parse"
EVALPLUS_UNPARSABLE = "EvalPlus output does not parse"
FLUKE_UNCOMPILABLE = "Fluke output does not compile"
REORDERED = "same statements, other order"
RAW_FALLBACK = "EvalPlus fell back to the raw text"
# Statement reasons (each is also the category of a pair whose statements all share it).
NO_RETURN = "EvalPlus drops a function with no return"
DECORATED = "EvalPlus drops a decorated definition"
FUTURE = "EvalPlus drops `from __future__` imports"
FIRST_DEFINITION = "EvalPlus keeps only the first definition of a name"
FLUKE_UNNEEDED = "Fluke keeps a definition the entry point does not need"
OUTSIDE_WINDOW = "Fluke keeps code outside EvalPlus's parsable window"
ODD_ASSIGNMENT = "EvalPlus drops an assignment to an attribute, item or tuple"
OTHER_TOP_LEVEL = "EvalPlus drops other top-level code"
EVALPLUS_UNNEEDED = "EvalPlus keeps a definition the entry point does not need"
CUT_HEAD = "EvalPlus keeps the parsable head of a cut-off definition"
DRIVER = "Fluke drops driver code EvalPlus keeps"
FLUKE_DROPS = "Fluke drops complete code EvalPlus keeps"
# Leftovers.
SEVERAL = "several of the reasons above"
OTHER = "other"
ERROR = "error on either side"

MATCHES = [MATCH_EXACT, MATCH_WHITESPACE, MATCH_AST]
DISAGREEMENTS = [
    FLUKE_UNPARSABLE,
    EVALPLUS_UNPARSABLE,
    FLUKE_UNCOMPILABLE,
    REORDERED,
    RAW_FALLBACK,
    NO_RETURN,
    DECORATED,
    FUTURE,
    FIRST_DEFINITION,
    FLUKE_UNNEEDED,
    OUTSIDE_WINDOW,
    ODD_ASSIGNMENT,
    OTHER_TOP_LEVEL,
    EVALPLUS_UNNEEDED,
    CUT_HEAD,
    DRIVER,
    FLUKE_DROPS,
    SEVERAL,
    OTHER,
]
CATEGORIES = MATCHES + DISAGREEMENTS + [ERROR]

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


# --- facts about code -------------------------------------------------------------------------


def parse(text: str) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in model output
            return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def syntax_error(text: str) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<sample>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError, RecursionError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def has_return(node: ast.AST) -> bool:
    return any(isinstance(inner, ast.Return) for inner in ast.walk(node))


def definition_name(stmt: ast.stmt) -> Optional[str]:
    if isinstance(stmt, DEFINITIONS):
        return stmt.name
    if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


def evalplus_keeps(stmt: ast.stmt) -> bool:
    """Could EvalPlus's normal (non-fallback) path keep this top-level statement at all?"""
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module != "__future__"
    if isinstance(stmt, (ast.Import, ast.Assign, ast.AnnAssign)):
        return True
    if isinstance(stmt, ast.ClassDef):
        return not stmt.decorator_list
    if isinstance(stmt, FUNCTIONS):
        return not stmt.decorator_list and has_return(stmt)
    return False


def identifiers(node: ast.AST) -> Set[str]:
    """Every identifier inside a node, as EvalPlus's walk over tree-sitter identifiers sees them."""
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
        elif isinstance(inner, DEFINITIONS):
            names.add(inner.name)
    return names


def needed_names(module: ast.Module, entry_point: str) -> Set[str]:
    """Names of the top-level definitions the entry point reaches."""
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


def is_line_window(text: str, raw: str) -> bool:
    """Is text exactly lines[i:j] of raw, joined by newlines, for some i < j?"""
    if not text:
        return False
    raw_lines, lines = raw.split("\n"), text.split("\n")
    for start in range(len(raw_lines) - len(lines) + 1):
        if raw_lines[start : start + len(lines)] == lines:
            return True
    return False


def code_extract(text: str) -> str:
    """EvalPlus 0.3.1's code_extract: the run of lines (two or more) that parses and holds the most
    non-blank lines, the earliest on a tie. Same result, fewer parses: a run is only parsed when it
    could beat the best so far."""
    lines = text.split("\n")
    nonblank = [1 if line.strip() else 0 for line in lines]
    best, best_pair = 0, (0, 0)
    for i in range(len(lines)):
        count = nonblank[i]
        for j in range(i + 1, len(lines)):
            count += nonblank[j]
            if count > best and parse("\n".join(lines[i : j + 1])) is not None:
                best, best_pair = count, (i, j)
    return "\n".join(lines[best_pair[0] : best_pair[1] + 1])


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip())


def continues_deeper(segment: str, raw: str) -> bool:
    """Does raw hold segment (a def or class) and go on, after it, with a non-blank line indented
    deeper than the segment's first line (so the definition in raw is longer than the segment)?"""
    at = raw.find(segment)
    if at < 0:
        return False
    line_start = raw.rfind("\n", 0, at) + 1
    own_indent = indentation(raw[line_start:at] + segment.split("\n", 1)[0])
    rest = raw[at + len(segment) :].split("\n")
    if rest and rest[0].strip():  # the segment ends mid-line: raw continues the same line
        return True
    for line in rest[1:]:
        if line.strip():
            return indentation(line) > own_indent
    return False


# --- the classification -----------------------------------------------------------------------


class Sample:
    """One pair, with lazily computed facts shared by the reasons."""

    def __init__(
        self,
        fluke: str,
        evalplus: str,
        raw: Optional[str],
        entry_point: Optional[str],
        reachability: bool = True,
    ):
        self.fluke, self.evalplus, self.raw, self.entry_point = fluke, evalplus, raw, entry_point
        self.reachability = reachability and entry_point is not None
        self._raw_tree: Optional[ast.Module] = None
        self._raw_parsed = False
        self._window: Optional[str] = None

    @property
    def raw_tree(self) -> Optional[ast.Module]:
        if not self._raw_parsed:
            self._raw_tree = parse(self.raw) if self.raw is not None else None
            self._raw_parsed = True
        return self._raw_tree

    @property
    def window(self) -> str:
        if self._window is None:
            self._window = self.raw if self.raw is None or self.raw_tree is not None else code_extract(self.raw)
        return self._window or ""


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


def raw_defines_twice(sample: Sample, name: Optional[str]) -> bool:
    if name is None or sample.raw is None:
        return False
    tree = sample.raw_tree
    if tree is None:
        tree = parse(sample.window)
    if tree is None:
        return False
    return sum(1 for stmt in tree.body if definition_name(stmt) == name) > 1


def reason_only_in_fluke(
    stmt: ast.stmt, sample: Sample, tree_f: ast.Module, tree_e: ast.Module, only_e: List[ast.stmt]
) -> Optional[str]:
    name = definition_name(stmt)
    if isinstance(stmt, FUNCTIONS) and not stmt.decorator_list and not has_return(stmt):
        return NO_RETURN
    if isinstance(stmt, DEFINITIONS) and stmt.decorator_list:
        return DECORATED
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        return FUTURE
    if name is not None:
        earlier = tree_f.body[: tree_f.body.index(stmt)]
        if any(definition_name(other) == name for other in earlier):
            return FIRST_DEFINITION
        if raw_defines_twice(sample, name) and any(definition_name(other) == name for other in tree_e.body):
            return FIRST_DEFINITION
        if sample.reachability and name not in needed_names(tree_f, sample.entry_point):
            return FLUKE_UNNEEDED
    if sample.raw is not None and sample.raw_tree is None:
        segment = ast.get_source_segment(sample.fluke, stmt)
        if segment is not None and segment not in sample.window:
            return OUTSIDE_WINDOW
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and name is None:
        return ODD_ASSIGNMENT
    if name is None and not isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return OTHER_TOP_LEVEL
    return None


def reason_only_in_evalplus(
    stmt: ast.stmt, sample: Sample, tree_f: ast.Module, tree_e: ast.Module
) -> Optional[str]:
    name = definition_name(stmt)
    if name is not None and sample.reachability and name not in needed_names(tree_e, sample.entry_point):
        return EVALPLUS_UNNEEDED
    if name is not None and raw_defines_twice(sample, name):
        if any(definition_name(other) == name for other in tree_f.body):
            return FIRST_DEFINITION
    if sample.raw is None:
        return None
    segment = ast.get_source_segment(sample.evalplus, stmt)
    if segment is None or segment not in sample.raw:
        return None
    if isinstance(stmt, DEFINITIONS) and continues_deeper(segment, sample.raw):
        return CUT_HEAD
    if not isinstance(stmt, DEFINITIONS):
        defined = {other.name for other in tree_e.body if isinstance(other, FUNCTIONS)}
        if sample.entry_point:
            defined.add(sample.entry_point)
        if any(
            isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in defined
            for inner in ast.walk(stmt)
        ):
            return DRIVER
    return FLUKE_DROPS


def classify(sample: Sample) -> Tuple[str, Tuple[str, ...]]:
    """The pair's category, and (for SEVERAL) the reasons it combines."""
    fluke, evalplus = sample.fluke, sample.evalplus
    if fluke == evalplus:
        return MATCH_EXACT, ()
    if normalize(fluke) == normalize(evalplus):
        return MATCH_WHITESPACE, ()
    tree_f, tree_e = parse(fluke), parse(evalplus)
    if tree_f is not None and tree_e is not None and ast.dump(tree_f) == ast.dump(tree_e):
        return MATCH_AST, ()
    if tree_f is None:
        return FLUKE_UNPARSABLE, ()
    if tree_e is None:
        return EVALPLUS_UNPARSABLE, ()
    if syntax_error(fluke):
        return FLUKE_UNCOMPILABLE, ()

    only_f = multiset_difference(tree_f.body, tree_e.body)
    only_e = multiset_difference(tree_e.body, tree_f.body)
    if not only_f and not only_e:
        return REORDERED, ()

    if (
        sample.raw is not None
        and is_line_window(evalplus, sample.raw)
        and (evalplus != evalplus.strip() or not all(evalplus_keeps(stmt) for stmt in tree_e.body))
    ):
        return RAW_FALLBACK, ()

    reasons = [reason_only_in_fluke(stmt, sample, tree_f, tree_e, only_e) for stmt in only_f]
    reasons += [reason_only_in_evalplus(stmt, sample, tree_f, tree_e) for stmt in only_e]
    if any(reason is None for reason in reasons):
        return OTHER, ()
    distinct = tuple(sorted(set(reasons), key=DISAGREEMENTS.index))
    if len(distinct) == 1:
        return distinct[0], ()
    return SEVERAL, distinct


# --- input and report -------------------------------------------------------------------------


def load_entry_points(path: Path) -> Dict[str, str]:
    entry_points: Dict[str, str] = {}
    with open_text(path) as handle:
        for line in handle:
            if line.strip():
                problem = json.loads(line)
                entry_points[problem["task_id"]] = problem["entry_point"]
    return entry_points


def short_diff(evalplus: str, fluke: str, limit: int) -> str:
    lines = list(difflib.unified_diff(evalplus.split("\n"), fluke.split("\n"), "evalplus", "fluke", lineterm="", n=2))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(line if len(line) <= 160 else line[:157] + "..." for line in lines)


def resolve_category(prefix: str) -> str:
    """A category from its name, a unique prefix of it, or a unique part of it."""
    exact = [name for name in CATEGORIES if name.lower() == prefix.lower()]
    if exact:
        return exact[0]
    found = [name for name in CATEGORIES if name.lower().startswith(prefix.lower())]
    if not found:
        found = [name for name in CATEGORIES if prefix.lower() in name.lower()]
    if len(found) != 1:
        raise SystemExit(f"--list {prefix!r}: matches {found or 'no category'}; categories: {CATEGORIES}")
    return found[0]


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Classify where Fluke's sanitizer and EvalPlus's disagree.")
    parser.add_argument("fluke", type=Path, help="fluke sanitize output (JSONL)")
    parser.add_argument("evalplus", type=Path, help="evalplus_sanitize.py output (JSONL)")
    parser.add_argument("--raw", type=Path, required=True, help="the raw samples both were made from")
    parser.add_argument("--dataset", type=Path, default=None, help="dataset JSONL(.gz) with entry points")
    parser.add_argument("--no-entry-point", action="store_true", help="the outputs were made without entry points")
    parser.add_argument("--examples", type=int, default=5, help="examples of 'other' to print (default 5)")
    parser.add_argument("--diff-lines", type=int, default=30, help="diff lines per example (default 30)")
    parser.add_argument("--list", action="append", default=[], metavar="CATEGORY", help="print the ids in a category")
    parser.add_argument("--title", default=None, help="a heading for the report")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    fluke, _ = load(args.fluke)
    evalplus, _ = load(args.evalplus)
    raw, _ = load(args.raw)
    entry_points: Dict[str, str] = {}
    if args.dataset is not None:
        entry_points = load_entry_points(args.dataset)
    listed = [resolve_category(name) for name in args.list]

    keys = sorted(set(fluke) & set(evalplus), key=sort_key)
    by_category: Dict[str, List[Key]] = OrderedDict((name, []) for name in CATEGORIES)
    combinations: Counter = Counter()
    notes: Dict[Key, str] = {}
    texts: Dict[Key, Tuple[str, str]] = {}
    for key in keys:
        text_f, text_e = fluke[key].get("solution"), evalplus[key].get("solution")
        if not isinstance(text_f, str) or not isinstance(text_e, str):
            by_category[ERROR].append(key)
            continue
        raw_text = raw.get(key, {}).get("solution")
        sample = Sample(
            text_f,
            text_e,
            raw_text if isinstance(raw_text, str) else None,
            entry_points.get(key[0]),
            reachability=not args.no_entry_point,
        )
        category, combined = classify(sample)
        by_category[category].append(key)
        if category == SEVERAL:
            combinations[combined] += 1
            notes[key] = " + ".join(combined)
        elif category in (FLUKE_UNPARSABLE, FLUKE_UNCOMPILABLE):
            raw_error = syntax_error(sample.raw) if sample.raw is not None else "no raw sample"
            raw_note = f"raw: {raw_error}" if raw_error else "raw compiles"
            notes[key] = f"{syntax_error(text_f)}; {raw_note}"
        if category in (OTHER, SEVERAL) or category in listed:
            texts[key] = (text_f, text_e)

    total = len(keys)
    if args.title:
        print(f"== {args.title}")
    unpaired = len(set(fluke) ^ set(evalplus))
    print(f"pairs: {total}" + (f" ({unpaired} records without a partner, not counted)" if unpaired else ""))
    if not entry_points or args.no_entry_point:
        print("outputs made without entry points: the reachability reasons are off")

    exact = len(by_category[MATCH_EXACT])
    whitespace = exact + len(by_category[MATCH_WHITESPACE])
    by_ast = whitespace + len(by_category[MATCH_AST])
    reordered = by_ast + len(by_category[REORDERED])
    print()
    print(f"{'agreement (cumulative)':<44}{'count':>6}  {'share':>7}")
    for name, count in [
        ("exact text", exact),
        ("after whitespace normalization", whitespace),
        ("by Python AST", by_ast),
        ("by AST, or same statements in other order", reordered),
    ]:
        print(f"  {name:<42}{count:>6}  {percent(count, total)}")

    width = max(len(name) for name in CATEGORIES) + 2
    print()
    print(f"{'category (first matching rule wins)':<{width}}  {'count':>6}  {'share':>7}")
    for name in CATEGORIES:
        count = len(by_category[name])
        if name == FLUKE_UNPARSABLE:
            print("-" * (width + 17))
        if name == ERROR and not count:
            continue
        print(f"{name:<{width}}  {count:>6}  {percent(count, total)}")
        if name == SEVERAL:
            for combined, times in sorted(combinations.items(), key=lambda item: (-item[1], item[0])):
                print(f"    {' + '.join(combined)}: {times}")

    for category in [FLUKE_UNPARSABLE, FLUKE_UNCOMPILABLE]:
        if by_category[category]:
            print(f"\n{category}:")
            for key in by_category[category]:
                print(f"  {key[0]}#{key[1]}  {notes[key]}")
    for category in listed:
        if category not in (FLUKE_UNPARSABLE, FLUKE_UNCOMPILABLE) and by_category[category]:
            print(f"\n{category}: " + ", ".join(f"{task}#{completion}" for task, completion in by_category[category]))

    for category in [OTHER, SEVERAL] + [name for name in listed if name not in (OTHER, SEVERAL)]:
        examples = by_category[category][: args.examples]
        if not examples or category not in [OTHER] + listed:
            continue
        print(f"\nexamples of {category!r} ({len(examples)} of {len(by_category[category])}):")
        for key in examples:
            text_f, text_e = texts[key]
            note = f"  [{notes[key]}]" if key in notes else ""
            print(f"\n--- {key[0]} completion {key[1]}{note}")
            print(short_diff(text_e, text_f, args.diff_lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
