#!/bin/sh
# Runs the CPU-time harness's `volatile-shapes` set (VolatileWriteShapeKernels: the 16-access u32
# volatile write loop in shapes that make the same stores and fences) in FORKS fresh JVMs and prints
# each shape's median ns per access per JVM, the load before and after, and the JVM's version.
# With `asm` as first argument it prints C2's code of those loops instead (needs gcc and Debian's
# libhsdis0-fcml, as print-loops.sh); `python3 benchmarks/asm/loop-bodies.py OUTPUT` counts them.
#
#   benchmarks/asm/volatile-write-shapes.sh [FORKS]      (default 3)
#   benchmarks/asm/volatile-write-shapes.sh asm > OUTPUT
#
# Run from the repository root after `mvn -B -pl benchmarks -am package -DskipTests`.
set -eu
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=${JAR:-benchmarks/target/benchmarks.jar}
flags="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms512m -Xmx512m --sun-misc-unsafe-memory-access=allow"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fork() {
    # shellcheck disable=SC2086
    timeout 300 "$java" $flags "$@" -cp "$jar" dev.sysmem.bench.cputime.CpuTimeFork --set volatile-shapes \
        --modes VOLATILE --config volatile-shapes --fork "$n" --rounds 100 --warmup-rounds 60 --slice-us 1000 \
        --out "$work/fork-$n.json"
}
if [ "${1:-}" = asm ]; then
    lib=/usr/lib/x86_64-linux-gnu/libhsdis.so.0
    [ -e "$lib" ] || { echo "missing $lib: apt-get install libhsdis0-fcml" >&2; exit 2; }
    gcc -shared -fPIC -O2 -o "$work/hsdis-amd64.so" "$(dirname "$0")/hsdis-fcml-adapter.c" "$lib"
    n=1
    LD_LIBRARY_PATH=$work fork -XX:+UnlockDiagnosticVMOptions -XX:PrintAssemblyOptions=intel -XX:CompileCommand=quiet \
        -XX:CompileCommand=print,dev.sysmem.bench.cputime.VolatileWriteShapeKernels::*
    exit 0
fi
forks=${1:-3}
n=1
while [ "$n" -le "$forks" ]; do
    fork
    n=$((n + 1))
done
python3 - "$work"/fork-*.json <<'PY'
import json, statistics, sys
forks = [json.load(open(f)) for f in sorted(sys.argv[1:])]
print(f"JVM: {forks[0]['jvm']}")
for f in forks:
    print(f"fork {f['fork']}: load {f['loadBefore']:.2f} before, {f['loadAfter']:.2f} after")
print("median ns per access, one column per JVM, [p10, p90] of the first")
for i, k in enumerate(forks[0]['kernels']):
    medians = [statistics.median(f['kernels'][i]['nsPerAccess']) for f in forks]
    q = statistics.quantiles(k['nsPerAccess'], n=10)
    print(f"{k['contender']:48s} " + "  ".join(f"{m:.2f}" for m in medians) + f"   [{q[0]:.2f}, {q[-1]:.2f}]")
PY
