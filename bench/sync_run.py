#!/usr/bin/env python3
"""Sync-primitive benchmarks against tokio, in one run on this machine: channel
throughput (1-8 producer threads into one receiving task, kimojio::sync::channel vs
tokio::sync::mpsc, both bounded at 1,024) and the spawn_blocking round trip. Each
command runs RUNS times, interleaved; the table shows medians (min-max) and the ratio of
medians. Then callgrind's instructions per channel message for both, which do not
depend on machine load: (instructions at n=LARGE - at n=SMALL) / (LARGE - SMALL) of
`sync_bench channel_joined n` and `tokio_bench mpsc_joined n` (one thread sends n
messages into a channel of n and is joined, then a task drains them: the loop never
parks, which valgrind could not run). Writes bench/results/sync.md and the section of
BENCHMARKS.md between the `<!-- sync -->` markers. Called by `ci/bench --sync [runs]`.
"""
import argparse
import os
import re
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULT = re.compile(r"^RESULT (\S+) (\S+) (\S+) (\S+)$")
COLLECTED = re.compile(r"Collected : (\d+)")
PRODUCERS = [1, 2, 4, 8]
SMALL, LARGE = 20000, 120000


def instructions(argv, n):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv, str(n)],
                         capture_output=True, text=True, timeout=600)
    m = COLLECTED.search(out.stderr)
    if out.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(argv)} {n} failed under callgrind:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def per_message(argv):
    return (instructions(argv, LARGE) - instructions(argv, SMALL)) / (LARGE - SMALL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="tiny counts (a smoke run)")
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bench"))
    args = parser.parse_args()
    k = os.path.join(args.bin, "sync_bench")
    t = os.path.join(ROOT, "bench", "peers", "tokio", "target", "release", "tokio_bench")
    n_msgs, n_sb = ("20000", "500") if args.quick else ("1000000", "20000")
    cmds = []
    for p in PRODUCERS:
        cmds += [[k, "channel", str(p), n_msgs], [t, "mpsc", str(p), n_msgs]]
    cmds += [[k, "spawn_blocking", n_sb], [t, "spawn_blocking", n_sb]]
    samples, units = {}, {}
    for r in range(args.runs):
        for cmd in cmds:
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = RESULT.match(line)
                if m:
                    samples.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
                    units[m.group(1)] = m.group(4)
        print(f"run {r + 1}/{args.runs} done", flush=True)
    rows = ["| metric | kimojio | tokio | kimojio / tokio | goal |", "|---|---|---|---|---|"]

    def cell(metric, impl):
        v = samples[(metric, impl)]
        return f"{statistics.median(v):.4g} ({min(v):.3g}-{max(v):.3g}) {units[metric]}"

    for p in PRODUCERS:
        m = f"channel_{p}"
        ratio = statistics.median(samples[(m, "kimojio")]) / statistics.median(samples[(m, "tokio")])
        rows.append(f"| channel, {p} producer{'s' if p > 1 else ''} (msgs/s) | {cell(m, 'kimojio')} | {cell(m, 'tokio')} "
                    f"| {ratio:.2f}x | >= 1.5x |")
    ratio = statistics.median(samples[("spawn_blocking", "kimojio")]) / statistics.median(samples[("spawn_blocking", "tokio")])
    rows.append(f"| spawn_blocking round trip (ns, lower is better) | {cell('spawn_blocking', 'kimojio')} "
                f"| {cell('spawn_blocking', 'tokio')} | {ratio:.2f}x | <= 1.2x |")
    if not args.quick:
        ki, ti = per_message([k, "channel_joined"]), per_message([t, "mpsc_joined"])
        rows.append(f"| channel, instructions per message (callgrind, (n={LARGE:,} - n={SMALL:,}) / {LARGE - SMALL:,}; "
                    f"lower is better) | {ki:.0f} | {ti:.0f} | {ki / ti:.2f}x | (info) |")
    table = "\n".join(rows)
    print(table)
    if not args.quick:
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        body = (f"Command: `ci/bench --sync {args.runs}` (medians of {args.runs} interleaved runs; kimojio::sync::channel "
                f"vs tokio::sync::mpsc, both bounded at 1,024, producers are std::threads using send_blocking / "
                f"blocking_send; spawn_blocking awaits a trivial job; the instructions row: one sender thread, joined before "
                f"a task drains the channel, see bench/sync_run.py).\n\n{table}\n")
        with open(os.path.join(ROOT, "bench", "results", "sync.md"), "w") as f:
            f.write(body)
        bm = os.path.join(ROOT, "BENCHMARKS.md")
        text = open(bm).read()
        if "<!-- sync -->" not in text:
            text += "\n## Sync primitives (wall clock, against tokio)\n\n<!-- sync -->\n<!-- end sync -->\n"
        start, end = text.index("<!-- sync -->") + len("<!-- sync -->"), text.index("<!-- end sync -->")
        with open(bm, "w") as f:
            f.write(text[:start] + "\n" + body + text[end:])
        print("wrote bench/results/sync.md, BENCHMARKS.md")


if __name__ == "__main__":
    main()
