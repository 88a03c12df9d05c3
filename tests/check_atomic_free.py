#!/usr/bin/env python3
"""Fails if the named functions of a static library contain an atomic instruction.

Reads `objdump -d -r -C` of LIB and, for every function named with --function (its
demangled name, [clone .cold] parts included), rejects: `lock`-prefixed instructions,
`xchg` with a memory operand (implicitly locked), `mfence` / `lfence` / `sfence`, the
`syscall` instruction, and calls (relocations) to pthread, futex, syscall or
__atomic / __sync helpers. A named function that is missing is a failure too, so a
rename cannot make the check pass vacuously.

With --expect-violation the meaning flips: the check passes only if every named
function DOES contain such an instruction (used to show the checker bites).

With --rmw N each named function must contain exactly N read-modify-writes (`lock`-
prefixed instructions and `xchg` with memory); fences are allowed (mfence, or GCC's
`lock or $0,(%rsp)`, which touches only the thread's stack), syscalls and the calls
above are not. It counts the foreign path's RMWs on any machine.

Usage: check_atomic_free.py [--objdump OBJDUMP] [--expect-violation | --rmw N] LIB --function NAME...
"""
import argparse
import re
import subprocess
import sys

HEADER = re.compile(r"^[0-9a-f]+ <(.+)>:$")
BAD_INSN = re.compile(r"\b(lock|mfence|lfence|sfence|syscall)\b")
XCHG_MEM = re.compile(r"\bxchg[bwlq]?\s+.*\(")
RELOC = re.compile(r"R_X86_64_\w+\s+(\S+)")
BAD_CALL = re.compile(r"pthread|futex|syscall|__atomic|__sync")


def functions(disassembly):
    """Maps each demangled function name (clone suffix removed) to its lines."""
    blocks = {}
    current = None
    for line in disassembly.splitlines():
        m = HEADER.match(line)
        if m:
            current = re.sub(r" \[clone [^\]]*\]$", "", m.group(1))
            blocks.setdefault(current, [])
        elif current is not None and line.strip():
            blocks[current].append(line)
    return blocks


# GCC's seq_cst fence: a locked no-op on the thread's own stack (no shared line).
STACK_FENCE = re.compile(r"\block or[lq]?\s+\$0x0,(-?0x[0-9a-f]+)?\(%rsp\)")


def rmws(lines):
    found = []
    for line in lines:
        insn = line.split("\t", 1)[-1]
        if (re.search(r"\block\b", insn) and not STACK_FENCE.search(insn)) or XCHG_MEM.search(insn):
            found.append(line.strip())
    return found


def violations(lines):
    found = []
    for line in lines:
        insn = line.split("\t", 1)[-1]
        if BAD_INSN.search(insn) or XCHG_MEM.search(insn):
            found.append(line.strip())
        m = RELOC.search(line)
        if m and BAD_CALL.search(m.group(1)):
            found.append(line.strip())
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lib")
    parser.add_argument("--function", action="append", required=True)
    parser.add_argument("--objdump", default="objdump")
    parser.add_argument("--expect-violation", action="store_true")
    parser.add_argument("--rmw", type=int, help="exactly this many RMWs, fences allowed")
    args = parser.parse_args()

    out = subprocess.run([args.objdump, "-d", "-r", "-C", "--no-show-raw-insn", args.lib],
                         check=True, capture_output=True, text=True).stdout
    blocks = functions(out)
    passed = failed = 0
    for name in args.function:
        if name not in blocks:
            print(f"FAIL {name}: not found in {args.lib} (renamed or inlined away?)")
            failed += 1
            continue
        if args.rmw is not None:
            found = rmws(blocks[name])
            other = [v for v in violations(blocks[name])
                     if v not in found and not re.search(r"[mls]fence", v) and not STACK_FENCE.search(v)]
            if len(found) == args.rmw and not other:
                passed += 1
                print(f"ok   {name}: {len(found)} RMW(s), as expected")
            else:
                failed += 1
                print(f"FAIL {name}: expected {args.rmw} RMW(s), found {len(found)}; other atomics/calls: {len(other)}")
                for line in found + other:
                    print(f"       {line}")
            continue
        bad = violations(blocks[name])
        ok = bool(bad) if args.expect_violation else not bad
        if ok:
            passed += 1
            what = f"{len(bad)} atomic instruction(s), as expected" if args.expect_violation else "atomic-free"
            print(f"ok   {name}: {what}")
        else:
            failed += 1
            if args.expect_violation:
                print(f"FAIL {name}: expected an atomic instruction, found none")
            else:
                print(f"FAIL {name}:")
                for line in bad:
                    print(f"       {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
