#!/bin/sh
# emulation.sh DOGMA-RUN EMULATION.wasm EXPECTED: dogma-run's emulation of
# the `dogma` imports (emulation.c): stdout as EXPECTED, the
# "not emulated" notice once however often the import is called, a wait
# that nothing could end is a trap (134), and a missing --initrd file is a
# load failure (1).
set -u
run=$1 module=$2 expected=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
"$run" "$module" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: status $rc"; fail=1; }
cmp -s "$expected" "$tmp/out" || { echo "FAIL: stdout"; diff "$expected" "$tmp/out"; fail=1; }
n=$(grep -c '^dogma-run: dogma.notify_create is not emulated on the host$' "$tmp/err")
[ "$n" -eq 1 ] || { echo "FAIL: the notice came $n times"; cat "$tmp/err"; fail=1; }

"$run" "$module" wait >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 134 ] || { echo "FAIL: wait forever: status $rc"; fail=1; }
grep -q 'dogma-run: dogma.wait: waiting forever' "$tmp/err" ||
    { echo "FAIL: wait forever: no message"; cat "$tmp/err"; fail=1; }

"$run" --initrd "$tmp/missing.tar" "$module" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || { echo "FAIL: missing --initrd: status $rc"; fail=1; }
grep -q "dogma-run: --initrd $tmp/missing.tar: No such file" "$tmp/err" ||
    { echo "FAIL: missing --initrd: message"; cat "$tmp/err"; fail=1; }
[ $fail -eq 0 ] && echo "ok"
exit $fail
