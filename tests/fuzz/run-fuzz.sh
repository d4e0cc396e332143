#!/usr/bin/env bash
# tests/fuzz/run-fuzz.sh: runs a libFuzzer target of tests/fuzz three ways.
#
#   run-fuzz.sh regressions FUZZER DIR
#       runs every DIR/*.EXT once (no fuzzing); fails if any crashes
#   run-fuzz.sh short FUZZER WORKDIR SECONDS CORPUS...
#       fuzzes for SECONDS from a fresh WORKDIR/corpus plus the read-only
#       CORPUS directories; fails on any crash, leak or time-out
#   run-fuzz.sh long FUZZER SECONDS JOBS CORPUS ARTIFACTS LOGS SEEDS...
#       JOBS parallel fuzzers for SECONDS on the persistent CORPUS, seeded
#       from SEEDS; reproducers land in ARTIFACTS, one log per job in LOGS
#
# The fuzzer's name says what it reads, hence its dictionary and the
# extension EXT of its regression files: fuzz_elf ELF executables
# (elf.dict, .elf), fuzz_initrd tar archives (initrd.dict, .tar), the others
# WebAssembly modules (wasm.dict, .wasm).
#
# Whatever breaks (a sanitizer report or an invariant of the target) is
# printed with the reproducer's path, its bytes in hex when it is small, and
# the command that replays it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

input_ext() { # FUZZER
    case $(basename "$1") in
        fuzz_elf) echo elf ;;
        fuzz_initrd) echo tar ;;
        *) echo wasm ;;
    esac
}

dict_of() { # FUZZER
    case $(input_ext "$1") in
        elf) echo "$here/elf.dict" ;;
        tar) echo "$here/initrd.dict" ;;
        *) echo "$here/wasm.dict" ;;
    esac
}

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}

# Flags every fuzzing run shares. A module of at most a few tens of KiB
# takes milliseconds even under ASan, so 10 s is a hang, not a slow input;
# the memory limit stops an allocation that is not linear in the input.
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1)

die() { echo "run-fuzz.sh: $*" >&2; exit 2; }

show_reproducer() { # FUZZER FILE
    local f=$2 size
    size=$(wc -c < "$f")
    echo "reproducer: $f ($size bytes)"
    if [ "$size" -le 1024 ]; then
        echo "bytes (hex):"
        od -An -v -tx1 "$f" | sed 's/^ */  /'
    fi
    echo "replay:     $1 $f"
    echo "minimize:   $1 -minimize_crash=1 -runs=10000 -exact_artifact_path=min.$(input_ext "$1") $f"
}

mode_regressions() { # FUZZER DIR
    local fuzzer=$1 dir=$2 pass=0 fail=0 f log
    [ -x "$fuzzer" ] || die "no fuzzer at $fuzzer"
    log=$(mktemp "${TMPDIR:-/tmp}/run-fuzz.XXXXXX")
    shopt -s nullglob
    local files=("$dir"/*."$(input_ext "$fuzzer")")
    if [ ${#files[@]} -eq 0 ]; then
        echo "no regression files in $dir"
    fi
    for f in "${files[@]}"; do
        if "$fuzzer" "$f" > "$log" 2>&1; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $(basename "$f")"
            grep -E 'ERROR|runtime error|invariant broken|^    #[0-9]+ ' "$log" |
                grep -v 'in fuzzer::\|libc_start\|in _start\|in main ' | head -20 || true
            show_reproducer "$fuzzer" "$f"
            echo
        fi
    done
    rm -f "$log"
    echo "regressions: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

mode_short() { # FUZZER WORKDIR SECONDS CORPUS...
    local fuzzer=$1 work=$2 seconds=$3
    shift 3
    [ -x "$fuzzer" ] || die "no fuzzer at $fuzzer"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    local status=0
    "$fuzzer" "${common[@]}" -dict="$(dict_of "$fuzzer")" -max_total_time="$seconds" \
        -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" \
        > "$work/fuzz.log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::peak_rss_mb' \
        "$work/fuzz.log" || true
    local found=("$work"/artifacts/*)
    if [ "$status" -ne 0 ] || [ -e "${found[0]}" ]; then
        echo "fuzzing failed (exit $status); the end of $work/fuzz.log:"
        grep -v '^#[0-9]' "$work/fuzz.log" | tail -40
        local f
        for f in "${found[@]}"; do [ -e "$f" ] && show_reproducer "$fuzzer" "$f"; done
        return 1
    fi
    echo "no crash in $seconds s"
}

mode_long() { # FUZZER SECONDS JOBS CORPUS ARTIFACTS LOGS SEEDS...
    local fuzzer=$1 seconds=$2 jobs=$3 corpus=$4 artifacts=$5 logs=$6
    shift 6
    [ -x "$fuzzer" ] || die "no fuzzer at $fuzzer"
    mkdir -p "$corpus" "$artifacts" "$logs"
    # The jobs run in $logs, where libFuzzer writes their logs.
    fuzzer=$(realpath "$fuzzer") corpus=$(realpath "$corpus")
    artifacts=$(realpath "$artifacts") logs=$(realpath "$logs")
    local seeds=() d
    for d in "$@"; do seeds+=("$(realpath "$d")"); done
    rm -f "$logs"/fuzz-*.log
    local before
    before=$(find "$artifacts" -type f | wc -l)
    echo "fuzzing for $seconds s with $jobs jobs; corpus $corpus ($(find "$corpus" -type f | wc -l) inputs)"
    echo "job logs: $logs/fuzz-N.log; crash reproducers land in $artifacts/"
    local dict
    dict=$(dict_of "$fuzzer")
    (cd "$logs" && "$fuzzer" "${common[@]}" -dict="$dict" -max_total_time="$seconds" \
        -jobs="$jobs" -workers="$jobs" -artifact_prefix="$artifacts/" \
        "$corpus" "${seeds[@]}" > "$logs/parent.log" 2>&1) &
    local pid=$! waited=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        waited=$((waited + 5))
        if [ $((waited % 60)) -eq 0 ]; then
            echo "  ${waited}s: corpus $(find "$corpus" -type f | wc -l) inputs," \
                 "reproducers $(( $(find "$artifacts" -type f | wc -l) - before ))"
        fi
    done
    wait "$pid" || true
    local log ran=0
    for log in "$logs"/fuzz-*.log; do
        [ -e "$log" ] || continue
        ran=$((ran + 1))
        echo "$(basename "$log"): $(grep -E '^#[0-9]+' "$log" | tail -1)"
    done
    if [ "$ran" -eq 0 ]; then
        echo "no fuzzing job started; $logs/parent.log says:"
        cat "$logs/parent.log"
        return 1
    fi
    local after
    after=$(find "$artifacts" -type f | wc -l)
    if [ "$after" -gt "$before" ]; then
        echo "$((after - before)) new reproducer(s) in $artifacts/:"
        local f
        for f in $(ls -t "$artifacts" | head -n $((after - before))); do
            show_reproducer "$fuzzer" "$artifacts/$f"
            for log in $(grep -l "$f" "$logs"/fuzz-*.log 2>/dev/null); do
                echo "  reported in $log:"
                grep -E 'SUMMARY|invariant broken' "$log" | sed 's/^/    /' || true
            done
        done
        echo "a fixed bug's reproducer goes to tests/fuzz/regressions/NAME.$(input_ext "$fuzzer")"
        return 1
    fi
    echo "no crash in $seconds s x $jobs jobs"
}

case ${1:-} in
    regressions) shift; [ $# -eq 2 ] || die "usage: regressions FUZZER DIR"; mode_regressions "$@" ;;
    short) shift; [ $# -ge 4 ] || die "usage: short FUZZER WORKDIR SECONDS CORPUS..."; mode_short "$@" ;;
    long) shift; [ $# -ge 7 ] || die "usage: long FUZZER SECONDS JOBS CORPUS ARTIFACTS LOGS SEEDS..."; mode_long "$@" ;;
    *) die "usage: run-fuzz.sh regressions|short|long ..." ;;
esac
