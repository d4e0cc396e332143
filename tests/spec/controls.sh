#!/bin/sh
# The negative controls of check-smt.sh: each file in controls/ must be
# refused, for the reason its row below names. A checker that passed
# everything would pass every lemma too; this keeps `spec.lemma.*` honest.
#
#   controls.sh CHECK-SMT.SH CONTROLS-DIR [--z3 Z3]
set -u
check=$1 dir=$2
shift 2
z3args="$*"
status=0

# expect MODE FILE TIMEOUT REASON: check-smt.sh fails FILE, saying REASON.
expect() {
    mode=$1 file=$2 t=$3 reason=$4
    # z3args is "--z3 PATH" or empty: split on purpose.
    out=$(sh "$check" $z3args --timeout "$t" --"$mode" "$dir/$file" 2>&1)
    rc=$?
    case $rc:$out in
    1:*"$reason"*) echo "ok: $file refused: $out" ;;
    *) echo "CONTROL FAILED: $file: status $rc, output '$out', wanted '$reason'"; status=1 ;;
    esac
}

expect lemma false_lemma.smt2 10 "answered sat"
expect lemma unknown_lemma.smt2 10 "answered unknown"
expect lemma slow_lemma.smt2 1 "answered timeout"
expect lemma error_lemma.smt2 10 "z3 reported an error"
expect lemma misnamed_lemma.smt2 10 "first line is not"
expect lemma two_lemmas.smt2 10 "not exactly one (check-sat)"
expect policy contradictory_policy.smt2 10 "answered unsat"
expect policy error_lemma.smt2 10 "z3 reported an error"
exit $status
