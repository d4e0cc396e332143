#!/usr/bin/env bash
# system.FIRMWARE.refuse: what the system refuses, and that it stays up.
#
#   refuse.sh ISO WORKDIR FIRMWARE
#
# bad is invalid: verifierd rejects it with the validator's diagnostic and
# its byte offset. forged carries a false dogma.proof claim: rejected,
# naming the annotation. greedy asks for a port nobody granted: rejected at load,
# before it prints. trap stores outside its memory: it prints, then is torn
# down with the trap's name. After each, a program still runs, every
# process of the boot is still there, and no service was restarted.
set -u
source "$(dirname "$0")/scenario.sh"
iso=$1 work=$2 firmware=$3

sys_start "$work" "$iso" "$firmware"

still_up() { # WHAT
    sys_cmd "run hello" '^\[hello: ' 60
    sys_output hello
    [ "$SYS_OUT" = "hello, world" ] ||
        sys_fail "after $1: run hello printed \"$SYS_OUT\", not \"hello, world\""
    sys_status hello
    [ "$SYS_STATUS" = 0 ] || sys_fail "after $1: hello ended with status $SYS_STATUS"
    sys_do ps
    local pid name
    while read -r pid name; do
        sys_has "after $1: ps lists $name" "^ +$pid $name "
    done <<'EOF'
1 driverd
2 verifierd
3 names
4 log
5 console
6 shell
EOF
    sys_do services
    for name in names log console shell; do
        sys_has "after $1: services shows $name running, never restarted" \
            "^$name +running +[0-9]+ +0 "
    done
    echo "ok: the system is up after $1"
}

sys_cmd "run bad" '^bad: ' 60
sys_has "run bad: rejected with the validator's type mismatch at a byte offset" \
    '^bad: rejected: bad:0x[0-9a-f]+: error: type mismatch \(expected i32, found i64'
sys_lacks "run bad: it must not start" '^\[bad: '
echo "ok: run bad rejected"
still_up "run bad"

sys_cmd "run forged" '^forged: ' 60
sys_has "run forged: rejected, naming the false annotation and where it is" \
    '^forged: rejected: forged:0x[0-9a-f]+: error: annotation refuted \(pre, in func [0-9]+ at 0x[0-9a-f]+\)'
sys_lacks "run forged: it must not start" '^\[forged: |about to write'
echo "ok: run forged rejected"
still_up "run forged"

sys_cmd "run greedy" '^greedy: ' 60
sys_has "run greedy: rejected for asking for the capability \"kbd\"" \
    '^greedy: rejected: 0x[0-9a-f]+: .*capability "kbd" \(ioport 0x60\+0x1\).*did not grant'
sys_lacks "run greedy: it must not start" '^greedy: started|^\[greedy: '
echo "ok: run greedy rejected"
still_up "run greedy"

sys_cmd "run trap" '^\[trap: ' 60
sys_output trap
[ "$SYS_OUT" = "about to write outside memory" ] ||
    sys_fail "run trap: printed \"$SYS_OUT\" before its end, not its first line alone"
sys_has "run trap: torn down by the out-of-bounds trap" \
    '^\[trap: torn down: trap: out of bounds memory access at 0x[0-9a-f]+\]$'
echo "ok: run trap torn down"
still_up "run trap"

echo "PASS system.$firmware.refuse"
