#!/usr/bin/env bash
# tests/system/scenario.sh: what the system scenarios share, on top of
# serial.sh. Sourced; defines functions only.
#
#   sys_start WORK ISO FIRMWARE   boot and wait for the shell's first prompt
#   sys_do TEXT                   type a command, wait for the next prompt
#   sys_has WHAT REGEX            the output since the mark has a line
#                                 matching REGEX, or fail naming WHAT
#   sys_lacks WHAT REGEX          ... has none
#   sys_output NAME               SYS_OUT: the lines a `run NAME` printed,
#                                 kernel log lines left out
#   sys_status NAME               SYS_STATUS: N of "[NAME: exit status N]"
#   sys_frames                    SYS_FRAMES: the free frames `mem` printed
#   sys_resync                    press Enter until a prompt comes back
#                                 (typing is lost while the console is down)
#
# Everything waits a bounded time; each check says what it expected.
# shellcheck disable=SC2034 # SYS_OUT, SYS_STATUS, SYS_FRAMES: for the callers
here_scn=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=serial.sh
source "$here_scn/serial.sh"

# A line of the kernel's own log: it shares the serial line with the
# console service and may come between any two lines of a command's output.
SYS_KLOG='^\[ *[0-9]+\.[0-9]+\] (err |warn|info|dbg ) '

sys_start() {
    local work=$1 iso=$2 firmware=$3
    [ -f "$iso" ] || { echo "FAIL: no ISO at $iso (cmake --build build)"; exit 1; }
    rm -rf "$work"
    mkdir -p "$work"
    # images/qemu.sh writes the UEFI variable store next to the ISO it is
    # given: a link here keeps each scenario's store its own.
    ln -s "$(realpath "$iso")" "$work/dogma.iso"
    trap sys_stop EXIT
    trap 'sys_fail "interrupted"' INT TERM
    sys_boot "$work" "$work/dogma.iso" "$firmware"
    sys_expect 'Dogma shell\. Booted in [0-9]+ ms' 120
    sys_expect "$SYS_PROMPT" 30
}

# The log past the mark as the terminal would show it: no carriage
# returns, no escape sequences.
sys_text() { sys_since_mark | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'; }

sys_do() { sys_cmd "$1" "$SYS_PROMPT" "${2:-60}"; }

sys_has() {
    sys_text | grep -qE -- "$2" || sys_fail "$1: no line matches /$2/"
}

sys_lacks() {
    local hit
    hit=$(sys_text | grep -E -- "$2" | head -n 1)
    [ -z "$hit" ] || sys_fail "$1: unexpected line \"$hit\""
}

# SYS_OUT: the lines between the echoed command line and the "[NAME: ...]"
# line that ends a run; fails if that line never came. (Results come back
# in variables: sys_fail must not run in a subshell.)
sys_output() {
    local name=$1
    sys_text | grep -qF -- "[$name: " || sys_fail "run $name: no [$name: ...] line"
    SYS_OUT=$(sys_text | awk -v end="[$name: " -v klog="$SYS_KLOG" '
        NR == 1 { next }                 # the command line, echoed
        $0 ~ klog { next }
        index($0, end) == 1 { exit }
        { print }')
}

# SYS_STATUS: the N of "[NAME: exit status N]".
sys_status() {
    local name=$1 line
    line=$(sys_text | grep -E "^\[$name: exit status -?[0-9]+\]$" | head -n 1)
    [ -n "$line" ] || sys_fail "run $name: no \"[$name: exit status N]\" line"
    line=${line##*status }
    SYS_STATUS=${line%]}
}

# SYS_FRAMES: the free frames `mem` reported.
sys_frames() {
    local line
    line=$(sys_text | grep -E '^memory: [0-9]+ KiB total, [0-9]+ KiB free \([0-9]+ frames\); kernel heap [0-9]+ KiB$' | head -n 1)
    [ -n "$line" ] || sys_fail "mem: no \"memory: ... (N frames) ...\" line"
    line=${line#*(}
    SYS_FRAMES=${line%% frames*}
}

sys_resync() {
    local i t
    for ((i = 0; i < 20; i++)); do
        sys_mark
        sys_send ""
        for ((t = 0; t < 30; t++)); do
            sys_text | grep -qF -- "$SYS_PROMPT" && return 0
            sys_alive || sys_fail "QEMU ended while waiting for the prompt"
            sleep 0.1
        done
    done
    sys_fail "no prompt after 20 presses of Enter"
}
