#!/usr/bin/env bash
# forge-proof.sh IN.wasm OUT.wasm: IN with a forged dogma.proof section: a
# precondition `false` on its exported _start, which no caller can be made
# to establish (the runtime calls it). verifierd must refuse the module
# with the annotation's offset (spec/safety.md section 9, spec/services.md
# section 4). Needs wasm-objdump (wabt) to find _start's index.
set -euo pipefail
in=$1 out=$2
idx=$(wasm-objdump -x "$in" | sed -nE 's/^ - func\[([0-9]+)\] <[^>]*> -> "_start"$/\1/p' | head -1)
[ -n "$idx" ] || { echo "forge-proof.sh: no exported _start in $in" >&2; exit 1; }
leb=$(v=$idx; s=; while :; do b=$((v & 0x7f)); v=$((v >> 7)); [ $v -ne 0 ] && b=$((b | 0x80))
      s+=$(printf '%02x ' "$b"); [ $v -ne 0 ] || break; done; echo "$s")
# version 1, flags 0, no lemmas, no invariants, one function: _start, one
# precondition of one byte (0x02: false), no postcondition, loop or hint
exec "$(dirname "$0")/add-section.sh" "$in" dogma.proof "01 00 00 00 01 $leb 01 01 02 00 00 00" "$out"
