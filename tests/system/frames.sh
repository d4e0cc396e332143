#!/usr/bin/env bash
# system.FIRMWARE.frames: a program that ends, however it ends, gives back
# every frame it took.
#
#   frames.sh ISO WORKDIR FIRMWARE
#
# Each program runs once first, so that whatever the system keeps after a
# first run (caches, a service's grown heap) is already taken; then the
# free frames `mem` reports before and after a second run must be equal.
set -u
source "$(dirname "$0")/scenario.sh"
iso=$1 work=$2 firmware=$3

sys_start "$work" "$iso" "$firmware"

for name in hello memhog trap; do
    sys_cmd "run $name" "^\\[$name: " 120
    sys_do mem
    sys_frames
    before=$SYS_FRAMES
    sys_cmd "run $name" "^\\[$name: " 120
    sys_do mem
    sys_frames
    after=$SYS_FRAMES
    [ "$before" -eq "$after" ] ||
        sys_fail "run $name: $before frames free before, $after after ($((before - after)) not returned)"
    echo "ok: run $name: $after frames free before and after"
done

echo "PASS system.$firmware.frames"
