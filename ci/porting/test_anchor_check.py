#!/usr/bin/env python3
"""ctest porting_anchors_stale: check_porting.py fails on a planted stale Rust anchor.

Copies PORTING.md and every file its porting tables reference to a temporary
directory; the copy must pass. Then one anchor's Rust line range is changed (the
anchor of `poll_task`'s definition in runtime.cpp); the checker must fail, naming
that row and reporting the changed anchor as stale.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECKER = os.path.join(ROOT, 'ci', 'check_porting.py')
sys.path.insert(0, os.path.join(ROOT, 'ci'))
import check_porting as cp  # noqa: E402

ITEM = 'poll_task'


def run(doc):
    out = subprocess.run([sys.executable, CHECKER, doc], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True)
    return out.returncode, out.stdout


def fail(msg, output=''):
    print('FAIL: %s\n%s' % (msg, output))
    sys.exit(1)


def main():
    with open(os.path.join(ROOT, 'PORTING.md'), encoding='utf-8') as f:
        doc = f.read().split('\n')
    files, target = set(), None
    for lineno, row in cp.iter_rows(doc):
        refs, _ = cp.parse_refs(row['c++ place'])
        files.update(p for p, _s, _e in refs)
        if row['rust item'] == '`%s`' % ITEM:
            target = (lineno, [r for r in refs if r[0].endswith('.cpp')][0])
    if target is None:
        fail('no row for %s in PORTING.md' % ITEM)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(ROOT, 'PORTING.md'), tmp)
        for rel in files:
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, rel), os.path.join(tmp, rel))
        copy = os.path.join(tmp, 'PORTING.md')
        rc, out = run(copy)
        if rc != 0 or not re.search(r'\b0 failed$', out.strip()):
            fail('the unmodified copy does not pass (exit %d)' % rc, out)

        lineno, (path, start, _end) = target
        full = os.path.join(tmp, path)
        with open(full, encoding='utf-8') as f:
            lines = f.read().split('\n')
        anchor = cp.parse_anchor(lines[start - 2])
        if anchor is None:
            fail('%s:%d: no anchor above the %s place' % (path, start - 1, ITEM))
        rs, a, b, rest = anchor
        planted = lines[start - 2].replace('%s:%d-%d ' % (rs, a, b), '%s:%d-%d ' % (rs, a, b + 1), 1)
        if planted == lines[start - 2]:
            fail('could not change the anchor %r' % lines[start - 2])
        lines[start - 2] = planted
        with open(full, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        rc, out = run(copy)
        if rc != 1:
            fail('the checker passed (exit %d) with the stale anchor %r' % (rc, planted.strip()), out)
        if not re.search(r'^PORTING\.md row %d: %s: .*no anchor' % (lineno, ITEM), out, re.M):
            fail('the failure does not name row %d (%s)' % (lineno, ITEM), out)
        if not re.search(r'^%s:%d: stale anchor' % (re.escape(path), start - 1), out, re.M):
            fail('the planted anchor is not reported as stale', out)
        print('ok: the copy passes; the planted anchor %r fails row %d (%s) and is reported stale'
              % (planted.strip(), lineno, ITEM))


if __name__ == '__main__':
    main()
