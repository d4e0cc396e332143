#!/usr/bin/env bash
# tests/fuzz/make-proof-seeds.sh OUTDIR: the seeds of fuzz_proof, written
# here in hex so that no binary is checked in. Each is the payload of a
# dogma.proof section for the fuzzer's fixed module (fuzz_proof.c: func 1
# [i32 i64] -> [i32] with locals f32 i32 and two loops, func 3 [f32] ->
# [i64 f64], globals i32 i64 f32 and mutable i64 f32 i32), valid unless its
# name says otherwise.
set -euo pipefail
out=${1:?usage: make-proof-seeds.sh OUTDIR}
rm -rf "$out"
mkdir -p "$out"

seed() { # NAME HEX...
    local name=$1
    shift
    # shellcheck disable=SC2059 # the format is the seed's bytes
    printf "$(printf '\\x%s' "$@")" > "$out/$name"
}

seed empty        01 00 00 00 00
# spec/format.md section 5.1's example, as func 1's precondition
seed spec-example 01 00 00 00 01 01 01 08 12 00 30 11 10 20 14 43 00 00 00
# lemmas, a module invariant, pre, post, both loops and hints
seed whole        01 00 02 04 61 64 64 31 01 62 \
                  01 04 13 01 14 43 \
                  02 01 01 01 01 01 05 15 00 12 00 40 \
                  02 00 01 05 12 03 12 00 42 01 02 01 01 02 02 50 \
                  02 01 00 \
                  03 00 01 05 15 00 11 00 40 00 00
# every operation, in one postcondition of func 1
seed operations   01 00 00 00 01 01 00 01 3a \
                  01 02 52 10 7f 10 01 20 15 00 40 51 \
                  11 80 80 80 80 10 12 01 28 13 01 41 51 \
                  12 00 13 00 45 53 12 00 30 12 00 31 42 51 \
                  14 32 15 00 45 50 51 \
                  10 03 10 04 26 10 05 10 06 27 40 51 \
                  00 00
# flags 1: declared ranges of globals 0 (i32), 3 (i64) and 5 (i32 -1)
seed ranges       01 01 00 00 03 00 00 c0 b1 04 03 c0 31 ff ff ff ff ff ff ff ff ff 01 \
                  05 80 80 fc ff 0f ff ff ff ff 0f 00
seed bad-type     01 00 00 01 05 10 00 11 00 20 00
seed bad-scope    01 00 00 00 01 01 01 03 12 02 01 00 00 00
