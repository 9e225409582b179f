#!/bin/sh
# Prints C2's code of ViewShapes.java's loops (the 16-access opaque read loop with the segment in a
# field or a local, through a record, a final view class, or an abstract view class) for reading
# side by side; `python3 benchmarks/asm/loop-bodies.py OUTPUT` cuts out and counts the loop bodies.
# Needs gcc and Debian's libhsdis0-fcml, as print-loops.sh. Run from anywhere; output to stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
lib=/usr/lib/x86_64-linux-gnu/libhsdis.so.0
[ -e "$lib" ] || { echo "missing $lib: apt-get install libhsdis0-fcml" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -O2 -o "$work/hsdis-amd64.so" "$here/hsdis-fcml-adapter.c" "$lib"
LD_LIBRARY_PATH=$work timeout 300 "$java" -XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel \
    -XX:CompileCommand=quiet -XX:CompileCommand='print,ViewShapes::*In*' "$here/ViewShapes.java"
