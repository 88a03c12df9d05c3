#!/usr/bin/env python3
"""Proves that RC_PARAMS passes through ctest to a property binary (ctest test
props_rc_params). Runs a nested ctest over props_probe: with RC_PARAMS max_success=1
and =500 the probe must report exactly those counts, without RC_PARAMS the build's
default (KIMOJIO_PROPS_CASES), and a failing probe must show its reproduce line in
ctest --output-on-failure.
Usage: rc_params_check.py <ctest> <probe test dir> <default cases>"""
import os
import re
import subprocess
import sys


def run(ctest, test_dir, regex, rc_params):
    env = dict(os.environ)
    env.pop("RC_PARAMS", None)
    if rc_params is not None:
        env["RC_PARAMS"] = rc_params
    proc = subprocess.run([ctest, "--test-dir", test_dir, "-R", regex, "--output-on-failure", "-V"],
                          env=env, capture_output=True, text=True, timeout=100)
    return proc.returncode, proc.stdout + proc.stderr


def main():
    ctest, test_dir, default = sys.argv[1], sys.argv[2], int(sys.argv[3])
    failures = []
    for rc_params, want in (("max_success=1", 1), ("max_success=500", 500), (None, default)):
        code, out = run(ctest, test_dir, "^props_probe$", rc_params)
        got = re.findall(r"OK, passed (\d+) tests", out)
        print(f"RC_PARAMS={rc_params!r}: ctest exit {code}, probe passed {got} (want [{want}])")
        if code != 0 or got != [str(want)]:
            failures.append(f"RC_PARAMS={rc_params!r} gave {got}, want [{want}]; output:\n{out}")
    code, out = run(ctest, test_dir, "^props_probe_fail$", "max_success=50")
    reproduce = re.search(r'RC_PARAMS="reproduce=[^"]+"', out)
    print(f"failing probe: ctest exit {code}, reproduce line: {reproduce.group(0)[:60] if reproduce else None}")
    if code == 0 or not reproduce:
        failures.append(f"a failing property must fail ctest and print its reproduce line; output:\n{out}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
