#!/bin/sh
# check-decls.sh WASM-OBJDUMP IMPORTS-LIST DECLS.wasm: the imports that
# dogma.h's declarations produce (DECLS.wasm references them all) have
# exactly the names and types of dogma/imports.h's X-macro, which
# IMPORTS-LIST prints as "NAME PARAMS RESULTS".
set -u
objdump=$1 list=$2 module=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$list" | sort >"$tmp/want"
"$objdump" -x "$module" | awk '
    /^ - type\[/ {
        n = $2; sub(/^type\[/, "", n); sub(/\]$/, "", n)
        line = $0; sub(/^ - type\[[0-9]+\] /, "", line)
        split(line, pr, " -> ")
        p = pr[1]; gsub(/[(), ]/, "", p); gsub(/i64/, "I", p); gsub(/i32/, "i", p)
        r = pr[2]; gsub(/[(), ]/, "", r); gsub(/i64/, "I", r); gsub(/i32/, "i", r)
        if (r == "nil") r = ""
        par[n] = p == "" ? "-" : p; res[n] = r == "" ? "-" : r
    }
    /^ - func\[[0-9]+\] sig=[0-9]+ .* <- dogma\./ {
        s = $3; sub(/^sig=/, "", s)
        f = $NF; sub(/^dogma\./, "", f)
        print f, par[s], res[s]
    }' | sort >"$tmp/got"
if ! cmp -s "$tmp/want" "$tmp/got"; then
    echo "FAIL: dogma.h's imports (+) differ from dogma/imports.h (-):"
    diff "$tmp/want" "$tmp/got"
    exit 1
fi
echo "ok: $(wc -l <"$tmp/got") imports agree with dogma/imports.h"
