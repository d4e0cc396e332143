#!/usr/bin/env bash
# hostile.sh ISO WORK FIRMWARE: the system with hostile services (the ISO
# from mkhostile.sh).
#
# vdfuzz, a service with a channel to verifierd, sends it what no client
# should (grants never used by a LOAD, LOADs with wrong counts 1,500 times,
# a 1 GiB module, a CONNECT it may not send, a message too long) and says
# "vdfuzz: PASS" in the log when verifierd answered each as it must; it
# exits and driverd starts it again, and the second instance, on a new
# channel, must pass too: nothing it did lasted. greedysvc asks (dogma.abi)
# for a port its manifest entry does not grant: verifierd refuses it, and
# driverd shows it refused and does not retry. Meanwhile the system serves
# the shell as usual.
set -uo pipefail
iso=$1 work=$2 fw=$3
# shellcheck source=scenario.sh
source "$(dirname "$0")/scenario.sh"
sys_start "$work" "$iso" "$fw"

# Wait for two vdfuzz verdicts in the log (the second instance starts
# 100 ms after the first ends).
# (Early, while greedysvc's refusal is still among the newest 60 lines.)
passes=0 refusal=0
for ((i = 0; i < 40 && passes < 2; i++)); do
    sys_do "log 60"
    sys_lacks "vdfuzz: no check failed" 'vdfuzz: FAIL'
    passes=$(sys_text | grep -c 'vdfuzz: PASS')
    sys_text | grep -qE 'greedysvc: refused: .*capability "kbd"' && refusal=1
    [ "$passes" -ge 2 ] || sleep 1
done
[ "$passes" -ge 2 ] || sys_fail "vdfuzz: no two PASS verdicts in the log (saw $passes)"
echo "ok: vdfuzz passed twice"
[ "$refusal" = 1 ] || sys_fail "greedysvc: no refusal naming \"kbd\" in the log"

sys_do "services"
sys_has "greedysvc refused" '^greedysvc +refused +0 +0 '
sys_has "vdfuzz restarted" '^vdfuzz +(running|restarting) +[0-9]+ +[1-9][0-9]* '
echo "ok: greedysvc refused for its port"

sys_do "run hello"
sys_output hello
[ "$SYS_OUT" = "hello, world" ] || sys_fail "run hello printed \"$SYS_OUT\""
sys_do "ps"
for name in driverd verifierd names log console shell; do
    sys_has "ps lists $name" " $name "
done
echo "ok: the system serves on"
sys_stop
echo "PASS hostile ($fw)"
