#!/usr/bin/env bash
# mkinitrd.sh OUT.tar STAGE_DIR INITRD_DIR TESTS_DIR
#
# Stages images/initrd/ and the kernel's test programs (as tests/NAME) and
# packs them as a reproducible ustar archive. OUT.tar is replaced only
# when its content changes, so that an unchanged initrd rebuilds nothing.
set -euo pipefail
out=$1 stage=$2 initrd=$3 tests=$4
rm -rf "$stage"
mkdir -p "$stage/tests"
cp -R "$initrd"/. "$stage"/
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
