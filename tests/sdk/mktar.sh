#!/bin/sh
# mktar.sh OUT.tar FORMAT SRC STAGE: the test initrd, reproducibly.
#
# Copies SRC (tests/sdk/initrd) to STAGE, adds a file under a path of
# more than 100 bytes (so each FORMAT, gnu, ustar or pax, spells it its own
# way: a GNU long-name entry, the ustar prefix, a pax header), and packs
# STAGE's contents into OUT.tar with fixed owners, times and order.
set -eu
out=$1 format=$2 src=$3 stage=$4
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$src"/. "$stage"/
long=long-directory-name-number-one/long-directory-name-number-two/long-directory-name-three
mkdir -p "$stage/$long"
printf 'a file under a path longer than 100 bytes\n' >"$stage/$long/long-file-name.txt"
tar --format="$format" --owner=0 --group=0 --numeric-owner --mtime=@1000000000 \
    --sort=name -C "$stage" -cf "$out.tmp" .
mv "$out.tmp" "$out"
