"""Helpers: find C++ item ranges by anchor regex + brace matching."""
import re
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
H = 'port/include/kimojio/'
S = 'port/src/'
T = 'tests/'

_cache = {}
# A Rust anchor comment (see ci/check_porting.py) never is the item a pattern looks for.
ANCHOR = re.compile(r'^\s*// [A-Za-z0-9_./-]+\.rs:\d+(?:-\d+)? \S')


def lines_of(path):
    if path not in _cache:
        with open(os.path.join(ROOT, path), encoding='utf-8') as f:
            _cache[path] = f.read().split('\n')
    return _cache[path]


def _end_of(lines, start):
    """0-based start -> 0-based end line of the declaration/definition starting there."""
    paren = 0
    brace = 0
    entered = False
    i = start
    while i < len(lines):
        line = lines[i]
        j = 0
        while j < len(line):
            ch = line[j]
            if line.startswith('//', j):
                break
            if ch == '"':
                j += 1
                while j < len(line) and line[j] != '"':
                    if line[j] == '\\':
                        j += 1
                    j += 1
            elif ch == "'":
                m = re.match(r"'(\\.|[^\\'])'", line[j:])
                if m:
                    j += len(m.group(0)) - 1
            elif ch == '(':
                paren += 1
            elif ch == ')':
                paren -= 1
            elif ch == '{':
                if paren == 0 or brace > 0:
                    brace += 1
                    entered = True
            elif ch == '}':
                if brace > 0:
                    brace -= 1
                    if brace == 0 and entered:
                        return i
            elif ch == ';' and paren == 0 and brace == 0:
                return i
            j += 1
        i += 1
    raise ValueError('no end found from line %d' % (start + 1))


def find(path, pattern, after=None, nth=0, mode='auto', template=True):
    """Return (start, end) 1-based for the nth line matching `pattern` (regex) at/after `after`."""
    lines = lines_of(path)
    begin = 0
    if after is not None:
        for k, line in enumerate(lines):
            if re.search(after, line):
                begin = k
                break
        else:
            raise ValueError('after anchor %r not found in %s' % (after, path))
    hits = [k for k in range(begin, len(lines)) if re.search(pattern, lines[k]) and not ANCHOR.match(lines[k])]
    if len(hits) <= nth:
        raise ValueError('pattern %r not found in %s (after %r)' % (pattern, path, after))
    s = hits[nth]
    if mode == 'line':
        e = s
    elif isinstance(mode, int):
        e = s + mode - 1
    else:
        e = _end_of(lines, s)
    if template and s > 0 and re.match(r'\s*template\s*<', lines[s - 1]):
        s -= 1
    return s + 1, e + 1


def ref(path, pattern, **kw):
    s, e = find(path, pattern, **kw)
    return '%s:%d' % (path, s) if s == e else '%s:%d-%d' % (path, s, e)


def h(file, pattern, **kw):
    return ref(H + file, pattern, **kw)


def s(file, pattern, **kw):
    return ref(S + file, pattern, **kw)


def t(file, pattern, **kw):
    return ref(T + file, pattern, **kw)
