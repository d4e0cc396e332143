#!/usr/bin/env bash
# wasi.sh DOGMA_RUN WORKDIR WASI.wasm: a wasi-libc program (wasi.c) under
# dogma-run with arguments, --env, stdin and a directory preopened with
# --dir HOST::/data, in both memory strategies (README.md). Its stdout
# must be the text below, and the host directory must show what it did,
# and nothing outside it may change.
. "$(dirname "$0")/lib.sh"
prog=$1

expected() {
    cat <<'END'
argc=4
argv[1]=[one]
argv[2]=[two words]
argv[3]=[]
GREETING=[hello, world]
EMPTY=[]
DOGMA_RUNTIME_UNSET=(unset)
stdin: a line on stdin
read /data/in.txt: hello from the host
read /data/link-in: hello from the host
read /data/in.txt at 6: from the host
write /data/out.txt: 21 bytes
read /data/out.txt: written by the guest
mkdir /data/sub: ok
rename: ok
stat /data/sub/moved.txt: 21 bytes, regular
list /data: in.txt (file), link-abs (link), link-in (link), link-out (link), sub (dir)
list /data/sub: moved.txt (file)
open /data/../outside.txt: refused
openat /data ../outside.txt: refused
openat /data sub/../../outside.txt: refused
open /data/link-out: refused
open /data/link-abs: refused
open $OUTSIDE: refused
open /etc/passwd: refused
create /data/../escaped.txt: refused
mkdir /data/../escaped: refused
END
}

for s in guard checked; do
    # a fresh tree: the sandbox, and beside it the file it must not reach
    tree=$work/$s
    rm -rf "$tree"
    mkdir -p "$tree/sandbox"
    echo "hello from the host" > "$tree/sandbox/in.txt"
    echo "outside the sandbox" > "$tree/outside.txt"
    ln -s in.txt "$tree/sandbox/link-in"
    ln -s ../outside.txt "$tree/sandbox/link-out"
    ln -s "$tree/outside.txt" "$tree/sandbox/link-abs"

    # GREETING holds a comma and a space; DOGMA_RUNTIME_UNSET is set on
    # the host but not given: the guest sees only --env
    echo "a line on stdin" | DOGMA_RUNTIME_UNSET=host-only "$run_bin" --strategy $s \
        --dir "$tree/sandbox::/data" --env "GREETING=hello, world" --env EMPTY= \
        --env "OUTSIDE=$tree/outside.txt" "$prog" one "two words" "" \
        > "$work/out" 2> "$work/err"
    rc=$?
    checks=$((checks + 1))
    expect_rc 0 "wasi.wasm ($s)"
    expect_out "$(expected)" "wasi.wasm ($s)"
    expect_err_line1 "to stderr" "wasi.wasm ($s)"

    # the host side: the guest's file, moved; nothing made outside
    [ "$(cat "$tree/sandbox/sub/moved.txt" 2>&1)" = "written by the guest" ] ||
        fail "($s) sandbox/sub/moved.txt: '$(cat "$tree/sandbox/sub/moved.txt" 2>&1)'"
    [ ! -e "$tree/sandbox/out.txt" ] || fail "($s) sandbox/out.txt is still there"
    [ "$(cat "$tree/outside.txt")" = "outside the sandbox" ] || fail "($s) outside.txt changed"
    [ "$(ls "$tree")" = "outside.txt
sandbox" ] || fail "($s) something was made beside the sandbox: $(ls "$tree" | tr '\n' ' ')"
done

# without --dir the program sees no /data: every file step fails, and it
# says so with a non-zero status (its count of failed steps)
echo | "$run_bin" "$prog" > "$work/out" 2> "$work/err"
rc=$?
checks=$((checks + 1))
[ "$rc" -ne 0 ] && [ "$rc" -ne 134 ] || { fail "no --dir: exit status $rc"; show; }
grep -q "^read /data/in.txt: cannot read" "$work/out" || { fail "no --dir: read /data/in.txt"; show; }

finish
