#!/usr/bin/env bash
# invoke.sh DOGMA_RUN WORKDIR: --invoke's argument forms and result lines,
# and --invoke-all (invoke.wat; README.md). Floats are checked twice: as
# printed (`f32:%.9g (0xBITS)`) and as the bits the function received
# (through i32/i64.reinterpret), so a parsing and a printing error cannot
# hide each other. The expected bits are IEEE 754 facts.
. "$(dirname "$0")/lib.sh"
wat invoke
m=$work/invoke.wasm

# inv FUNC ARG WANT: --invoke FUNC with ARG prints WANT
inv() {
    run --invoke "$1" "$m" "$2"
    expect_rc 0 "$1 $2"
    expect_out "$3" "$1 $2"
}
# bad FUNC ARGS...: a usage error (status 2) naming the problem
bad() {
    f=$1
    shift
    run --invoke "$f" "$m" "$@"
    expect_rc 2 "$f $*"
    expect_out "" "$f $*"
    [ -s "$work/err" ] || fail "$f $*: nothing on stderr"
}

# integers: decimal, negative, 0x hex, the unsigned range; printed signed
inv i32 0 "i32:0"
inv i32 -5 "i32:-5"
inv i32 -2147483648 "i32:-2147483648"
inv i32 2147483647 "i32:2147483647"
inv i32 4294967295 "i32:-1"
inv i32 0xffffffff "i32:-1"
inv i32 0x80000000 "i32:-2147483648"
inv i32 0x7b "i32:123"
inv i64 -1 "i64:-1"
inv i64 -9223372036854775808 "i64:-9223372036854775808"
inv i64 9223372036854775807 "i64:9223372036854775807"
inv i64 18446744073709551615 "i64:-1"
inv i64 0x8000000000000000 "i64:-9223372036854775808"
inv i64 0xfedcba9876543210 "i64:-81985529216486896"
inv i64 10000100000 "i64:10000100000"
bad i32 4294967296
bad i32 -2147483649
bad i32 0x100000000
bad i32 12abc
bad i32 ""
bad i64 18446744073709551616
bad i64 x

# f32: strtof forms, -0, NaNs of both signs, exact bits (a signalling NaN
# and a payload pass through unchanged)
f32() { inv f32 "$1" "$2"; inv f32_bits "$1" "$3"; }
f32 1.5 "f32:1.5 (0x3fc00000)" "i32:1069547520"
f32 -0 "f32:-0 (0x80000000)" "i32:-2147483648"
f32 0 "f32:0 (0x00000000)" "i32:0"
f32 0.1 "f32:0.100000001 (0x3dcccccd)" "i32:1036831949"
f32 nan "f32:nan (0x7fc00000)" "i32:2143289344"
f32 -nan "f32:-nan (0xffc00000)" "i32:-4194304"
f32 inf "f32:inf (0x7f800000)" "i32:2139095040"
f32 -inf "f32:-inf (0xff800000)" "i32:-8388608"
f32 bits:0x7fc00001 "f32:nan (0x7fc00001)" "i32:2143289345"
f32 bits:0xffc00001 "f32:-nan (0xffc00001)" "i32:-4194303"
f32 bits:0x7f800001 "f32:nan (0x7f800001)" "i32:2139095041"
f32 bits:0x00000001 "f32:1.40129846e-45 (0x00000001)" "i32:1"
f32 3.4028234663852886e38 "f32:3.40282347e+38 (0x7f7fffff)" "i32:2139095039"
f32 0x1.8p1 "f32:3 (0x40400000)" "i32:1077936128"
bad f32 bits:0x100000000
bad f32 1.5x
bad f32 ""

# f64
f64() { inv f64 "$1" "$2"; inv f64_bits "$1" "$3"; }
f64 0.1 "f64:0.10000000000000001 (0x3fb999999999999a)" "i64:4591870180066957722"
f64 -0 "f64:-0 (0x8000000000000000)" "i64:-9223372036854775808"
f64 nan "f64:nan (0x7ff8000000000000)" "i64:9221120237041090560"
f64 -nan "f64:-nan (0xfff8000000000000)" "i64:-2251799813685248"
f64 bits:0x7ff0000000000001 "f64:nan (0x7ff0000000000001)" "i64:9218868437227405313"
f64 bits:0xfff8000000000001 "f64:-nan (0xfff8000000000001)" "i64:-2251799813685247"
f64 0x1.8p3 "f64:12 (0x4028000000000000)" "i64:4622945017495814144"
f64 -inf "f64:-inf (0xfff0000000000000)" "i64:-4503599627370496"
bad f64 nope

# several parameters and results, each result on its own line, in order
run --invoke mixed "$m" -7 0x8000000000000000 -2.5 bits:0x3ff0000000000000
expect_rc 0 "mixed"
expect_out "f64:1 (0x3ff0000000000000)
f32:-2.5 (0xc0200000)
i64:-9223372036854775808
i32:-7" "mixed"

# no results: nothing printed; the start function ran first
run --invoke none "$m"
expect_rc 0 "none"
expect_out "" "none"
run --invoke started "$m"
expect_rc 0 "started"
expect_out "i32:77" "started"

# the wrong number of arguments, an unknown export: usage errors
run --invoke i32 "$m"
expect_rc 2 "i32 without its argument"
expect_err_grep "i32 takes 1 arguments, 0 given" "i32 without its argument"
bad i32 1 2
bad mixed 1 2 3
bad started 1
run --invoke no_such_export "$m"
expect_rc 2 "--invoke no_such_export"
expect_err_grep "no_such_export" "--invoke no_such_export"

# --invoke-all: every function export in order (not the memory), zero
# arguments, one instance; the trap in boom is reported on stdout and the
# run goes on, with what boom did before it trapped still there
run --invoke-all "$m"
expect_rc 0 "--invoke-all"
expect_out "call i32
i32:0
call i64
i64:0
call f32
f32:0 (0x00000000)
call f64
f64:0 (0x0000000000000000)
call f32_bits
i32:0
call f64_bits
i64:0
call mixed
f64:0 (0x0000000000000000)
f32:0 (0x00000000)
i64:0
i32:0
call none
call started
i32:77
call count
i32:1
call boom
trap: unreachable
call after
i32:11
call funcref
funcref:null" "--invoke-all"

finish
