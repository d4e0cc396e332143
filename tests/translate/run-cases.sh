#!/usr/bin/env bash
# run-cases.sh: the translator's hand-written cases (cases/*.wat) against
# wabt's interpreter or dogma-run. The work is done by run-cases.mjs
# (node); README.md describes the directives and the options:
#
#   run-cases.sh --oracle [CASE.wat...]
#   run-cases.sh --dogma-run PATH --strategy guard|checked [CASE.wat...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "${NODE:-node}" "$here/run-cases.mjs" "$@"
