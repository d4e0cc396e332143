#!/usr/bin/env bash
# run-scenario.sh: boots one kernel test scenario in QEMU and judges it.
#
#   run-scenario.sh --kernel ELF --initrd TAR --verifierd ELF --workdir DIR --name NAME
#                   --firmware bios|uefi --cmdline "test=NAME ..."
#                   [--expect pass|fail] [--expect-log REGEX]...
#                   [--timeout SECONDS] [--accel auto|kvm|tcg]
#                   [--qemu-arg ARG]...   (appended to QEMU's command line)
#
# The kernel ends a scenario through QEMU's isa-debug-exit device: status 33
# means the kernel said PASS, 35 that it said FAIL (a failed check or a
# panic). Anything else is a failure of its own kind, named in the output:
# a hang (no word within the timeout), QEMU exiting by itself (a triple
# fault under -no-reboot, or a power-off), or QEMU not starting at all.
# The serial log is kept in the work directory and shown on any failure;
# the ISO is kept only when the judgement fails.
# --expect fail turns the judgement around for scenarios that must fail;
# --expect-log requires each REGEX to appear in the serial log.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../images/qemu.sh
source "$here/../../images/qemu.sh"

kernel= initrd= verifierd= workdir= name= firmware=bios cmdline= expect=pass timeout=60 accel=auto
expect_logs=()
qemu_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --kernel) kernel=$2; shift 2 ;;
        --initrd) initrd=$2; shift 2 ;;
        --verifierd) verifierd=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --firmware) firmware=$2; shift 2 ;;
        --cmdline) cmdline=$2; shift 2 ;;
        --expect) expect=$2; shift 2 ;;
        --expect-log) expect_logs+=("$2"); shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --qemu-arg) qemu_args+=("$2"); shift 2 ;;
        *) echo "run-scenario: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
for v in kernel initrd verifierd workdir name; do
    if [ -z "${!v}" ]; then echo "run-scenario: --$v is required" >&2; exit 2; fi
done

mkdir -p "$workdir"
iso="$workdir/$name.iso"
log="$workdir/$name.log"
rm -f "$log"

show_log() {
    echo "---- serial log ($log) ----"
    if [ -s "$log" ]; then tail -n 80 "$log" | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; else echo "(empty)"; fi
    echo "---- end of serial log ----"
}

if ! "$here/../../images/mkiso.sh" "$iso" "$kernel" "$initrd" "$verifierd" "$cmdline" 0; then
    echo "FAIL $name: could not build the ISO"
    exit 1
fi

accel=$(dogma_qemu_accel "$accel") || exit 2
dogma_qemu_cmd qemu "$iso" "$firmware" "$accel" "file:$log" "${qemu_args[@]}"
echo "running: ${qemu[*]}"
start=$(date +%s%N)
timeout --kill-after=5 "$timeout" "${qemu[@]}" </dev/null 2>"$workdir/$name.stderr"
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
elapsed="$((ms / 1000)).$(printf %03d $((ms % 1000)))"

case $status in
    33) outcome=pass; why="the kernel reported PASS" ;;
    35) outcome=fail; why="the kernel reported FAIL" ;;
    124|137) outcome=hang; why="no result within ${timeout}s (hung)" ;;
    0) outcome=noresult; why="QEMU exited without a result (triple fault or power-off)" ;;
    *) outcome=error; why="QEMU failed with status $status: $(head -c 500 "$workdir/$name.stderr")" ;;
esac
echo "$name ($firmware, $accel): $why in ${elapsed}s"

ok=true
if [ "$outcome" != "$expect" ]; then
    ok=false
    echo "FAIL $name: expected the kernel to report ${expect^^}; $why"
fi
for re in "${expect_logs[@]}"; do
    if ! grep -a -q -E -- "$re" "$log" 2>/dev/null; then
        ok=false
        echo "FAIL $name: the serial log lacks /$re/"
    fi
done
if [ "$outcome" = fail ] || [ "$outcome" = hang ] || ! $ok; then show_log; fi
if $ok; then
    # 20 MB each: keep the image only when it is needed to reproduce a failure.
    rm -f "$iso" "${iso%.iso}.vars.fd"
    echo "PASS $name"
    exit 0
fi
echo "the image is kept for reproducing: $iso"
exit 1
