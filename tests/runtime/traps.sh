#!/usr/bin/env bash
# traps.sh DOGMA_RUN WORKDIR: how a trap reaches the user (traps.wat,
# start-trap.wat; README.md): exit status 134, nothing on stdout, and on
# stderr "trap: KIND in FUNC+0xOFF" then "  called from CALLER+0xOFF" per
# frame, FUNC being the name section's name and OFF the instruction's
# distance from the start of the function's body. Every offset is read
# from wasm-objdump's disassembly, never written here.
. "$(dirname "$0")/lib.sh"
wat traps
wat start-trap
m=$work/traps.wasm

# expect_trap WHAT WANT-STDERR DOGMA-RUN-ARGS...: a trap, its whole report
expect_trap() {
    what=$1 want=$2
    shift 2
    run "$@"
    expect_rc 134 "$what"
    expect_out "" "$what"
    [ "$(cat "$work/err")" = "$want" ] || {
        fail "$what: stderr differs"
        printf '%s\n' "$want" > "$work/want"
        diff "$work/want" "$work/err" | sed 's/^/  /'
    }
}

# an out-of-bounds load two calls down: the guard pages fault (guard) or
# the explicit check fails (checked); the user sees the same report
want="trap: out of bounds memory access in load_oob+0x$(body_off traps load_oob i32.load)
  called from middle+0x$(body_off traps middle call)
  called from outer+0x$(body_off traps outer call)"
for s in guard checked proved; do
    expect_trap "outer ($s)" "$want" --strategy $s --invoke outer "$m"
done

# a store straddling the end of memory; an address + offset of 2^32
want="trap: out of bounds memory access in store_edge+0x$(body_off traps store_edge i32.store)"
for s in guard checked proved; do
    expect_trap "store_edge ($s)" "$want" --strategy $s --invoke store_edge "$m"
done
want="trap: out of bounds memory access in far+0x$(body_off traps far i64.load)"
for s in guard checked proved; do
    expect_trap "far 0xffffffe0 ($s)" "$want" --strategy $s --invoke far "$m" 0xffffffe0
done

# the second of two calls to div traps: the caller line names that call
want="trap: integer divide by zero in div+0x$(body_off traps div i32.div_s)
  called from calls_div+0x$(body_off traps calls_div call 2)"
expect_trap "calls_div" "$want" --invoke calls_div "$m" 5

want="trap: indirect call type mismatch in mismatch+0x$(body_off traps mismatch call_indirect)"
expect_trap "mismatch" "$want" --invoke mismatch "$m"

# without a name section: a function is named by its export, else func[N]
"$WAT2WASM" "$here/traps.wat" -o "$work/traps-nonames.wasm"
want="trap: out of bounds memory access in func[0]+0x$(body_off traps load_oob i32.load)
  called from func[1]+0x$(body_off traps middle call)
  called from outer+0x$(body_off traps outer call)"
expect_trap "outer (no names)" "$want" --invoke outer "$work/traps-nonames.wasm"

# a trap in the start function: reported, and the export never runs
want="trap: unreachable in boom+0x$(body_off start-trap boom unreachable)
  called from init+0x$(body_off start-trap init call)"
expect_trap "start function" "$want" --invoke never "$work/start-trap.wasm"

# 40 frames: 32 caller lines, then the count of the rest
sink_unr=$(body_off traps sink unreachable) sink_call=$(body_off traps sink call)
callers() { # N: the report of unreachable under sink(N)
    echo "trap: unreachable in sink+0x$sink_unr"
    i=0
    while [ $i -lt "$1" ] && [ $i -lt 32 ]; do
        echo "  called from sink+0x$sink_call"
        i=$((i + 1))
    done
    [ "$1" -le 32 ] || echo "  ... $(($1 - 32)) more frames"
}
expect_trap "sink 3" "$(callers 3)" --invoke sink "$m" 3
expect_trap "sink 40" "$(callers 40)" --invoke sink "$m" 40
# the same 100000 frames down: the trap is on a later stacklet, and the
# backtrace must walk back across the stacklet boundaries
expect_trap "sink 100000" "$(callers 100000)" --invoke sink "$m" 100000

# stack exhaustion: the trap at forever's entry, and its callers
run --invoke forever "$m" 0
expect_rc 134 "forever"
expect_err_line1 "trap: call stack exhausted in forever+0x$(body_off traps forever first)" "forever"
line2=$(sed -n 2p "$work/err")
want2="  called from forever+0x$(body_off traps forever call)"
[ "$line2" = "$want2" ] || fail "forever: stderr line 2 is '$line2', want '$want2'"
tail -n 1 "$work/err" | grep -Eq '^  \.\.\. [0-9]+ more frames$' ||
    fail "forever: the last line is '$(tail -n 1 "$work/err")', want '  ... N more frames'"

# ping and pong call each other without end: whichever entry finds no
# stack, its caller line names the other (the frame that made the call)
run --invoke ping "$m" 0
expect_rc 134 "ping"
first=$(head -n 1 "$work/err")
case $first in
"trap: call stack exhausted in ping+0x$(body_off traps ping first)")
    want2="  called from pong+0x$(body_off traps pong call)" ;;
"trap: call stack exhausted in pong+0x$(body_off traps pong first)")
    want2="  called from ping+0x$(body_off traps ping call)" ;;
*)  fail "ping: stderr line 1 is '$first'"; want2=unknown ;;
esac
line2=$(sed -n 2p "$work/err")
[ "$line2" = "$want2" ] || fail "ping: stderr line 2 is '$line2', want '$want2'"

finish
