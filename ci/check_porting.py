#!/usr/bin/env python3
"""Check the porting tables of PORTING.md against the sources.

Usage: python3 ci/check_porting.py [PORTING.md] [--check-omitted]

Every markdown table whose header has the columns `Rust item`, `Rust lines`,
`C++ place`, `Status` and `Notes` is checked, row by row:

* Status must be `ported`, `adapted` or `omitted`. Rows with status `omitted` and
  C++ place `-` are skipped (unless --check-omitted is given, which still checks
  their `Rust lines`). Any other row needs at least one C++ place.
* Each C++ place reference `path:start-end` or `path:line` (several may be given,
  separated by `;` or `,`; paths are relative to the directory of the markdown
  file, i.e. the repository root) must name an existing file, the range must lie
  inside it, and one of the first 3 lines of the range (just the line, for
  `path:line`) must contain the expected name as a whole identifier.
* The expected name is the last identifier component of the Rust item (the first
  `code span` of the cell, or the cell text): `TaskState::schedule_io` ->
  `schedule_io`. When the C++ name differs, the row's Notes give it as
  `C++: name` (or `C++: a, b` when the row points at several C++ items); then one
  of those names is looked for instead. For tests, the TEST_CASE line contains
  the Rust test name.
* Each Rust lines reference `file.rs:start-end` / `file.rs:line` (relative to
  `kimojio/src/` unless it contains a `/`) is checked the same way (file exists
  at the commit, range inside it, item name on one of the first 3 lines, and a
  multi-line range ends on the line that closes the item it starts with), with
  `git show`, ONLY IF the local mirror of kimojio-rs exists. The mirror and the
  commit can be overridden with the environment variables KIMOJIO_RS_MIRROR and
  KIMOJIO_RS_COMMIT. `file.rs@commit:start-end` reads the file at that commit
  instead (the Phase 1 waker, ported from a branch). Without the mirror (as in
  CI) these checks are silently skipped.

* Anchors: directly above every C++ place of a row (in the run of anchor lines
  that ends on the line just above the range start) there must be an anchor
  comment `// <Rust lines> <Rust item>` whose Rust file and line range equal the
  row's `Rust lines` reference and whose item is the row's Rust item (without
  backticks), e.g. `// runtime.rs:19-76 poll_task`. When a row has several C++
  places, each anchor says which part it is: `... (part 2 of 5: the teardown)`.
  Rows sharing one place stack their anchors. ci/porting/anchors.py writes them.
* Stale anchors: every anchor comment line (`// <file>.rs:<a>[-<b>] <text>` at
  the start of a line) in the .hpp/.cpp/.h/.cc files under port/ and tests/ must
  be one that a row's C++ place accounts for as above; any other is reported as
  `<file>:<line>: stale anchor ...` and fails the check.

Output: one line per problem, `<file> row N: <item>: <problem>`, where N is the
line number of the table row in the markdown file, then `N passed, M failed`
(rows), plus `, K stale anchors` if there are any. The exit status is 1 if any row
failed or any anchor is stale, 2 on usage errors.
"""

import os
import re
import subprocess
import sys

DEFAULT_MIRROR = '/work/.mirror/qbradley+kimojio-rs/repo'
DEFAULT_COMMIT = '35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f'
RUST_SRC_DIR = 'kimojio/src/'

COLUMNS = ('rust item', 'rust lines', 'c++ place', 'status', 'notes')
STATUSES = ('ported', 'adapted', 'omitted')
IDENT = r'[A-Za-z_~][A-Za-z0-9_]*'
REF_RE = re.compile(r'^`?([^\s`:;,]+):(\d+)(?:-(\d+))?`?$')
ANCHOR_RE = re.compile(r'^\s*// ([A-Za-z0-9_./-]+\.rs(?:@[0-9a-f]{7,40})?):(\d+)(?:-(\d+))? (\S.*)$')
ANCHOR_DIRS = ('port', 'tests')
ANCHOR_EXTS = ('.hpp', '.cpp', '.h', '.cc')
CPP_NAME_RE = re.compile(
    r'C\+\+:\s*(`?%s`?(?:\s*,\s*`?%s`?)*)' % (r'[A-Za-z_~][A-Za-z0-9_:~]*', r'[A-Za-z_~][A-Za-z0-9_:~]*'))


def split_row(line):
    """Split a markdown table row into stripped cells (`\\|` is a literal bar)."""
    body = line.strip()
    if body.startswith('|'):
        body = body[1:]
    if body.endswith('|') and not body.endswith('\\|'):
        body = body[:-1]
    cells = re.split(r'(?<!\\)\|', body)
    return [c.strip().replace('\\|', '|') for c in cells]


def is_separator(cells):
    return all(re.fullmatch(r':?-{3,}:?', c) for c in cells if c) and any(cells)


def item_name(cell):
    """Last identifier component of the Rust item cell."""
    m = re.search(r'`([^`]+)`', cell)
    text = m.group(1) if m else cell
    text = re.sub(r'<[^<>]*>', '', text)  # drop generic arguments
    last = text.split('::')[-1]
    m = re.search(IDENT, last)
    return m.group(0) if m else None


def cpp_names(notes):
    names = []
    for m in CPP_NAME_RE.finditer(notes):
        for part in m.group(1).split(','):
            part = part.strip().strip('`')
            last = part.split('::')[-1]
            if last:
                names.append(last)
    return names


def parse_refs(cell):
    """Return (refs, bad) for a place cell: refs are (path, start, end)."""
    refs, bad = [], []
    if cell.strip() in ('', '-'):
        return refs, bad
    for part in re.split(r'[;,]', cell):
        part = part.strip()
        if not part:
            continue
        m = REF_RE.match(part)
        if not m:
            bad.append(part)
            continue
        start = int(m.group(2))
        end = int(m.group(3)) if m.group(3) else start
        refs.append((m.group(1), start, end))
    return refs, bad


def contains_name(lines, start, end, names):
    window = lines[start - 1:min(end, start + 2)]
    for name in names:
        pat = re.compile(r'(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])' % re.escape(name))
        if any(pat.search(line) for line in window):
            return True
    return False


def indent(line):
    return len(line) - len(line.lstrip())


def ends_item(lines, start, end):
    """True if a multi-line Rust range ends on the line that closes the item it starts with:
    a closing bracket at the first line's indentation, or a `;` after which the code goes
    back out to (or above) that indentation."""
    if end == start:
        return True
    first, last = lines[start - 1], lines[end - 1]
    if indent(last) == indent(first) and last.strip()[:1] in ('}', ')', ']'):
        return True
    after = lines[end] if end < len(lines) else ''
    return (last.rstrip().endswith(';') and
            (not after.strip() or (indent(after) <= indent(first) and after.strip()[:1] not in ('}', ')', ']'))))


def iter_rows(text_lines):
    """Yield (lineno, {column: cell}) for every body row of every porting table."""
    columns = None  # column name -> index for the current table
    for lineno, line in enumerate(text_lines, 1):
        if not line.lstrip().startswith('|'):
            columns = None
            continue
        cells = split_row(line)
        if columns is None:
            lowered = [c.lower() for c in cells]
            if all(col in lowered for col in COLUMNS):
                columns = {col: lowered.index(col) for col in COLUMNS}
            else:
                columns = {}  # a table that is not a porting table
            continue
        if not columns or is_separator(cells):
            continue
        yield lineno, {col: (cells[idx] if idx < len(cells) else '') for col, idx in columns.items()}


def anchor_text(rust_ref, item, part=None):
    """The anchor comment (without indentation) for one C++ place of a row."""
    text = '// %s %s' % (rust_ref, item.replace('`', ''))
    return text + (' (part %s)' % part if part else '')


def parse_anchor(line):
    """(rust file, start, end, rest) of an anchor comment line, or None."""
    m = ANCHOR_RE.match(line)
    if not m:
        return None
    start = int(m.group(2))
    return m.group(1), start, int(m.group(3)) if m.group(3) else start, m.group(4)


class Sources:
    def __init__(self, root, mirror, commit):
        self.root = root
        self.mirror = mirror if mirror and os.path.isdir(mirror) else None
        self.commit = commit
        self.cache = {}

    def cpp(self, path):
        key = ('cpp', path)
        if key not in self.cache:
            full = os.path.join(self.root, path)
            if os.path.isfile(full):
                with open(full, encoding='utf-8', errors='replace') as f:
                    self.cache[key] = f.read().split('\n')
                if self.cache[key] and self.cache[key][-1] == '':
                    self.cache[key].pop()
            else:
                self.cache[key] = None
        return self.cache[key]

    def rust(self, path):
        key = ('rust', path)
        if key not in self.cache:
            # `file.rs@commit` reads the file at another commit (a branch's port).
            path, _, commit = path.partition('@')
            spec = '%s:%s' % (commit or self.commit, path)
            try:
                out = subprocess.run(['git', '-C', self.mirror, 'show', spec],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
                lines = out.stdout.decode('utf-8', errors='replace').split('\n')
                if lines and lines[-1] == '':
                    lines.pop()
                self.cache[key] = lines
            except (subprocess.CalledProcessError, OSError):
                self.cache[key] = None
        return self.cache[key]


def norm_rust(path):
    return path if '/' in path else RUST_SRC_DIR + path


class Anchors:
    """Checks the Rust anchor comments above each C++ place and finds stale ones."""

    def __init__(self, sources):
        self.sources = sources
        self.used = set()  # (path, 1-based line) of anchors that belong to a row's place

    def check(self, refs, rust_refs, item, problems):
        wanted = {(norm_rust(p), s, e) for p, s, e in rust_refs}
        shown = item.replace('`', '')
        for path, start, end in refs:
            lines = self.sources.cpp(path)
            if lines is None or start < 1 or start > len(lines):
                continue  # check_refs reports it
            found = False
            k = start - 1  # 1-based line just above the place
            while k >= 1 and start - k <= 10:
                a = parse_anchor(lines[k - 1])
                if a is None:
                    break
                rest = a[3]
                if (norm_rust(a[0]), a[1], a[2]) in wanted and (rest == shown or rest.startswith(shown + ' (')):
                    self.used.add((path, k))
                    if len(refs) > 1 and '(part' not in rest:
                        problems.append('C++ %s:%d: the anchor of one of %d places does not say which part it is'
                                        % (path, start, len(refs)))
                    found = True
                k -= 1
            if not found:
                want = ' or '.join(anchor_text(r, item) for r in sorted('%s:%d-%d' % (p, s, e) if e != s else
                                                                    '%s:%d' % (p, s) for p, s, e in rust_refs))
                problems.append('C++ %s:%d: no anchor `%s` in the comment lines just above the place'
                                % (path, start, want or anchor_text('?.rs:?', item)))

    def stale(self, root):
        """Anchor comments under port/ and tests/ that no row's C++ place accounts for."""
        out = []
        for top in ANCHOR_DIRS:
            for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
                dirnames.sort()
                for fn in sorted(filenames):
                    if not fn.endswith(ANCHOR_EXTS):
                        continue
                    rel = os.path.relpath(os.path.join(dirpath, fn), root)
                    for k, line in enumerate(self.sources.cpp(rel) or [], 1):
                        if parse_anchor(line) and (rel, k) not in self.used:
                            out.append('%s:%d: stale anchor `%s`: no row of the porting tables has a C++ place '
                                       'just below it with that Rust range and item' % (rel, k, line.strip()))
        return out


def check_refs(kind, refs, names, load, problems):
    for path, start, end in refs:
        lines = load(path)
        where = '%s %s:%d-%d' % (kind, path, start, end) if end != start else '%s %s:%d' % (kind, path, start)
        if lines is None:
            problems.append('%s: file not found' % where)
            continue
        if start < 1 or end < start:
            problems.append('%s: bad range' % where)
            continue
        if end > len(lines):
            problems.append('%s: range ends past the end of the file (%d lines)' % (where, len(lines)))
            continue
        if not contains_name(lines, start, end, names):
            problems.append('%s: %s not found on the first line(s) of the range' % (where, ' / '.join(names)))
        elif kind == 'Rust' and not ends_item(lines, start, end):
            problems.append('%s: the range does not end where %s ends (its last line should close the item at '
                            'the indentation it starts at)' % (where, ' / '.join(names)))


def main(argv):
    args = [a for a in argv[1:] if not a.startswith('--')]
    flags = [a for a in argv[1:] if a.startswith('--')]
    unknown = [f for f in flags if f != '--check-omitted']
    if len(args) > 1 or unknown:
        print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
        return 2
    check_omitted = '--check-omitted' in flags
    doc = args[0] if args else 'PORTING.md'
    if not os.path.isfile(doc):
        print('%s: no such file' % doc, file=sys.stderr)
        return 2
    root = os.path.dirname(os.path.abspath(doc))
    label = os.path.basename(doc)
    sources = Sources(root, os.environ.get('KIMOJIO_RS_MIRROR', DEFAULT_MIRROR),
                      os.environ.get('KIMOJIO_RS_COMMIT', DEFAULT_COMMIT))

    with open(doc, encoding='utf-8') as f:
        text_lines = f.read().split('\n')

    anchors = Anchors(sources)
    passed = failed = 0
    for lineno, row in iter_rows(text_lines):
        def cell(col):
            return row[col]

        item = cell('rust item')
        status = cell('status').strip('`* ').lower()
        place = cell('c++ place')
        notes = cell('notes')
        rust_lines = cell('rust lines')
        problems = []

        omitted_no_place = status == 'omitted' and place.strip() == '-'
        if omitted_no_place and not check_omitted:
            continue
        if status not in STATUSES:
            problems.append('status %r is not one of %s' % (status, ', '.join(STATUSES)))

        name = item_name(item)
        if name is None:
            problems.append('no identifier in the Rust item cell')
        else:
            overrides = cpp_names(notes)
            cpp_refs, bad = parse_refs(place)
            for b in bad:
                problems.append('cannot parse C++ place %r' % b)
            if not cpp_refs and not bad and not omitted_no_place:
                problems.append('no C++ place for a %s row' % (status or 'status-less'))
            check_refs('C++', cpp_refs, overrides or [name], sources.cpp, problems)
            rs_all, _ = parse_refs(rust_lines)
            anchors.check(cpp_refs, rs_all, item, problems)

            if sources.mirror is not None:
                rs_refs, bad = parse_refs(rust_lines)
                for b in bad:
                    problems.append('cannot parse Rust lines %r' % b)
                rs_refs = [(p if '/' in p else RUST_SRC_DIR + p, s, e) for p, s, e in rs_refs]
                check_refs('Rust', rs_refs, [name], sources.rust, problems)

        shown = re.sub(r'`', '', item) or '(empty)'
        if problems:
            failed += 1
            for p in problems:
                print('%s row %d: %s: %s' % (label, lineno, shown, p))
        else:
            passed += 1

    stale = anchors.stale(root)
    for p in stale:
        print(p)
    print('%d passed, %d failed' % (passed, failed) + (', %d stale anchors' % len(stale) if stale else ''))
    return 1 if failed or stale else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
