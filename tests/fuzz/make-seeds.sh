#!/usr/bin/env bash
# tests/fuzz/make-seeds.sh OUTDIR: builds the fuzzer's seed corpus from the
# sources beside this script, so no binary of unknown origin is checked in.
#
#   seeds/*.wat   wat2wasm (name section kept for module.wat)
#   seeds/*.c     clang --target=wasm32-wasi -O2: kernels.c freestanding,
#                 libc.c against wasi-libc (skipped, with a warning, when
#                 wasi-libc is not installed)
#   ttf-*.wasm    wasm-opt -ttf (binaryen's random module generator) fed
#                 with the bytes of two .wat files: deterministic, and richer
#                 in instruction mixes than anything written by hand
#   abi.wasm      kernels.wasm plus the dogma.abi example of spec/format.md
#                 section 4, and a dogma.proof section
#   stress.wasm   deep nesting, a tall operand stack and many sections, so
#                 that every growable array of the decoder and validator grows
#
# Every seed must be valid WebAssembly by wabt's wasm-validate, or the build
# fails: a seed is a starting point for mutations, and a broken one wastes
# them. Tools come from $CLANG, $WAT2WASM, $WASM_OPT, $WASM_VALIDATE and
# the sysroot from $WASI_SYSROOT (default /usr, Debian's wasi-libc).
set -euo pipefail
out=${1:?usage: make-seeds.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)/seeds
clang=${CLANG:-clang}
wat2wasm=${WAT2WASM:-wat2wasm}
wasm_opt=${WASM_OPT:-wasm-opt}
wasm_validate=${WASM_VALIDATE:-wasm-validate}
sysroot=${WASI_SYSROOT:-/usr}

rm -rf "$out"
mkdir -p "$out"

for wat in "$src"/*.wat; do
    name=$(basename "$wat" .wat)
    flags=()
    [ "$name" = module ] && flags=(--debug-names)
    "$wat2wasm" "${flags[@]}" "$wat" -o "$out/$name.wasm"
done

# shellcheck disable=SC2054 # -Wl,--strip-debug is one word
cflags=(--target=wasm32-wasi -O2 -std=c11 -Wall -Wextra -Werror -Wl,--strip-debug)
"$clang" "${cflags[@]}" -nostdlib -mbulk-memory -msign-ext -mnontrapping-fptoint \
    -mmutable-globals -Wl,--no-entry -Wl,--export-all \
    -o "$out/kernels.wasm" "$src/kernels.c"
if [ -f "$sysroot/include/wasm32-wasi/stdio.h" ]; then
    "$clang" "${cflags[@]}" --sysroot="$sysroot" -o "$out/libc.wasm" "$src/libc.c"
else
    echo "make-seeds.sh: no wasi-libc in $sysroot: skipping libc.wasm" >&2
fi

# binaryen's features without reference types: its reference types are the
# GC proposal's (anyref, subtyping), which WebAssembly 2.0 does not have.
ttf_features=(--mvp-features --enable-sign-ext --enable-mutable-globals
              --enable-nontrapping-float-to-int --enable-bulk-memory
              --enable-multivalue)
for name in control numeric; do
    "$wasm_opt" "$src/$name.wat" -ttf "${ttf_features[@]}" -o "$out/ttf-$name.wasm" 2>/dev/null
done

# Bytes from hex, and a length-prefixed name as hex (names here are short,
# so every LEB128 below is one byte).
unhex() { printf '%b' "$(sed 's/../\\x&/g' <<<"$1")"; }
name_hex() { printf '%02x' "${#1}"; printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
custom() { # NAME PAYLOAD-HEX -> a custom section (id 0) on stdout
    local name=$1 payload=$2 size
    size=$(( 1 + ${#name} + ${#payload} / 2 ))
    [ "$size" -lt 128 ] || { echo "make-seeds.sh: custom section too long" >&2; exit 1; }
    unhex "$(printf '00%02x' "$size")$(name_hex "$name")$payload"
}
# spec/format.md section 4's example: version 1, flags 0, strategy checked
# (2), three requests: ioport "com1" first 0x3f8 count 8; irq "irq" line 4;
# optional channel "log" to the service "log".
abi=01000203
abi+=0300$(name_hex com1)f80708
abi+=0200$(name_hex irq)04
abi+=0101$(name_hex log)$(name_hex log)
{
    cat "$out/kernels.wasm"
    custom dogma.abi "$abi"
    custom dogma.proof 00
} > "$out/abi.wasm"

# Deep and wide: 100 nested blocks (the validator's control stack starts
# with room for 64 frames) and 300 operands at once (its operand stack, 256),
# so that both grow; then 20 custom sections (the decoder's section list
# starts with room for 16).
{
    echo '(module'
    echo '  (func (export "deep") (result i32)'
    for _ in $(seq 100); do echo '    (block (result i32)'; done
    echo '    (i32.const 1)'
    for _ in $(seq 100); do echo '    )'; done
    echo '  )'
    echo '  (func (export "wide") (result i32)'
    for _ in $(seq 300); do echo '    i32.const 1'; done
    for _ in $(seq 299); do echo '    i32.add'; done
    echo '  ))'
} > "$out/stress.wat"
"$wat2wasm" "$out/stress.wat" -o "$out/stress.wasm"
rm "$out/stress.wat"
for i in $(seq 20); do custom "c$i" 00; done >> "$out/stress.wasm"

for f in "$out"/*.wasm; do
    "$wasm_validate" "$f" || { echo "make-seeds.sh: seed $f is not valid" >&2; exit 1; }
done
echo "make-seeds.sh: $(ls "$out" | wc -l) seeds in $out"
