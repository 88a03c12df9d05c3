#!/usr/bin/env python3
"""Mutants of port/, applied to a scratch copy of the tree (never to the tree itself).

Named mutants are the planted bugs: planted-1..3, 8, 9 must fail the Relacy model of
the foreign-wake handshake, planted-13, 14 the one of sync::channel (ci/planted-bugs),
planted-4..7, 10..12, 15 and 16 the fuzz harnesses (ci/mutants). Generated mutants
(seeded, deterministic) feed the mutation run, which writes MUTATION.md.

  ci/mutate.py list [--generated]           the mutants (id, file:line, what)
  ci/mutate.py check                        every named mutant's snippet occurs exactly once
  ci/mutate.py build SCRATCH PRESET MUTANT TARGET...
        copies the tree (git ls-files) to build/SCRATCH/src, applies MUTANT ('none': no
        mutant; else a planted mutant's name or a generated id of the plan), configures
        build/SCRATCH/PRESET with PRESET's cache variables, builds TARGET...; prints the
        build directory. Unchanged files keep their timestamps, so
        a rebuild with another mutant is incremental.
  ci/mutate.py run [--count N] [--seed S]   the mutation run (resumable, see run())
  ci/mutate.py report                       MUTATION.md from the results file

A snippet that is not found exactly once fails loudly (exit 3): a stale mutant must not
pass silently by testing the unmutated code.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FW = 'port/include/kimojio/foreign_wake.hpp'
CC = 'port/include/kimojio/channel_credit.hpp'

# The planted bugs: (id, file, exact original snippet, replacement, description).
NAMED = [
    ('planted-1', FW,
     '        sleeping_.store(true, sync::memory_order_seq_cst);\n',
     '        sleeping_.store(true, sync::memory_order_relaxed);\n',
     'sleeping flag stored relaxed'),
    ('planted-2', FW,
     '        if (any_pending()) {\n'
     '            // A waker that already flipped `sleeping` back writes the eventfd for this\n'
     '            // announcement: count it, so there is never more than one write per sleep.\n'
     '            if (!sleeping_.exchange(false, sync::memory_order_relaxed)) {\n'
     '                sleeps_.fetch_add(1, sync::memory_order_release);\n'
     '            }\n'
     '            return false;\n'
     '        }\n',
     '',
     'no re-check of pending before sleeping'),
    ('planted-3', FW,
     '        sync::atomic_thread_fence(sync::memory_order_seq_cst);\n'
     '        if ((bitmap_[w].load(sync::memory_order_relaxed) & bit) != 0) {\n',
     '        if ((bitmap_[w].load(sync::memory_order_relaxed) & bit) != 0) {\n',
     'no fence before the already-pending check'),
    ('planted-8', FW,
     '        // every waker that found its bit already set stored before its wake().\n'
     '        sync::atomic_thread_fence(sync::memory_order_seq_cst);\n',
     '        // every waker that found its bit already set stored before its wake().\n',
     'no fence after the drain'),
    ('planted-9', FW,
     '            slot.queue.store(queue, sync::memory_order_release);\n',
     '            slot.queue.store(queue, sync::memory_order_relaxed);\n',
     'registry publishes a new queue relaxed'),
    ('planted-13', CC,
     '        received_.store(received_.load(sync::memory_order_relaxed) + 1, sync::memory_order_seq_cst);\n',
     '        received_.store(received_.load(sync::memory_order_relaxed) + 1, sync::memory_order_release);\n',
     'channel receiver releases a slot with a release store (no store-load order)'),
    ('planted-14', CC,
     '        waiting_.store(true, sync::memory_order_seq_cst);\n'
     '        return has_space_locked();\n',
     '        waiting_.store(true, sync::memory_order_seq_cst);\n'
     '        return false;\n',
     'channel sender queues itself without re-checking the space'),
    ('planted-4', 'port/include/kimojio/handle_table.hpp',
     '        std::optional<Index> next_free = free_list_;\n'
     '        free_list_ = index;\n',
     # The freed slot goes to the tail of the free list.
     '        std::optional<Index> next_free;\n'
     '        if (!free_list_) {\n'
     '            free_list_ = index;\n'
     '        } else {\n'
     '            Index last = *free_list_;\n'
     '            while (auto next = std::get<typename Slot<T>::Free>(data_[last.get() - 1].slot).next_free)\n'
     '                last = *next;\n'
     '            std::get<typename Slot<T>::Free>(data_[last.get() - 1].slot).next_free = index;\n'
     '        }\n',
     'freed task indexes reused FIFO, not LIFO'),
    ('planted-5', FW,
     '                    word &= word - 1;\n',
     '                    word &= word - 1;\n'
     '                    word = 0;\n',
     'the drain drops all but the lowest pending index of a word'),
    ('planted-6', 'port/src/task.cpp',
     'void TaskState::schedule_io(Rc<Task> task) {\n'
     '    switch (task->get_state()) {\n'
     '        case TaskReadyState::Complete:\n'
     '            // ignore I/O completions trying to schedule a completed task. This happens\n'
     '            // if a task is completed with pending I/O outstanding\n'
     '            break;\n',
     'void TaskState::schedule_io(Rc<Task> task) {\n'
     '    switch (task->get_state()) {\n'
     '        case TaskReadyState::Complete:\n'
     '            // ignore I/O completions trying to schedule a completed task. This happens\n'
     '            // if a task is completed with pending I/O outstanding\n'
     '            task->set_state(TaskReadyState::Ready);\n'
     '            schedule_io_internal(std::move(task));\n'
     '            break;\n',
     'a wake of a Complete task schedules it'),
    ('planted-10', 'port/src/runtime.cpp',
     '                if (result == Result<std::uint32_t, Errno>(Err{Errno::CANCELED}) && !submitted->canceled) {\n',
     '                if (result == Result<std::uint32_t, Errno>(Err{Errno::CANCELED}) && submitted->canceled) {\n',
     "a cancel is reported as a timeout (ETIME), a timeout as a cancel"),
    ('planted-11', 'port/src/async_event.cpp',
     '        if (waiting_tasks.wake_one()) {\n'
     '            count -= 1;\n',
     '        if (waiting_tasks.wake_one()) {\n',
     'set_wake_one wakes every waiter'),
    ('planted-12', 'port/include/kimojio/task.hpp',
     '            && Rc<Completion>::strong_count(completion) == 1) {\n',
     '            ) {\n',
     'a completion goes back to the pool while a future still holds it'),
    ('planted-15', 'port/src/operations_net.cpp',
     '    io_uring_prep_recv(&entry, fd.fd, buf.data(), buf.size(), flags);\n',
     '    io_uring_prep_recv(&entry, fd.fd, buf.data(), buf.size() > 1 ? buf.size() - 1 : buf.size(), flags);\n',
     'recv asks for one byte less than its buffer holds'),
    ('planted-16', 'port/src/operations_fs.cpp',
     '    io_uring_prep_openat(&entry, dirfd, path_of(path), flags, mode);\n',
     '    io_uring_prep_openat(&entry, dirfd, path_of(path), flags & ~O_EXCL, mode);\n',
     'open drops O_EXCL'),
    ('planted-7', 'port/src/index_waker.cpp',
     '    if (thread_index == current_thread && current_thread != NO_THREAD_INDEX) {\n',
     '    if (current_thread != NO_THREAD_INDEX) {\n',
     'a local wake ignores the thread index'),
]

# The generated mutants' files: the five ported modules, foreign_wake and index_waker.
GEN_FILES = [
    'port/include/kimojio/handle_table.hpp',
    'port/include/kimojio/task_state_cell.hpp',
    'port/include/kimojio/task.hpp',
    'port/src/task.cpp',
    'port/include/kimojio/task_ref.hpp',
    'port/src/task_ref.cpp',
    'port/include/kimojio/runtime.hpp',
    'port/src/runtime.cpp',
    'port/include/kimojio/foreign_wake.hpp',
    'port/src/foreign_wake.cpp',
    'port/include/kimojio/index_waker.hpp',
    'port/src/index_waker.cpp',
]
RESULTS = 'ci/mutation/results.jsonl'
REPORT = 'MUTATION.md'


class Stale(Exception):
    pass


def die(msg, code=2):
    print('ci/mutate.py: ' + msg, file=sys.stderr)
    sys.exit(code)


# ------------------------------------------------------------------ mutants
def named(mid):
    for m in NAMED:
        if m[0] == mid:
            return {'id': m[0], 'file': m[1], 'old': m[2], 'new': m[3], 'desc': m[4], 'kind': 'planted'}
    return None


def apply_to_text(text, m):
    """The file's text with mutant m applied; Stale unless m's snippet occurs exactly once."""
    n = text.count(m['old'])
    if n != 1 or not m['old']:
        raise Stale('mutant %s: the snippet to replace occurs %d times in %s (expected exactly once); '
                    'the code moved on: update the mutant in ci/mutate.py\n--- snippet ---\n%s'
                    % (m['id'], n, m['file'], m['old']))
    return text.replace(m['old'], m['new'])


def mask(line):
    """The line with string/char literal contents and the // comment blanked (same length)."""
    out, i, q = [], 0, None
    while i < len(line):
        c = line[i]
        if q:
            if c == '\\':
                out.append('  ')
                i += 2
                continue
            out.append(c if c == q else ' ')
            if c == q:
                q = None
        elif c in '"\'':
            q = c
            out.append(c)
        elif line.startswith('//', i):
            out.append(' ' * (len(line) - i))
            break
        else:
            out.append(c)
        i += 1
    return ''.join(out)[:len(line)]


def close_paren(s, i):
    """Index of the ')' matching the '(' at s[i], or -1."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == '(':
            depth += 1
        elif s[j] == ')':
            depth -= 1
            if depth == 0:
                return j
    return -1


CMP = {'<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '=='}
CMP_RE = re.compile(r'(?<=\s)(<=|>=|==|!=|<|>)(?=\s)')
INT_RE = re.compile(r'(?<![\w.])(\d+)([uUlL]*)(?![\w.])')
ORDERS = {'memory_order_seq_cst': 'memory_order_relaxed', 'memory_order_acquire': 'memory_order_relaxed',
          'memory_order_release': 'memory_order_relaxed', 'memory_order_acq_rel': 'memory_order_relaxed'}
ASSIGN_RE = re.compile(r'^[\w:.\->\[\]*()]+ *(=|\+=|-=|\|=|&=|\^=|<<=|>>=) *[^=].*;$')
CALL_RE = re.compile(r'^[\w:.\->\[\]*]+(<[\w:, ]*>)?\(.*\);$')
INCDEC_RE = re.compile(r'^((\+\+|--)[\w.\->\[\]]+|[\w.\->\[\]]+(\+\+|--));$')
IF_RE = re.compile(r'^(\s*)(\} else )?if \(')


def line_sites(path, lines):
    """(start, end, kind, new_text) for every single-line or if/else mutation site."""
    sites = []
    in_block_comment = False
    for n, line in enumerate(lines):
        s = line.rstrip('\n')
        st = s.strip()
        if in_block_comment:
            in_block_comment = '*/' not in st
            continue
        if st.startswith('/*'):
            in_block_comment = '*/' not in st
            continue
        if not st or st.startswith('//') or st.startswith('#') or 'static_assert' in st:
            continue
        m = mask(s)
        if 'template' in m or 'operator' in m:  # template heads and operator names, not expressions
            continue

        def sub(a, b, rep, kind):
            sites.append((n, n, kind, s[:a] + rep + s[b:] + '\n'))
        for mt in CMP_RE.finditer(m):
            sub(mt.start(), mt.end(), CMP[mt.group(1)], 'comparison %s -> %s' % (mt.group(1), CMP[mt.group(1)]))
        for mt in INT_RE.finditer(m):
            v = int(mt.group(1))
            reps = {0: [1], 1: [0, 2]}.get(v, [v + 1])
            for r in reps:
                sub(mt.start(1), mt.end(1), str(r), 'constant %d -> %d' % (v, r))
        for old, new in ORDERS.items():
            for mt in re.finditer(r'\b%s\b' % old, m):
                sub(mt.start(), mt.end(), new, 'memory order %s -> %s' % (old[13:], new[13:]))
        for kw in ('if', 'while'):
            for mt in re.finditer(r'\b%s \(' % kw, m):
                o = mt.end() - 1
                c = close_paren(m, o)
                if c > 0:
                    sub(o + 1, c, '!(' + s[o + 1:c] + ')', 'negate %s condition' % kw)
        prev = mask(lines[n - 1]).strip() if n else '{'
        full_stmt = prev == '' or prev.endswith((';', '{', '}')) or lines[n - 1].strip().startswith('//')
        ms = m.strip()
        if full_stmt and ms.count('(') == ms.count(')') and not re.match(r'(return|throw|co_return|co_await|delete|case|default)\b', ms):
            if (ASSIGN_RE.match(ms) and not re.search(r'= (default|delete);$', ms)) or CALL_RE.match(ms) \
                    or INCDEC_RE.match(ms):
                sites.append((n, n, 'delete statement', '\n'))
        # swap if/else branches: `if (c) {` ... `} else {` ... `}` at one indentation, no else-if
        mi = IF_RE.match(m)
        if mi and not mi.group(2) and ms.endswith('{'):
            ind = mi.group(1)
            o = m.index('(', mi.end() - 1)
            c = close_paren(m, o)
            if c > 0 and m[c:].strip() == ') {':
                j = n + 1
                while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > len(ind)):
                    j += 1
                if j < len(lines) and lines[j].rstrip('\n') == ind + '} else {':
                    k = j + 1
                    while k < len(lines) and (not lines[k].strip() or len(lines[k]) - len(lines[k].lstrip()) > len(ind)):
                        k += 1
                    if k < len(lines) and lines[k].rstrip('\n') == ind + '}' and k - n <= 30:
                        then, els = lines[n + 1:j], lines[j + 1:k]
                        new = lines[n] + ''.join(els) + lines[j] + ''.join(then) + lines[k]
                        sites.append((n, k, 'swap if/else branches', new))
    return sites


# The sample of generated mutants, frozen the first time a run takes it: the sites change
# with every edit of the files, and a fresh sample would orphan the judged results.
PLAN = os.path.join(ROOT, 'ci', 'mutation', 'plan.json')


def generated(root=ROOT, count=240, seed=12):
    """The mutation run's mutants: `count` of all sites, sampled with `seed`, in file order;
    the frozen plan (PLAN) if it was taken with this count and seed."""
    if os.path.exists(PLAN):
        with open(PLAN) as fh:
            frozen = json.load(fh)
        if (frozen['count'], frozen['seed']) == (count, seed):
            return frozen['mutants'], frozen['total']
    return sample(root, count, seed)


def freeze(root=ROOT, count=240, seed=12):
    """Writes PLAN from the files under `root` (once; a plan for another count or seed stays)."""
    if os.path.exists(PLAN):
        return
    ms, total = sample(root, count, seed)
    with open(PLAN, 'w') as fh:
        json.dump({'count': count, 'seed': seed, 'total': total, 'mutants': ms}, fh, indent=1, sort_keys=True)
        fh.write('\n')


def sample(root, count, seed):
    """`count` of all sites of the files under `root`, sampled with `seed`, in file order."""
    allm = []
    for f in GEN_FILES:
        with open(os.path.join(root, f)) as fh:
            lines = fh.readlines()
        seen = {}
        for a, b, kind, new in line_sites(f, lines):
            old = ''.join(lines[a:b + 1])
            key = (old, new)
            occ = seen.get(key, 0)
            seen[key] = occ + 1
            h = hashlib.sha1(('%s\0%s\0%s\0%d' % (f, old, new, occ)).encode()).hexdigest()[:10]
            allm.append({'id': 'g-' + h, 'file': f, 'line': a + 1, 'end': b + 1, 'kind': kind,
                         'old': old, 'new': new, 'desc': kind})
    rng = random.Random(seed)
    picked = rng.sample(allm, min(count, len(allm))) if count else allm
    order = {f: i for i, f in enumerate(GEN_FILES)}
    picked.sort(key=lambda m: (order[m['file']], m['line'], m['id']))
    return picked, len(allm)


def apply_generated(text, m):
    """Applies a line-range mutant: at its recorded lines, else at the whole-line match
    nearest to them (the file moved on), else wherever its text occurs once."""
    lines = text.splitlines(keepends=True)
    n = m['end'] - m['line'] + 1
    starts = [i for i in range(len(lines) - n + 1) if ''.join(lines[i:i + n]) == m['old']]
    if starts:
        i = min(starts, key=lambda i: abs(i + 1 - m['line']))
        return ''.join(lines[:i]) + m['new'] + ''.join(lines[i + n:])
    return apply_to_text(text, m)


# ------------------------------------------------------------------ scratch copies
def tracked_files(root):
    out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                         cwd=root, check=True, capture_output=True).stdout.decode()
    return sorted(f for f in set(out.split('\0')) if f and os.path.isfile(os.path.join(root, f)))


def write_if_changed(path, data):
    try:
        with open(path, 'rb') as fh:
            if fh.read() == data:
                return False
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as fh:
        fh.write(data)
    return True


def sync(root, dst, mutant=None):
    """dst becomes a copy of root's git files with mutant applied; untouched files keep their mtime."""
    files = tracked_files(root)
    patched = None
    if mutant:
        with open(os.path.join(root, mutant['file'])) as fh:
            text = fh.read()
        patched = (apply_generated if 'line' in mutant else apply_to_text)(text, mutant).encode()
    for f in files:
        src = os.path.join(root, f)
        if patched is not None and f == mutant['file']:
            data = patched
        else:
            with open(src, 'rb') as fh:
                data = fh.read()
        if write_if_changed(os.path.join(dst, f), data):
            shutil.copymode(src, os.path.join(dst, f))
    keep = set(files)
    for d, _, names in os.walk(dst):
        for name in names:
            p = os.path.join(d, name)
            if os.path.relpath(p, dst) not in keep:
                os.remove(p)


def preset_cache(root, name):
    with open(os.path.join(root, 'CMakePresets.json')) as fh:
        presets = {p['name']: p for p in json.load(fh)['configurePresets']}
    if name not in presets:
        die('no configure preset %r in CMakePresets.json' % name)
    chain, p = [], presets[name]
    while p:
        chain.append(p)
        inh = p.get('inherits')
        p = presets[inh if isinstance(inh, str) else inh[0]] if inh else None
    cache, gen = {}, 'Ninja'
    for p in reversed(chain):
        cache.update(p.get('cacheVariables', {}))
        gen = p.get('generator', gen)
    return gen, cache


def configure(root, src, bdir, preset, extra=()):
    if os.path.exists(os.path.join(bdir, 'build.ninja')):
        return
    gen, cache = preset_cache(root, preset)
    cmd = ['cmake', '-S', src, '-B', bdir, '-G', gen] + ['-D%s=%s' % kv for kv in cache.items()] + list(extra)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def jobs():
    return str(os.environ.get('KIMOJIO_JOBS') or min(2, os.cpu_count() or 1))


def cmd_build(a):
    base = os.path.join(ROOT, 'build', a.scratch)
    src = os.path.join(base, 'src')
    m = None
    if a.mutant != 'none':
        # A planted mutant by name, or a generated one of the frozen plan by id (to judge a
        # survivor in another preset, e.g. the Debug build's assertions).
        m = named(a.mutant) or next((g for g in generated()[0] if g['id'] == a.mutant), None)
        if m is None:
            die('no named mutant %r (known: %s; or a generated id of %s)'
                % (a.mutant, ', '.join(x[0] for x in NAMED), os.path.relpath(PLAN, ROOT)))
    try:
        sync(ROOT, src, m)
    except Stale as e:
        die(str(e), 3)
    bdir = os.path.join(base, a.preset)
    configure(ROOT, src, bdir, a.preset)
    r = subprocess.run(['cmake', '--build', bdir, '-j', jobs(), '--target'] + a.targets,
                       stdout=subprocess.DEVNULL if a.quiet else None)
    if r.returncode:
        die('building %s in %s failed' % (' '.join(a.targets), bdir), r.returncode)
    print(os.path.relpath(bdir, ROOT))


def cmd_check(a):
    bad = 0
    for mid, f, old, new, desc in NAMED:
        with open(os.path.join(ROOT, f)) as fh:
            text = fh.read()
        try:
            apply_to_text(text, named(mid))
            print('%s (%s): applies to %s' % (mid, desc, f))
        except Stale as e:
            print(str(e), file=sys.stderr)
            bad += 1
    if bad:
        die('%d stale mutant(s)' % bad, 3)


def cmd_list(a):
    if a.generated:
        ms, total = generated(ROOT, a.count, a.seed)
        for m in ms:
            print('%s  %s:%d  %s' % (m['id'], m['file'], m['line'], m['kind']))
        print('%d of %d sites (seed %d)' % (len(ms), total, a.seed))
    else:
        for mid, f, old, new, desc in NAMED:
            print('%s  %s  %s' % (mid, f, desc))


if __name__ == '__main__':
    sys.path.insert(0, os.path.join(ROOT, 'ci', 'mutation'))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest='cmd', required=True)
    q = sp.add_parser('list')
    q.add_argument('--generated', action='store_true')
    q.add_argument('--count', type=int, default=240)
    q.add_argument('--seed', type=int, default=12)
    sp.add_parser('check')
    q = sp.add_parser('build')
    q.add_argument('scratch')
    q.add_argument('preset')
    q.add_argument('mutant')
    q.add_argument('targets', nargs='+')
    q.add_argument('--quiet', action='store_true')
    q = sp.add_parser('run')
    q.add_argument('--count', type=int, default=240)
    q.add_argument('--seed', type=int, default=12)
    q.add_argument('--max-minutes', type=float, default=0, help='stop starting mutants after this long')
    q.add_argument('--rejudge-survivors', action='store_true', help='judge the survivors again (after new tests)')
    q.add_argument('--rejudge', nargs='+', default=[], metavar='ID', help='judge these mutants again (after new tests)')
    q.add_argument('--only', nargs='+', default=[], metavar='ID',
                   help='judge only these mutants (with --rejudge: only those, again), leave the rest for later')
    q.add_argument('--results', default=RESULTS)
    q = sp.add_parser('report')
    q.add_argument('--count', type=int, default=240)
    q.add_argument('--seed', type=int, default=12)
    q.add_argument('--results', default=RESULTS)
    a = p.parse_args()
    if a.cmd in ('run', 'report'):
        import mutation_run
        getattr(mutation_run, a.cmd)(sys.modules[__name__], a)
    else:
        {'list': cmd_list, 'check': cmd_check, 'build': cmd_build}[a.cmd](a)
