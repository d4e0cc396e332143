#!/usr/bin/env bash
# mkhostile.sh OUT.iso KERNEL.elf INITRD.tar VERIFIERD.elf VDFUZZ.wasm
#
# The system image with a test manifest: the real initrd, plus two
# services no real system has: vdfuzz (a hostile client of verifierd,
# tests/system/programs/vdfuzz.c) and greedysvc (greedy.wasm, which asks
# for port 0x60 as "kbd", started with only a log channel: verifierd must
# refuse it, and driverd must not retry it).
set -euo pipefail
out=$1 kernel=$2 initrd=$3 verifierd=$4 vdfuzz=$5
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/dogma-hostile.XXXXXX")
trap 'rm -rf "$stage"' EXIT
tar -xf "$initrd" -C "$stage"
cp "$vdfuzz" "$stage/bin/vdfuzz.wasm"
cat >> "$stage/etc/services" <<'MANIFEST'
# tests/system/mkhostile.sh: test services
vdfuzz     bin/vdfuzz.wasm   verifierd=verifierd  initrd=initrd
greedysvc  bin/greedy.wasm   log=service:log
MANIFEST
tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$stage.tar" -C "$stage" .
"$here/../../images/mkiso.sh" "$out" "$kernel" "$stage.tar" "$verifierd" "" 0
rm -f "$stage.tar"
