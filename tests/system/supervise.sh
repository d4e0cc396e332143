#!/usr/bin/env bash
# system.FIRMWARE.supervise: driverd restarts the services that end, and
# the end of driverd resets the machine.
#
#   supervise.sh ISO WORKDIR FIRMWARE
#
# kill 2 is refused: verifierd is the kernel's. kill 5 ends the console:
# driverd starts it again under a new pid and the shell keeps working
# through it. kill 4 ends the log: restarted, and `log` still answers.
# kill 1 ends driverd: the kernel resets the machine, and QEMU
# (-no-reboot) exits by itself.
set -u
source "$(dirname "$0")/scenario.sh"
iso=$1 work=$2 firmware=$3

sys_start "$work" "$iso" "$firmware"

# restarted NAME OLDPID: services shows NAME running again, restarted once,
# under another pid. While the console is down typing is lost: sys_resync.
restarted() {
    local name=$1 old=$2 i row
    for ((i = 0; i < 20; i++)); do
        sys_resync
        sys_do services
        row=$(sys_text | grep -E "^$name +" | head -n 1)
        [[ $row =~ ^$name\ +running\ +([0-9]+)\ +1\  ]] && break
        row=
    done
    [ -n "$row" ] || sys_fail "kill $old: services never shows $name running with 1 restart"
    local pid=${BASH_REMATCH[1]}
    [ "$pid" != "$old" ] || sys_fail "kill $old: $name restarted under the same pid $pid"
    sys_do ps
    sys_has "kill $old: ps lists the new $name" "^ +$pid $name "
    sys_lacks "kill $old: ps no longer lists pid $old" "^ +$old "
    echo "ok: $name restarted as pid $pid"
}

hello_runs() { # WHAT
    sys_cmd "run hello" '^\[hello: ' 60
    sys_output hello
    [ "$SYS_OUT" = "hello, world" ] ||
        sys_fail "after $1: run hello printed \"$SYS_OUT\", not \"hello, world\""
    echo "ok: run hello after $1"
}

# verifierd is the kernel's, not driverd's: a kill of it is refused, and
# programs still load.
sys_cmd "kill 2" '^kill' 60
sys_has "kill 2: refused" '^kill 2: the handle lacks a right'
sys_lacks "kill 2: refused" '^killed 2$'
hello_runs "kill 2"

# A pid no live process has: said so, nothing else happens.
sys_cmd "kill 99" '^kill' 60
sys_has "kill 99: no such process" '^kill: no live process has pid 99$'

sys_cmd "kill 5" '^killed 5$' 60
restarted console 5
hello_runs "kill 5"

sys_cmd "kill 4" '^killed 4$' 60
restarted log 4
hello_runs "kill 4"
sys_do "log 5"
sys_lacks "log 5: an error" '^log: '
n=$(sys_text | grep -cE '^\[ *[0-9]+\.[0-9]{3}\] (err |warn|info|dbg ) [a-z]+: ')
[ "$n" -eq 5 ] || sys_fail "log 5: $n lines of the log, not 5"

# The end of process 1: the kernel says so and resets; QEMU then exits.
sys_mark
sys_send "kill 1"
sys_expect 'process 1 \(driverd\) torn down .*resetting the machine' 60
for ((i = 0; i < 600; i++)); do
    sys_alive || break
    sleep 0.1
done
sys_alive && sys_fail "kill 1: QEMU still runs 60 s after the reset (-no-reboot should end it)"
wait "$SYS_QEMU"
rc=$?
[ "$rc" -eq 0 ] || sys_fail "kill 1: QEMU exited with status $rc, not 0 as on a reset"
SYS_QEMU=
echo "ok: kill 1 reset the machine"

echo "PASS system.$firmware.supervise"
