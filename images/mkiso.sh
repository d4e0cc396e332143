#!/usr/bin/env bash
# mkiso.sh OUT.iso KERNEL.elf INITRD.tar VERIFIERD.elf [CMDLINE] [TIMEOUT]
#
# Assembles a hybrid BIOS + UEFI bootable ISO with grub-mkrescue: the kernel,
# verifierd and the initrd as multiboot2 modules, and grub.cfg with the given kernel
# command line. Takes about half a second, so the test harness makes one per
# scenario with the scenario's command line.
set -euo pipefail

if [ $# -lt 4 ]; then
    echo "usage: $0 OUT.iso KERNEL.elf INITRD.tar VERIFIERD.elf [CMDLINE] [TIMEOUT]" >&2
    exit 2
fi
out=$1 kernel=$2 initrd=$3 verifierd=$4 cmdline=${5:-} timeout=${6:-0}
here=$(cd "$(dirname "$0")" && pwd)

# The command line goes into grub.cfg through sed: refuse what either
# would interpret.
case $cmdline in
    *[\"\\\$\;\|\&\'\`]*)
        echo "mkiso: the kernel command line may not contain \" \\ \$ ; | & ' or \`" >&2; exit 2 ;;
esac

stage=$(mktemp -d "${TMPDIR:-/tmp}/dogma-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/dogma.elf"
cp "$initrd" "$stage/boot/initrd.tar"
cp "$verifierd" "$stage/boot/verifierd.elf"
sed -e "s|@CMDLINE@|$cmdline|" -e "s|@TIMEOUT@|$timeout|" \
    "$here/grub.cfg.in" > "$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
if ! log=$(grub-mkrescue -o "$out.tmp" "$stage" 2>&1); then
    echo "mkiso: grub-mkrescue failed:" >&2
    echo "$log" >&2
    exit 1
fi
mv "$out.tmp" "$out"
