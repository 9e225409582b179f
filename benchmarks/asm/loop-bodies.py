#!/usr/bin/env python3
"""Cuts the innermost 16-access loop out of HotSpot's PrintAssembly output (print-loops.sh,
print-view-shapes.sh) and counts its instructions and memory loads, one line per compiled method.

    python3 benchmarks/asm/loop-bodies.py OUTPUT [NAME-PART]   (NAME-PART: also print those bodies)

Only C2's normal (not on-stack-replacement) compilation of each method is read. The inner loop is
the block that ends in the k loop's `cmp reg,40h` (u32: 16 x 4 bytes) or `80h` (u64) and `jl` back;
C2 unrolls and vectorizes the plain loops, which then have no such block and are not listed. A load
is an instruction whose source operand is memory (`mov/movsxd/movzx/add/cmp reg, [..]`); stores, whose
destination is memory, are not counted."""
import re
import sys

LOAD = re.compile(r'^\s*(mov|movsxd|movzx|add|cmp)\s+\w+,\s*(byte|word|dword|qword) ptr \[')
ADDRESS = re.compile(r'^\s*0x([0-9a-f]+):')


def bodies(text):
    lines = text.split('\n')
    starts = [i for i, l in enumerate(lines) if l.startswith('Compiled method (c2)')] + [len(lines)]
    found = {}
    for a, b in zip(starts, starts[1:]):
        header = lines[a]
        name = re.search(r'([\w.$]+)::(\w+)', header)
        if name is None or re.search(r'\s%\s', header):
            continue
        code = lines[a:b]
        for i, line in enumerate(code[:-1]):
            if re.search(r'cmp\s+\w+,(40h|80h)\s*$', line.split(';')[0].rstrip()) and re.search(r'\bjl\b', code[i + 1]):
                target = code[i + 1].split()[-1].rstrip('h')[-8:]
                head = next((j for j in range(i, 0, -1)
                             if ADDRESS.match(code[j]) and ADDRESS.match(code[j]).group(1).endswith(target)), None)
                if head is not None:
                    found[(name.group(2), name.group(1).split('.')[-1])] = [ADDRESS.sub('  ', l) for l in code[head:i + 2]]
                break
    return found


def main():
    found = bodies(open(sys.argv[1]).read())
    show = sys.argv[2] if len(sys.argv) > 2 else None
    for (method, holder), body in sorted(found.items()):
        loads = sum(1 for l in body if LOAD.match(l))
        print(f'{method:30s} {holder:20s} {len(body):3d} instructions, {loads:2d} loads per access')
        if show and show in method:
            print('\n'.join(body))


if __name__ == '__main__':
    main()
