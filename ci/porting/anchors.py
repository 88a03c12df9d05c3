#!/usr/bin/env python3
"""Writes the Rust anchor comment above every C++ place of PORTING.md's porting tables.

Run on a tree whose PORTING.md is up to date, then regenerate the table (the inserted
lines move the ranges):
    python3 ci/porting/gen_table.py && python3 ci/porting/anchors.py &&
    python3 ci/porting/gen_table.py && python3 ci/check_porting.py
Idempotent: every existing anchor line under port/ and tests/ is removed first and the
wanted ones are written again, so stale anchors go away.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import check_porting as cp  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Part names where the first-line guess is not what a reviewer needs.
PART_NAMES = {
    ('Runtime::block_on', 'port/include/kimojio/runtime.hpp', 'block_on'): 'the loop',
    ('Runtime::block_on', 'port/include/kimojio/runtime.hpp', 'drop_all_tasks'):
        'drop_all_tasks, the teardown, declaration',
    ('Runtime::block_on', 'port/src/runtime.cpp', 'drop_all_tasks'): 'drop_all_tasks, the teardown',
}


def first_code_line(lines, start, end):
    for k in range(start, end + 1):
        text = lines[k - 1].strip()
        if not re.match(r'template\s*<', text):
            return text
    return lines[start - 1].strip()


def describe(path, start, end, refs, lines, item, cp_line):
    """A short name for one of several C++ places of one Rust item."""
    hpp = [r for r in refs if r[0].endswith('.hpp')]
    cpp = [r for r in refs if r[0].endswith('.cpp') and r[0].startswith('port/')]
    if len(refs) == 2 and len(hpp) == 1 and len(cpp) == 1:
        return 'declaration' if path.endswith('.hpp') else 'definition'
    if len(refs) == 2:
        singles = [r for r in refs if r[1] == r[2] and cp_line(r).rstrip().endswith(';')]
        if len(singles) == 1:
            return 'declaration' if (path, start, end) == singles[0] else 'definition'
    text = first_code_line(lines, start, end)
    if text.startswith('TEST_CASE'):
        return 'the TEST_CASE'
    if any(cp_line(r).lstrip().startswith('TEST_CASE') for r in refs):
        return 'the test body'
    last = item.split('::')[-1]
    if re.match(r'(?:explicit\s+)?%s\s*\(' % re.escape(last), text):
        return 'constructor'
    m = re.search(r'\b(?:class|struct|union|enum(?: class)?)\s+([A-Za-z_][A-Za-z0-9_:<>]*)', text)
    if m and '(' not in text.split(m.group(0))[0]:
        return m.group(1)
    m = re.search(r'(~?[A-Za-z_][A-Za-z0-9_]*(?:::~?[A-Za-z_][A-Za-z0-9_]*)*)\s*\(', text)
    if m:
        name = m.group(1)
        if name in ('operator',):
            return 'operator'
        return name
    m = re.search(r'([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|;|\{)', text)
    return m.group(1) if m else 'part'


def main():
    with open(os.path.join(ROOT, 'PORTING.md'), encoding='utf-8') as f:
        doc = f.read().split('\n')
    sources = cp.Sources(ROOT, None, None)
    wanted = {}  # path -> {start: [anchor texts]}
    for _lineno, row in cp.iter_rows(doc):
        refs, _ = cp.parse_refs(row['c++ place'])
        if not refs:
            continue
        rust = row['rust lines'].strip().strip('`')
        item = row['rust item'].replace('`', '')
        for k, (path, start, end) in enumerate(refs, 1):
            part = None
            if len(refs) > 1:
                desc = describe(path, start, end, refs, sources.cpp(path), item,
                                lambda r: sources.cpp(r[0])[r[1] - 1])
                desc = PART_NAMES.get((item, path, desc), desc)
                part = '%d of %d: %s' % (k, len(refs), desc)
            texts = wanted.setdefault(path, {}).setdefault(start, [])
            text = cp.anchor_text(rust, item, part)
            if text not in texts:
                texts.append(text)
    paths = set(wanted)
    for top in cp.ANCHOR_DIRS:
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for fn in files:
                if fn.endswith(cp.ANCHOR_EXTS):
                    paths.add(os.path.relpath(os.path.join(dirpath, fn), ROOT))
    changed = 0
    for path in sorted(paths):
        lines = sources.cpp(path)
        out = []
        for k, line in enumerate(lines, 1):
            for text in wanted.get(path, {}).get(k, []):
                indent = re.match(r'\s*', line).group(0)
                out.append(indent + text)
            if cp.parse_anchor(line):
                continue
            out.append(line)
        if out != lines:
            changed += 1
            with open(os.path.join(ROOT, path), 'w', encoding='utf-8') as f:
                f.write('\n'.join(out) + '\n')
    print('%d files rewritten; now run python3 ci/porting/gen_table.py' % changed)


if __name__ == '__main__':
    main()
