#!/bin/sh
# Runs Z3 on the policy's SMT-LIB files and judges its answers strictly.
#
#   check-smt.sh [--z3 Z3] [--timeout S] --lemma FILE.smt2
#       A theorem-library lemma (spec/safety.md section 7): the first line is
#       `; NAME: ...` with NAME the file's base name, the file holds exactly
#       one (assert ...) and one (check-sat), and Z3's whole output is `unsat`
#       (the negated lemma has no model: the lemma is proved). `sat` (false),
#       `unknown`, `timeout`, an error, a crash or any other output fail.
#   check-smt.sh [--z3 Z3] [--timeout S] --policy spec/safety.smt2
#       The policy: Z3's whole output is `sat` (its axioms are consistent)
#       and it reports no error.
#   check-smt.sh --imports spec/safety.smt2 imports.h
#       Every import of DOGMA_IMPORTS has a contract `import.NAME` whose
#       parameters are the import's (i32 as (_ BitVec 32), i64 as
#       (_ BitVec 64)) followed by the memory size (_ BitVec 64), and no
#       contract names an import that does not exist.
#
# Exit status 0 when the file passes, 1 when it fails (with one line saying
# why), 2 for a usage error. tests/spec/controls.sh checks that each way of
# failing is caught.
set -u
z3=z3
timeout=10
mode=
while [ $# -gt 0 ]; do
    case $1 in
    --z3) z3=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --lemma | --policy | --imports) mode=${1#--}; shift; break ;;
    *) echo "usage: $0 [--z3 Z3] [--timeout S] --lemma|--policy|--imports FILE..." >&2; exit 2 ;;
    esac
done
[ -n "$mode" ] && [ $# -ge 1 ] || { echo "$0: no mode or file" >&2; exit 2; }
file=$1

fail() {
    echo "$file: FAIL: $*"
    exit 1
}

# Runs Z3 and requires its whole output (stdout and stderr) to be $1.
expect_output() {
    want=$1
    out=$("$z3" -T:"$timeout" "$file" 2>&1)
    rc=$?
    case $out in
    *"(error"*) fail "z3 reported an error: $(echo "$out" | grep -m1 '(error')" ;;
    esac
    [ "$out" = "$want" ] || fail "z3 answered $(echo "$out" | tr '\n' ' ')(wanted $want)"
    [ $rc -eq 0 ] || fail "z3 exited with status $rc"
}

count() { grep -c "$1" "$file"; }

case $mode in
lemma)
    [ -r "$file" ] || fail "cannot read the file"
    name=$(basename "$file" .smt2)
    head -n 1 "$file" | grep -q "^; $name: ." || fail "first line is not '; $name: <what it is>'"
    [ "$(count '(check-sat')" -eq 1 ] || fail "not exactly one (check-sat)"
    [ "$(count '(assert ')" -eq 1 ] || fail "not exactly one (assert ...)"
    grep -q '^(assert (not ' "$file" || fail "the lemma is not stated as (assert (not LEMMA))"
    expect_output unsat
    ;;
policy)
    [ -r "$file" ] || fail "cannot read the file"
    expect_output sat
    ;;
imports)
    header=${2:?"--imports needs the policy and imports.h"}
    flat=$(tr '\n' ' ' <"$file")
    imports=$(grep -o 'X([0-9]*, *[a-z_0-9]*, *"[iI]*"' "$header" | sed 's/X([0-9]*, *//; s/, *"/ /; s/"$//')
    [ -n "$imports" ] || fail "no imports found in $header"
    echo "$imports" | while read -r name params; do
        sig=$(echo "$flat" | grep -o "(define-fun import\.$name ((.*" | sed 's/) Bool.*//' |
              grep -o 'BitVec [0-9]*' | sed 's/BitVec 32/i/; s/BitVec 64/I/' | tr -d '\n')
        [ -n "$sig" ] || fail "no contract import.$name"
        [ "$sig" = "${params}I" ] ||
            fail "import.$name takes ($sig), wanted the import's ($params) then the size (I)"
    done || exit 1
    for name in $(echo "$flat" | grep -o '(define-fun import\.[a-z_0-9]*' | sed 's/.*import\.//'); do
        echo "$imports" | grep -q "^$name " || fail "contract import.$name names no import"
    done
    ;;
esac
exit 0
