#!/usr/bin/env bash
# prove.sh DOGMA-PROVE DOGMA-VERIFY DOGMA-OBJDUMP DOGMA-RUN WAT2WASM FILE.wat:
# the producer end to end on tests/solver/ranges/prove.wat (clang's shapes:
# a shadow-stack pointer, frames, an internal function given frame
# addresses, a recursion): what it infers, that the verifier proves it,
# that the proved code runs, and that a stack overflow now traps at the
# declared range instead of running into the data.
set -uo pipefail
prove=$1 verify=$2 objdump=$3 run=$4 wat2wasm=$5 wat=$6
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$wat2wasm" --debug-names "$wat" -o "$tmp/in.wasm" || fail "wat2wasm $wat"

out=$("$prove" "$tmp/in.wasm" -o "$tmp/out.wasm") || fail "dogma-prove exited $?: $out"
echo "$out"
grep -q ': 6 of 6 memory accesses proved (100.0%)$' <<<"$out" || fail "share"
grep -q 'stack pointer: global 0 in \[1124, 8192\]; 2 of its 4 sets checked at run time' \
    <<<"$out" || fail "the stack range or its checks"

# The section written: the range, and sum2's precondition from its callers
# (frame addresses: sp - 32 + 16 over sp in [1124, 8192]).
x=$("$objdump" -x "$tmp/out.wasm") || fail "dogma-objdump"
grep -q 'range global 0: \[1124, 8192\]' <<<"$x" || fail "no range in: $x"
grep -q 'pre  1108 <=u local0' <<<"$x" || fail "no lower precondition in: $x"
grep -q 'pre  local0 <=u 8176' <<<"$x" || fail "no upper precondition in: $x"

# The verifier agrees on its own.
v=$("$verify" --functions "$tmp/out.wasm") || fail "dogma-verify exited $?"
grep -q 'func 0 sum2: 2 of 2 accesses proved' <<<"$v" || fail "sum2 in: $v"
grep -q 'func 1 frame: 2 of 2 accesses proved' <<<"$v" || fail "frame in: $v"

# It runs, with the checks it needs and no others.
r=$("$run" --strategy proved --invoke frame "$tmp/out.wasm" 40 2) || fail "frame: exit $?"
[ "$r" = "i32:42" ] || fail "frame 40 2 gave '$r'"
r=$("$run" --strategy proved --invoke recurse "$tmp/out.wasm" 100) || fail "recurse 100: exit $?"
[ "$r" = "i32:5050" ] || fail "recurse 100 gave '$r'"

# 200 frames of 64 bytes do not fit in 8192 - 1124: the set below the
# range traps. Without the proof the same run wraps the stack pointer
# around and traps out of bounds only after writing into the data.
"$run" --strategy proved --invoke recurse "$tmp/out.wasm" 200 > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -ne 0 ] || fail "recurse 200 did not trap under proved"
grep -q '^trap: global out of its declared range in recurse' "$tmp/err" || fail "trap: $(head -2 "$tmp/err")"
"$run" --strategy checked --invoke recurse "$tmp/out.wasm" 200 > /dev/null 2> "$tmp/err"
grep -q '^trap: out of bounds memory access in recurse' "$tmp/err" || fail "checked: $(head -2 "$tmp/err")"

# A module invariant (g <=u 1000) that `break` violates before it traps:
# proved code assumes the invariants at every entry, so after the trap
# --invoke-all must not enter `use` (found by unit.mutate's author).
hex=0061736d01000000018580808000016000017f03838080800002000005848080800001010110068680808000017f0141000b078f808080000205627265616b00000375736500010aa3808080000291808080000041a08d0624002300280200410024000b87808080000023002802000b0098808080000b646f676d612e70726f6f660100000106130010e8074300
printf "$(sed 's/../\\x&/g' <<<"$hex")" > "$tmp/inv.wasm"
"$run" --strategy proved --invoke-all "$tmp/inv.wasm" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc = 134 ] || fail "invariant module: exit $rc, not 134"
grep -q '^call use' "$tmp/out" && fail "use was entered after the trap: $(cat "$tmp/out")"
grep -q 'stopping at this trap' "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"

# The same module with the invariant `false`: refuted before any function
# runs, and said so.
hex=${hex%%0098808080000b646f676d61*}
hex=${hex}00130b646f676d612e70726f6f6601000001010200
printf "$(sed 's/../\\x&/g' <<<"$hex")" > "$tmp/false.wasm"
"$verify" "$tmp/false.wasm" > /dev/null 2> "$tmp/err"
[ $? = 1 ] || fail "a false invariant: not status 1"
grep -q 'error: annotation refuted (invariant, initially): ' "$tmp/err" ||
    fail "a false invariant: $(cat "$tmp/err")"

# Usage and errors.
"$prove" "$tmp/in.wasm" 2>/dev/null; [ $? = 2 ] || fail "no -o: not status 2"
"$prove" /nonexistent.wasm -o "$tmp/x.wasm" 2>/dev/null; [ $? = 1 ] || fail "missing file: not 1"
printf '\0asm\1\0\0\0\1' > "$tmp/bad.wasm"
"$prove" "$tmp/bad.wasm" -o "$tmp/x.wasm" 2>/dev/null; [ $? = 1 ] || fail "bad module: not 1"
[ ! -e "$tmp/x.wasm" ] || fail "an output was written for a bad module"
echo "PASS dogma-prove"
