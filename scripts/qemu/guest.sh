#!/usr/bin/env bash
# Boots the sysmem test guest (built by setup.sh) with an ivshmem device, in the foreground.
#
#   guest.sh --shm FILE [--run MODE] [--append "ARGS"] [-- QEMU-OPTIONS...]
#       ivshmem-plain: BAR2 of the guest is FILE (e.g. made by SharedMemory.create); its size must
#       be a power of two.
#   guest.sh --socket PATH [--vectors N] [--run MODE] [--append "ARGS"] [-- QEMU-OPTIONS...]
#       ivshmem-doorbell: connects to an ivshmem server (sysmem's, see IvshmemServeCommand);
#       N must be the server's vector count (default 1).
#
# MODE is the guest's sysmem.run (see guest-init.sh): shell (default), widths, doorbell, mailbox.
# --append adds kernel command-line words, e.g. "sysmem.commands=20 sysmem.timeout=30".
# Leave the guest's shell (or press Ctrl-A X) to stop QEMU.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "guest.sh: $*" >&2; exit 1; }

shm= socket= vectors=1 run=shell append=
while [ $# -gt 0 ]; do
    case "$1" in
        --shm) shm=${2:?}; shift 2 ;;
        --socket) socket=${2:?}; shift 2 ;;
        --vectors) vectors=${2:?}; shift 2 ;;
        --run) run=${2:?}; shift 2 ;;
        --append) append=${2:?}; shift 2 ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
if { [ -n "$shm" ] && [ -n "$socket" ]; } || { [ -z "$shm" ] && [ -z "$socket" ]; }; then
    die "give exactly one of --shm FILE and --socket PATH (see --help)"
fi

if [ -n "$shm" ]; then
    [ -f "$shm" ] || die "$shm does not exist (QEMU would create a file the host does not map)"
    size=$(stat -L -c %s "$shm")
    if [ "$size" -le 0 ] || [ $(( size & (size - 1) )) -ne 0 ]; then
        die "$shm is $size bytes, but an ivshmem BAR2 must be a power of two in size (QEMU aborts otherwise)"
    fi
    device=(-object "memory-backend-file,id=hostmem,size=$size,share=on,mem-path=$(realpath "$shm")"
            -device ivshmem-plain,memdev=hostmem)
else
    [ -S "$socket" ] || die "$socket is not a socket: start the ivshmem server first"
    device=(-chardev "socket,path=$(realpath "$socket"),id=ivshmem"
            -device "ivshmem-doorbell,chardev=ivshmem,vectors=$vectors")
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The cache setup.sh fills: $SYSMEM_QEMU_CACHE, else .cache/qemu in this checkout (the same rule as setup.sh and the tests).
cache=${SYSMEM_QEMU_CACHE:-$(cd "$here/../.." && pwd)/.cache/qemu}
properties="$cache/guest.properties"
[ -r "$properties" ] || die "$properties is missing: run scripts/qemu/setup.sh first"
prop() { sed -n "s/^$1=//p" "$properties"; }
qemu=$(prop qemu) kernel=$(prop kernel) initramfs=$(prop initramfs)
[ "$(sha256sum "$here/guest-init.sh" | cut -d' ' -f1)" = "$(prop init.sha256)" ] \
    || die "guest-init.sh changed since the initramfs was built: run scripts/qemu/setup.sh again"

exec "$qemu" -nographic -no-reboot -nic none -m 256M \
    -kernel "$kernel" -initrd "$initramfs" \
    -append "console=ttyS0 quiet panic=-1 sysmem.run=$run $append" \
    "${device[@]}" "$@"
