"""The mutation run and its report (ci/mutate.py run / report).

One scratch copy of the tree (build/mutation/src) is taken when the run starts, so edits
to the tree during a run do not leak into it. Two reused build directories: `release`
(g++, the release preset without examples and benchmarks) and `fuzz` (the fuzz preset,
clang). Per mutant: write the mutated file, incremental build, judge, write it back.

Judged by the fast suite, in this order, stopping at the first failure:
  0. for a header mutant (which rebuilds most targets): first only the few test binaries
     that most often kill mutants of that header (STAGE1), and their ctest tests; a failure
     there kills the mutant without the full build (same tests, same limits, so the same
     verdict; a survivor goes on to the full suite);
  1. ctest -L unit|props in `release` (and -L model for foreign_wake.hpp, the one file
     the Relacy model compiles: only it can see a weaker memory order);
  2. a replay (-runs=0) of the committed corpus in every fuzz harness;
  3. ctest -L unit|props again in `debug` (the asan preset: Debug, where
     KIMOJIO_DEBUG_ASSERTIONS code, the TaskStateCell borrow check like Rust's
     debug_assertions, and the standard library's assertions exist), for a mutant that
     passed 0-2: only there can a mutant of Debug-only code be seen.
killed: a check failed or timed out; survived: all passed; invalid: does not compile.
Results are appended to a JSONL file keyed by mutant id; a rerun skips judged ids.
"""
import json
import os
import re
import signal
import subprocess
import time

# Seconds for the ctest step of one mutant; past it the mutant is killed (a hang). The
# unmutated suite takes 10-20 s (unit + props) on 2 shared cores, ~60 s with the Relacy model.
TEST_LIMIT = 45
MODEL_TEST_LIMIT = 240
REPLAY_LIMIT = 120    # seconds for one harness's corpus replay
BUILD_LIMIT = 2400    # seconds for one incremental build (not the mutant's fault if slow)
DEBUG_TEST_LIMIT = 240  # the Debug (ASan+UBSan) suite takes ~45 s unmutated on 2 shared cores


# Header -> the test targets built and run first for its mutants (step 0 above): the
# binaries that killed most mutants of the source files, plus the header's own tests.
_CORE = ['test_runtime', 'props_oracle', 'test_task_state', 'test_io_scope_drain']
STAGE1 = {
    'port/include/kimojio/handle_table.hpp': ['test_handle_table', 'props_handle_table'],
    'port/include/kimojio/foreign_wake.hpp': ['props_foreign', 'test_cross_thread', 'test_waker'],
    'port/include/kimojio/task.hpp': _CORE,
    'port/include/kimojio/runtime.hpp': _CORE,
    'port/include/kimojio/task_state_cell.hpp': _CORE,
}


def labels_of(test):
    for p in test.get('properties', []):
        if p.get('name') == 'LABELS':
            return set(p.get('value', []))
    return set()


def test_numbers(rel, binaries):
    """ctest's numbers (1-based, as `ctest -I` takes them) of the fast suite's tests (labels
    unit, props: not a binary's props-deep run) that run one of `binaries` (so a stage runs
    no binary it has not just built)."""
    out = subprocess.run(['ctest', '--test-dir', rel, '--show-only=json-v1'], capture_output=True,
                         text=True, check=True).stdout
    return [i + 1 for i, t in enumerate(json.loads(out)['tests'])
            if labels_of(t) & {'unit', 'props'} and any(os.path.basename(c) in binaries for c in t.get('command', []))]


def run_tests(tool, rel, select, limit, log):
    """(ok, timed_out, seconds, name of the first failed test or None)."""
    ok, to, s = sh(['ctest', '--test-dir', rel] + select + ['-j', tool.jobs(), '--timeout', '60',
                                                           '--stop-on-failure', '--output-on-failure'], limit, log)
    failed = None
    if not ok:
        with open(log) as fh:
            # ctest's summary line: "<n> - <name, spaces allowed> (Failed)" and the like.
            found = re.findall(r'\d+ - (.+?) \((?:Failed|Timeout|SEGFAULT|Subprocess|Child|Exception|Not Run)', fh.read())
        failed = found[0] if found else None
    return ok, to, s, failed


def cmake_list(path, var):
    with open(path) as fh:
        m = re.search(r'set\(%s\s+([^)]*)\)' % var, fh.read())
    return m.group(1).split()


def targets(src):
    """The release build's targets (all of them: every test a label names is built, with
    examples and benchmarks off) and the fuzz harnesses."""
    fuzz = cmake_list(os.path.join(src, 'fuzz/CMakeLists.txt'), 'KIMOJIO_FUZZERS')
    return ['all'], fuzz


def sh(cmd, limit, log):
    """(ok, timed_out, seconds) of cmd, output appended to log."""
    t0 = time.time()
    with open(log, 'a') as out:
        out.write('$ %s\n' % ' '.join(cmd))
        out.flush()
        # Own process group: a timeout kills the tests ctest started too, so a hung
        # mutant leaves nothing running into the next one.
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return p.wait(timeout=limit) == 0, False, time.time() - t0
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return False, True, time.time() - t0


def judge(tool, base, m, rel_targets, fuzzers, log):
    """The record of one mutant (m None: the unmutated baseline)."""
    src = os.path.join(base, 'src')
    rel, fz, dbg = (os.path.join(base, d) for d in ('release', 'fuzz', 'debug'))
    rec = {'id': m['id'] if m else 'baseline'}
    if m:
        rec.update({k: m[k] for k in ('file', 'line', 'kind', 'old', 'new')})
    open(log, 'w').close()
    rec['build_s'] = rec['test_s'] = 0.0
    stage1 = STAGE1.get(m['file']) if m else None
    if stage1:
        numbers = test_numbers(rel, stage1)
        ok, to, s = sh(['cmake', '--build', rel, '-j', tool.jobs(), '--target'] + stage1, BUILD_LIMIT, log)
        rec['build_s'] += s
        if ok and numbers:
            ok, to, s, failed = run_tests(tool, rel, ['-I', '0,0,0,' + ','.join(map(str, numbers))], TEST_LIMIT, log)
            rec['test_s'] += s
            if not ok:
                rec['status'] = 'killed'
                rec['by'] = 'ctest %s%s (stage 1)' % (failed or ' '.join(stage1), ' (timeout)' if to else '')
                return rec
    ok, to, s = sh(['cmake', '--build', rel, '-j', tool.jobs(), '--target'] + rel_targets, BUILD_LIMIT, log)
    rec['build_s'] += s
    if not ok:
        rec['status'], rec['by'] = 'invalid', 'does not compile (g++)' if not to else 'build timed out'
        return rec
    labels = '^(unit|props|model)$' if m and m['file'] == tool.FW else '^(unit|props)$'
    ok, to, s, failed = run_tests(tool, rel, ['-L', labels], MODEL_TEST_LIMIT if 'model' in labels else TEST_LIMIT,
                                  log)
    rec['test_s'] += s
    if not ok:
        rec['status'] = 'killed'
        rec['by'] = 'ctest %s%s' % (failed or labels, ' (timeout)' if to else '')
        return rec
    ok, to, rec['fuzz_build_s'] = sh(['cmake', '--build', fz, '-j', tool.jobs(), '--target']
                                     + [f + '_fuzz' for f in fuzzers], BUILD_LIMIT, log)
    if not ok:
        rec['status'], rec['by'] = 'invalid', 'does not compile (clang, fuzz preset)'
        return rec
    rec['replay_s'] = 0.0
    for f in fuzzers:
        ok, to, s = sh([os.path.join(fz, 'fuzz', f + '_fuzz'), '-runs=0', '-timeout=25',
                        os.path.join(src, 'fuzz', 'corpus', f)], REPLAY_LIMIT, log)
        rec['replay_s'] += s
        if not ok:
            rec['status'], rec['by'] = 'killed', 'fuzz replay %s%s' % (f, ' (timeout)' if to else '')
            return rec
    ok, to, rec['debug_build_s'] = sh(['cmake', '--build', dbg, '-j', tool.jobs(), '--target'] + rel_targets,
                                      BUILD_LIMIT, log)
    if not ok:
        rec['status'], rec['by'] = 'invalid', 'does not compile (clang, Debug)'
        return rec
    ok, to, rec['debug_test_s'], failed = run_tests(tool, dbg, ['-L', '^(unit|props)$'], DEBUG_TEST_LIMIT, log)
    if not ok:
        rec['status'] = 'killed'
        rec['by'] = 'ctest %s (Debug build)%s' % (failed or 'unit|props', ' (timeout)' if to else '')
        return rec
    rec['status'], rec['by'] = 'survived', ''
    return rec


HERE = os.path.dirname(os.path.abspath(__file__))
EQUIVALENT = os.path.join(HERE, 'equivalent.txt')  # survivors that cannot change behaviour, with why
NOTES = os.path.join(HERE, 'notes.txt')  # survivors the fast suite cannot kill, with why (still survivors)


def load_reasons(path):
    """`<mutant id> <reason>` per line (# comments)."""
    reasons = {}
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith('#'):
                    mid, reason = line.split(None, 1)
                    reasons[mid] = reason
    return reasons


def load(path):
    done = {}
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    done[r['id']] = r
    return done


def plan(tool, a, src):
    ms, total = tool.generated(src, a.count, a.seed)
    # Source files first, grouped (a mutant rebuilds one object); then headers round-robin
    # across files (each rebuilds most targets anyway), so a partial run samples each file.
    rank, seen = {}, {}
    for m in ms:
        seen[m['file']] = seen.get(m['file'], -1) + 1
        rank[m['id']] = seen[m['file']]
    ms.sort(key=lambda m: (0, tool.GEN_FILES.index(m['file']), m['line']) if m['file'].endswith('.cpp')
            else (1, rank[m['id']], tool.GEN_FILES.index(m['file'])))
    return ms, total


def run(tool, a):
    base = os.path.join(tool.ROOT, 'build', 'mutation')
    src = os.path.join(base, 'src')
    results = os.path.join(tool.ROOT, a.results)
    os.makedirs(os.path.dirname(results), exist_ok=True)
    tool.sync(tool.ROOT, src)
    tool.configure(tool.ROOT, src, os.path.join(base, 'release'), 'release',
                   ['-DKIMOJIO_BUILD_EXAMPLES=OFF', '-DKIMOJIO_BUILD_BENCH=OFF'])
    tool.configure(tool.ROOT, src, os.path.join(base, 'fuzz'), 'fuzz')
    tool.configure(tool.ROOT, src, os.path.join(base, 'debug'), 'asan',
                   ['-DKIMOJIO_BUILD_EXAMPLES=OFF', '-DKIMOJIO_BUILD_BENCH=OFF'])
    rel_targets, fuzzers = targets(src)
    tool.freeze(src, a.count, a.seed)
    ms, total = plan(tool, a, src)
    done = load(results)
    if a.rejudge_survivors:
        # Judged again on the current tree (new tests): the newest record of an id wins.
        done = {k: r for k, r in done.items() if r['status'] != 'survived'}
    done = {k: r for k, r in done.items() if k not in a.rejudge}
    log = os.path.join(base, 'last.log')
    start = time.time()
    base_rec = judge(tool, base, None, rel_targets, fuzzers, log)
    if base_rec['status'] != 'survived':
        tool.die('the unmutated tree fails the fast suite (%s): fix that first; log: %s' % (base_rec['by'], log))
    print('baseline passes (build %.0f s, tests %.1f s, fuzz build %.0f s, replay %.1f s, Debug build %.0f s, '
          'Debug tests %.1f s)' % (base_rec['build_s'], base_rec['test_s'], base_rec['fuzz_build_s'],
                                   base_rec['replay_s'], base_rec['debug_build_s'], base_rec['debug_test_s']),
          flush=True)
    todo = [m for m in ms if m['id'] not in done and (not a.only or m['id'] in a.only)]
    print('%d mutants planned (%d sites, seed %d), %d judged before, %d to go'
          % (len(ms), total, a.seed, len(ms) - len(todo), len(todo)), flush=True)
    for i, m in enumerate(todo):
        if a.max_minutes and time.time() - start > a.max_minutes * 60:
            print('stopping: --max-minutes %g reached' % a.max_minutes)
            break
        path = os.path.join(src, m['file'])
        with open(path) as fh:
            original = fh.read()
        try:
            mutated = tool.apply_generated(original, m)
        except tool.Stale:
            # The frozen plan's snippet no longer occurs once: the code moved on. Recorded,
            # not judged, not counted.
            rec = {k: m[k] for k in ('id', 'file', 'line', 'kind', 'old', 'new')}
            rec.update({'status': 'stale', 'by': 'its snippet no longer occurs once in the file', 'seconds': 0})
            with open(results, 'a') as fh:
                fh.write(json.dumps(rec, sort_keys=True) + '\n')
            print('[%d/%d] %s %s:%d stale' % (i + 1, len(todo), m['id'], m['file'], m['line']), flush=True)
            continue
        t0 = time.time()
        try:
            with open(path, 'w') as fh:
                fh.write(mutated)
            rec = judge(tool, base, m, rel_targets, fuzzers, log)
        finally:
            with open(path, 'w') as fh:
                fh.write(original)
        rec['seconds'] = round(time.time() - t0, 1)
        for k in ('build_s', 'test_s', 'fuzz_build_s', 'replay_s', 'debug_build_s', 'debug_test_s'):
            if k in rec:
                rec[k] = round(rec[k], 1)
        with open(results, 'a') as fh:
            fh.write(json.dumps(rec, sort_keys=True) + '\n')
        print('[%d/%d] %s %s:%d %s: %s %s (%.0f s)' % (i + 1, len(todo), m['id'], m['file'], m['line'], m['kind'],
                                                      rec['status'], rec['by'], rec['seconds']), flush=True)
    report(tool, a)


def report(tool, a):
    src = os.path.join(tool.ROOT, 'build', 'mutation', 'src')
    ms, total = plan(tool, a, src if os.path.isdir(src) else tool.ROOT)
    done = load(os.path.join(tool.ROOT, a.results))
    recs = [done[m['id']] for m in ms if m['id'] in done]
    count, seed = a.count, a.seed
    st = lambda rs, s: sum(1 for r in rs if r['status'] == s)  # noqa: E731
    eq = load_reasons(EQUIVALENT)
    for r in recs:
        if r['status'] == 'survived' and r['id'] in eq:
            r['status'], r['by'] = 'equivalent', eq[r['id']]
    stale = [r for r in recs if r['status'] == 'stale']
    recs = [r for r in recs if r['status'] != 'stale']
    k, s, inv = st(recs, 'killed'), st(recs, 'survived'), st(recs, 'invalid')
    n_eq = st(recs, 'equivalent')
    score = lambda k, s: '%.0f%%' % (100.0 * k / (k + s)) if k + s else '-'  # noqa: E731
    out = ['# Mutation score', '',
           'Generated by `python3 ci/mutate.py run --count %d --seed %d` (resumable; results in `%s`),'
           % (count, seed, a.results),
           'this page by `python3 ci/mutate.py report`. Mutants: comparisons flipped, `if`/`while`',
           'conditions negated, integer constants changed (0<->1, n->n+1), memory orders weakened to',
           'relaxed, call/assignment statements deleted, simple if/else branches swapped, over the',
           'files below (%d sites; %d sampled with seed %d). Each is judged by the fast suite: the'
           % (total, len(ms), seed),
           '`unit` and `props` ctest labels of the release build (plus `model` for `foreign_wake.hpp`,',
           'the one file it compiles: the Relacy check and `memory_model`, the C++20 memory-model',
           'check of litmus programs built from that header\'s memory orders), then a replay of every fuzz harness\'s',
           'committed corpus (`-runs=0`), then, for one that passed all that, the `unit` and `props`',
           'labels of the Debug build (asan preset), where Debug-only code (the TaskStateCell borrow',
           'check, `KIMOJIO_DEBUG_ASSERTIONS`, the standard library\'s assertions) exists.',
           'Score = killed / (killed + survived); a mutant that does',
           'not compile is *invalid*, and a survivor that reading the code shows cannot change',
           'any behaviour is *equivalent* (reason listed below, from `ci/mutation/equivalent.txt`);',
           'neither is counted. A header mutant (which rebuilds most targets) is first run',
           'against the few test binaries that kill most mutants of its header (`STAGE1` in',
           '`ci/mutation/mutation_run.py`): a failure there kills it without the full rebuild;',
           'one that passes them goes through the whole fast suite.', '',
           'The sample is frozen in `ci/mutation/plan.json` (taken by the first run): later edits',
           'of the files do not change it; a planned mutant whose snippet no longer occurs once is',
           'recorded as *stale* and not counted.', '',
           '**Judged: %d of %d planned mutants.** Killed %d, survived %d, equivalent %d, invalid %d; score %s.%s'
           % (len(recs), len(ms), k, s, n_eq, inv, score(k, s),
              ' Stale: %d.' % len(stale) if stale else ''), '',
           '| file | planned | judged | killed | survived | equivalent | invalid | score |',
           '|---|---:|---:|---:|---:|---:|---:|---:|']
    for f in tool.GEN_FILES:
        fm = [m for m in ms if m['file'] == f]
        fr = [r for r in recs if r['file'] == f]
        out.append('| `%s` | %d | %d | %d | %d | %d | %d | %s |' % (
            f, len(fm), len(fr), st(fr, 'killed'), st(fr, 'survived'), st(fr, 'equivalent'), st(fr, 'invalid'),
            score(st(fr, 'killed'), st(fr, 'survived'))))
    timed = [r for r in recs if r['status'] != 'invalid']
    debug = [r for r in timed if 'debug_test_s' in r]
    if recs:
        avg = lambda key, rs: sum(r.get(key, 0) for r in rs) / max(1, len(rs))  # noqa: E731
        out += ['', '## Cost per mutant', '',
                'Mean over the %d judged mutants on this machine (2 shared cores): %.0f s in all; '
                'release build %.0f s, tests %.1f s, fuzz build %.0f s (only mutants that survive the '
                'tests), replay %.1f s; the Debug stage (%d mutants) %.0f s build, %.1f s tests. A header '
                'mutant rebuilds most targets; a source mutant one object.'
                % (len(recs), avg('seconds', recs), avg('build_s', recs), avg('test_s', timed),
                   avg('fuzz_build_s', timed), avg('replay_s', timed), len(debug), avg('debug_build_s', debug),
                   avg('debug_test_s', debug))]
        for ext in ('.cpp', '.hpp'):
            rs = [r for r in recs if r['file'].endswith(ext)]
            if rs:
                out.append('- `%s` mutants: %.0f s mean (%d judged)' % (ext, avg('seconds', rs), len(rs)))
    kinds = sorted({r['kind'].split(' ')[0] + ' ' + r['kind'].split(' ')[1] for r in recs})
    if kinds:
        out += ['', '| kind | judged | killed | survived | equivalent | invalid |', '|---|---:|---:|---:|---:|---:|']
        for kd in kinds:
            rs = [r for r in recs if r['kind'].startswith(kd)]
            out.append('| %s | %d | %d | %d | %d | %d |' % (kd, len(rs), st(rs, 'killed'), st(rs, 'survived'),
                                                        st(rs, 'equivalent'), st(rs, 'invalid')))
    out += ['', '## Survivors', '']
    surv = [r for r in recs if r['status'] == 'survived']
    if not surv:
        out.append('None among the judged mutants.')
    def line(r):
        old = r['old'].strip().splitlines()[0]
        new = r['new'].strip().splitlines()[0] if r['new'].strip() else '(deleted)'
        return '- `%s` %s:%d, %s: `%s` -> `%s`' % (r['id'], r['file'], r['line'], r['kind'], old, new)
    notes = load_reasons(NOTES)
    for r in surv:
        out.append(line(r) + ('  \n  Not killed: ' + notes[r['id']] if r['id'] in notes else ''))
    out += ['', '## Equivalent survivors', '']
    eqs = [r for r in recs if r['status'] == 'equivalent']
    if not eqs:
        out.append('None.')
    for r in eqs:
        out.append(line(r) + '  \n  Equivalent: ' + r['by'])
    out += ['', '## Not judged', '',
            '%d planned mutants are not judged yet; `python3 ci/mutate.py run` continues where this '
            'stopped.' % (len(ms) - len(recs))]
    with open(os.path.join(tool.ROOT, tool.REPORT), 'w') as fh:
        fh.write('\n'.join(out) + '\n')
    print('%s: %d of %d judged, killed %d, survived %d, invalid %d, score %s'
          % (tool.REPORT, len(recs), len(ms), k, s, inv, score(k, s)))
