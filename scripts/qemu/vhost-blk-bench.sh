#!/usr/bin/env bash
# 4 KiB block I/O from the same Linux guest against two virtio-blk disks of the same size:
#   vhost-user  sysmem's back-end (sysmem-sim serve vhost-user-blk: the RamDisk in a JVM, rings
#               shared with the guest), QEMU -device vhost-user-blk-pci
#   in-process  QEMU's own virtio-blk on a RAM-backed file: -drive file=/dev/shm/...,if=virtio,cache=none
# The guest (guest-init.sh, sysmem.run=blk-bench) times O_DIRECT dd runs of 4 KiB requests on
# /dev/vda: one dd (queue depth 1: per-request latency) and JOBS dd's at once (throughput), reads
# and writes. The two disks alternate, RUNS times each, so a change in machine load hits both.
#
#   vhost-blk-bench.sh [--runs N] [--count N] [--jobs J] [--size 64M] [--out FILE]
#
# Prints a Markdown table (and writes it to FILE) with the load average before and after.
# Needs scripts/qemu/setup.sh to have prepared the guest. Every QEMU and back-end it starts is
# stopped on exit; every wait is bounded.
set -euo pipefail

runs=3 count=2000 jobs=4 size=64M out=
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=${2:?}; shift 2 ;;
        --count) count=${2:?}; shift 2 ;;
        --jobs) jobs=${2:?}; shift 2 ;;
        --size) size=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "vhost-blk-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# The cache setup.sh fills: $SYSMEM_QEMU_CACHE, else .cache/qemu in this checkout (the same rule as setup.sh).
cache=${SYSMEM_QEMU_CACHE:-$root/.cache/qemu}
properties="$cache/guest.properties"
[ -r "$properties" ] || { echo "vhost-blk-bench.sh: $properties is missing: run scripts/qemu/setup.sh" >&2; exit 1; }
prop() { sed -n "s/^$1=//p" "$properties"; }
qemu=$(prop qemu) kernel=$(prop kernel) initramfs=$(prop initramfs)

work=$(mktemp -d)
chmod 0700 "$work"
image=/dev/shm/sysmem-vhost-bench-$$.img
backend_pid=
cleanup() {
    [ -n "$backend_pid" ] && kill "$backend_pid" 2>/dev/null && wait "$backend_pid" 2>/dev/null || true
    rm -rf "$work" "$image"
}
trap cleanup EXIT

bytes=$(numfmt --from=iec "$size")
truncate -s "$bytes" "$image"

# The back-end runs for the whole benchmark; the guest reconnects to it for each vhost run.
"$root/scripts/sysmem-sim.sh" serve vhost-user-blk --socket "$work/blk.sock" --size "$size" > "$work/backend.log" 2>&1 &
backend_pid=$!
for _ in $(seq 1 1200); do
    [ -S "$work/blk.sock" ] && break
    kill -0 "$backend_pid" 2>/dev/null || { cat "$work/backend.log" >&2; exit 1; }
    sleep 0.5
done
[ -S "$work/blk.sock" ] || { echo "vhost-blk-bench.sh: the back-end did not listen within 10 minutes" >&2; exit 1; }

# boot DISK-OPTIONS...: one guest run; its BENCH lines on stdout.
boot() {
    timeout 600 "$qemu" -nographic -no-reboot -nic none -m 256M \
        -machine memory-backend=guest-ram -object memory-backend-memfd,id=guest-ram,size=256M,share=on \
        -kernel "$kernel" -initrd "$initramfs" \
        -append "console=ttyS0 quiet panic=-1 sysmem.run=blk-bench sysmem.count=$count sysmem.jobs=$jobs sysmem.timeout=300" \
        "$@" < /dev/null > "$work/console.log" 2>&1 || true
    grep -q "sysmem-guest: PASS blk-bench" "$work/console.log" || { echo "guest run failed:" >&2; cat "$work/console.log" >&2; exit 1; }
    grep -a "sysmem-guest: BENCH" "$work/console.log" | sed 's/.*BENCH //'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$work/results"
for run in $(seq 1 "$runs"); do
    boot -chardev "socket,id=vhost-blk,path=$work/blk.sock" -device vhost-user-blk-pci,chardev=vhost-blk,num-queues=1 \
        | sed "s/^/vhost-user /" >> "$work/results"
    boot -drive "file=$image,if=virtio,format=raw,cache=none" | sed "s/^/in-process /" >> "$work/results"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Lines: DISK OP qd1|jobs=J requests=N centis=C. Best (lowest time) of the runs, and the median.
table=$(awk -v runs="$runs" '
    { split($4, r, "="); split($5, c, "="); key = $1 " " $2 " " $3; n[key]++; t[key, n[key]] = c[2] + 0; req[key] = r[2] + 0 }
    END {
        printf "| disk | op | concurrency | requests | best: IOPS | best: MiB/s | best: us/request | median: IOPS | worst: IOPS |\n"
        printf "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for (key in n) {
            m = n[key]
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (t[key, j] < t[key, i]) { x = t[key, i]; t[key, i] = t[key, j]; t[key, j] = x }
            best = t[key, 1]; med = t[key, int((m + 1) / 2)]; worst = t[key, m]
            if (best < 1) best = 1
            if (med < 1) med = 1
            if (worst < 1) worst = 1
            split(key, k, " ")
            conc = k[3] == "qd1" ? "1 dd (QD1)" : k[3] " dd"
            iops = req[key] * 100 / best
            latency = conc ~ /QD1/ ? sprintf("%.0f", best * 10000 / req[key]) : "-"
            printf "| %s | %s | %s | %d | %.0f | %.2f | %s | %.0f | %.0f |\n", k[1], k[2], conc, req[key], iops, iops * 4 / 1024, latency, req[key] * 100 / med, req[key] * 100 / worst
        }
    }' "$work/results" | { read -r h1; read -r h2; echo "$h1"; echo "$h2"; sort; })

report() {
    echo "## vhost-user-blk (sysmem) vs QEMU in-process virtio-blk, 4 KiB O_DIRECT"
    echo
    echo "- $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r), QEMU $("$qemu" --version | head -n 1 | sed 's/.*version //'), TCG (no KVM), guest kernel $(basename "$kernel")"
    echo "- $runs runs per disk, alternating; $count requests per dd, $jobs dd's for the parallel rows; disk $size"
    echo "- load average (1/5/15 min) before: $load_before; after: $load_after"
    echo "- us/request is the QD1 latency (elapsed / requests; guest clock resolution 10 ms over the whole dd)"
    echo
    echo "$table"
    echo
    echo "Raw guest lines (disk op concurrency requests centiseconds):"
    echo
    sed 's/^/    /' "$work/results"
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
