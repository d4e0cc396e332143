#!/usr/bin/env bash
# fuzz-exec.sh: binaryen's interpreter against dogma-run on binaryen's
# translate-to-fuzz modules. The work is done by fuzz-exec.mjs (node);
# README.md describes the comparison and the options:
#
#   fuzz-exec.sh --dogma-run PATH [--seed S] [--count N] [--keep DIR]
#   fuzz-exec.sh --oracle-only [--seed S] [--count N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "${NODE:-node}" "$here/fuzz-exec.mjs" "$@"
