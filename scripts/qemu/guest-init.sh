#!/bin/busybox sh
# PID 1 of the sysmem test guest (packed into an initramfs by setup.sh).
#
# It finds the ivshmem PCI device (1af4:1110) in /sys, enables it, reads the addresses of its BARs,
# and runs the guest side of one protocol with busybox devmem, chosen on the kernel command line:
#   sysmem.run=widths    host <-> guest values at 8/16/32/64 bits (ivshmem-plain)
#   sysmem.run=doorbell  IVPosition, Doorbell writes to a host peer, MSI-X from the host (ivshmem-doorbell)
#   sysmem.run=mailbox   drive sysmem.commands=N mailbox commands against the host's device
#   sysmem.run=shell     print the BAR addresses and open a shell on the console (the default)
# sysmem.timeout=S bounds every wait (seconds, default 60). The guest powers off when done; its last
# console line is "sysmem-guest: EXIT 0" on success. Offsets below are into BAR2, the shared memory;
# the host side of each protocol (in device-sim's tests) uses the same offsets.

/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "sysmem-guest: $*"; }
finish() { say "EXIT $1"; sync; poweroff -f; }
fail() { say "FAIL $*"; finish 1; }

param() {
    for word in $(cat /proc/cmdline); do
        case "$word" in "sysmem.$1="*) echo "${word#*=}"; return ;; esac
    done
    echo "$2"
}

RUN=$(param run shell)
TIMEOUT=$(param timeout 60)

now() { read -r up _ < /proc/uptime; echo "${up%.*}"; }

# The device: the first PCI function with ivshmem's vendor and device IDs.
DEV=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ]; then DEV=$d; break; fi
done
[ -n "$DEV" ] || fail "no ivshmem device (1af4:1110) in /sys/bus/pci/devices"
echo 1 > "$DEV/enable" || fail "cannot enable $DEV"
CFG=$DEV/config
bar() { sed -n "$(($1 + 1))p" "$DEV/resource" | cut -d' ' -f1; }
BAR0=$(bar 0)
BAR1=$(bar 1)
BAR2=$(bar 2)
BAR2_SIZE=$(( $(sed -n 3p "$DEV/resource" | cut -d' ' -f2) - BAR2 + 1 ))
[ $((BAR2)) -ne 0 ] || fail "BAR2 of $DEV is not assigned"
say "device $DEV BAR0=$BAR0 BAR1=$BAR1 BAR2=$BAR2 size=$BAR2_SIZE"

# Accesses to BAR2 (shared memory): rd OFFSET WIDTH, wr OFFSET WIDTH VALUE.
rd() { devmem $((BAR2 + $1)) "$2"; }
wr() { devmem $((BAR2 + $1)) "$2" "$3"; }
# Registers in BAR0 and the MSI-X table / PBA in BAR1 are 32-bit.
reg() { devmem $((BAR0 + $1)) 32 ${2:+"$2"}; }
msix() { devmem $((BAR1 + $1)) 32 ${2:+"$2"}; }
hex() { printf '0x%x' "$(($1))"; }

# wait_for OFFSET WIDTH VALUE WHAT: until BAR2[OFFSET] == VALUE, at most TIMEOUT seconds.
wait_for() {
    end=$(( $(now) + TIMEOUT ))
    while [ "$(( $(rd "$1" "$2") ))" != "$(( $3 ))" ]; do
        [ "$(now)" -lt "$end" ] || fail "timed out after ${TIMEOUT}s waiting for $4"
    done
}

# Configuration space, byte by byte through sysfs (root may write it).
cfg8() { od -An -tu1 -j "$1" -N 1 "$CFG" | tr -d ' '; }
setcfg8() { printf "\\$(printf %o "$2")" | dd of="$CFG" bs=1 seek="$1" count=1 conv=notrunc 2>/dev/null; }

# The offset of capability $1 in configuration space, or 0.
capability() {
    at=$(cfg8 0x34)
    while [ "$at" -ne 0 ]; do
        [ "$(cfg8 "$at")" -eq "$1" ] && { echo "$at"; return; }
        at=$(cfg8 $((at + 1)))
    done
    echo 0
}

# ---- widths -------------------------------------------------------------------------------------
# 0x00 u32 guest state (1 ready, 2 done)   0x04 u32 host state (1 values posted)
# 0x10 u8, 0x12 u16, 0x14 u32, 0x18 u64: values the host wrote
# 0x20 u8, 0x22 u16, 0x24 u32, 0x28 u64: the guest writes the complement of each, at its width
#      (0x21 is the host's sentinel byte: an 8- or 16-bit write that spills over would change it)
run_widths() {
    wr 0x00 32 1
    wait_for 0x04 32 1 "the host's values"
    for field in "0x10 8 0x20" "0x12 16 0x22" "0x14 32 0x24" "0x18 64 0x28"; do
        set -- $field
        value=$(rd "$1" "$2")
        if [ "$2" -eq 64 ]; then complement=$(( ~value )); else complement=$(( ~value & ((1 << $2) - 1) )); fi
        wr "$3" "$2" "$(hex "$complement")"
        say "u$2 read $value at $1, wrote $(hex "$complement") at $3"
    done
    wr 0x00 32 2
    say "PASS widths"
}

# ---- doorbell -----------------------------------------------------------------------------------
# 0x00 u32 guest state: 1 IVPosition posted, 2 doorbells written, 3 MSI-X armed, 4 done
# 0x04 u32 host state:  1 device ID posted, 2 the host rang vectors 0 and 1 (the guest then polls
#                       the pending bit of vector 1, which is masked)
# 0x08 u32 guest: IVPosition as read from BAR0      0x0c u32 host: the device's peer ID
# 0x10 u32 host: MSI-X message data for vector 0    0x100 u32: where vector 0's MSI-X message lands
# 0x18 u32 guest: the MSI-X pending bits (PBA) after the host rang
run_doorbell() {
    position=$(reg 8)
    wr 0x08 32 "$position"
    say "IVPosition $position"
    wr 0x00 32 1
    wait_for 0x04 32 1 "the device's peer ID"
    device=$(( $(rd 0x0c 32) ))
    reg 12 "$(hex $(( device << 16 | 0 )))"
    reg 12 "$(hex $(( device << 16 | 1 )))"
    reg 12 "$(hex $(( device << 16 | 1 )))"
    say "rang peer $device: vector 0 once, vector 1 twice"
    wr 0x00 32 2

    # MSI-X by hand: no driver owns the device, so enable memory and bus mastering, point vector 0's
    # message at BAR2+0x100 (a device write into the shared memory the host can see) and leave
    # vector 1 masked, so that a ring of it only sets its pending bit.
    cap=$(capability 17)
    [ "$cap" -ne 0 ] || fail "no MSI-X capability on $DEV"
    setcfg8 4 $(( $(cfg8 4) | 6 ))
    msix 0x00 "$(hex $(( (BAR2 + 0x100) & 0xffffffff )))"
    msix 0x04 "$(hex $(( (BAR2 + 0x100) >> 32 )))"
    msix 0x08 "$(rd 0x10 32)"
    msix 0x0c 0
    msix 0x1c 1
    setcfg8 $((cap + 3)) $(( ($(cfg8 $((cap + 3))) | 0x80) & ~0x40 ))
    say "MSI-X enabled (capability at $cap), vector 0 -> $(hex $((BAR2 + 0x100))) data $(rd 0x10 32)"
    wr 0x00 32 3

    wait_for 0x04 32 2 "the host's rings"
    end=$(( $(now) + TIMEOUT ))
    until [ $(( $(msix 0x800) & 2 )) -ne 0 ]; do
        [ "$(now)" -lt "$end" ] || fail "timed out after ${TIMEOUT}s waiting for vector 1 to become pending"
    done
    pending=$(msix 0x800)
    wr 0x18 32 "$pending"
    say "after the host rang: message at 0x100 = $(rd 0x100 32), pending bits $pending, IntrStatus $(reg 4)"
    wr 0x00 32 4
    say "PASS doorbell"
}

# ---- shell --------------------------------------------------------------------------------------
run_shell() {
    say "BAR2 (shared memory) is at $BAR2; try: devmem $BAR2 32"
    say "registers (BAR0) at $BAR0: IVPosition (this guest's peer ID) = $(reg 8)"
    say "ring vector V of peer P: devmem $(hex $((BAR0 + 12))) 32 \$(( P << 16 | V ))"
    say "leave the shell to power off"
    setsid cttyhack sh
}

case "$RUN" in
    widths) run_widths ;;
    doorbell) run_doorbell ;;
    shell) run_shell ;;
    *) fail "unknown sysmem.run=$RUN" ;;
esac
finish 0
