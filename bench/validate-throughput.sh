#!/usr/bin/env bash
# bench/validate-throughput.sh [--release | --debug] [--regen]: how fast
# libabi decodes and validates large modules, beside wabt's wasm-validate.
#
# The modules:
#   ttf-*   a size ladder from about 10 KB to about 10 MB, made by binaryen's
#           random module generator (wasm-opt -ttf, WebAssembly 2.0 features
#           without SIMD and without binaryen's GC-flavoured reference
#           types). Up to 1 MB one -ttf run does it; its cost grows faster
#           than its input, so the larger rungs grow the previous rung with
#           -ttf --initial-fuzz, 4 MB of random input at a time (the exports
#           renamed each time, since -ttf adds exports of fixed names). The
#           ladder is made once per build tree, in BUILD/bench/modules/
#           (--regen makes it again).
#   corpus  the project's C corpus, BUILD*/corpus/c/*.wasm, when built.
#
# Per module, both validators must accept it (a module either rejects is
# skipped, and the table says so). B/fn is the module's bytes per defined
# function: per-function work is amortised over it, so it sets the mix as
# much as the size does. Then:
#   in-proc  `dogma-validate --bench N`: the time of dx_module_load alone,
#            best of 5 batches of N runs (N about 10 MB worth); MB/s, ns/byte
#   process  `dogma-validate FILE` and `wasm-validate --disable-simd FILE`
#            as whole processes under bench/rusage: the median wall time of
#            5 runs, and the peak RSS; x = wasm-validate's time / ours
# The summary gives MB/s per size bucket, the spread of ns/byte over the
# ladder (max/min; the target is linear time, a spread of at most 1.20),
# and the speed ratio on the modules of 1 MB or more, where process start-up
# no longer counts (the target is at least 10x). Prints figures; never fails
# on one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=release regen=false
for arg in "$@"; do
    case $arg in
        --release) preset=release ;;
        --debug) preset=debug ;;
        --regen) regen=true ;;
        *) echo "usage: bench/validate-throughput.sh [--release | --debug] [--regen]" >&2; exit 2 ;;
    esac
done
build=$root/build
[ "$preset" = release ] && build=$root/build-release
die() { echo "validate-throughput: $*" >&2; exit 2; }
for tool in cmake ninja cc wasm-opt wasm-dis wasm-as wasm-validate; do
    command -v "$tool" >/dev/null || die "$tool not found (./dogma deps installs it)"
done

# ---- build: dogma-validate and rusage --------------------------------------
if [ ! -f "$build/build.ninja" ]; then
    (cd "$root" && cmake --preset "$preset" >/dev/null) || die "cmake --preset $preset failed"
fi
mkdir -p "$build/bench"
ninja -C "$build" dogma-validate > "$build/bench/build.log" 2>&1 ||
    { cat "$build/bench/build.log" >&2; die "build failed"; }
validate=$build/libabi/dogma-validate
rusage=$build/bench/rusage
if [ ! -x "$rusage" ] || [ "$root/bench/rusage.c" -nt "$rusage" ]; then
    cc -O2 -std=c11 -Wall -Wextra -Werror -o "$rusage" "$root/bench/rusage.c" ||
        die "could not compile bench/rusage.c"
fi
[ "$preset" = debug ] && echo "note: the debug build runs under ASan and UBSan; its times are not the product's"

work=$(mktemp -d "${TMPDIR:-/tmp}/dogma-vbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the ladder ---------------------------------------------------------------
features=(--mvp-features --enable-sign-ext --enable-mutable-globals
          --enable-nontrapping-float-to-int --enable-bulk-memory --enable-multivalue)
mods=$build/bench/modules
$regen && rm -rf "$mods"
mkdir -p "$mods"

ttf() { # RANDOM-BYTES OUT [INITIAL]
    head -c "$1" /dev/urandom > "$work/random"
    local init=()
    [ $# -ge 3 ] && init=(--initial-fuzz "$3")
    wasm-opt "$work/random" -ttf "${init[@]}" "${features[@]}" -o "$2" 2>/dev/null
}

# Grows IN by 4 MB of random input at a time until it reaches TARGET bytes.
grow() { # IN TARGET OUT
    local cur=$work/grow.wasm step=0
    cp "$1" "$cur"
    while [ "$(wc -c < "$cur")" -lt "$2" ]; do
        step=$((step + 1))
        wasm-dis "${features[@]}" "$cur" -o "$work/grow.wat"
        sed -i "s/(export \"\\([^\"]*\\)\"/(export \"\\1_$step\"/" "$work/grow.wat"
        wasm-as "${features[@]}" "$work/grow.wat" -o "$work/init.wasm"
        ttf 4000000 "$cur" "$work/init.wasm"
    done
    mv "$cur" "$3"
}

ladder=(10k:10000 30k:30000 100k:100000 300k:300000 1m:1000000 3m:3000000 10m:10000000)
prev=
for rung in "${ladder[@]}"; do
    name=${rung%%:*} target=${rung#*:}
    out=$mods/ttf-$name.wasm
    if [ ! -f "$out" ]; then
        echo "making $(basename "$out") (about $target bytes)..." >&2
        if [ "$target" -le 1000000 ]; then
            # -ttf yields about 0.2 to 0.3 bytes per input byte, unevenly:
            # more input until the module is within 20% of the target.
            n=$((target * 4))
            for _ in 1 2 3 4 5 6 7 8; do
                ttf "$n" "$out"
                [ "$(wc -c < "$out")" -ge $((target * 8 / 10)) ] && break
                n=$((n * 3 / 2))
            done
        else
            grow "$prev" "$target" "$out"
        fi
    fi
    prev=$out
done

files=()
for rung in "${ladder[@]}"; do files+=("$mods/ttf-${rung%%:*}.wasm"); done
shopt -s nullglob
declare -A seen=()
for f in "$build"/corpus/c/*.wasm "$root"/build*/corpus/c/*.wasm; do
    b=$(basename "$f")
    [ -n "${seen[$b]:-}" ] && continue
    seen[$b]=1
    files+=("$f")
done

# ---- measuring --------------------------------------------------------------------
median() { sort -g | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : 0}'; }

# The best of 5 batches: other work on the machine only ever adds time.
in_process() { # FILE SIZE -> ms per validation
    local n=$(( 10000000 / $2 ))
    [ "$n" -lt 2 ] && n=2
    [ "$n" -gt 10000 ] && n=10000
    for _ in 1 2 3 4 5; do
        "$validate" --bench "$n" "$1" | sed -E 's/.* ([0-9.]+) ms per validation.*/\1/'
    done | sort -g | head -1
}

process() { # CMD... -> "median-wall-ms max-rss-KiB" over 5 runs
    : > "$work/ru"
    for _ in 1 2 3 4 5; do
        "$rusage" -o "$work/ru" "$@" > /dev/null 2>&1 || true
    done
    local ms rss
    ms=$(sed -E 's/.*wall ([0-9.]+) s.*/\1/' "$work/ru" | median)
    rss=$(sed -E 's/.*maxrss ([0-9]+) KiB.*/\1/' "$work/ru" | sort -n | tail -1)
    echo "$(awk -v s="$ms" 'BEGIN {printf "%.3f", s * 1000}') $rss"
}

echo "validation throughput: $(basename "$build"), $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) (other work inflates the process times)"
echo "wasm-validate $(wasm-validate --version 2>/dev/null || echo '?'), $(wasm-opt --version 2>/dev/null)"
echo
printf '%-18s %10s %6s | %9s %7s %6s | %9s %9s %6s | %8s %8s\n' \
    module bytes "B/fn" "in ms" "MB/s" "ns/B" "dogma ms" "wabt ms" "x" "dogma MB" "wabt MB"
printf -- '-%.0s' {1..117}; echo
: > "$work/rows"
for f in "${files[@]}"; do
    label=$(basename "$f" .wasm)
    case $f in */corpus/c/*) label="c/$label" ;; esac
    size=$(wc -c < "$f")
    if ! info=$("$validate" -v "$f" 2>&1); then
        printf '%-18s %10s   skipped: dogma-validate rejects it: %s\n' "$label" "$size" "$info"
        continue
    fi
    if ! msg=$(wasm-validate --disable-simd "$f" 2>&1); then
        printf '%-18s %10s   skipped: wasm-validate rejects it: %s\n' "$label" "$size" "${msg%%$'\n'*}"
        continue
    fi
    # bytes per defined function: the mix matters as well as the size
    nfuncs=$(sed -nE 's/.* ([0-9]+) functions \(([0-9]+) imported\).*/\1 \2/p' <<<"$info" |
             awk '{print $1 - $2}')
    ms=$(in_process "$f" "$size")
    read -r dms drss < <(process "$validate" "$f")
    read -r wms wrss < <(process wasm-validate --disable-simd "$f")
    awk -v l="$label" -v s="$size" -v nf="${nfuncs:-0}" -v ms="$ms" -v dms="$dms" \
        -v wms="$wms" -v drss="$drss" -v wrss="$wrss" 'BEGIN {
        printf "%-18s %10d %6d | %9.3f %7.1f %6.2f | %9.2f %9.2f %6.1f | %8.1f %8.1f\n",
            l, s, nf ? s / nf : 0, ms, s / ms / 1000, ms * 1e6 / s, dms, wms, wms / dms,
            drss / 1024, wrss / 1024 }'
    echo "$label $size $ms $dms $wms $drss $wrss ${nfuncs:-0}" >> "$work/rows"
done

# ---- summary ----------------------------------------------------------------------
echo
awk '
function bucket(s) { return s < 50000 ? "~10 KB" : s < 500000 ? "~100 KB" : s < 5000000 ? "~1 MB" : "~10 MB" }
{
    label = $1; s = $2; ms = $3; dms = $4; wms = $5
    if (label ~ /^ttf-/) {
        b = bucket(s); order[b] = (b == "~10 KB") ? 1 : (b == "~100 KB") ? 2 : (b == "~1 MB") ? 3 : 4
        bs[b] += s; bms[b] += ms; bd[b] += dms; bw[b] += wms; bn[b]++
        nsb = ms * 1e6 / s
        if (!nl || nsb > hi) { hi = nsb; hil = label }
        if (!nl || nsb < lo) { lo = nsb; lol = label }
        bpf = $8 ? s / $8 : 0
        if (!nl || bpf > bpfhi) bpfhi = bpf
        if (!nl || bpf < bpflo) bpflo = bpf
        nl++
    } else {
        cs += s; cms += ms; cd += dms; cw += wms; cn++
    }
    if (s >= 1000000) { bigd += dms; bigw += wms; bigs += s }
    if (s > maxs) { maxs = s; maxl = label; maxd = $6; maxw = $7 }
}
END {
    print "summary (MB = 10^6 bytes; in-proc: dx_module_load alone; process: whole runs, median)"
    printf "  %-10s %6s %12s %14s %14s %8s\n", "bucket", "files", "in-proc MB/s", "dogma proc MB/s", "wabt proc MB/s", "x proc"
    for (k = 1; k <= 4; k++) for (b in order) if (order[b] == k)
        printf "  %-10s %6d %12.1f %14.1f %14.1f %8.1f\n", b, bn[b], bs[b] / bms[b] / 1000,
            bs[b] / bd[b] / 1000, bs[b] / bw[b] / 1000, bw[b] / bd[b]
    if (cn)
        printf "  %-10s %6d %12.1f %14.1f %14.1f %8.1f\n", "C corpus", cn, cs / cms / 1000,
            cs / cd / 1000, cs / cw / 1000, cw / cd
    if (nl > 1)
        printf "  linearity: ns/byte from %.2f (%s) to %.2f (%s): spread %.2f (target <= 1.20: %s)\n",
            lo, lol, hi, hil, hi / lo, (hi / lo <= 1.2) ? "met" : "NOT met"
    if (nl > 1)
        printf "    (the rungs differ in mix as well as size: %.0f to %.0f bytes per function)\n",
            bpflo, bpfhi
    if (bigd > 0)
        printf "  speed vs wasm-validate on modules >= 1 MB (%.1f MB): %.1fx (target >= 10x: %s)\n",
            bigs / 1e6, bigw / bigd, (bigw / bigd >= 10) ? "met" : "NOT met"
    if (maxs)
        printf "  peak RSS on the largest module (%s, %.1f MB): dogma-validate %.1f MiB (%.2f bytes per module byte), wasm-validate %.1f MiB\n",
            maxl, maxs / 1e6, maxd / 1024, maxd * 1024 / maxs, maxw / 1024
}' "$work/rows"

# ---- linearity with the mix held fixed ---------------------------------------------
# bench/replicate makes a C module K times larger by repeating its functions
# and data segments, so only the size changes between rungs.
replicate=$build/bench/replicate
if [ ! -x "$replicate" ] || [ "$root/bench/replicate.c" -nt "$replicate" ]; then
    cc -O2 -std=c11 -Wall -Wextra -Werror -o "$replicate" "$root/bench/replicate.c" ||
        die "could not compile bench/replicate.c"
fi
base=$(ls -S "$build"/corpus/c/*.O2.wasm "$root"/build/corpus/c/*.O2.wasm 2>/dev/null | head -1 || true)
if [ -n "$base" ]; then
    echo
    echo "same-mix ladder: $(basename "$base") repeated K times (in-proc, best of 5 batches)"
    printf '  %6s %10s %9s %7s %6s\n' K bytes "in ms" "MB/s" "ns/B"
    : > "$work/mix"
    for k in 1 3 10 30 100 200; do
        m=$work/mix-$k.wasm
        "$replicate" "$base" "$k" "$m"
        size=$(wc -c < "$m")
        ms=$(in_process "$m" "$size")
        awk -v k="$k" -v s="$size" -v ms="$ms" 'BEGIN {
            printf "  %6d %10d %9.3f %7.1f %6.2f\n", k, s, ms, s / ms / 1000, ms * 1e6 / s }'
        echo "$size $ms" >> "$work/mix"
    done
    awk '{ nsb = $2 * 1e6 / $1; if (NR == 1 || nsb > hi) hi = nsb; if (NR == 1 || nsb < lo) lo = nsb }
         END { printf "  linearity at a fixed mix: ns/byte %.2f to %.2f, spread %.2f (target <= 1.20: %s)\n",
               lo, hi, hi / lo, (hi / lo <= 1.2) ? "met" : "NOT met" }' "$work/mix"
    # Wall time on a shared machine varies by tens of percent from run to
    # run; instructions executed do not. callgrind counts them (one
    # validation each, start-up subtracted using an empty module).
    if command -v valgrind > /dev/null; then
        printf '\0asm\1\0\0\0' > "$work/empty.wasm"
        ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$validate" "$1" 2>&1 |
               sed -nE 's/.*refs: *([0-9,]+).*/\1/p' | tr -d ,; }
        ir0=$(ir "$work/empty.wasm")
        for k in 1 30; do
            m=$work/mix-$k.wasm
            echo "$k $(wc -c < "$m") $(( $(ir "$m") - ir0 ))"
        done | awk '{ ipb[NR] = $3 / $2; printf "  instructions (callgrind): K=%d, %d bytes: %.1f per byte\n", $1, $2, ipb[NR] }
                    END { printf "  linearity at a fixed mix, in instructions: spread %.3f\n", (ipb[2] > ipb[1]) ? ipb[2] / ipb[1] : ipb[1] / ipb[2] }'
    else
        echo "  (instruction counts skipped: valgrind is not installed)"
    fi
fi
