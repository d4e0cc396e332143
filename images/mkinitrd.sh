#!/usr/bin/env bash
# mkinitrd.sh OUT.tar STAGE_DIR INITRD_DIR TESTS_DIR MODULES_DIR SYSTEM... -- DEMO...
#
# Stages images/initrd/ (the manifest etc/services, ...), the kernel's test
# programs (as tests/NAME) and modules from MODULES_DIR: the system's
# (driverd and the services, named as SYSTEM) as sys/NAME.wasm, the
# programs the shell's `run` finds (DEMO) as bin/NAME.wasm. Packs them as
# a reproducible ustar archive. OUT.tar is replaced only when its content
# changes, so that an unchanged initrd rebuilds nothing.
set -euo pipefail
out=$1 stage=$2 initrd=$3 tests=$4 modules=$5
shift 5
sys=() demos=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do sys+=("$1"); shift; done
[ $# -gt 0 ] && shift
demos=("$@")
rm -rf "$stage"
mkdir -p "$stage/tests" "$stage/sys" "$stage/bin"
cp -R "$initrd"/. "$stage"/
for name in "${sys[@]}"; do cp "$modules/$name.wasm" "$stage/sys/$name.wasm"; done
for name in "${demos[@]}"; do cp "$modules/$name.wasm" "$stage/bin/$name.wasm"; done
if [ -d "$tests" ]; then
    for f in "$tests"/*; do
        [ -f "$f" ] && cp "$f" "$stage/tests/$(basename "$f")"
    done
fi
tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$out.new" -C "$stage" .
if [ -f "$out" ] && cmp -s "$out" "$out.new"; then
    rm -f "$out.new"
else
    mv "$out.new" "$out"
fi
