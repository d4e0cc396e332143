#!/bin/sh
# Writes the C header that embeds the theorem library (spec/safety.md
# section 7): one {name, smt2 text} per spec/lemmas/NAME.smt2, in name
# order, for verifierd to hand to Z3 as axioms. It embeds every lemma; a
# lemma is proved by its ctest case (`spec.lemma.NAME`), and a failing case
# fails `./dogma test`, so a tree whose tests pass embeds only proved lemmas.
#
#   gen-lemmas-h.sh OUT.h LEMMA.smt2...
set -eu
out=$1
shift
tmp=$out.tmp
{
    echo "/* Generated from spec/lemmas/NAME.smt2 by tests/spec/gen-lemmas-h.sh: do not edit."
    echo " * The theorem library: each lemma's name and its SMT-LIB text, which"
    echo " * asserts the lemma's negation and checks it unsat (spec/safety.md"
    echo " * section 7). Proved by ctest's spec.lemma.NAME cases, not here. */"
    echo "#ifndef DOGMA_SPEC_LEMMAS_H"
    echo "#define DOGMA_SPEC_LEMMAS_H"
    echo ""
    echo "typedef struct {"
    echo "    const char *name; /* the file's base name, as dogma.proof names it */"
    echo "    const char *smt2; /* the whole file */"
    echo "} spec_lemma_t;"
    echo ""
    echo "static const spec_lemma_t spec_lemmas[] = {"
    for f in $(for f in "$@"; do echo "$f"; done | LC_ALL=C sort); do
        name=$(basename "$f" .smt2)
        printf '    {"%s",\n' "$name"
        awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t");
               printf "     \"%s\\n\"\n", $0 }' "$f"
        echo "    },"
    done
    echo "};"
    echo ""
    echo "#define SPEC_NLEMMAS (sizeof spec_lemmas / sizeof spec_lemmas[0])"
    echo ""
    echo "#endif"
} >"$tmp"
mv "$tmp" "$out"
