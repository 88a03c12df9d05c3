#!/usr/bin/env python3
"""Counts instructions per operation with callgrind for kimojio and each peer, the same way
for all: (instructions at n=LARGE - instructions at n=SMALL) / (LARGE - SMALL), so start-up,
runtime construction and teardown cancel out. Callgrind counts do not depend on machine load,
so the table compares on any machine. Called by `ci/bench --instructions`; writes the table
into BENCHMARKS.md between <!-- instructions --> markers and bench/results/instructions.md.

Only single-thread paths and a foreign wake whose owner waits in join() are counted: a loop
blocked in io_uring_enter while another thread runs does not make progress under valgrind
(round trip, busy-owner throughput), and a busy owner's count would depend on scheduling.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release", "bench")
TOKIO = os.path.join(ROOT, "bench", "peers", "tokio", "target", "release", "tokio_bench")
CHURN_BATCH = 1000  # churn in every program spawns and joins 1,000 tasks at a time
COLLECTED = re.compile(r"Collected : (\d+)")


def programs():
    k = os.path.join(BIN, "kimojio_bench")
    a = os.path.join(BIN, "asio_bench")
    # (metric, implementation, argv before n)
    return [
        ("churn", "kimojio", [k, "churn"]), ("churn", "tokio", [TOKIO, "churn"]), ("churn", "asio", [a, "churn"]),
        ("nop", "kimojio", [k, "nop"]), ("nop", "raw_liburing", [k, "raw_nop"]),
        ("self_wake", "index", [k, "self_wake", "index"]), ("self_wake", "rc", [k, "self_wake", "rc"]),
        ("foreign_wake", "kimojio", [k, "foreign_wake"]), ("foreign_wake", "tokio", [TOKIO, "foreign_wake"]),
    ]


# (metric, implementation, baseline implementation or None, goal text, goal predicate on (count, ratio))
ROWS = [
    ("churn", "kimojio", "tokio", "<= 0.75x tokio", lambda c, r: r is not None and r <= 0.75),
    ("churn", "kimojio", "asio", "(info)", None),
    ("nop", "kimojio", "raw_liburing", "<= 400 per nop", lambda c, r: c <= 400),
    ("self_wake", "index", "rc", "<= 300 per iteration", lambda c, r: c <= 300),
    ("foreign_wake", "kimojio", "tokio", "(info)", None),
]


def count(argv, n):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv, str(n)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} {n} failed under callgrind (exit {out.returncode}):\n{out.stderr[-2000:]}")
    m = COLLECTED.search(out.stderr)
    if not m:
        raise RuntimeError(f"no 'Collected :' line from callgrind for {' '.join(argv)} {n}")
    return int(m.group(1))


def measure(small, large, missing_ok):
    per_op = {}
    for metric, impl, argv in programs():
        if not os.access(argv[0], os.X_OK):
            if missing_ok:
                print(f"skipping {metric} {impl}: {argv[0]} not built", flush=True)
                continue
            raise RuntimeError(f"{argv[0]} is not built: run ci/bench (it builds every program first)")
        per_op[(metric, impl)] = (count(argv, large) - count(argv, small)) / (large - small)
        print(f"{metric} {impl}: {per_op[(metric, impl)]:,.0f} instructions per operation", flush=True)
    return per_op


def table(per_op, small, large):
    lines = [f"Instructions per operation (callgrind, (n={large:,} - n={small:,}) / {large - small:,}):", "",
             "| operation | kimojio | instructions | baseline | instructions | ratio | goal | met |",
             "|---|---|---|---|---|---|---|---|"]
    for metric, impl, base, goal, ok in ROWS:
        c, b = per_op.get((metric, impl)), per_op.get((metric, base)) if base else None
        if c is None:
            continue
        r = c / b if b else None
        met = "n/a" if ok is None else ("yes" if ok(c, r) else "**no**")
        lines.append(f"| {metric} | {impl} | {c:,.0f} | {base or ''} | {'' if b is None else f'{b:,.0f}'} | "
                     f"{'' if r is None else f'{r:.2f}x'} | {goal} | {met} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--large", type=int, default=12000)
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--missing-ok", action="store_true", help="skip programs that are not built (smoke test)")
    ap.add_argument("--bin", help="directory of the built benchmark programs (default build/release/bench)")
    args = ap.parse_args()
    if args.large <= args.small:
        ap.error(f"--large ({args.large}) must be greater than --small ({args.small})")
    if args.small % CHURN_BATCH or args.large % CHURN_BATCH:
        ap.error(f"--small and --large must be multiples of {CHURN_BATCH}: churn spawns in batches of "
                 f"{CHURN_BATCH}, so other sizes would not change the work done")
    if args.bin:
        global BIN
        BIN = args.bin
    per_op = measure(args.small, args.large, args.missing_ok)
    if not per_op:
        print("no benchmark program is built", file=sys.stderr)
        return 1
    bad = [k for k, v in per_op.items() if v < 1]
    if bad:
        print(f"non-positive instruction counts per operation for {bad}: the n-dependent part was not measured",
              file=sys.stderr)
        return 1
    md = table(per_op, args.small, args.large)
    print(md)
    if args.no_write:
        return 0
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = f"\nCommand: `ci/bench --instructions`. Measured {when}.\n\n{md}\n"
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "instructions.md"), "w") as f:
        f.write(body.lstrip())
    bm = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(bm).read()
    if "<!-- instructions -->" not in text:
        text = text.replace("<!-- table -->", "<!-- instructions -->\n<!-- end instructions -->\n\n<!-- table -->", 1)
    start = text.index("<!-- instructions -->") + len("<!-- instructions -->")
    end = text.index("<!-- end instructions -->")
    with open(bm, "w") as f:
        f.write(text[:start] + body + text[end:])
    print("wrote bench/results/instructions.md, BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
