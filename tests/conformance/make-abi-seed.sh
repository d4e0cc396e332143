#!/bin/sh
# make-abi-seed.sh IN.wasm OUT.wasm: IN with the dogma.abi section of
# spec/format.md section 4 appended (a serial driver's requests), so that
# mutants reach the Dogma section's rules too.
set -eu
{
    cat "$1"
    # custom section, 41 bytes: "dogma.abi", version 1, flags 0, strategy
    # checked, ioport "com1" 0x3f8+8, irq "irq" 4, optional channel "log"
    printf '\000\051\011dogma.abi\001\000\002\003'
    printf '\003\000\004com1\370\007\010'
    printf '\002\000\003irq\004'
    printf '\001\001\003log\003log'
} > "$2"
