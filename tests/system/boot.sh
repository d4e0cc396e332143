#!/usr/bin/env bash
# system.FIRMWARE.boot: the whole system comes up to the shell's prompt.
#
#   boot.sh ISO WORKDIR FIRMWARE
#
# ps lists the six processes of a fresh boot with their kinds, services
# shows driverd's four services running and never restarted, under the
# pids ps gives them; help names every command; uptime and mem answer.
set -u
source "$(dirname "$0")/scenario.sh"
iso=$1 work=$2 firmware=$3

sys_start "$work" "$iso" "$firmware"

# pid, name, kind: driverd runs verified code as process 1; verifierd is
# the trusted loader, hardware-isolated; the services are modules it loaded.
sys_do ps
sys_has "ps: the header" '^  PID NAME +KIND +STATE +CPU ms +MEM KiB +CAPS$'
while read -r pid name kind; do
    sys_has "ps: process $pid" "^ +$pid $name +$kind +(run|wait) "
done <<'EOF'
1 driverd verified
2 verifierd isolated
3 names verified
4 log verified
5 console verified
6 shell verified
EOF
sys_lacks "ps: nothing but the boot's processes" '^ +([7-9]|[1-9][0-9]+) '

sys_do services
sys_has "services: the header" '^NAME +STATE +PID +RESTARTS +MODULE$'
pid=3
for svc in names log console shell; do
    sys_has "services: $svc running as pid $pid, never restarted" \
        "^$svc +running +$pid +0 +sys/$svc\\.wasm$"
    pid=$((pid + 1))
done

sys_do help
sys_has "help: its first line" '^commands:$'
for c in help ps 'caps PID' mem services 'run \[K=V\]\.\.\. NAME \[ARGS\]\.\.\.' \
    'time run \.\.\.' 'verify NAME' 'kill PID' 'log \[N\]' uptime reboot; do
    sys_has "help: the command \"$c\"" "^  $c( |$)"
done

sys_do uptime
sys_has "uptime: six processes, as ps showed" \
    '^up [0-9]+\.[0-9]{3} s; 6 processes; process 1 started at [0-9]+\.[0-9]{3} s$'

sys_do mem
sys_has "mem" \
    '^memory: [0-9]+ KiB total, [0-9]+ KiB free \([0-9]+ frames\); kernel heap [0-9]+ KiB$'
line=$(sys_text | grep -E '^memory: ' | head -n 1)
read -r total free frames < <(echo "$line" |
    sed -E 's/^memory: ([0-9]+) KiB total, ([0-9]+) KiB free \(([0-9]+) frames.*/\1 \2 \3/')
if [ "$free" -le 0 ] || [ "$free" -ge "$total" ]; then
    sys_fail "mem: free ($free KiB) should be above 0 and below the total ($total KiB)"
fi
[ "$((frames * 4))" -eq "$free" ] ||
    sys_fail "mem: $frames frames of 4 KiB are not the $free KiB free"

echo "PASS system.$firmware.boot"
