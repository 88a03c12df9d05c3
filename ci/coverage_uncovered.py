#!/usr/bin/env python3
"""The uncovered line ranges of port/, and the check that COVERAGE.md lists them.

  coverage_uncovered.py list SHOW_TXT EXPORT_JSON OUT
      SHOW_TXT: `llvm-cov show -format=text -show-instantiations=false` of port/ (the line
      counts llvm-cov's report counts); EXPORT_JSON: `llvm-cov export` of the same objects
      (the functions' extents). Writes OUT, one uncovered range a line:
      port/src/task.cpp:79-85<TAB>Ring::Ring<TAB>5  (file:first-last, enclosing function,
      uncovered lines in the range), and prints the totals.
  coverage_uncovered.py check OUT COVERAGE_MD
      Every (file, function) of OUT in the five files issue 12 names has a row
      | `file` | `function` | ... in COVERAGE_MD, and every such row of those files is
      still uncovered. Keyed by function, not line numbers, so moving code does not
      make it fail; new uncovered code, or code a new test covers, does.
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

FIVE = ("port/src/task.cpp", "port/src/runtime.cpp", "port/src/operations.cpp", "port/src/foreign_wake.cpp",
        "port/src/index_waker.cpp")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def repo_path(path):
    # ccache's CCACHE_BASEDIR leaves "build/coverage/../../port/..." in the mapping.
    return os.path.relpath(os.path.normpath(path), ROOT)


def short_name(demangled):
    """kimojio::Ring::Ring(bool) -> Ring::Ring; a lambda is named by its enclosing function."""
    name = demangled.replace("(anonymous namespace)::", "")
    for marker in ("::$_", "::'lambda", "::{lambda"):
        cut = name.find(marker)
        if cut >= 0:
            name = name[:cut]
    out, depth_angle, depth_paren = [], 0, 0
    for i, c in enumerate(name):  # drop template arguments and parameter lists
        if c == "<" and not name[:i].endswith("operator"):
            depth_angle += 1
        elif c == ">" and depth_angle and not name[:i].endswith("operator-"):
            depth_angle -= 1
        elif depth_angle == 0 and c == "(" and not name[:i].endswith("operator"):
            depth_paren += 1
        elif depth_angle == 0 and c == ")" and depth_paren:
            depth_paren -= 1
        elif depth_angle == 0 and depth_paren == 0:
            out.append(c)
    name = "".join(out).strip()
    name = re.sub(r"\s+const$", "", name)
    if " " in name and "operator" not in name:
        name = name.rsplit(" ", 1)[1]  # a template's return type
    return name.removeprefix("kimojio::")


def function_extents(export_json):
    data = json.load(open(export_json))["data"][0]
    extents = defaultdict(list)  # file -> [(first, last, mangled)]
    for function in data["functions"]:
        regions = [r for r in function["regions"] if r[5] == 0 and r[7] == 0]  # file 0, code regions
        if not regions:
            continue
        path = repo_path(function["filenames"][0])
        extents[path].append((min(r[0] for r in regions), max(r[2] for r in regions), function["name"]))
    mangled = sorted({m for spans in extents.values() for _, _, m in spans})
    # A function of internal linkage is named "file.cpp:_ZN...".
    demangled = subprocess.run(["llvm-cxxfilt-14"], input="\n".join(m.rsplit(":", 1)[-1] for m in mangled), capture_output=True, text=True,
                               check=True).stdout.splitlines()
    names = {m: short_name(d) for m, d in zip(mangled, demangled)}
    return {path: [(a, b, names[m]) for a, b, m in spans] for path, spans in extents.items()}


def enclosing(spans, line):
    best = None
    for first, last, name in spans:
        if first <= line <= last and (best is None or (last - first, name) < (best[1] - best[0], best[2])):
            best = (first, last, name)
    return best[2] if best else "(no function)"


def zero_lines(show_txt):
    """file -> [(line, count or None)] from llvm-cov show's text."""
    files, current = {}, None
    for text in open(show_txt, errors="replace"):
        header = re.match(r"^(/\S+):$", text.rstrip("\n"))
        if header:
            current = repo_path(header.group(1))
            files[current] = []
            continue
        row = re.match(r"^\s*(\d+)\|\s*([0-9.]*[kMGTPE]?)\|", text)
        if row and current:
            files[current].append((int(row.group(1)), row.group(2) or None))
    return files


def list_ranges(show_txt, export_json, out):
    extents = function_extents(export_json)
    ranges = []  # [file, first, last, function, uncovered]
    for path, rows in sorted(zero_lines(show_txt).items()):
        if not path.startswith("port/"):
            continue
        open_range = None
        for line, count in rows:
            if count is None:
                continue  # not code: neither extends nor ends a range
            if count != "0":
                open_range = None
                continue
            function = enclosing(extents.get(path, []), line)
            if open_range and open_range[3] == function:
                open_range[2] = line
                open_range[4] += 1
            else:
                open_range = [path, line, line, function, 1]
                ranges.append(open_range)
    with open(out, "w") as f:
        for path, first, last, function, uncovered in ranges:
            f.write(f"{path}:{first}-{last}\t{function}\t{uncovered}\n")
    lines = sum(r[4] for r in ranges)
    in_five = [r for r in ranges if r[0] in FIVE]
    print(f"uncovered: {len(ranges)} ranges, {lines} lines of port/ ({len(in_five)} ranges, "
          f"{sum(r[4] for r in in_five)} lines in issue 12's five files) -> {out}")


def check(out, coverage_md):
    uncovered = set()
    for text in open(out):
        location, function, _ = text.rstrip("\n").split("\t")
        path = location.rsplit(":", 1)[0]
        if path in FIVE:
            uncovered.add((path, function))
    listed = set()
    for text in open(coverage_md):
        row = re.match(r"^\|\s*`(port/[^`]+)`\s*\|\s*`([^`]+)`\s*\|", text)
        if row and row.group(1) in FIVE:
            listed.add((row.group(1), row.group(2)))
    ok = True
    for path, function in sorted(uncovered - listed):
        print(f"COVERAGE.md does not list uncovered {path} {function}: add it with the reason, or test it")
        ok = False
    for path, function in sorted(listed - uncovered):
        print(f"COVERAGE.md lists {path} {function}, which is covered now: remove its row")
        ok = False
    if ok:
        print(f"COVERAGE.md lists all {len(uncovered)} uncovered functions of issue 12's five files")
    return ok


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "list":
        list_ranges(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(0 if check(*sys.argv[2:]) else 1)
    else:
        sys.exit(__doc__)
