#!/usr/bin/env python3
"""4 KiB random reads from a 256 MiB file in page cache, 1 and 32 reads in flight: kimojio
(kimojio::pread, bench/pread_bench.cpp) against raw liburing (bench/peers/liburing_pread.cpp),
tokio::fs (bench/peers/tokio pread: a tokio::fs::File per read in flight, seek + read_exact)
and tokio spawn_blocking + std read_at (pread_blocking; for information). The driver writes
the file in a temporary directory (the 8-byte word at offset o holds o), reads it once so it
is in page cache, and removes it at the end. Every program reads the blocks of the same
sequence (bench/pread_common.hpp: splitmix64 of seed + i, 4 KiB aligned) and checks each
block's first and last word against the pattern (exit 1 if one differs). The programs run
for SECONDS each in interleaved rounds (the order rotates every round); each figure is a
ratio of medians over the rounds.
Then user-space instructions per read of kimojio and raw liburing by callgrind:
(Ir(LARGE reads) - Ir(SMALL reads)) / (LARGE - SMALL) cancels start-up and teardown. In
the count runs (callgrind, --quick) the driver also checks that each program read exactly
the offsets of its own computation of the sequence (sum of the offsets).

Writes bench/results/pread.md and the table into BENCHMARKS.md between <!-- pread -->
markers. Called by `ci/bench --pread [runs]`.
"""
import argparse
import array
import os
import re
import statistics
import subprocess
import sys
import tempfile

import driver  # bench/driver.py, next to this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release", "bench")
TOKIO = os.path.join(ROOT, "bench", "peers", "tokio", "target", "release", "tokio_bench")
RESULT = re.compile(r"^RESULT \S+ \S+ (\S+) reads/s$", re.M)
CHECKED = re.compile(r"^CHECKED (\d+) reads offset_sum (\d+) bad (\d+)$", re.M)
COLLECTED = re.compile(r"Collected : (\d+)")
DEPTHS = [1, 32]
SEED = 14
IMPLS = ["kimojio", "raw_liburing", "tokio_fs", "tokio_blocking"]
MASK = (1 << 64) - 1


def programs():
    return {"kimojio": [os.path.join(BIN, "pread_bench")], "raw_liburing": [os.path.join(BIN, "liburing_pread")],
            "tokio_fs": [TOKIO, "pread"], "tokio_blocking": [TOKIO, "pread_blocking"]}


def offset_sum(size, reads):
    """The sum of the first `reads` offsets of bench/pread_common.hpp (mod 2^64)."""
    blocks, total = size // 4096, 0
    for i in range(reads):
        x = (SEED + i + 0x9e3779b97f4a7c15) & MASK
        x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & MASK
        x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & MASK
        total += ((x ^ (x >> 31)) % blocks) * 4096
    return total & MASK


def make_file(path, size):
    """Writes the pattern (word at offset o holds o) and reads the file once into page cache."""
    chunk = 1 << 20
    with open(path, "wb") as f:
        for at in range(0, size, chunk):
            f.write(array.array("Q", range(at, min(at + chunk, size), 8)).tobytes())
    with open(path, "rb") as f:
        while f.read(chunk):
            pass


def run(impl, path, depth, amount, wrap=()):
    """Runs one program; returns (reads/s, reads done, offset sum, stderr)."""
    argv = [*wrap, *programs()[impl], path, str(depth), str(amount), str(SEED)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed (exit {out.returncode}): {out.stderr[-2000:]}")
    r, c = RESULT.search(out.stdout), CHECKED.search(out.stdout)
    if not r or not c:
        raise RuntimeError(f"no RESULT / CHECKED lines from {' '.join(argv)}: {out.stdout[-2000:]}")
    return float(r.group(1)), int(c.group(1)), int(c.group(2)), out.stderr


def counted(impl, path, size, depth, reads, wrap=()):
    """A run of exactly `reads` reads whose offsets are checked against the driver's sequence."""
    v, done, got_sum, err = run(impl, path, depth, -reads, wrap)
    want = offset_sum(size, reads)
    if done != reads or got_sum != want:
        raise RuntimeError(f"{impl} depth {depth}: {done} reads with offset sum {got_sum}; expected {reads} and {want}")
    return v, err


def wall_clock(impls, path, size, runs, seconds, quick_reads):
    samples = {}  # (depth, impl) -> [reads/s]
    total, step = runs * len(DEPTHS) * len(impls), 0
    for r in range(runs):
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for depth in DEPTHS:
            for impl in order:
                step += 1
                if quick_reads:
                    v, _ = counted(impl, path, size, depth, quick_reads)
                else:
                    v = run(impl, path, depth, seconds)[0]
                samples.setdefault((depth, impl), []).append(v)
                print(f"\r[{step:3d}/{total}] round {r + 1}/{runs}: depth {depth} {impl} = {v:,.0f} reads/s".ljust(90),
                      end="", flush=True)
    print()
    return samples


def instructions(path, size, small, large):
    per = {}
    for impl in ("kimojio", "raw_liburing"):
        for depth in DEPTHS:
            counts = []
            for n in (small, large):
                _, err = counted(impl, path, size, depth, n,
                                 wrap=("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"))
                m = COLLECTED.search(err)
                if not m:
                    raise RuntimeError(f"no 'Collected :' line from callgrind for {impl}")
                counts.append(int(m.group(1)))
            per[(depth, impl)] = (counts[1] - counts[0]) / (large - small)
            print(f"{impl} depth {depth}: {per[(depth, impl)]:,.0f} user-space instructions per read", flush=True)
    return per


def med(v):
    return statistics.median(v)


def tables(samples, impls, runs, what, per, small, large):
    lines = []
    if samples:
        lines += [f"Reads/s (median of {runs} rounds of {what}; min - max), kimojio / peer ratios of the medians:", "",
                  "| in flight | " + " | ".join(i.replace("_", " ") for i in impls)
                  + " | / raw liburing (goal >= 0.9x) | / tokio::fs (goal >= 3x) | / tokio spawn_blocking (info) |",
                  "|---|" + "---|" * (len(impls) + 3)]
        for depth in DEPTHS:
            s = {i: samples[(depth, i)] for i in impls if (depth, i) in samples}
            cells = [f"{med(v):,.0f} ({min(v):,.0f} - {max(v):,.0f})" for v in s.values()]
            ratios = []
            for peer, goal in (("raw_liburing", 0.9), ("tokio_fs", 3.0), ("tokio_blocking", None)):
                if "kimojio" not in s or peer not in s:
                    ratios.append("")
                    continue
                r = med(s["kimojio"]) / med(s[peer])
                ratios.append(f"{r:.2f}x" + (" **no**" if goal is not None and r < goal else ""))
            lines.append(f"| {depth} | " + " | ".join(cells + ratios) + " |")
    if per:
        if lines:
            lines.append("")
        lines += [f"User-space instructions per 4 KiB read (callgrind, (n={large:,} - n={small:,}) / {large - small:,} reads):",
                  "", "| in flight | kimojio | raw liburing | kimojio / raw |", "|---|---|---|---|"]
        for depth in DEPTHS:
            k, raw = per[(depth, "kimojio")], per[(depth, "raw_liburing")]
            lines.append(f"| {depth} | {k:,.0f} | {raw:,.0f} | {k / raw:.2f}x |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    driver.add_arguments(ap, seconds=2.0, small=20000, large=100000)
    ap.add_argument("--size-mib", type=int, default=256)
    ap.add_argument("--quick", type=int, metavar="READS", default=0,
                    help="runs of exactly READS reads (offsets checked) instead of SECONDS")
    ap.add_argument("--impls", default=",".join(IMPLS), help="comma-separated subset of " + ",".join(IMPLS))
    args = ap.parse_args()
    if args.bin:
        global BIN
        BIN = args.bin
    impls = [i for i in IMPLS if i in args.impls.split(",")]
    size = args.size_mib << 20
    with tempfile.TemporaryDirectory(prefix="kimojio_pread_") as tmp:
        path = os.path.join(tmp, "file")
        make_file(path, size)
        fs = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "--target", tmp], capture_output=True, text=True).stdout.strip()
        samples = wall_clock(impls, path, size, args.runs, args.seconds, args.quick) if args.runs > 0 else {}
        per = {} if args.no_instructions else instructions(path, size, args.small, args.large)
    what = f"{args.quick:,} reads" if args.quick else f"{args.seconds:g} s"
    md = tables(samples, impls, args.runs, what, per, args.small, args.large)
    print(md)
    if args.no_write:
        return 0
    driver.write("pread", f"ci/bench --pread {args.runs}", md, f", a {args.size_mib} MiB file on {fs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
