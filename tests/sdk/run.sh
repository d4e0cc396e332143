#!/bin/bash
# run.sh: runs an SDK module under dogma-run and checks what it did.
#
#   run.sh [-C DIR] [-s STATUS] [-e EXPECTED] [-n NATIVE] -- \
#          DOGMA-RUN [OPTIONS] MODULE.wasm [ARGS...]
#
# Runs the command in DIR (default: here) and requires exit status STATUS
# (default 0) and, with -e, stdout equal to the file EXPECTED. With -n,
# also runs NATIVE in DIR with the module's ARGS and the --env variables
# of the command, and requires the same stdout and status from both.
set -u
cwd=. status=0 expected= native=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case $1 in
    -C) cwd=$2 ;;
    -s) status=$2 ;;
    -e) expected=$2 ;;
    -n) native=$2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
shift
cmd=("$@")

# The module's own arguments and environment, for the native run.
envs=() args=() i=1
while [ $i -lt ${#cmd[@]} ]; do
    a=${cmd[$i]}
    case $a in
    --env) envs+=("${cmd[$((i + 1))]}"); i=$((i + 2)); continue ;;
    --*) i=$((i + 2)); continue ;;
    *.wasm) args=("${cmd[@]:$((i + 1))}"); break ;;
    esac
    i=$((i + 1))
done

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
(cd "$cwd" && "${cmd[@]}") >"$tmp/wasm.out" 2>"$tmp/wasm.err"
rc=$?
fail=0
if [ "$rc" -ne "$status" ]; then
    echo "FAIL: exit status $rc, expected $status"
    fail=1
fi
if [ -n "$expected" ] && ! cmp -s "$expected" "$tmp/wasm.out"; then
    echo "FAIL: stdout differs from $expected"
    diff "$expected" "$tmp/wasm.out"
    fail=1
fi
if [ -n "$native" ]; then
    (cd "$cwd" && env "${envs[@]}" "$native" "${args[@]}") >"$tmp/native.out" 2>"$tmp/native.err"
    nrc=$?
    if [ "$nrc" -ne "$rc" ]; then
        echo "FAIL: native status $nrc, module's $rc"
        fail=1
    fi
    if ! cmp -s "$tmp/native.out" "$tmp/wasm.out"; then
        echo "FAIL: stdout differs from the native program's"
        diff "$tmp/native.out" "$tmp/wasm.out"
        fail=1
    fi
fi
echo "---- stdout"
cat "$tmp/wasm.out"
echo "---- stderr"
cat "$tmp/wasm.err"
exit $fail
