#!/usr/bin/env python3
"""Runs every benchmark RUNS times, prints progress and a table, writes
bench/results/latest.md, bench/results/ratios.png (gnuplot) and BENCHMARKS.md.

Each figure is a ratio of medians taken in this one run on this machine, with the
min and max of the runs shown. Called by ci/bench after it built everything.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release", "bench")  # --bin overrides
TOKIO = os.path.join(ROOT, "bench", "peers", "tokio", "target", "release", "tokio_bench")
RESULT = re.compile(r"^RESULT (\S+) (\S+) (\S+) (\S+)$")
THREADS = [1, 2, 4, 8]


def commands(quick):
    n_rt, n_thr, n_churn, n_nop = (500, 5000, 20000, 20000) if quick else (20000, 200000, 200000, 200000)
    k = os.path.join(BIN, "kimojio_bench")
    cmds = [
        [k, "raw_round_trip", str(n_rt)], [k, "round_trip", str(n_rt)],
        [TOKIO, "round_trip", str(n_rt)], [os.path.join(BIN, "libuv_bench"), "round_trip", str(n_rt)],
        [os.path.join(BIN, "asio_bench"), "round_trip", str(n_rt)],
        [k, "churn", str(n_churn)], [TOKIO, "churn", str(n_churn)], [os.path.join(BIN, "asio_bench"), "churn", str(n_churn)],
        [k, "nop", str(n_nop)], [k, "raw_nop", str(n_nop)],
    ]
    for t in THREADS:
        cmds += [[k, "throughput", str(t), str(n_thr)], [TOKIO, "throughput", str(t), str(n_thr)],
                 [os.path.join(BIN, "libuv_bench"), "throughput", str(t), str(n_thr)]]
    return cmds


def run_all(runs, quick):
    samples = {}  # (metric, impl) -> [values]
    cmds = commands(quick)
    total = runs * len(cmds)
    step = 0
    for r in range(runs):
        for cmd in cmds:
            step += 1
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = RESULT.match(line)
                if m:
                    samples.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
                    print(f"\r[{step:3d}/{total}] run {r + 1}/{runs}: {m.group(1)} {m.group(2)} = {float(m.group(3)):.4g} {m.group(4)}".ljust(100),
                          end="", flush=True)
    print()
    # Local wake: Google Benchmark, repetitions = runs, median aggregates.
    print("local wake micro-benchmarks (Google Benchmark) ...", flush=True)
    out = subprocess.run([os.path.join(BIN, "local_wake_bench"), f"--benchmark_repetitions={runs}",
                          "--benchmark_min_time=0.01" if quick else "--benchmark_min_time=0.2",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") == "iteration":
            name = b["run_name"]  # BM_self_wake/index
            metric, impl = name.split("/")
            samples.setdefault((metric, impl), []).append(b["real_time"])
    return samples


def stat(samples, metric, impl):
    v = samples.get((metric, impl))
    return (statistics.median(v), min(v), max(v)) if v else None


def machine():
    cores = os.cpu_count()
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return f"{cores} cores ({model}), Linux {platform.release()}"


def fmt(x):
    return f"{x:.3g}" if x is not None else "n/a"


def build_rows(s):
    """(benchmark, detail, ratio median, min, max, goal text, goal met) per row."""
    rows = []

    def ratio(num, den, goal_text, ok, bench, detail, lower_better=True):
        a, b = stat(s, *num), stat(s, *den)
        if not a or not b:
            rows.append((bench, detail, None, None, None, goal_text, None))
            return
        med = a[0] / b[0]
        # extremes: best and worst pairing of the runs' extremes
        lo, hi = a[1] / b[2], a[2] / b[1]
        rows.append((bench, detail, med, lo, hi, goal_text, ok(med)))

    ratio(("BM_self_wake", "index"), ("BM_self_wake", "rc"), "<= 0.85x", lambda r: r <= 0.85,
          "1. local wake", "index / Rc waker: wake_by_ref + schedule + poll (time)")
    ratio(("BM_clone_drop", "index"), ("BM_clone_drop", "rc"), "<= 0.85x", lambda r: r <= 0.85,
          "1. local wake", "index / Rc waker: clone + drop (time)")
    ratio(("round_trip", "kimojio"), ("round_trip", "raw_eventfd_io_uring"), "<= 1.10x", lambda r: r <= 1.10,
          "2. foreign round trip", "kimojio / raw eventfd->io_uring loop (time)")
    ratio(("round_trip", "kimojio"), ("round_trip", "tokio"), "<= 0.5x", lambda r: r <= 0.5,
          "2. foreign round trip", "kimojio / tokio current_thread (time)")
    ratio(("round_trip", "kimojio"), ("round_trip", "libuv"), "(info)", lambda r: True,
          "2. foreign round trip", "kimojio / libuv uv_async_send (time)")
    ratio(("round_trip", "kimojio"), ("round_trip", "asio"), "(info)", lambda r: True,
          "2. foreign round trip", "kimojio / asio post (time)")
    for t in THREADS:
        ratio((f"throughput_{t}", "kimojio"), (f"throughput_{t}", "tokio"), ">= 10x", lambda r: r >= 10,
              "3. foreign throughput", f"{t} thread{'s' if t > 1 else ''}: kimojio / tokio (wakes/s)")
        ratio((f"throughput_{t}", "kimojio"), (f"throughput_{t}", "libuv"), ">= 10x", lambda r: r >= 10,
              "3. foreign throughput", f"{t} thread{'s' if t > 1 else ''}: kimojio / libuv (wakes/s)")
        w = stat(s, f"eventfd_writes_per_1000_{t}", "kimojio")
        rows.append(("3. foreign throughput", f"{t} thread{'s' if t > 1 else ''}: eventfd writes per 1,000 wakes (busy owner)",
                     w[0] if w else None, w[1] if w else None, w[2] if w else None, "<= 1 per owner sleep",
                     (w[0] <= 1.0) if w else None))
    ratio(("churn", "kimojio"), ("churn", "tokio"), "> 1x", lambda r: r > 1, "4. task churn",
          "kimojio / tokio LocalSet spawn_local (tasks/s)")
    ratio(("churn", "kimojio"), ("churn", "asio"), "> 1x", lambda r: r > 1, "4. task churn",
          "kimojio / asio co_spawn (tasks/s)")
    ratio(("nop", "kimojio"), ("nop", "raw_liburing"), ">= 0.85x", lambda r: r >= 0.85, "5. nop I/O",
          "kimojio / raw liburing nop loop (nops/s)")
    return rows


def table(rows, s, runs):
    lines = ["| benchmark | measure | ratio (median) | min | max | goal | met |", "|---|---|---|---|---|---|---|"]
    for bench, detail, med, lo, hi, goal, ok in rows:
        met = "n/a" if ok is None else ("yes" if ok else "**no**")
        lines.append(f"| {bench} | {detail} | {fmt(med)} | {fmt(lo)} | {fmt(hi)} | {goal} | {met} |")
    lines += ["", f"Raw medians ({runs} runs; min - max):", "", "| metric | implementation | median | min | max |",
              "|---|---|---|---|---|"]
    for (metric, impl), v in sorted(s.items()):
        lines.append(f"| {metric} | {impl} | {statistics.median(v):.4g} | {min(v):.4g} | {max(v):.4g} |")
    return "\n".join(lines)


def chart(rows, out_dir):
    data = os.path.join(out_dir, "ratios.dat")
    with open(data, "w") as f:
        i = 0
        for bench, detail, med, lo, hi, goal, ok in rows:
            if med is None or "eventfd" in detail:
                continue
            # "1. local wake" + "index / Rc waker: clone + drop (time)" -> "1 clone + drop"
            what = detail.split(": ", 1)[-1] if ":" in detail else detail
            peer = detail.split(" / ", 1)[-1].split(" ")[0] if " / " in detail else ""
            if detail.startswith(("1 thread", "2 threads", "4 threads", "8 threads")):
                what = detail.split(":")[0] + " vs " + detail.split(" / ", 1)[-1].split(" ")[0]
            elif bench.startswith(("1.",)):
                what = what.replace(" (time)", "")
            else:
                what = "vs " + peer
            label = f"{bench.split('.')[0]} {what}"[:30].replace('"', "")
            f.write(f'{i} "{label}" {med} {lo} {hi}\n')
            i += 1
    png = os.path.join(out_dir, "ratios.png")
    script = f"""set terminal pngcairo size 1400,750 noenhanced
set output '{png}'
set title 'kimojio-cpp / peer or baseline, median of the runs (bars: min-max). Log scale. Time ratios: lower is better; rate ratios: higher is better (see table).'
set logscale y
set style fill solid 0.5
set boxwidth 0.6
set xtics rotate by -45 font ',9'
set ylabel 'ratio'
set grid ytics
set bmargin 12
plot '{data}' using 1:3:xtic(2) with boxes lc rgb '#4477aa' notitle, \
     '' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 0 notitle, \
     1 with lines dt 2 lc rgb 'gray' notitle
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
        return png
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"gnuplot failed: {e}", file=sys.stderr)
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="tiny counts (a smoke, not a measurement)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write results or BENCHMARKS.md")
    ap.add_argument("--bin", help="directory of the built benchmark programs (default build/release/bench)")
    args = ap.parse_args()
    if args.bin:
        global BIN
        BIN = args.bin
    s = run_all(args.runs, args.quick)
    rows = build_rows(s)
    md = table(rows, s, args.runs)
    print(md)
    if args.no_write:
        return 0
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Measured {when} on {machine()}. Medians of {args.runs} runs of each; threads are not pinned; "
              f"1-8 foreign threads on this machine's cores are oversubscribed past the core count.\n\n")
    with open(os.path.join(out_dir, "latest.md"), "w") as f:
        f.write(header + md + "\n")
    png = chart(rows, out_dir)
    bm = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(bm).read() if os.path.exists(bm) else "# Benchmarks\n\n<!-- table -->\n<!-- end table -->\n"
    start, end = text.index("<!-- table -->") + len("<!-- table -->"), text.index("<!-- end table -->")
    body = f"\nCommand: `ci/bench {args.runs}`. {header}{md}\n\n" + (f"![ratios](bench/results/ratios.png)\n" if png else "")
    with open(bm, "w") as f:
        f.write(text[:start] + body + text[end:])
    print(f"wrote bench/results/latest.md, {'bench/results/ratios.png, ' if png else ''}BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
