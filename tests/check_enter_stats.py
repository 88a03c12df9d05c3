#!/usr/bin/env python3
"""Runs enter_stats_probe with KIMOJIO_ENTER_STATS=1 and checks its EnterStats lines:
each block_on prints `enter_stats` then `enter_stats_wait`; a count of 0 prints only the
count; otherwise avg is sum / count (integer division), min <= avg <= max <= sum, and a
single enter has sum = avg = min = max; no enter took longer than the whole probe run.
Both shapes must occur (else the check is empty)."""
import os
import re
import subprocess
import sys
import time

FULL = re.compile(r'^EnterStats (\S+) +count: (\d+) , sum: (\d+)ns, avg: (\d+)ns, min: (\d+)ns, max: (\d+)ns$')
ZERO = re.compile(r'^EnterStats (\S+) +count: 0$')


def main(probe):
    start = time.monotonic_ns()
    out = subprocess.run([probe], env=dict(os.environ, KIMOJIO_ENTER_STATS='1'), check=True,
                         capture_output=True, text=True).stdout.splitlines()
    run_ns = time.monotonic_ns() - start
    lines = [line for line in out if line.startswith('EnterStats')]
    errors = []
    if [re.match(r'EnterStats (\S+)', line)[1] for line in lines] != ['enter_stats', 'enter_stats_wait'] * 2:
        errors.append('expected enter_stats then enter_stats_wait for each of 2 block_on calls')
    zeros = singles = 0
    for line in lines:
        if ZERO.match(line):
            zeros += 1
            continue
        m = FULL.match(line)
        if not m:
            errors.append('malformed: ' + line)
            continue
        count, total, avg, lo, hi = map(int, m.groups()[1:])
        if count == 0 or avg != total // count or not lo <= avg <= hi <= total:
            errors.append('inconsistent: ' + line)
        if hi > run_ns:
            errors.append('an enter longer than the whole run (%d ns): %s' % (run_ns, line))
        if count == 1:
            singles += 1
            if not total == avg == lo == hi:
                errors.append('one enter, different numbers: ' + line)
    if zeros == 0 or singles == 0:
        errors.append('no line with count 0 or with count 1: the checks above did not all run')
    for e in errors:
        print('check_enter_stats: ' + e, file=sys.stderr)
    print('\n'.join(lines))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
