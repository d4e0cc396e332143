#!/bin/sh
# compare.sh: runs a program natively and as WebAssembly, and compares stdout.
#
#   compare.sh NATIVE MODULE.wasm ENGINE [ENGINE-ARGS...]
#
# Runs NATIVE, then `ENGINE ENGINE-ARGS... MODULE.wasm` (node with
# run-wasi.mjs, or dogma-run with its options). Passes (exit 0) when both
# exit 0 and print the same bytes on stdout; otherwise says what differed,
# prints both outputs (and both stderrs) and exits 1. Exits 2 on bad usage.
set -u
if [ $# -lt 3 ]; then
    echo "usage: compare.sh NATIVE MODULE.wasm ENGINE [ENGINE-ARGS...]" >&2
    exit 2
fi
native=$1 module=$2
shift 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

"$native" >"$tmp/native.out" 2>"$tmp/native.err"
native_rc=$?
"$@" "$module" >"$tmp/wasm.out" 2>"$tmp/wasm.err"
wasm_rc=$?

status=0
if [ "$native_rc" -ne 0 ]; then
    echo "FAIL: native $native exited $native_rc"
    status=1
fi
if [ "$wasm_rc" -ne 0 ]; then
    echo "FAIL: $module under $1 exited $wasm_rc"
    status=1
fi
if ! cmp -s "$tmp/native.out" "$tmp/wasm.out"; then
    echo "FAIL: stdout differs between $native and $module under $1"
    diff "$tmp/native.out" "$tmp/wasm.out"
    status=1
fi
if [ "$status" -ne 0 ]; then
    for run in native wasm; do
        echo "---- $run stdout"
        cat "$tmp/$run.out"
        echo "---- $run stderr"
        cat "$tmp/$run.err"
    done
    exit 1
fi
cat "$tmp/wasm.out"
