# lib.sh: sourced by the runtime tests (README.md). Each test script is
#
#   NAME.sh DOGMA_RUN WORKDIR [MORE...]
#
# and uses these helpers. Tools come from the environment (WAT2WASM,
# WASM_OBJDUMP) or PATH. A script goes on after a failed check, so that one
# run lists every failure, and ends with `finish`.
set -u
run_bin=$1 work=$2
shift 2
mkdir -p "$work"
: "${WAT2WASM:=wat2wasm}" "${WASM_OBJDUMP:=wasm-objdump}"
here=$(cd "$(dirname "$0")" && pwd)
fails=0
checks=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run ARGS...: dogma-run ARGS; status in $rc, stdout in $work/out, stderr
# in $work/err
run() { "$run_bin" "$@" > "$work/out" 2> "$work/err"; rc=$?; checks=$((checks + 1)); }

# show: what the last run printed, after a failure
show() {
    echo "  ---- stdout"; sed 's/^/  | /' "$work/out"
    echo "  ---- stderr"; sed 's/^/  | /' "$work/err"
}

# expect_rc WANT WHAT: the last run's status
expect_rc() { [ "$rc" -eq "$1" ] || { fail "$2: exit status $rc, want $1"; show; }; }

# expect_out TEXT WHAT: the last run's whole stdout
expect_out() {
    [ "$(cat "$work/out")" = "$1" ] || {
        fail "$2: stdout differs"
        printf '%s\n' "$1" > "$work/want"
        diff "$work/want" "$work/out" | sed 's/^/  /'
        show
    }
}

# expect_err_line1 TEXT WHAT: the first line of the last run's stderr
expect_err_line1() {
    got=$(head -n 1 "$work/err")
    [ "$got" = "$1" ] || { fail "$2: stderr line 1 is '$got', want '$1'"; show; }
}

# expect_err_grep ERE WHAT: some line of the last run's stderr matches ERE
expect_err_grep() { grep -Eq -- "$1" "$work/err" || { fail "$2: no /$1/ on stderr"; show; }; }

# stat_of FIELD: a figure of the last run's --stats line "run ...": the
# number before FIELD ("stacklets", "spare reuses", "yields", "host calls")
stat_of() {
    sed -n "s/^dogma-run: stats: run .*[ ,]\([0-9][0-9]*\) $1\(,.*\)*\$/\1/p" "$work/err"
}

# wat NAME: assemble $here/NAME.wat with its name section into
# $work/NAME.wasm, and its disassembly into $work/NAME.dis
wat() {
    "$WAT2WASM" --debug-names "$here/$1.wat" -o "$work/$1.wasm" ||
        { echo "FAIL: cannot assemble $1.wat"; exit 1; }
    "$WASM_OBJDUMP" -d "$work/$1.wasm" > "$work/$1.dis" ||
        { echo "FAIL: cannot disassemble $1.wasm"; exit 1; }
}

# body_off NAME FUNC TEXT [N]: the offset, from the start of FUNC's body,
# of the Nth (default first) instruction of FUNC whose disassembly in
# $work/NAME.dis begins with TEXT; "first" for TEXT: its first instruction.
# wasm-objdump heads each function with the offset of its body (the local
# declarations included), as "0000a1 func[3] <name>:".
body_off() {
    awk -v f="<$2>:" -v t="$3" -v n="${4:-1}" '
        / func\[[0-9]+\] </ { inf = ($3 == f); if (inf) base = $1; next }
        inf && /\|/ {
            ins = $0; sub(/^[^|]*\| */, "", ins)
            if (ins ~ /^local\[/) next            # a local declaration
            if (t == "first" || index(ins, t) == 1) {
                if (--n == 0) { sub(/:$/, "", $1); print base, $1; exit }
            }
        }' "$work/$1.dis" | {
        read -r base at || { echo "no-such-instruction"; exit; }
        printf '%x\n' $((0x$at - 0x$base))
    }
}

finish() {
    if [ "$fails" -ne 0 ]; then
        echo "$fails failed checks in $checks runs"
        exit 1
    fi
    echo "ok: $checks runs"
    exit 0
}
