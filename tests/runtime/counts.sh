#!/usr/bin/env bash
# counts.sh DOGMA_RUN WORKDIR: --count-accesses (counts.wat; README.md):
# the line of executed accesses per class, exact under guard and checked.
# Under proved the split is the verifier's: what is required is what any
# sound verifier that proves constant addresses gives (every access
# counted once, the 2n + 1 at address 16 proved, and at least the first
# load at the parameter checked, since the parameter is arbitrary).
. "$(dirname "$0")/lib.sh"
wat counts
m=$work/counts.wasm

# counts WHAT: the last run's line "executed accesses: G guarded, C
# checked, P proved (X% proved)" as "G C P X", or nothing
counts() {
    sed -n 's/^dogma-run: executed accesses: \([0-9]*\) guarded, \([0-9]*\) checked, \([0-9]*\) proved (\([0-9.]*\)% proved)$/\1 \2 \3 \4/p' "$work/err"
}
# expect_counts WANT WHAT: the last run's counts are WANT ("G C P X")
expect_counts() {
    got=$(counts)
    [ "$got" = "$1" ] || { fail "$2: counts '$got', want '$1'"; show; }
}

run --strategy guard --count-accesses --invoke loop "$m" 5 1000
expect_rc 0 "loop 1000 (guard)"
expect_out "i32:499500" "loop 1000 (guard)"
expect_err_line1 "dogma-run: executed accesses: 3001 guarded, 0 checked, 0 proved (0.0% proved)" "loop 1000 (guard)"

run --strategy checked --count-accesses --invoke loop "$m" 5 1000
expect_out "i32:499500" "loop 1000 (checked)"
expect_counts "0 3001 0 0.0" "loop 1000 (checked)"

run --strategy proved --count-accesses --invoke loop "$m" 5 1000
expect_rc 0 "loop 1000 (proved)"
expect_out "i32:499500" "loop 1000 (proved)"
read -r g c p x <<< "$(counts)"
[ "${g:-x}" = 0 ] && [ $((c + p)) -eq 3001 ] && [ "$p" -ge 2001 ] && [ "$c" -ge 1 ] &&
    [ "$x" = "$(awk -v p="$p" 'BEGIN { printf "%.1f", 100 * p / 3001 }')" ] ||
    { fail "loop 1000 (proved): counts '$g $c $p $x'"; show; }

# zero rounds: the last load alone; none at all without a run
run --strategy checked --count-accesses --invoke loop "$m" 5 0
expect_counts "0 1 0 0.0" "loop 0 (checked)"
run --count-accesses --no-run "$m"
expect_rc 0 "--no-run"
expect_counts "0 0 0 0.0" "--no-run"

# an access that traps was executed: counted, and the line still printed
for s in guard checked; do
    run --strategy $s --count-accesses --invoke at "$m" 65536
    expect_rc 134 "at 65536 ($s)"
    expect_err_line1 "trap: out of bounds memory access in at+0x$(body_off counts at i32.load)" "at 65536 ($s)"
    if [ $s = guard ]; then want="1 0 0 0.0"; else want="0 1 0 0.0"; fi
    expect_counts "$want" "at 65536 ($s)"
done

# without the option: no line
run --strategy checked --invoke loop "$m" 5 10
expect_out "i32:45" "loop 10 without --count-accesses"
[ -s "$work/err" ] && { fail "loop 10 without --count-accesses: stderr not empty"; show; }

finish
