#!/usr/bin/env bash
# stacklets.sh DOGMA_RUN WORKDIR: deep recursion across stacklets, the
# spare stacklet, and the end of the stack (stacklets.wat; README.md).
. "$(dirname "$0")/lib.sh"
wat stacklets
m=$work/stacklets.wasm

# 100000 frames of 40 bytes and more: several 256 KiB stacklets
run --stats --invoke deep "$m" 100000
expect_rc 0 "deep 100000"
expect_out "i64:10000100000" "deep 100000"
n=$(stat_of stacklets)
[ "${n:-0}" -gt 1 ] || { fail "deep 100000: stats report '${n:-no}' stacklets, want more than 1"; show; }

# both descents right; the second reuses the spare the first left
run --stats --invoke twice "$m" 100000
expect_rc 0 "twice 100000"
expect_out "i64:20000200000" "twice 100000"
n=$(stat_of "spare reuses")
[ "${n:-0}" -gt 0 ] || { fail "twice 100000: stats report '${n:-no}' spare reuses, want more than 0"; show; }

# the same in the checked strategy (stacklets do not depend on it)
run --strategy checked --invoke twice "$m" 100000
expect_rc 0 "twice 100000, checked"
expect_out "i64:20000200000" "twice 100000, checked"

# no end: the stack (64M by default) is exhausted, in forever, at its entry
# (the check before its first instruction)
off=$(body_off stacklets forever first)
run --invoke forever "$m" 0
expect_rc 134 "forever"
expect_out "" "forever"
expect_err_line1 "trap: call stack exhausted in forever+0x$off" "forever"

# --max-stack 1M: what succeeds with the default now runs out of stack
off=$(body_off stacklets deep first)
run --max-stack 1M --invoke deep "$m" 100000
expect_rc 134 "deep 100000 with --max-stack 1M"
expect_err_line1 "trap: call stack exhausted in deep+0x$off" "deep 100000 with --max-stack 1M"
run --max-stack 1M --invoke deep "$m" 1000
expect_rc 0 "deep 1000 with --max-stack 1M"
expect_out "i64:1001000" "deep 1000 with --max-stack 1M"

# after exhaustion the instance goes on: every stacklet was given back
run --invoke-all "$m"
expect_rc 0 "--invoke-all"
expect_out "call deep
i64:0
call twice
i64:0
call forever
trap: call stack exhausted
call exhaust
trap: call stack exhausted
call deep_again
i64:10000100000" "--invoke-all"

finish
