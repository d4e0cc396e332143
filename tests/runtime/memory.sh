#!/usr/bin/env bash
# memory.sh DOGMA_RUN WORKDIR: --max-memory (memory.wat, memory-big.wat;
# README.md), in both memory strategies.
. "$(dirname "$0")/lib.sh"
wat memory
wat memory-big
m=$work/memory.wasm big=$work/memory-big.wasm

for s in guard checked; do
    # an initial size over the limit: the module does not load
    run --strategy $s --max-memory 128K --invoke size "$big"
    expect_rc 1 "4 pages under --max-memory 128K ($s)"
    expect_out "" "4 pages under --max-memory 128K ($s)"
    expect_err_grep "max-memory" "4 pages under --max-memory 128K ($s)"
    # exactly at the limit: loads, and cannot grow
    run --strategy $s --max-memory 256K --invoke grow "$big" 1
    expect_rc 0 "4 pages under --max-memory 256K ($s)"
    expect_out "i32:-1" "grow 1 under --max-memory 256K ($s)"
    # the module's own maximum (8 pages) is below the limit: it still holds
    run --strategy $s --max-memory 1M --invoke grow "$big" 5
    expect_out "i32:-1" "grow 5 past the declared maximum ($s)"
    run --strategy $s --max-memory 1M --invoke grow "$big" 4
    expect_out "i32:4" "grow 4 to the declared maximum ($s)"

    # 3 pages allowed: 1 + 2 succeeds, one more fails, the size stays 3
    run --strategy $s --max-memory 192K --invoke grow2 "$m" 2 1
    expect_rc 0 "grow2 2 1 ($s)"
    expect_out "i32:1
i32:-1
i32:3" "grow2 2 1 under --max-memory 192K ($s)"
    run --strategy $s --max-memory 192K --invoke grow "$m" 3
    expect_out "i32:-1" "grow 3 under --max-memory 192K ($s)"
    # the grown memory is there up to its last byte, and no further
    run --strategy $s --max-memory 192K --invoke grow_use "$m" 2
    expect_rc 0 "grow_use 2 ($s)"
    expect_out "i32:90" "grow_use 2 ($s)"
    run --strategy $s --max-memory 192K --invoke past "$m" 5
    expect_rc 134 "past 5 ($s)"
    expect_err_line1 "trap: out of bounds memory access in past+0x$(body_off memory past i32.load8_u)" "past 5 ($s)"
    # a limit that is not a whole number of pages allows the pages within it
    run --strategy $s --max-memory 100K --invoke grow "$m" 1
    expect_out "i32:-1" "grow 1 under --max-memory 100K ($s)"
    # without --max-memory: grows as the module allows
    run --strategy $s --invoke grow2 "$m" 100 0
    expect_out "i32:1
i32:101
i32:101" "grow2 100 0 without a limit ($s)"
done

# the limit must be a size up to 4G
for v in 5G 4097M 12Q -1 ""; do
    run --max-memory "$v" --invoke grow "$m" 1
    expect_rc 2 "--max-memory '$v'"
done
run --max-memory 4G --invoke grow "$m" 1
expect_out "i32:1" "--max-memory 4G"

finish
