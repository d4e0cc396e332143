#!/bin/sh
# Checks that libabi's freestanding build needs nothing from outside itself
# but the four memory functions of rt/mem.c, and nothing at all with them.
#   check-freestanding.sh LD NM CORE.o RT.o
set -eu
ld=$1 nm=$2 core=$3 rt=$4
undef=$("$nm" -u "$core" | awk '{print $2}' | sort)
extra=$(echo "$undef" | grep -vxE 'memcpy|memmove|memset|memcmp|' || true)
if [ -n "$extra" ]; then
    echo "libabi-freestanding.o needs symbols outside libabi:" $extra
    exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$ld" -r -o "$tmp" "$core" "$rt"
left=$("$nm" -u "$tmp")
if [ -n "$left" ]; then
    echo "libabi-freestanding.o + rt/mem.o still need:" $left
    exit 1
fi
echo "freestanding: needs only" $undef "(all in rt/mem.c)"
