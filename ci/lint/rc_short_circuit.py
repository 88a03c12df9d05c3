#!/usr/bin/env python3
"""Flags RC_ASSERT / RC_PRE / RC_SUCCEED_IF / RC_ASSERT_FALSE whose condition has a top-level
`&&` or `||`. rapidcheck decomposes the condition to print its operands
(rapidcheck/detail/Capture.h overloads && and || on the captured value), so both sides
are evaluated: in `RC_PRE(!wakes || *wakes < n)` the right side dereferences an empty
optional. Parenthesize the whole condition: `RC_PRE((!wakes || *wakes < n))`.

usage: rc_short_circuit.py FILE_OR_DIR...   (exit 1 and one line per finding)
       rc_short_circuit.py --self-test       (the checker flags a planted case, passes a fixed one)
"""
import os
import re
import sys

MACROS = re.compile(r'\bRC_(?:ASSERT|PRE|SUCCEED_IF|ASSERT_FALSE)\(')


def findings(text):
    """(line, condition) of each macro whose argument has && or || outside parentheses."""
    out = []
    for m in MACROS.finditer(text):
        depth, j = 1, m.end()
        while depth and j < len(text):
            depth += {'(': 1, ')': -1}.get(text[j], 0)
            j += 1
        cond = text[m.end():j - 1]
        level = 0
        for k, c in enumerate(cond):
            if c in '([{':
                level += 1
            elif c in ')]}':
                level -= 1
            elif level == 0 and cond[k:k + 2] in ('&&', '||'):
                out.append((text.count('\n', 0, m.start()) + 1, ' '.join(cond.split())))
                break
    return out


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for d, _, names in os.walk(p):
                for n in sorted(names):
                    if n.endswith(('.cpp', '.hpp', '.h')):
                        yield os.path.join(d, n)
        else:
            yield p


def main(argv):
    if argv == ['--self-test']:
        bad = 'RC_PRE(!w || *w < n);\nRC_ASSERT(a.is_ok() &&\n  a.value() == 1);\n'
        good = 'RC_PRE((!w || *w < n));\nRC_ASSERT(f(a && b) == 1);\nRC_ASSERT(x == 1);\n'
        got_bad, got_good = findings(bad), findings(good)
        ok = [line for line, _ in got_bad] == [1, 2] and got_good == []
        print('self-test %s: planted %s, fixed %s' % ('passes' if ok else 'FAILS', got_bad, got_good))
        return 0 if ok else 1
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    count = 0
    for f in files(argv):
        with open(f, encoding='utf-8') as fh:
            for line, cond in findings(fh.read()):
                print('%s:%d: both sides of this rapidcheck condition are evaluated; parenthesize it: %s'
                      % (f, line, cond))
                count += 1
    return 1 if count else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
