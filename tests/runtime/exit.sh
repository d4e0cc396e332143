#!/usr/bin/env bash
# exit.sh DOGMA_RUN WORKDIR STATUS.wasm: dogma-run's exit status and
# diagnostics (README.md): the program's own status, 134 after a trap, 1
# for a module that does not load or link, 2 for a usage error.
. "$(dirname "$0")/lib.sh"
status=$1
wat imports
wat import-type
wat nostart

# a wasi-libc program's own status: from main, from exit(), 0
for s in guard checked; do
    run --strategy $s "$status" return 3
    expect_rc 3 "return 3 from main ($s)"
    run --strategy $s "$status" exit 42
    expect_rc 42 "exit(42) ($s)"
    expect_out "exiting with 42" "exit(42) ($s)"
done
run "$status"
expect_rc 0 "return 0"
expect_out "no arguments" "return 0"
[ -s "$work/err" ] && { fail "return 0: something on stderr"; show; }
run "$status" return 255
expect_rc 255 "return 255"
# abort() is a trap
run "$status" abort
expect_rc 134 "abort()"
expect_err_grep "^trap: unreachable in " "abort()"

# a module that does not decode: 1, and one "FILE:0xOFFSET: error: ..."
printf '\0asm\2\0\0\0' > "$work/version2.wasm"
printf '\0asx\1\0\0\0' > "$work/magic.wasm"
printf '\0asm\1\0\0\0\1\4\1\140\0' > "$work/truncated.wasm"
for bad in version2 magic truncated; do
    run "$work/$bad.wasm"
    expect_rc 1 "$bad.wasm"
    expect_out "" "$bad.wasm"
    grep -Eq "^$work/$bad.wasm:0x[0-9a-f]+: error: " "$work/err" ||
        { fail "$bad.wasm: no 'FILE:0x...: error:' diagnostic"; show; }
    [ "$(wc -l < "$work/err")" -eq 1 ] || { fail "$bad.wasm: not one line on stderr"; show; }
done
# one that does not validate: i32.add on an i64, at 0x1b (as in
# libabi/tools/test-tools.sh)
printf '\0asm\1\0\0\0\1\4\1\140\0\0\3\2\1\0\12\11\1\7\0\102\0\101\0\152\13' > "$work/invalid.wasm"
for s in guard checked; do
    run --strategy $s --invoke f "$work/invalid.wasm"
    expect_rc 1 "invalid.wasm ($s)"
    expect_err_line1 "$work/invalid.wasm:0x00001b: error: type mismatch (expected i32, found i64; func 0, i32.add at 0x00001b)" "invalid.wasm ($s)"
done
# a file that is not there
run "$work/does-not-exist.wasm"
expect_rc 1 "missing file"
expect_err_grep "does-not-exist.wasm" "missing file"

# imports: one nobody provides, one of the wrong type; named either way
run --invoke f "$work/imports.wasm"
expect_rc 1 "import not provided"
expect_out "" "import not provided"
expect_err_grep "env\.not_provided" "import not provided"
run --invoke f "$work/import-type.wasm"
expect_rc 1 "import of the wrong type"
expect_err_grep "wasi_snapshot_preview1\.proc_exit" "import of the wrong type"

# usage errors: 2, with a message
usage() { # WHAT ARGS...
    what=$1
    shift
    run "$@"
    expect_rc 2 "$what"
    expect_out "" "$what"
    [ -s "$work/err" ] || fail "$what: nothing on stderr"
}
usage "unknown option" --frobnicate "$status"
expect_err_grep "unknown option.*--frobnicate" "unknown option"
usage "no module"
usage "option without its value" --strategy
# strategy proved verifies first, then runs exactly as the others do
run --strategy proved "$status"
expect_rc 0 "--strategy proved"
expect_out "no arguments" "--strategy proved"
run --strategy proved "$status" return 7
expect_rc 7 "--strategy proved: return 7"
usage "--strategy unknown" --strategy fast "$status"
usage "--max-stack below 1M" --max-stack 512K "$status"
usage "--env without =" --env NOEQUALS "$status"
usage "no _start" "$work/nostart.wasm"
expect_err_grep "_start" "no _start"
run --help
expect_rc 0 "--help"
grep -q "^usage: dogma-run" "$work/out" || fail "--help: no usage on stdout"

finish
