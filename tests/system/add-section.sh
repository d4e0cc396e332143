#!/usr/bin/env bash
# add-section.sh IN.wasm NAME PAYLOAD-HEX OUT.wasm
#
# Appends a custom section NAME with the payload given as hex bytes
# ("01 00 00 01 ...") to a module. Custom sections may come anywhere, so
# appending is enough. clang 14 has no way to emit one from C.
set -euo pipefail
in=$1 name=$2 hex=$3 out=$4
leb() { # unsigned LEB128 of $1, as \x escapes
    local v=$1 s= b
    while :; do
        b=$((v & 0x7f)); v=$((v >> 7))
        if [ "$v" -ne 0 ]; then b=$((b | 0x80)); fi
        s+=$(printf '\\x%02x' "$b")
        [ "$v" -ne 0 ] || break
    done
    printf '%s' "$s"
}
payload=$(for b in $hex; do printf '\\x%02x' "$((16#$b))"; done)
nbytes=$(printf "$payload" | wc -c)
namelen=${#name}
body="$(leb "$namelen")$(printf '%s' "$name")$payload"
bodylen=$(printf "$body" | wc -c)
{ cat "$in"; printf '\x00'; printf "$(leb "$bodylen")"; printf "$body"; } > "$out.tmp"
mv "$out.tmp" "$out"
: "$nbytes"
