#!/usr/bin/env python3
"""TCP echo over loopback: kimojio against tokio (current_thread), asio (one thread) and a raw
liburing loop, 1 / 16 / 64 connections, 64 B and 16 KiB messages. Every server is driven by
the same client (`liburing_echo client`: raw liburing, one message in flight per connection,
every echoed byte checked), for SECONDS per measurement; the servers run in one interleaved
run (the order rotates every round), and each figure is a ratio of medians over the rounds.
Then user-space instructions per echo round trip of each server by callgrind: the server runs
under callgrind while the client sends SMALL and then LARGE 64-byte messages on one
connection; (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL) cancels start-up and teardown.

Writes bench/results/echo.md and the table into BENCHMARKS.md between <!-- echo --> markers.
Called by `ci/bench --echo [runs]`.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import driver  # bench/driver.py, next to this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release", "bench")
TOKIO = os.path.join(ROOT, "bench", "peers", "tokio", "target", "release", "tokio_bench")
RESULT = re.compile(r"^RESULT (\S+) (\S+) (\S+) (\S+)$")
COLLECTED = re.compile(r"Collected : (\d+)")
CONNECTIONS = [1, 16, 64]
SIZES = [64, 16384]
PEERS = [("tokio", ">= 1.2x", 1.2), ("asio", ">= 1.5x", 1.5), ("raw_liburing", ">= 0.9x", 0.9)]


def servers():
    return {"kimojio": [os.path.join(BIN, "echo_bench")], "raw_liburing": [os.path.join(BIN, "liburing_echo"), "server"],
            "tokio": [TOKIO, "echo_server"],
            "asio": [os.path.join(BIN, "asio_bench"), "echo_server"]}


def start(argv, connections, wrap=()):
    """Starts a server; returns (process, port)."""
    p = subprocess.Popen([*wrap, *argv, str(connections)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # "PORT <n>", flushed once the server listens
    m = re.match(r"PORT (\d+)", line)
    if not m:
        p.kill()
        raise RuntimeError(f"{' '.join(argv)} did not print its port: {line!r} {p.stderr.read()[-2000:]}")
    return p, int(m.group(1))


def client(port, connections, size, limit, impl):
    out = subprocess.run([os.path.join(BIN, "liburing_echo"), "client", str(port), str(connections), str(size),
                          str(limit), impl], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"client against {impl} failed: {out.stderr[-2000:]}")
    for line in out.stdout.splitlines():
        m = RESULT.match(line)
        if m:
            return float(m.group(3))
    raise RuntimeError(f"no RESULT line from the client against {impl}")


def finish(p, what):
    try:
        _, err = p.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        p.kill()
        raise RuntimeError(f"{what} did not exit after its connections closed")
    if p.returncode != 0:
        raise RuntimeError(f"{what} exited with {p.returncode}: {err[-2000:]}")
    return err


def wall_clock(runs, seconds):
    samples = {}  # (connections, size, impl) -> [msgs/s]
    impls = list(servers().items())
    total = runs * len(CONNECTIONS) * len(SIZES) * len(impls)
    step = 0
    for r in range(runs):
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for c in CONNECTIONS:
            for size in SIZES:
                for impl, argv in order:
                    step += 1
                    p, port = start(argv, c)
                    v = client(port, c, size, seconds, impl)
                    finish(p, impl)
                    samples.setdefault((c, size, impl), []).append(v)
                    print(f"\r[{step:3d}/{total}] round {r + 1}/{runs}: {c} x {size} B {impl} = {v:,.0f} msgs/s".ljust(90),
                          end="", flush=True)
    print()
    return samples


def instructions(small, large):
    per = {}
    for impl, argv in servers().items():
        counts = []
        for n in (small, large):
            p, port = start(argv, 1, wrap=("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"))
            client(port, 1, 64, -n, impl)
            err = finish(p, f"{impl} under callgrind")
            m = COLLECTED.search(err)
            if not m:
                raise RuntimeError(f"no 'Collected :' line from callgrind for {impl}")
            counts.append(int(m.group(1)))
        per[impl] = (counts[1] - counts[0]) / (large - small)
        print(f"{impl}: {per[impl]:,.0f} user-space instructions per echo round trip", flush=True)
    return per


def med(v):
    return statistics.median(v)


def tables(samples, runs, seconds, per, small, large):
    lines = []
    if samples:
        lines += [f"Messages/s (median of {runs} rounds of {seconds} s; min - max), kimojio / peer ratios of the medians:", "",
                  "| connections | size | kimojio | tokio | asio | raw liburing | / tokio (goal >= 1.2x) | / asio (goal >= 1.5x) | / raw (goal >= 0.9x) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for c in CONNECTIONS:
            for size in SIZES:
                k = samples.get((c, size, "kimojio"))
                if not k:
                    continue
                cells = [f"{med(samples[(c, size, i)]):,.0f} ({min(samples[(c, size, i)]):,.0f} - {max(samples[(c, size, i)]):,.0f})"
                         for i in ("kimojio", "tokio", "asio", "raw_liburing")]
                ratios = []
                for peer, _, goal in PEERS:
                    r = med(k) / med(samples[(c, size, peer)])
                    ratios.append(f"{r:.2f}x" + ("" if r >= goal else " **no**"))
                lines.append(f"| {c} | {'16 KiB' if size == 16384 else f'{size} B'} | " + " | ".join(cells + ratios) + " |")
    if per:
        if lines:
            lines.append("")
        raw = per.get("raw_liburing")
        lines += [f"User-space instructions per echo round trip of the server (callgrind, 1 connection, 64 B, "
                  f"(n={large:,} - n={small:,}) / {large - small:,}):", "",
                  "| server | instructions | / raw liburing | goal |", "|---|---|---|---|"]
        for impl in ("kimojio", "tokio", "asio", "raw_liburing"):
            if impl in per:
                r = per[impl] / raw if raw else None
                goal = "<= 2x raw" if impl == "kimojio" else ""
                if impl == "kimojio" and r is not None and r > 2:
                    goal += " **no**"
                lines.append(f"| {impl} | {per[impl]:,.0f} | {'' if r is None else f'{r:.2f}x'} | {goal} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    driver.add_arguments(ap, seconds=2, small=2000, large=10000)
    args = ap.parse_args()
    if args.bin:
        global BIN
        BIN = args.bin
    samples = wall_clock(args.runs, args.seconds) if args.runs > 0 else {}
    per = {} if args.no_instructions else instructions(args.small, args.large)
    md = tables(samples, args.runs, args.seconds, per, args.small, args.large)
    print(md)
    if args.no_write:
        return 0
    driver.write("echo", f"ci/bench --echo {args.runs}", md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
