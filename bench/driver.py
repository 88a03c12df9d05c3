"""What the echo and pread benchmark drivers (echo_run.py, pread_run.py) share: their common
options, and writing the result to bench/results/<name>.md and to the section of BENCHMARKS.md
between the <!-- name --> and <!-- end name --> markers."""
import datetime
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add_arguments(ap, seconds, small, large):
    """Rounds, seconds per measurement, the callgrind counts, --no-write and --bin."""
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=type(seconds), default=seconds)
    ap.add_argument("--small", type=int, default=small)
    ap.add_argument("--large", type=int, default=large)
    ap.add_argument("--no-instructions", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--bin", help="directory of the built benchmark programs (default build/release/bench)")


def write(name, command, md, note=""):
    """`command` is the ci/bench command that produced `md`; `note` ends the header sentence."""
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = (f"\nCommand: `{command}`. Measured {when} on {os.cpu_count()} cores "
            f"(shared: load average {os.getloadavg()[0]:.1f} at the end){note}.\n\n{md}\n")
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{name}.md"), "w") as f:
        f.write(body.lstrip())
    bm = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(bm).read()
    start = text.index(f"<!-- {name} -->") + len(f"<!-- {name} -->")
    end = text.index(f"<!-- end {name} -->")
    with open(bm, "w") as f:
        f.write(text[:start] + body + text[end:])
    print(f"wrote bench/results/{name}.md, BENCHMARKS.md")
