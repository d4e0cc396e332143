#!/usr/bin/env bash
# check-image.sh READELF RT.elf
#
# The runtime image is copied into every verified process's code region,
# which is read-execute and can be placed anywhere: it must have no
# writable data (.data, .bss) and no relocation of any kind. A C change
# that adds a static variable or a table of pointers fails the build here
# rather than corrupting a process.
set -euo pipefail
readelf=$1 elf=$2
data=$("$readelf" -S -W "$elf" | awk '$2 == ".data" { print $6 }')
if [ -n "$data" ] && [ $((16#$data)) != 0 ]; then
    echo "check-image: $elf has $data bytes of writable data; the runtime may keep state only in the process's data region" >&2
    exit 1
fi
if "$readelf" -r -W "$elf" | grep -q "R_X86_64"; then
    echo "check-image: $elf has relocations; the runtime image must be position independent without them:" >&2
    "$readelf" -r -W "$elf" >&2
    exit 1
fi
