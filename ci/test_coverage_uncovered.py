#!/usr/bin/env python3
"""ci/coverage_uncovered.py: the check fails on an unlisted or a stale row and passes a
matching list; function names are shortened as COVERAGE.md writes them."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coverage_uncovered as cu  # noqa: E402

failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


for demangled, short in [
    ("kimojio::Ring::Ring(bool)", "Ring::Ring"),
    ("kimojio::Task::cancel_io_scope_completions(kimojio::TaskStateCellRef) const::$_0::operator()(int&) const",
     "Task::cancel_io_scope_completions"),
    ("kimojio::ForeignWakeQueue* kimojio::BasicForeignWakeRegistry<kimojio::ForeignWakeQueue, 255ul>::try_claim<"
     "kimojio::ForeignWakeRegistry::register_(unsigned char)::$_0>(unsigned long, kimojio::ForeignWakeRegistry::"
     "register_(unsigned char)::$_0&&)", "BasicForeignWakeRegistry::try_claim"),
    ("kimojio::(anonymous namespace)::count_wake_slow(unsigned char)", "count_wake_slow"),
    ("kimojio::sync::OneshotReceiver<int>::live(char const*)", "sync::OneshotReceiver::live"),
]:
    expect(f"short_name({demangled[:40]}...)", cu.short_name(demangled), short)

uncovered = "port/src/task.cpp:10-12\tRing::submit_and_wait\t3\nport/src/lib.cpp:5-5\tUuid::is_nil\t1\n"
row = "| `port/src/task.cpp` | `Ring::submit_and_wait` | 10-12 | why |\n"
stale = "| `port/src/runtime.cpp` | `poll_task` | 20 | covered now |\n"
with tempfile.TemporaryDirectory() as tmp:
    out, md = os.path.join(tmp, "uncovered.txt"), os.path.join(tmp, "COVERAGE.md")
    open(out, "w").write(uncovered)
    for name, text, ok in [("every function listed", row, True), ("one missing", "", False),
                           ("one listed but covered", row + stale, False)]:
        open(md, "w").write("# Coverage\n\n| file | function | lines | why |\n|---|---|---|---|\n" + text)
        expect(name, cu.check(out, md), ok)

for failure in failures:
    print("FAIL", failure)
print("test_coverage_uncovered: " + ("ok" if not failures else f"{len(failures)} failures"))
sys.exit(1 if failures else 0)
