#!/bin/sh
# Prints C2's assembly of one contender loop of the CPU-time harness (SysMem's, the raw VarHandle's,
# the raw VarHandle's through a holder record, and the constant-segment view's) for reading side by
# side. Needs gcc and Debian's libhsdis0-fcml (the FCML HotSpot disassembler plugin); hsdis-fcml-adapter.c gives that plugin the
# entry point JDK 9+ looks for. MODE may be a comma list (all four: the mixed JVM's profile).
#
#   benchmarks/asm/print-loops.sh [METHOD] [MODE]     e.g. read32OpaqueLoop16 OPAQUE (the defaults)
#
# Run from the repository root after `mvn -B -pl benchmarks -am package -DskipTests`; the output
# goes to stdout (tens of thousands of lines: search for "Compiled method (c2)").
set -eu
method=${1:-read32OpaqueLoop16}
mode=${2:-OPAQUE}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
lib=/usr/lib/x86_64-linux-gnu/libhsdis.so.0
[ -e "$lib" ] || { echo "missing $lib: apt-get install libhsdis0-fcml" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -O2 -o "$work/hsdis-amd64.so" "$(dirname "$0")/hsdis-fcml-adapter.c" "$lib"
LD_LIBRARY_PATH=$work timeout 300 "$java" --enable-native-access=ALL-UNNAMED \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms512m -Xmx512m --sun-misc-unsafe-memory-access=allow \
    -XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel -XX:CompileCommand=quiet \
    -XX:CompileCommand=print,dev.sysmem.bench.cputime.SysMemKernels::"$method" \
    -XX:CompileCommand=print,dev.sysmem.bench.cputime.RawKernels::"$method" \
    -XX:CompileCommand=print,dev.sysmem.bench.cputime.HeldSegmentKernels::"$method" \
    -XX:CompileCommand=print,dev.sysmem.bench.cputime.ConstantSegmentKernels::"$method" \
    -cp benchmarks/target/benchmarks.jar dev.sysmem.bench.cputime.CpuTimeFork --set access --modes "$mode" \
    --config asm --fork 1 --rounds 20 --warmup-rounds 100 --slice-us 1000 --out "$work/result.json"
