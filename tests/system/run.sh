#!/usr/bin/env bash
# system.FIRMWARE.run: programs run in the OS print what they print on the
# host.
#
#   run.sh ISO WORKDIR FIRMWARE DOGMA-RUN INITRD.tar
#
# Each `run` line below is typed into the shell; the same module, taken
# from the initrd the ISO carries, runs on the host under dogma-run with
# the same arguments, environment and initrd. The lines the program
# printed on the console (between the echoed command and the
# "[NAME: exit status N]" line) must be the host's, and N its exit code.
# In the OS stdout and stderr share the console; on the host they are
# separate files, so a program that writes to both is compared line by
# line regardless of order. argv[0] differs (the name in the OS, the
# module's path on the host); none of these programs prints it.
set -u
source "$(dirname "$0")/scenario.sh"
iso=$1 work=$2 firmware=$3 dogma_run=$4 initrd=$5

sys_start "$work" "$iso" "$firmware"
mkdir -p "$work/initrd"
tar -xf "$initrd" -C "$work/initrd" ./bin || sys_fail "cannot unpack bin/ of $initrd"

# check_run "[K=V]... NAME [ARGS]..."
check_run() {
    local line=$1 words env=() name='' args=() w
    read -ra words <<<"$line"
    for w in "${words[@]}"; do
        if [ -z "$name" ] && [[ $w == *=* ]]; then
            env+=(--env "$w")
        elif [ -z "$name" ]; then
            name=$w
        else
            args+=("$w")
        fi
    done
    # The OS translates with strategy proved (its verifier's first pass);
    # the host runs the module checked: the outputs must be the same.
    "$dogma_run" --strategy checked --initrd "$initrd" "${env[@]}" \
        "$work/initrd/bin/$name.wasm" "${args[@]}" >"$work/host.out" 2>"$work/host.err"
    local rc=$?
    sys_cmd "run $line" "^\\[$name: " 120
    sys_output "$name"
    printf '%s\n' "$SYS_OUT" >"$work/os.out"
    [ -n "$SYS_OUT" ] || : >"$work/os.out"
    if [ -s "$work/host.err" ]; then
        cat "$work/host.out" "$work/host.err" | sort >"$work/host.all"
        sort "$work/os.out" >"$work/os.all"
    else
        cp "$work/host.out" "$work/host.all"
        cp "$work/os.out" "$work/os.all"
    fi
    if ! cmp -s "$work/host.all" "$work/os.all"; then
        echo "---- host (<) against the OS (>)"
        diff "$work/host.all" "$work/os.all"
        sys_fail "run $line: the console shows other lines than dogma-run printed"
    fi
    sys_status "$name"
    [ "$SYS_STATUS" = "$rc" ] ||
        sys_fail "run $line: exit status $SYS_STATUS in the OS, $rc under dogma-run"
    echo "ok: run $line ($(wc -l <"$work/os.out") lines, status $rc)"
}

check_run "hello"
check_run "args one two"
check_run "DOGMA_GREETING=hi args x"
check_run "memhog"
check_run "exit3"
check_run "cat /etc/services"

# exit3 writes a line to each stream; both reached the console.
sys_cmd "run exit3" '^\[exit3: ' 60
sys_has "run exit3: its stdout line" '^about to exit with status 3$'
sys_has "run exit3: its stderr line" '^exit3: a line on stderr$'
# and its stderr line went to the system log as well, under its name
sys_do "log 10"
sys_has "log: exit3's stderr line" ' warn exit3: exit3: a line on stderr$'

sys_cmd "verify hello" '^hello: ' 60
sys_has "verify hello" '^hello: valid'
sys_lacks "verify hello: it does not run" '^hello, world$'

echo "PASS system.$firmware.run"
