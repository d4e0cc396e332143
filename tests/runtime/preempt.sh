#!/usr/bin/env bash
# preempt.sh DOGMA_RUN WORKDIR: preemption by the timer (preempt.wat,
# stacklets.wat; README.md). Each run that must see yields first spins on
# the monotonic clock for longer than the timer's period, so the timer has
# expired whatever the machine's speed: the checks are on behaviour only.
. "$(dirname "$0")/lib.sh"
wat preempt
wat stacklets
m=$work/preempt.wasm
sum=200000010000000 # 1 + ... + 20000000

# yields_are WHAT WANT: the last run's yields, "positive" or a number
yields_are() {
    y=$(stat_of yields)
    case $2 in
    positive) [ "${y:-0}" -gt 0 ] ;;
    *) [ "${y:-x}" = "$2" ] ;;
    esac || { fail "$1: stats report '${y:-no}' yields, want $2"; show; }
}

for s in guard checked; do
    run --strategy $s --stats --preempt-us 100 --invoke spin_then_sum "$m" 20 20000000
    expect_rc 0 "--preempt-us 100 ($s)"
    expect_out "i64:$sum" "--preempt-us 100 ($s)"
    yields_are "--preempt-us 100 ($s)" positive
done

# no timer: the same result and not one yield
run --stats --preempt-us 0 --invoke spin_then_sum "$m" 20 20000000
expect_rc 0 "--preempt-us 0"
expect_out "i64:$sum" "--preempt-us 0"
yields_are "--preempt-us 0" 0

# the default period (10 ms), spinning 30 ms
run --stats --invoke spin_then_sum "$m" 30 1000
expect_rc 0 "default period"
expect_out "i64:500500" "default period"
yields_are "default period" positive

# preempted at function entries while the stack grows and shrinks: the
# morestack path yields and then still links stacklets right
run --preempt-us 50 --invoke twice "$work/stacklets.wasm" 100000
expect_rc 0 "twice 100000, --preempt-us 50"
expect_out "i64:20000200000" "twice 100000, --preempt-us 50"

# a period of a second or more is accepted (up to 10 s); spinning 1.1 s
# under a 1 s period must see the timer
run --stats --preempt-us 1000000 --invoke spin_then_sum "$m" 1100 10
expect_rc 0 "--preempt-us 1000000"
expect_out "i64:55" "--preempt-us 1000000"
yields_are "--preempt-us 1000000" positive

# not a number: a usage error
run --preempt-us soon --invoke sum "$m" 10
expect_rc 2 "--preempt-us soon"

finish
