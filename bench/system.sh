#!/usr/bin/env bash
# bench/system.sh [RUNS] [BUILD_DIR]: the booted system's figures.
#
#   boot to the prompt  wall time from starting QEMU to the shell's prompt,
#                       and the kernel's own clock at the shell's start (its
#                       "Booted in N ms"), under BIOS and UEFI; the target
#                       is under 3 s without KVM (DESIGN.md section 12)
#   run to first output `time run hello` in the shell: when verifierd's
#                       reply arrived, when the program first wrote, when
#                       it ended, on the kernel's clock
#   translation         verifierd inside the OS (`verify` of a module of
#                       about 1 MB: decode, validate, verify (the first
#                       pass), translate with strategy proved, lay out)
#                       against dogma-run on the host translating the same
#                       module with the same strategy (checked)
#
# RUNS boots of each firmware (default 3); medians. Prints figures; never
# fails on one. Needs ./dogma build first.
set -uo pipefail
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build}
# shellcheck source=../tests/system/serial.sh
source "$root/tests/system/serial.sh"

iso=$build/images/dogma.iso
[ -f "$iso" ] || { echo "no ISO at $iso: run ./dogma build first" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dogma-bench-system.XXXXXX")
trap 'sys_stop; rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "?"}'; }

# A module of about 1 MB that verifierd accepts: the shell's, its
# functions and data repeated (bench/replicate.c: the same instruction mix).
cc -O2 -o "$work/replicate" "$root/bench/replicate.c"
"$work/replicate" "$build/modules/shell.wasm" 22 "$work/big.wasm"
big_bytes=$(stat -c %s "$work/big.wasm")
stage=$work/stage
cp -R "$build/images/initrd-stage" "$stage"
cp "$work/big.wasm" "$stage/bin/big.wasm"
tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$work/initrd.tar" -C "$stage" .
"$root/images/mkiso.sh" "$work/bench.iso" "$build/microkernel/dogma.elf" "$work/initrd.tar" \
    "$build/verifierd/verifierd.elf" "" 0

accel=$(dogma_qemu_accel auto)
echo "the booted system, $runs boots per firmware, accelerator $accel, $(nproc) cores"
printf '%-6s %20s %22s\n' firmware "to prompt, wall ms" "kernel clock at shell"
for fw in bios uefi; do
    : > "$work/$fw.wall"
    : > "$work/$fw.kernel"
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        sys_boot "$work" "$work/bench.iso" "$fw"
        sys_expect "$SYS_PROMPT" 120
        echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/$fw.wall"
        sys_since_mark | sed -nE 's/.*Booted in ([0-9]+) ms.*/\1/p' | head -1 >> "$work/$fw.kernel"
        if [ "$fw" = bios ]; then
            sys_cmd "time run hello"
            sys_since_mark | sed -nE 's/.*loaded .* after ([0-9]+) us \(verifierd: ([0-9]+) us\), first output after ([0-9]+) us.*/\1 \2 \3/p' \
                >> "$work/run"
            sys_cmd "verify big"
            sys_since_mark | sed -nE 's/.*verified in ([0-9]+) us.*/\1/p' >> "$work/verify"
        fi
        sys_stop
    done
    printf '%-6s %20s %19s ms\n' "$fw" "$(median < "$work/$fw.wall")" \
        "$(median < "$work/$fw.kernel")"
done

echo
echo "run hello (kernel clock, medians of $runs):"
echo "  verifierd's reply with the process:  $(cut -d' ' -f1 "$work/run" | median) us" \
     "(of which verifierd's own work: $(cut -d' ' -f2 "$work/run" | median) us)"
echo "  the program's first output:          $(cut -d' ' -f3 "$work/run" | median) us"

os_us=$(median < "$work/verify")
host_line=$("$build/libabi/dogma-run" --stats --no-run --strategy proved "$work/big.wasm" 2>&1 |
            grep -E -i "translat|verification" | tr '\n' ';' || true)
echo
echo "translation of a $big_bytes-byte module (shell.wasm x22), strategy proved:"
if [ -n "$os_us" ] && [ "$os_us" != "?" ] && [ "$os_us" -gt 0 ]; then
    echo "  verifierd in the OS (TCG):  $os_us us, $(awk -v b="$big_bytes" -v u="$os_us" \
        'BEGIN {printf "%.1f", b / u}') MB/s (decode, validate, verify, translate, lay out)"
fi
echo "  dogma-run on the host:      ${host_line:-?}"
case $build in
    *release*) ;;
    *) echo "  (host figure from $build: a debug build runs under ASan and UBSan;"
       echo "   pass build-release for the host's real speed)" ;;
esac
echo "  (the OS figure runs under TCG, an emulator: compare it with the host's"
echo "   figure as a ratio of machines, not of translators)"
