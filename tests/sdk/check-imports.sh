#!/bin/sh
# check-imports.sh WASM-OBJDUMP MODULE.wasm...: every import of each
# module comes from module "dogma" (the WASI adapter replaced the rest).
set -u
objdump=$1
shift
fail=0
for m in "$@"; do
    if ! "$objdump" -x -j Import "$m" >/tmp/check-imports.$$ 2>&1; then
        # A module with no imports has no Import section.
        grep -q 'Section not found' /tmp/check-imports.$$ && continue
        cat /tmp/check-imports.$$
        fail=1
        continue
    fi
    bad=$(grep -E '^ - ' /tmp/check-imports.$$ | grep -v -E '^ - func\[[0-9]+\] .* <- dogma\.')
    if [ -n "$bad" ]; then
        echo "FAIL: $m imports from elsewhere than dogma:"
        echo "$bad"
        fail=1
    else
        echo "ok $m: $(grep -c -E '^ - func' /tmp/check-imports.$$) imports, all from dogma"
    fi
done
rm -f /tmp/check-imports.$$
exit $fail
