#!/usr/bin/env python3
"""Second half of ci/oss-fuzz-check: runs each harness that fuzz/build.sh put in
<root>/<sanitizer>/out the way ClusterFuzz does (seed corpus unzipped, dictionary,
-rss_limit_mb=2560 -timeout=25, the service's ASAN/UBSAN_OPTIONS) and prints the table.
Runs as many harnesses at once as there are cores (each its own work directory), so an
exec/s here is a shared core's. Exit status 1 if a run crashed (non-zero exit or an
artifact written)."""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

SANITIZER_ENV = {
    "ASAN_OPTIONS": "alloc_dealloc_mismatch=0:allocator_may_return_null=1:detect_leaks=1:"
                    "detect_stack_use_after_return=1:handle_abort=1:symbolize=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:print_summary=1:silence_unsigned_overflow=0:symbolize=1",
}


def stat(text, name):
    m = re.search(r"stat::%s:\s+(\d+)" % name, text)
    return int(m.group(1)) if m else None


def run(out, target, sanitizer, seconds):
    work = out.parent / "run" / target
    shutil.rmtree(work, ignore_errors=True)
    corpus, artifacts = work / "corpus", work / "artifacts"
    corpus.mkdir(parents=True)
    artifacts.mkdir()
    with zipfile.ZipFile(out / f"{target}_seed_corpus.zip") as z:
        z.extractall(corpus)
    env = dict(os.environ, **SANITIZER_ENV)
    if sanitizer == "coverage":
        env["LLVM_PROFILE_FILE"] = str(work / "%p.profraw")
    cmd = [str(out / target), f"-max_total_time={seconds}", "-rss_limit_mb=2560", "-timeout=25",
           f"-dict={out / (target + '.dict')}", "-print_final_stats=1",
           f"-artifact_prefix={artifacts}/", str(corpus)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds * 4 + 120)
    log = proc.stdout + proc.stderr
    (work / "log.txt").write_text(log)
    crashes = len(list(artifacts.iterdir())) + (1 if proc.returncode != 0 and not any(artifacts.iterdir()) else 0)
    return stat(log, "average_exec_per_sec"), stat(log, "peak_rss_mb"), crashes, work / "log.txt"


# The harnesses fuzz/build.sh builds (its `targets=(...)` line).
EXPECTED = re.search(r"^targets=\(([^)]*)\)", (pathlib.Path(__file__).resolve().parent.parent / "fuzz" / "build.sh")
                     .read_text(), re.M).group(1).split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--root", type=pathlib.Path, required=True)
    ap.add_argument("sanitizers", nargs="+")
    args = ap.parse_args()
    rows, bad, jobs = [], [], []
    for sanitizer in args.sanitizers:
        out = args.root / sanitizer / "out"
        targets = sorted(p.name for p in out.iterdir() if p.name.endswith("_fuzz") and os.access(p, os.X_OK))
        if len(targets) != len(EXPECTED):
            bad.append(f"{sanitizer}: expected {len(EXPECTED)} harnesses in {out}, found {targets}")
        jobs += [(out, target, sanitizer) for target in targets]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda job: run(*job, args.seconds), jobs))
    for (out, target, sanitizer), (execs, rss, crashes, log) in zip(jobs, results):
        rows.append((target, sanitizer, execs, rss, crashes))
        if crashes or execs is None:
            bad.append(f"{target} ({sanitizer}): {crashes} crash(es), log {log}")
    print(f"\n{'target':<20} {'sanitizer':<10} {'exec/s':>8} {'peak RSS MB':>12} {'crashes':>8}")
    for target, sanitizer, execs, rss, crashes in rows:
        print(f"{target:<20} {sanitizer:<10} {execs if execs is not None else '-':>8} "
              f"{rss if rss is not None else '-':>12} {crashes:>8}")
    for b in bad:
        print("FAIL:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
