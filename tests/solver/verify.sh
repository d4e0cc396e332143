#!/usr/bin/env bash
# verify.sh DOGMA-VERIFY MODULE.wasm: dogma-verify's command line: the
# table, --json, --functions, a small budget, and its exit statuses.
set -uo pipefail
tool=$1 module=$2
fail() { echo "FAIL: $*"; exit 1; }

out=$("$tool" --budget 2000000 "$module") || fail "exit status $? on a valid module"
grep -qE '^  load +[0-9]+ +[0-9]+ +[0-9]+$' <<<"$out" || fail "no load row in: $out"
grep -qE '^  all .*% proved$' <<<"$out" || fail "no total row in: $out"

json=$("$tool" --json --budget 2000000 "$module") || fail "--json: exit status $?"
grep -qE '^\{"module": ".*", "bytes": [0-9]+, .*"obligations": \{"load": \{"proved": [0-9]+' \
    <<<"$json" || fail "--json output: $json"

fun=$("$tool" --functions --budget 2000000 "$module") || fail "--functions: exit $?"
grep -qE '^  func [0-9]+' <<<"$fun" || fail "--functions lists no function"

# A budget of 1 unit proves no more than the default does.
p1=$("$tool" --json --budget 1 "$module" | sed -nE 's/.*"load": \{"proved": ([0-9]+).*/\1/p')
p2=$(sed -nE 's/.*"load": \{"proved": ([0-9]+).*/\1/p' <<<"$json")
[ -n "$p1" ] && [ -n "$p2" ] && [ "$p1" -le "$p2" ] || fail "budget 1 proved $p1 loads, 2M proved $p2"

# Errors: an unreadable file is 1, bad usage is 2, a bad module is 1.
"$tool" /nonexistent.wasm 2>/dev/null; [ $? = 1 ] || fail "missing file: not status 1"
"$tool" 2>/dev/null; [ $? = 2 ] || fail "no argument: not status 2"
"$tool" --budget x "$module" 2>/dev/null; [ $? = 2 ] || fail "bad budget: not status 2"
bad=$(mktemp); printf '\0asm\1\0\0\0\1' > "$bad"
"$tool" "$bad" 2>/dev/null; rc=$?; rm -f "$bad"
[ $rc = 1 ] || fail "malformed module: not status 1"
echo "PASS dogma-verify"
