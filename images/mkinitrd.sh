#!/usr/bin/env bash
# mkinitrd.sh OUT.tar STAGE_DIR INITRD_DIR TESTS_DIR MODULES_DIR [SYSTEM...]
#
# Stages images/initrd/ (the manifest etc/services, ...), the kernel's test
# programs (as tests/NAME) and the modules built with the SDK: the system's
# (driverd and the services named as SYSTEM) as sys/NAME.wasm, every other
# one as bin/NAME.wasm, the programs the shell's `run` finds. Packs them as
# a reproducible ustar archive. OUT.tar is replaced only when its content
# changes, so that an unchanged initrd rebuilds nothing.
set -euo pipefail
out=$1 stage=$2 initrd=$3 tests=$4 modules=$5
shift 5
system=" $* "
rm -rf "$stage"
mkdir -p "$stage/tests" "$stage/sys" "$stage/bin"
cp -R "$initrd"/. "$stage"/
if [ -d "$modules" ]; then
    for f in "$modules"/*.wasm; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .wasm)
        case $system in
            *" $name "*) cp "$f" "$stage/sys/$name.wasm" ;;
            *) cp "$f" "$stage/bin/$name.wasm" ;;
        esac
    done
fi
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
