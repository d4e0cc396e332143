#!/bin/sh
# test-tools.sh VALIDATE OBJDUMP MODULE WORKDIR: the host tools' command-line
# behaviour: exit statuses (0 valid, 1 invalid or unreadable, 2 usage), the
# diagnostic's form, and what dogma-objdump shows of a real module.
set -u
validate=$1 objdump=$2 module=$3 work=$4
mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# status CMD... : runs CMD, leaves its exit status in $rc, output in out/err
status() { "$@" > "$work/out" 2> "$work/err"; rc=$?; }

# a valid module: silent, 0; -v says what it found
status "$validate" "$module"
[ $rc -eq 0 ] || fail "valid module: status $rc"
[ -s "$work/out" ] || [ -s "$work/err" ] && fail "valid module: not silent"
status "$validate" -v "$module"
grep -q "valid: .* functions" "$work/out" || fail "-v: no summary"

# an invalid module: i32.add (at 0x1b) on an i64: status 1, one diagnostic
printf '\0asm\1\0\0\0\1\4\1\140\0\0\3\2\1\0\12\11\1\7\0\102\0\101\0\152\13' > "$work/bad.wasm"
status "$validate" "$work/bad.wasm"
[ $rc -eq 1 ] || fail "invalid module: status $rc"
want="$work/bad.wasm:0x00001b: error: type mismatch (expected i32, found i64; func 0, i32.add at 0x00001b)"
[ "$(cat "$work/err")" = "$want" ] || fail "diagnostic: got '$(cat "$work/err")', want '$want'"

# several files: 1 if any is invalid, each judged
status "$validate" "$module" "$work/bad.wasm" "$module"
[ $rc -eq 1 ] || fail "mixed files: status $rc"
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "mixed files: not one diagnostic"

# unreadable file: 1 with a message naming it; usage errors: 2
status "$validate" "$work/does-not-exist.wasm"
[ $rc -eq 1 ] || fail "missing file: status $rc"
grep -q "does-not-exist.wasm" "$work/err" || fail "missing file: message does not name it"
status "$validate"
[ $rc -eq 2 ] || fail "no arguments: status $rc"
status "$validate" --frobnicate "$module"
[ $rc -eq 2 ] || fail "unknown option: status $rc"
status "$validate" --bench 0 "$module"
[ $rc -eq 2 ] || fail "--bench 0: status $rc"

# a module with dogma.proof: its encoding is checked (not proved yet); one
# module invariant, memsize == memsize, is valid; flags set are not
{ head -c 8 "$work/bad.wasm"; printf '\0\25\13dogma.proof\1\0\0\1\3\24\24\100\0'; } > "$work/proof.wasm"
status "$validate" "$work/proof.wasm"
[ $rc -eq 0 ] || fail "dogma.proof module: status $rc"
[ -s "$work/out" ] || [ -s "$work/err" ] && fail "dogma.proof module: not silent"
status "$validate" -v "$work/proof.wasm"
grep -q "dogma.proof: 0 functions annotated, 1 formulas, checked encoding (not yet proved)" \
    "$work/out" || fail "dogma.proof -v: no summary"
{ head -c 8 "$work/bad.wasm"; printf '\0\16\13dogma.proof\1\2'; } > "$work/proofbad.wasm"
status "$validate" "$work/proofbad.wasm"
[ $rc -eq 1 ] || fail "bad dogma.proof: status $rc"
want="$work/proofbad.wasm:0x000017: error: reserved dogma.proof flags set (expected 0, found 2)"
[ "$(cat "$work/err")" = "$want" ] || fail "bad dogma.proof: got '$(cat "$work/err")', want '$want'"

# dogma-objdump: sections, details, disassembly
status "$objdump" -h -x -d "$module"
[ $rc -eq 0 ] || fail "objdump: status $rc"
for s in "valid Dogma module" "Sections:" "code " "Types (" "Imports (" \
         "wasi_snapshot_preview1" "Exports (" "\"_start\"" "dogma.abi: absent" \
         "dogma.proof: absent" "| end" "local.get"; do
    grep -q -- "$s" "$work/out" || fail "objdump: no '$s' in its output"
done
status "$objdump" -x "$work/proof.wasm"
grep -q "dogma.proof: 9 bytes .*checked encoding (not yet proved)" "$work/out" ||
    fail "objdump: proof not reported"
grep -q "invariant memsize == memsize" "$work/out" || fail "objdump: invariant not shown"
# declared global ranges (flags bit 0): mutable i32 global 0 = 0 in [0, 10]
{ head -c 8 "$work/bad.wasm"; printf '\6\6\1\177\1\101\0\13'
  printf '\0\25\13dogma.proof\1\1\0\0\1\0\0\12\0'; } > "$work/ranges.wasm"
status "$validate" -v "$work/ranges.wasm"
grep -q "dogma.proof: 0 functions annotated, 0 formulas, 1 global ranges" "$work/out" ||
    fail "dogma.proof ranges -v: no summary"
status "$objdump" -x "$work/ranges.wasm"
grep -q "range global 0: \[0, 10\]" "$work/out" || fail "objdump: range not shown"
status "$objdump" -x "$work/proofbad.wasm"
[ $rc -eq 1 ] || fail "objdump bad dogma.proof: status $rc"
status "$objdump" -h "$work/bad.wasm"
[ $rc -eq 1 ] || fail "objdump invalid: status $rc"
grep -q "type mismatch" "$work/err" || fail "objdump invalid: no diagnostic"
grep -q "code " "$work/out" || fail "objdump invalid: sections not shown"
status "$objdump" -q "$module"
[ $rc -eq 2 ] || fail "objdump unknown option: status $rc"

[ $fails -eq 0 ] && echo "tools: all checks passed"
exit $((fails != 0))
