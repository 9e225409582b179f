#!/usr/bin/env bash
# Prepares this machine to boot the sysmem test guest under QEMU:
#   1. installs the Debian packages it needs, if any is missing (qemu-system-x86, a kernel from
#      linux-image-amd64, busybox-static, cpio);
#   2. builds the guest's initramfs (busybox + guest-init.sh) into the cache directory, again only
#      when guest-init.sh or busybox changed;
#   3. writes guest.properties there, which the tests and guest.sh read.
# Idempotent: with everything in place it changes nothing and takes well under a second.
#
# Cache directory: $SYSMEM_QEMU_CACHE, else .cache/qemu in this checkout (ignored by git). The
# QEMU tests and guest.sh look in the same place by the same rule; neither depends on $HOME, and two
# checkouts with different guest-init.sh never overwrite each other's guest.
# Where packages cannot be installed (not Debian, not root) it says so and exits 0, so the QEMU
# tests skip with a message; under CI=true that is an error instead, because CI must run them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SYSMEM_QEMU_CACHE:-$(cd "$here/../.." && pwd)/.cache/qemu}
packages=(qemu-system-x86 linux-image-amd64 busybox-static cpio)
busybox=/bin/busybox

say() { echo "sysmem qemu setup: $*" >&2; }

cannot() {
    if [ "${CI:-}" = true ]; then
        say "ERROR: $*"
        exit 1
    fi
    say "$* -- the QEMU tests will be skipped"
    exit 0
}

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

command -v dpkg-query >/dev/null 2>&1 || cannot "not a Debian system (no dpkg-query); install QEMU, a Linux kernel, busybox (static) and cpio yourself"

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || cannot "missing ${missing[*]}; run this script as root, or: sudo apt-get install --no-install-recommends ${missing[*]}"
    say "installing ${missing[*]} (once; a few minutes)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

qemu=$(command -v qemu-system-x86_64) || cannot "qemu-system-x86_64 is not on PATH"
[ -x "$busybox" ] || cannot "$busybox is missing (package busybox-static)"
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || cannot "no kernel in /boot (package linux-image-amd64)"
[ -r "$kernel" ] || cannot "$kernel is not readable by $(id -un); run as root or make it readable"

init="$here/guest-init.sh"
init_sha=$(sha256sum "$init" | cut -d' ' -f1)
busybox_sha=$(sha256sum "$busybox" | cut -d' ' -f1)
stamp=$(printf '%s %s\n' "$init_sha" "$busybox_sha" | sha256sum | cut -c1-16)
initramfs="$cache/initramfs-$stamp.cpio.gz"

# Owner-only whatever the caller's umask: made under umask 077 (no moment in which it is open),
# narrowed if it existed already.
(umask 077 && mkdir -p "$cache")
chmod 0700 "$cache"
if [ ! -s "$initramfs" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/root/bin" "$work/root/dev" "$work/root/proc" "$work/root/sys"
    cp "$busybox" "$work/root/bin/busybox"
    cp "$init" "$work/root/init"
    chmod 0755 "$work/root/init" "$work/root/bin/busybox"
    (cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$work/initramfs.cpio.gz"
    rm -f "$cache"/initramfs-*.cpio.gz
    mv "$work/initramfs.cpio.gz" "$initramfs"
    say "built $initramfs"
fi

properties="$cache/guest.properties"
cat > "$properties.tmp" <<EOF
# Written by scripts/qemu/setup.sh; read by the QEMU tests and scripts/qemu/guest.sh.
qemu=$qemu
kernel=$kernel
initramfs=$initramfs
init.sha256=$init_sha
EOF
mv "$properties.tmp" "$properties"
say "ready: $properties"
