#!/bin/busybox sh
# PID 1 of the sysmem test guest (packed into an initramfs by setup.sh).
#
# It finds the ivshmem PCI device (1af4:1110) in /sys, enables it, reads the addresses of its BARs,
# and runs the guest side of one protocol with busybox devmem, chosen on the kernel command line:
#   sysmem.run=widths    host <-> guest values at 8/16/32/64 bits (ivshmem-plain)
#   sysmem.run=doorbell  IVPosition, Doorbell writes to a host peer, MSI-X from the host (ivshmem-doorbell)
#   sysmem.run=mailbox   drive sysmem.commands=N mailbox commands against the host's device
#                        (sysmem.peer=P: also ring peer P's vector 0 after each, with ivshmem-doorbell)
#   sysmem.run=shell     print the BAR addresses and open a shell on the console (the default)
#   sysmem.run=blk       virtio-blk (no ivshmem): load the virtio modules, write a random pattern
#                        across /dev/vda, read it back, then run readers and writers at once for
#                        sysmem.seconds=S (default 5); prints the checksums the host compares
#   sysmem.run=blk-bench 4 KiB O_DIRECT reads and writes on /dev/vda, one at a time (latency) and
#                        from sysmem.jobs=J parallel dd's (throughput), sysmem.count=N requests each
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

# The ivshmem device: the first PCI function with ivshmem's vendor and device IDs.
find_ivshmem() {
    DEV=
    for d in /sys/bus/pci/devices/*; do
        if [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ]; then DEV=$d; break; fi
    done
    [ -n "$DEV" ] || fail "no ivshmem device (1af4:1110) in /sys/bus/pci/devices"
    echo 1 > "$DEV/enable" || fail "cannot enable $DEV"
    CFG=$DEV/config
    BAR0=$(bar 0)
    BAR1=$(bar 1)
    BAR2=$(bar 2)
    BAR2_SIZE=$(( $(sed -n 3p "$DEV/resource" | cut -d' ' -f2) - BAR2 + 1 ))
    [ $((BAR2)) -ne 0 ] || fail "BAR2 of $DEV is not assigned"
    say "device $DEV BAR0=$BAR0 BAR1=$BAR1 BAR2=$BAR2 size=$BAR2_SIZE"
}
bar() { sed -n "$(($1 + 1))p" "$DEV/resource" | cut -d' ' -f1; }

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

# ---- mailbox ------------------------------------------------------------------------------------
# The mailbox register block (dev.sysmem.sim.mailbox.MailboxLayout) is at BAR2+0:
#   0x00 MAGIC 0x584f424d, 0x08 DEVICE_STATE (1 ready), 0x10 COMMAND, 0x18 ARG0 (u64), 0x20 ARG1 (u64),
#   0x28 RESULT (u64), 0x30 STATUS, 0x38 DOORBELL, 0x3c COMPLETED, 0x100.. DATA.
# Commands: 1 ECHO (RESULT = ARG0), 2 ADD (ARG0 + ARG1), 3 CRC32 (of ARG1 bytes at offset ARG0).
# With sysmem.peer=P (ivshmem-doorbell) the guest also rings vector 0 of peer P after each request.
# The test's own words are at BAR2+0x10000 (outside the mailbox):
#   +0x00 u32 guest state: 1 started, 2 done      +0x04 u32 commands completed with the expected result
#   +0x08 u64 the CRC32 result                    +0x100 + 8*(i-1) u64: RESULT of command i
MB_CTL=0x10000
mailbox_request() { # COMMAND ARG0 ARG1 -> sets STATUS and RESULT
    wr 0x10 32 "$1"
    wr 0x18 64 "$(hex "$2")"
    wr 0x20 32 "$(hex $(( $3 & 0xffffffff )))"          # ARG1 as two 32-bit halves, low first
    wr 0x24 32 "$(hex $(( ($3 >> 32) & 0xffffffff )))"
    seq=$(( ($(rd 0x38 32) + 1) & 0xffffffff ))
    wr 0x38 32 "$(hex "$seq")"                          # x86 keeps stores in order: the doorbell is last
    [ -n "$PEER" ] && reg 12 "$(hex $(( PEER << 16 )))"
    wait_for 0x3c 32 "$seq" "completion of request $seq"
    STATUS=$(( $(rd 0x30 32) ))
    RESULT=$(rd 0x28 64)
}

run_mailbox() {
    count=$(param commands 10)
    PEER=$(param peer "")
    wr $MB_CTL 32 1
    wait_for 0x00 32 0x584f424d "the mailbox device (MAGIC)"
    wait_for 0x08 32 1 "the mailbox device to be ready"
    good=0 i=1
    while [ "$i" -le "$count" ]; do
        a0=$(( (i << 40) | (i * 12345) ))
        a1=$(( -(i * 1000003) ))
        if [ $(( i % 3 )) -eq 0 ]; then cmd=1 want=$a0; else cmd=2 want=$(( a0 + a1 )); fi
        mailbox_request "$cmd" "$a0" "$a1"
        wr $((MB_CTL + 0x100 + 8 * (i - 1))) 64 "$RESULT"
        if [ "$STATUS" -eq 0 ] && [ $(( RESULT == want )) -eq 1 ]; then
            good=$((good + 1))
        else
            say "command $i ($cmd $(hex "$a0") $(hex "$a1")): status $STATUS result $RESULT, expected $(hex "$want")"
        fi
        i=$((i + 1))
    done
    # 32 bytes of DATA, (k * 37 + 11) & 0xff, the first half in 16-bit stores, the rest in 8-bit ones.
    k=0
    while [ $k -lt 16 ]; do
        wr $((0x100 + k)) 16 "$(hex $(( ((k * 37 + 11) & 0xff) | ((((k + 1) * 37 + 11) & 0xff) << 8) )))"
        k=$((k + 2))
    done
    while [ $k -lt 32 ]; do wr $((0x100 + k)) 8 "$(hex $(( (k * 37 + 11) & 0xff )))"; k=$((k + 1)); done
    mailbox_request 3 0x100 32
    [ "$STATUS" -eq 0 ] || fail "CRC32 returned status $STATUS"
    wr $((MB_CTL + 8)) 64 "$RESULT"
    wr $((MB_CTL + 4)) 32 "$good"
    wr $MB_CTL 32 2
    say "mailbox: $good of $count commands as expected, CRC32 $RESULT"
    [ "$good" -eq "$count" ] || fail "mailbox: only $good of $count commands gave the expected result"
    say "PASS mailbox"
}

# ---- shell --------------------------------------------------------------------------------------
run_shell() {
    say "B=$BAR2: BAR2, the shared memory; try: devmem \$B 32"
    say "R=$BAR0: BAR0, the registers; IVPosition (this guest's peer ID) = $(reg 8)"
    say "ring vector V of peer P: devmem \$((R + 12)) 32 \$(( P << 16 | V ))"
    say "leave the shell to power off"
    B=$BAR2 R=$BAR0 setsid cttyhack sh
}

# ---- blk ----------------------------------------------------------------------------------------
# Time in centiseconds since boot (/proc/uptime), for durations.
centis() { read -r up _ < /proc/uptime; echo $(( ${up%.*} * 100 + 10#${up#*.} )); }
# MD5 finds any changed byte and is the cheapest digest busybox has under TCG; nothing here is adversarial.
digest() { md5sum | cut -d' ' -f1; }

# Loads the virtio modules from the initramfs and waits for /dev/vda; DISK_BYTES is its size.
blk_device() {
    for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
        insmod "/lib/modules/$m.ko" || fail "insmod $m failed"
    done
    end=$(( $(now) + TIMEOUT ))
    until [ -b /dev/vda ]; do
        [ "$(now)" -lt "$end" ] || fail "timed out after ${TIMEOUT}s waiting for /dev/vda"
        usleep 50000
    done
    DISK_BYTES=$(blockdev --getsize64 /dev/vda)
    FEATURES=$(cat /sys/block/vda/device/features)
    say "disk /dev/vda $DISK_BYTES bytes, serial '$(cat /sys/block/vda/serial 2>/dev/null)', features $FEATURES"
}

# The pattern: random bytes across the whole disk, written with O_DIRECT and read back the same way.
# The second half is then split between two writers; the first half is what the readers check.
run_blk() {
    seconds=$(param seconds 5)
    blk_device
    mkdir -p /tmp
    mib=$(( DISK_BYTES >> 20 ))
    [ "$mib" -ge 4 ] && [ $(( DISK_BYTES & 0xfffff )) -eq 0 ] || fail "the disk must be a whole number of MiB, at least 4"
    half=$(( mib / 2 )) quarter=$(( mib / 4 ))
    t0=$(centis)
    dd if=/dev/urandom of=/tmp/pattern bs=1M count="$mib" 2>/dev/null || fail "cannot make the pattern"
    pattern=$(digest < /tmp/pattern)
    dd if=/tmp/pattern of=/dev/vda bs=64k oflag=direct 2>/dev/null || fail "dd of the pattern to /dev/vda failed"
    back=$(dd if=/dev/vda bs=64k iflag=direct 2>/dev/null | digest)
    say "pattern md5 $pattern, read back $back ($(( $(centis) - t0 ))0 ms)"
    [ "$pattern" = "$back" ] || fail "the disk read back differs from the pattern written"
    say "PATTERN $pattern"

    # Readers and writers at once, 4 KiB requests, until the deadline. The readers check 1 MiB
    # windows of the first half, which nobody writes any more, against the pattern.
    k=0
    while [ $k -lt "$half" ]; do
        dd if=/tmp/pattern bs=1M skip=$k count=1 2>/dev/null | digest > /tmp/window.$k
        k=$(( k + 1 ))
    done
    for w in 0 1; do
        dd if=/dev/urandom of=/tmp/w$w.0 bs=1M count="$quarter" 2>/dev/null
        dd if=/dev/urandom of=/tmp/w$w.1 bs=1M count="$quarter" 2>/dev/null
    done
    stop=$(( $(centis) + seconds * 100 ))
    for w in 0 1; do
        (
            n=0
            while [ "$(centis)" -lt "$stop" ]; do
                dd if=/tmp/w$w.$(( n % 2 )) of=/dev/vda bs=4k seek=$(( (half + w * quarter) * 256 )) \
                    oflag=direct conv=notrunc 2>/dev/null || { echo "writer $w: dd failed" > /tmp/w$w.error; exit 1; }
                n=$(( n + 1 ))
            done
            echo $(( (n - 1) % 2 )) > /tmp/w$w.last
            echo "$n" > /tmp/w$w.rounds
        ) &
    done
    for r in 0 1; do
        (
            n=0 bad=0
            while [ "$(centis)" -lt "$stop" ]; do
                k=$(( (n * 2 + r) % half ))
                got=$(dd if=/dev/vda bs=4k skip=$(( k * 256 )) count=256 iflag=direct 2>/dev/null | digest)
                [ "$got" = "$(cat /tmp/window.$k)" ] || bad=$(( bad + 1 ))
                n=$(( n + 1 ))
            done
            echo "$n $bad" > /tmp/r$r.result
        ) &
    done
    wait
    for w in 0 1; do
        [ ! -e /tmp/w$w.error ] || fail "$(cat /tmp/w$w.error)"
        [ -e /tmp/w$w.last ] || fail "writer $w never finished a round"
    done
    reads=0
    for r in 0 1; do
        set -- $(cat /tmp/r$r.result)
        reads=$(( reads + $1 ))
        [ "$2" -eq 0 ] || fail "reader $r saw $2 of $1 reads of the pattern's first half differ from it"
    done
    expected=$( { head -c $(( half << 20 )) /tmp/pattern; cat /tmp/w0.$(cat /tmp/w0.last) /tmp/w1.$(cat /tmp/w1.last); } | digest)
    final=$(dd if=/dev/vda bs=64k iflag=direct 2>/dev/null | digest)
    say "stress: ${seconds}s, writer rounds $(cat /tmp/w0.rounds) and $(cat /tmp/w1.rounds) of ${quarter} MiB, $reads reads of 1 MiB, all as expected"
    [ "$final" = "$expected" ] || fail "after the stress run the disk reads $final, expected $expected"
    say "DISK $final"
    say "PASS blk"
}

# 4 KiB O_DIRECT requests: latency one at a time, throughput from JOBS parallel dd's.
run_blk_bench() {
    count=$(param count 2000)
    jobs=$(param jobs 4)
    blk_device
    span=$(( DISK_BYTES / 4096 / jobs ))
    [ "$span" -ge "$count" ] || fail "the disk holds $(( DISK_BYTES / 4096 )) blocks, fewer than jobs x count"
    for op in write read; do
        if [ $op = write ]; then io="if=/dev/zero of=/dev/vda oflag=direct conv=notrunc"; else io="if=/dev/vda of=/dev/null iflag=direct"; fi
        t0=$(centis)
        dd $io bs=4k count="$count" 2>/dev/null || fail "dd $op failed"
        t1=$(centis)
        say "BENCH $op qd1 requests=$count centis=$(( t1 - t0 ))"
        t0=$(centis)
        j=0
        while [ $j -lt "$jobs" ]; do
            if [ $op = write ]; then pos="seek=$(( j * span ))"; else pos="skip=$(( j * span ))"; fi
            dd $io bs=4k count="$count" $pos 2>/dev/null &
            j=$(( j + 1 ))
        done
        wait
        t1=$(centis)
        say "BENCH $op jobs=$jobs requests=$(( jobs * count )) centis=$(( t1 - t0 ))"
    done
    say "PASS blk-bench"
}

case "$RUN" in
    widths) find_ivshmem; run_widths ;;
    doorbell) find_ivshmem; run_doorbell ;;
    mailbox) find_ivshmem; run_mailbox ;;
    shell) find_ivshmem; run_shell ;;
    blk) run_blk ;;
    blk-bench) run_blk_bench ;;
    *) fail "unknown sysmem.run=$RUN" ;;
esac
finish 0
