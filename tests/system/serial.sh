#!/usr/bin/env bash
# tests/system/serial.sh: drive a booted Dogma through its serial console.
# Sourced by the system scenarios; defines functions only.
#
#   sys_boot WORKDIR ISO FIRMWARE   start QEMU (background) with the serial
#                                   line on two FIFOs; everything the guest
#                                   prints is appended to WORKDIR/serial.log
#   sys_expect REGEX [SECONDS]      wait until REGEX (grep -E) appears in the
#                                   log after the mark; fail with the log's
#                                   tail if it does not within SECONDS (60)
#   sys_mark                        later expectations look only past here
#   sys_send TEXT                   type TEXT and Enter
#   sys_cmd TEXT [REGEX] [SECONDS]  mark, send, expect REGEX (default: the
#                                   next prompt)
#   sys_stop                        end QEMU
#
# Tests judge behaviour from what the console shows, never timing.
here_sys=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../images/qemu.sh
source "$here_sys/../../images/qemu.sh"

SYS_PROMPT='dogma> '
sys_mark_at=0

sys_fail() {
    echo "FAIL: $*"
    echo "---- serial log (last 60 lines) ----"
    tail -n 60 "$SYS_LOG" | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
    echo "---- end ----"
    sys_stop
    exit 1
}

sys_boot() {
    local work=$1 iso=$2 firmware=${3:-bios}
    SYS_WORK=$work
    SYS_LOG=$work/serial.log
    rm -f "$work/serial.in" "$work/serial.out" "$SYS_LOG"
    mkfifo "$work/serial.in" "$work/serial.out"
    : > "$SYS_LOG"
    local accel qemu
    accel=$(dogma_qemu_accel auto)
    dogma_qemu_cmd qemu "$iso" "$firmware" "$accel" "pipe:$work/serial"
    "${qemu[@]}" </dev/null >"$work/qemu.stdout" 2>"$work/qemu.stderr" &
    SYS_QEMU=$!
    # Read-write: opening a FIFO so never blocks, even if QEMU never starts.
    exec {SYS_IN}<>"$work/serial.in"
    cat "$work/serial.out" >>"$SYS_LOG" &
    SYS_CAT=$!
    sys_mark_at=0
}

sys_alive() { kill -0 "$SYS_QEMU" 2>/dev/null; }

sys_stop() {
    [ -n "${SYS_QEMU:-}" ] || return 0
    kill "$SYS_QEMU" 2>/dev/null
    wait "$SYS_QEMU" 2>/dev/null
    kill "$SYS_CAT" 2>/dev/null
    SYS_QEMU=
}

# Once QEMU has ended: wait (5 s at most) for the copy of its serial
# output to reach the end of the FIFO.
sys_drain() {
    local i
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SYS_CAT" 2>/dev/null || return 0
        sleep 0.1
    done
}

sys_mark() { sys_mark_at=$(stat -c %s "$SYS_LOG"); }

# The log past the mark, without carriage returns.
sys_since_mark() { tail -c +"$((sys_mark_at + 1))" "$SYS_LOG" | tr -d '\r'; }

sys_expect() {
    local re=$1 secs=${2:-60} i
    for ((i = 0; i < secs * 10; i++)); do
        if sys_since_mark | grep -qE -- "$re"; then
            return 0
        fi
        if ! sys_alive; then
            # What QEMU printed last may still be on its way into the log.
            sys_drain
            sys_since_mark | grep -qE -- "$re" && return 0
            sys_fail "QEMU ended while waiting for /$re/"
        fi
        sleep 0.1
    done
    sys_fail "no /$re/ within $secs s"
}

sys_send() {
    local text=$1 i
    # One byte at a time with a pause: the UART's receive FIFO is 16 bytes.
    for ((i = 0; i < ${#text}; i++)); do
        printf '%s' "${text:i:1}" >&"$SYS_IN"
        sleep 0.01
    done
    printf '\r' >&"$SYS_IN"
}

sys_cmd() {
    local text=$1 re=${2:-$SYS_PROMPT} secs=${3:-60}
    sys_mark
    sys_send "$text"
    sys_expect "$re" "$secs"
    # and the prompt after it, so the next command starts clean
    [ "$re" = "$SYS_PROMPT" ] || sys_expect "$SYS_PROMPT" "$secs"
}
