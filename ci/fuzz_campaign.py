#!/usr/bin/env python3
"""Runs the libFuzzer harnesses side by side for a fixed time (ci/fuzz), prints a live
progress line, then a summary table and an llvm-cov HTML coverage report of port/."""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

STATUS = re.compile(r"^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)/\S+ .*?exec/s: (\d+)")
FINAL = re.compile(r"^stat::(number_of_executed_units|average_exec_per_sec):\s+(\d+)")


def human(n):
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


# Harnesses whose every input hands work between threads (futex wake, then wait). In a
# shared campaign a woken thread waited for a time slice behind five CPU-bound harnesses:
# these two ran ~15 exec/s (28,000 executions in 30 minutes) against ~1,200 per CPU-second.
# The others run at nice 19 there, so a woken handoff thread preempts them at once: in
# 60 s, 25,815 and 30,242 executions instead of 1,008 and 1,023 (the others lost 6-29%).
HANDOFF = {"cross_thread", "waker_data"}


class Harness:
    def __init__(self, name, args, cpu=None, nice=0):
        self.name = name
        self.dir = args.out / name
        self.corpus = self.dir / "corpus"
        self.artifacts = self.dir / "findings"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.corpus.mkdir(parents=True)
        self.artifacts.mkdir()
        self.log_path = self.dir / "fuzz.log"
        committed = pathlib.Path("fuzz/corpus") / name
        cmd = [str(args.build / "fuzz" / f"{name}_fuzz"), f"-max_total_time={args.seconds}", "-timeout=25",
               "-print_final_stats=1", f"-dict={committed / (name + '.dict')}",
               f"-artifact_prefix={self.artifacts}/", str(self.corpus), str(committed)]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd  # its threads share one core, as a service's would
        if nice:
            cmd = ["nice", "-n", str(nice)] + cmd
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.execs = self.cov = self.features = self.exec_per_sec = self.corpus_units = 0
        self.cpu_seconds = None  # user + system time of the harness, once it has exited

    def cpu_rate(self):
        """Executions per CPU-second: unlike libFuzzer's exec/s, the same whether the
        harness ran alone or shared the cores with the others."""
        return int(self.execs / self.cpu_seconds) if self.cpu_seconds else 0

    def reap(self):
        """Reaps the harness if it has exited (wait4, to read its CPU time)."""
        if self.cpu_seconds is None:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.cpu_seconds = usage.ru_utime + usage.ru_stime
                self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.cpu_seconds is None

    def poll(self):
        with open(self.log_path, errors="replace") as f:
            for line in f:
                m = STATUS.match(line)
                if m:
                    self.execs, self.cov, self.features = int(m[1]), int(m[2]), int(m[3])
                    self.corpus_units = int(m[4])
                    self.exec_per_sec = int(m[5])
                m = FINAL.match(line)
                if m and m[1] == "number_of_executed_units":
                    self.execs = int(m[2])
                elif m:
                    self.exec_per_sec = int(m[2])
        return self.reap()

    def findings(self):
        return sorted(p.name for p in self.artifacts.iterdir())

    def new_inputs(self):
        return sum(1 for p in self.corpus.iterdir() if p.is_file())


def coverage_report(args, names):
    """Replays each campaign corpus (and the committed one) in the coverage build."""
    cov_dir = args.out / "coverage"
    shutil.rmtree(cov_dir, ignore_errors=True)
    cov_dir.mkdir(parents=True)
    binaries = []
    for name in names:
        binary = args.coverage_build / "fuzz" / f"{name}_fuzz"
        env = dict(os.environ, LLVM_PROFILE_FILE=str(cov_dir / f"{name}-%p.profraw"))
        subprocess.run([str(binary), "-runs=0", "-timeout=25", str(args.out / name / "corpus"),
                        f"fuzz/corpus/{name}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        binaries.append(str(binary))
    profdata = cov_dir / "merged.profdata"
    # Its "functions have mismatched data" warning is expected: inline functions of the
    # shared headers are compiled into every harness.
    subprocess.run(["llvm-profdata-14", "merge", "-sparse", "-o", str(profdata),
                    *map(str, cov_dir.glob("*.profraw"))], check=True, capture_output=True)
    objects = [binaries[0]] + [a for b in binaries[1:] for a in ("-object", b)]
    sources = ["port/src", "port/include/kimojio"]
    subprocess.run(["llvm-cov-14", "show", *objects, f"-instr-profile={profdata}", "-format=html",
                    f"-output-dir={cov_dir / 'html'}", "-show-line-counts-or-regions", *sources], check=True,
                   stderr=subprocess.DEVNULL)  # the same "mismatched data" warning
    report = subprocess.run(["llvm-cov-14", "report", *objects, f"-instr-profile={profdata}", *sources],
                            check=True, capture_output=True, text=True).stdout
    total = report.strip().splitlines()[-1].split()
    # TOTAL regions missed cover functions missed executed lines missed cover branches missed cover
    line_cover = total[9] if len(total) > 9 else "?"
    (cov_dir / "report.txt").write_text(report)
    return cov_dir / "html" / "index.html", line_cover, cov_dir / "report.txt"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--build", type=pathlib.Path, required=True)
    ap.add_argument("--coverage-build", type=pathlib.Path, required=True)
    ap.add_argument("--out", type=pathlib.Path, required=True)
    ap.add_argument("--alone", action="store_true", help="one harness at a time, each for --seconds")
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args()

    if args.alone:
        return rates_alone(args)
    print(f"ci/fuzz: {len(args.targets)} harnesses at once for {args.seconds} s on {os.cpu_count()} cores")
    harnesses = [Harness(name, args, nice=0 if name in HANDOFF else 19) for name in args.targets]
    start, last_line = time.time(), 0.0
    tty = sys.stdout.isatty()
    try:
        while True:
            running = [h.poll() for h in harnesses]
            now = time.time()
            if tty or now - last_line >= 60 or not any(running):
                line = f"[{int(now - start):>5}/{args.seconds} s] " + " | ".join(
                    f"{h.name} {human(h.execs)} cov {h.cov}" + (" FOUND" if h.findings() else "") for h in harnesses)
                print(("\r" + line + "\033[K") if tty else line, end="" if tty else "\n", flush=True)
                last_line = now
            if not any(running):
                break
            time.sleep(1)
    except KeyboardInterrupt:
        for h in harnesses:
            h.proc.terminate()
        raise
    if tty:
        print()
    elapsed = time.time() - start

    rows = ["| harness | executions | exec/s | exec per CPU-s | edges (cov) | features | corpus (new files) | findings |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    found = False
    for h in harnesses:
        h.poll()
        findings = h.findings()
        found |= bool(findings) or h.proc.returncode not in (0, None)
        rows.append(f"| {h.name} | {h.execs:,} | {h.exec_per_sec:,} | {h.cpu_rate():,} | {h.cov} | {h.features} | {h.corpus_units} ({h.new_inputs()}) | "
                    + (", ".join(findings) if findings else ("none" if h.proc.returncode == 0 else
                                                              f"exit {h.proc.returncode}, see {h.log_path}")) + " |")
    total = sum(h.execs for h in harnesses)
    rows.append(f"| total | {total:,} | {int(total / elapsed):,} | | | | {sum(h.corpus_units for h in harnesses)} ({sum(h.new_inputs() for h in harnesses)}) | |")
    print("\n".join(rows))

    html, line_cover, report = coverage_report(args, args.targets)
    summary = [f"# ci/fuzz {args.seconds}: {len(harnesses)} harnesses at once, {elapsed:.0f} s wall", ""] + rows + [
        "", f"Port line coverage under the campaign and committed corpora: {line_cover} ({report}; HTML: {html})", "",
        "Keep new inputs: <target>_fuzz -merge=1 fuzz/corpus/<target> " + str(args.out) + "/<target>/corpus"]
    (args.out / "summary.md").write_text("\n".join(summary) + "\n")
    print(f"port line coverage: {line_cover} -- HTML report: {html}")
    print(f"summary: {args.out / 'summary.md'}")
    for h in harnesses:
        for f in h.findings():
            print(f"FINDING {h.name}: {h.artifacts / f} (explain: {args.build}/fuzz/{h.name}_explain {h.artifacts / f})")
    return 1 if found else 0


def rates_alone(args):
    """Each harness alone (the others not running) for --seconds, pinned to one core (the
    last): the rate a fuzzing service that gives each target one core would see. The
    harnesses with threads (cross_thread, waker_data) hand work between them on that core,
    as they would there. No coverage report."""
    cpu = (os.cpu_count() or 1) - 1
    print(f"ci/fuzz --alone: {len(args.targets)} harnesses one at a time, {args.seconds} s each, on core {cpu}")
    rows = ["| harness | executions | exec/s (alone) | exec per CPU-s | edges (cov) | findings |",
            "|---|---:|---:|---:|---:|---|"]
    found = False
    for name in args.targets:
        h = Harness(name, args, cpu)
        while h.poll():
            time.sleep(1)
        findings = h.findings()
        found |= bool(findings) or h.proc.returncode != 0
        rows.append(f"| {name} | {h.execs:,} | {h.exec_per_sec:,} | {h.cpu_rate():,} | {h.cov} | "
                    + (", ".join(findings) if findings else ("none" if h.proc.returncode == 0 else
                                                              f"exit {h.proc.returncode}, see {h.log_path}")) + " |")
        print(rows[-1], flush=True)
    summary = [f"# ci/fuzz --alone {args.seconds}", ""] + rows
    (args.out / "rates.md").write_text("\n".join(summary) + "\n")
    print("\n".join(rows))
    print(f"summary: {args.out / 'rates.md'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
