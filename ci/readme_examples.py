#!/usr/bin/env python3
"""Checks that README.md's code examples are the code CI compiles.

Every ```cpp block preceded by a line `<!-- from <path> -->` must appear verbatim in
that file (which the build compiles and ctest runs). Fails if a block differs, a file
is missing, or README has no such block at all.

Usage: ci/readme_examples.py [README.md]
"""
import os
import re
import sys


def blocks(text):
    """(line number, path, code) of every marked block."""
    out = []
    for m in re.finditer(r'^<!-- from (\S+) -->\n```cpp\n(.*?)^```$', text, re.M | re.S):
        out.append((text.count('\n', 0, m.start()) + 1, m.group(1), m.group(2)))
    return out


def main(argv):
    readme = argv[1] if len(argv) > 1 else 'README.md'
    root = os.path.dirname(os.path.abspath(readme))
    with open(readme, encoding='utf-8') as f:
        text = f.read()
    found = blocks(text)
    problems = []
    if not found:
        problems.append('%s: no `<!-- from <file> -->` code block found' % readme)
    for line, path, code in found:
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            problems.append('%s:%d: %s: no such file' % (readme, line, path))
            continue
        with open(full, encoding='utf-8') as f:
            if code.strip('\n') not in f.read():
                problems.append('%s:%d: the block differs from %s: copy it from there again' % (readme, line, path))
    for p in problems:
        print(p)
    print('%d README example block(s) checked, %d problem(s)' % (len(found), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
