#!/usr/bin/env bash
# bench/boot-time.sh [RUNS] [BUILD_DIR]: boot-time and image-size figures.
#
# Boots test=boot RUNS times (default 5) under BIOS and under UEFI with the
# accelerator ./dogma run would choose, and reports the medians of:
#   host    wall time from starting QEMU to the banner's "booted in" line on
#           the serial port (firmware + GRUB + kernel), read as it arrives
#   kernel  the kernel's own figure: kernel entry to banner, from the TSC
#   total   wall time until QEMU exits
# then the sizes of the kernel image. Prints figures; never fails on one.
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build}
source "$root/images/qemu.sh"

kernel=$build/microkernel/dogma.elf
[ -f "$kernel" ] || { echo "no kernel at $kernel: run ./dogma build first" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dogma-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/images/mkiso.sh" "$work/boot.iso" "$kernel" "$build/images/initrd.tar" \
    "$build/verifierd/verifierd.elf" "test=boot" 0
accel=$(dogma_qemu_accel auto)

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "?"}'; }

one_boot() { # prints: host_ms kernel_ms total_ms
    local fw=$1 qemu start banner_ns= kernel_ms=? line
    dogma_qemu_cmd qemu "$work/boot.iso" "$fw" "$accel" stdio
    start=$(date +%s%N)
    while IFS= read -r line; do
        case $line in
            *"booted in "*)
                banner_ns=$(date +%s%N)
                kernel_ms=$(sed -E 's/.*booted in ([0-9.]+) ms.*/\1/' <<<"$line") ;;
        esac
    done < <(timeout 120 "${qemu[@]}" </dev/null 2>/dev/null | tr -d '\r')
    local end
    end=$(date +%s%N)
    echo "$(( (${banner_ns:-$end} - start) / 1000000 )) $kernel_ms $(( (end - start) / 1000000 ))"
}

echo "boot time, $runs runs each, accelerator $accel, $(nproc) cores"
printf '%-6s %14s %16s %14s\n' firmware "host ms (med)" "kernel ms (med)" "total ms (med)"
for fw in bios uefi; do
    : > "$work/$fw"
    for _ in $(seq "$runs"); do one_boot "$fw" >> "$work/$fw"; done
    printf '%-6s %14s %16s %14s\n' "$fw" \
        "$(cut -d' ' -f1 "$work/$fw" | median)" \
        "$(cut -d' ' -f2 "$work/$fw" | median)" \
        "$(cut -d' ' -f3 "$work/$fw" | median)"
done

echo
echo "kernel image ($kernel)"
size_line=$(llvm-size-14 -A "$kernel" 2>/dev/null || size -A "$kernel")
awk '$1 ~ /^\.(boot|text|rodata|data|bss)/ {printf "  %-10s %8d bytes\n", $1, $2}' <<<"$size_line"
filesz=0 memsz=0
while read -r _ _ _ _ f m _; do
    filesz=$((filesz + f)) memsz=$((memsz + m))
done < <(readelf -lW "$kernel" | awk '$1 == "LOAD"')
echo "  loaded: $filesz bytes from the file, $memsz in memory"
echo "  file:   $(stat -c %s "$kernel") bytes (with symbols and debug information)"
echo "  ISO:    $(stat -c %s "$build/images/dogma.iso") bytes (GRUB for BIOS and UEFI included)"
