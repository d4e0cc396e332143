#!/usr/bin/env bash
# bench/run-bench.sh [--quick] [--dogma-run PATH] [--runs N] [--out FILE]
#                    [--build DIR] [--only NAME,...]:
# how fast translated WebAssembly runs, beside native code and other engines.
#
# Each program of bench/programs/*.c is compiled natively (gcc -O2
# -ffp-contract=off) and to wasm32-wasi (clang -O2, the corpus's flags), and
# run, in one session, by these engines:
#   native    the gcc binary: the denominator of every ratio
#   guard     dogma-run --strategy guard MODULE   (guard pages)
#   checked   dogma-run --strategy checked MODULE (explicit bounds checks)
#   proved    dogma-run --strategy proved PROVED (MODULE through dogma-prove:
#             no check where the verifier proves the access; the
#             verification is part of the run's time)
#   node      node's WASI (tests/programs/run-wasi.mjs), default tiers
#             (Liftoff, then TurboFan for hot functions)
#   node-tf   the same with --no-liftoff: TurboFan from the start
#   wasm2c    wabt's wasm2c output compiled by gcc -O2, with bench/wasi-shim.c
#             and wabt's runtime (guard pages, like dogma-run's guard)
# Every engine runs every program RUNS times (3; 1 with --quick), the
# engines interleaved so that a burst of load on the shared machine hits
# all of them; the figure kept is the best (smallest) wall time, since
# other work only ever adds time. Each run's stdout must equal the native
# program's: a run that differs or fails is reported loudly and not timed.
# Times are of whole processes (start-up, and for the wasm engines
# compilation or translation, included); wasm2c's and gcc's build times are
# not.
#
# Then, when dogma-run is there, its translation throughput: a module made
# 1 to 350 times larger by bench/replicate (the same mix of instructions,
# about 30 KB to 10 MB), plus binaryen's random ladder (about 10 KB to
# 10 MB) when bench/validate-throughput.sh has made it, each run with
# `dogma-run --stats`; the translation time and code size are read from its
# report (lines naming "translat..." with a time, "code" with a size).
# Peak resident set comes from bench/rusage for every run.
#
# --quick runs each program at a small size, once (the machinery, in
# seconds rather than minutes). The report goes to stdout and to
# bench/report.md (or --out FILE). Exits 0 when every output agreed and
# every peer engine was found, 1 otherwise (a wrong output or a missing
# tool; a missing dogma-run is said but is not a failure while it is being
# written), 2 on bad usage or a failed build. Never fails on a time.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmdline="bench/run-bench.sh${*:+ $*}"

usage() {
    echo "usage: bench/run-bench.sh [--quick] [--dogma-run PATH] [--runs N] [--out FILE] [--build DIR] [--only NAME,...]" >&2
    exit 2
}
die() { echo "run-bench: $*" >&2; exit 2; }

quick=false dogma_run=${DOGMA_RUN:-} runs= out=$root/bench/report.md build= only=
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=true ;;
        --dogma-run) [ $# -ge 2 ] || usage; dogma_run=$2; shift ;;
        --dogma-run=*) dogma_run=${1#*=} ;;
        --runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
        --out) [ $# -ge 2 ] || usage; out=$2; shift ;;
        --build) [ $# -ge 2 ] || usage; build=$2; shift ;;
        --only) [ $# -ge 2 ] || usage; only=$2; shift ;;
        -h | --help) usage ;;
        *) usage ;;
    esac
    shift
done
[ -n "$runs" ] || { $quick && runs=1 || runs=3; }
case $runs in '' | *[!0-9]* | 0) die "--runs wants a positive number" ;; esac
build=${build:-$root/build-release/bench/run}

# name:quick-size. The full size is each program's own default, calibrated
# to one to two seconds natively on the development machine.
programs=(hashes:1500 fft:40 lu:60 bintrees:1 regvm:2 strsort:2 wordfreq:6 editdist:15
          sieve:100 pchase:1)
if [ -n "$only" ]; then
    sel=()
    for p in "${programs[@]}"; do
        case ",$only," in *",${p%%:*},"*) sel+=("$p") ;; esac
    done
    [ ${#sel[@]} -gt 0 ] || die "--only $only names no program"
    programs=("${sel[@]}")
fi

# ---- tools ---------------------------------------------------------------------
sysroot=/usr
wasm_rt=/usr/share/wabt/wasm2c
runner=$root/tests/programs/run-wasi.mjs
for tool in gcc clang cc cmp timeout; do
    command -v "$tool" > /dev/null || die "$tool not found (./dogma deps installs it)"
done
[ -f "$sysroot/include/wasm32-wasi/stdio.h" ] || die "no wasi-libc in $sysroot (Debian package wasi-libc)"
missing=() # peer engines that cannot run: a failure, reported at the end
have_node=false have_wasm2c=false
if command -v node > /dev/null; then have_node=true; else missing+=("node"); fi
if command -v wasm2c > /dev/null && [ -f "$wasm_rt/wasm-rt-impl.c" ]; then
    have_wasm2c=true
else
    missing+=("wasm2c (Debian package wabt, with $wasm_rt/wasm-rt-impl.c)")
fi
if [ -z "$dogma_run" ]; then
    for f in "$root"/build-release/libabi/dogma-run "$root"/build-release/libabi/tools/dogma-run \
             "$root"/build/libabi/dogma-run "$root"/build/libabi/tools/dogma-run; do
        [ -x "$f" ] && { dogma_run=$f; break; }
    done
fi
have_dogma=false
if [ -n "$dogma_run" ]; then
    [ -x "$dogma_run" ] || die "--dogma-run $dogma_run: not an executable"
    dogma_run=$(cd "$(dirname "$dogma_run")" && pwd)/$(basename "$dogma_run")
    have_dogma=true
else
    echo "run-bench: dogma-run not built (ninja -C build-release dogma-run, or --dogma-run PATH):" \
         "its columns say so; the other engines run" >&2
fi

# ---- build -------------------------------------------------------------------------
mkdir -p "$build"/native "$build"/wasm "$build"/wasm2c "$build"/tools || die "cannot create $build"
work=$(mktemp -d "${TMPDIR:-/tmp}/dogma-rbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cflags=(-std=c11 -pedantic -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror)
prog_h=$root/tests/programs/prog.h

stale() { # OUT SRC...: true when OUT is missing or older than a SRC
    local o=$1 s
    shift
    [ -e "$o" ] || return 0
    for s in "$@"; do [ "$s" -nt "$o" ] && return 0; done
    return 1
}

build_step() { # WHAT CMD...: runs CMD, its output to the build log; dies on failure
    local what=$1
    shift
    if ! "$@" >> "$build/build.log" 2>&1; then
        tail -20 "$build/build.log" >&2
        die "building $what failed (log: $build/build.log)"
    fi
}

: > "$build/build.log"
for t in rusage replicate; do
    stale "$build/tools/$t" "$root/bench/$t.c" &&
        build_step "$t" cc -O2 -std=c11 -Wall -Wextra -Werror -o "$build/tools/$t" "$root/bench/$t.c"
done
rusage=$build/tools/rusage
if $have_wasm2c; then
    stale "$build/wasm2c/wasm-rt-impl.o" "$wasm_rt/wasm-rt-impl.c" &&
        build_step wasm-rt-impl gcc -O2 -I"$wasm_rt" -c -o "$build/wasm2c/wasm-rt-impl.o" "$wasm_rt/wasm-rt-impl.c"
fi
echo "building ${#programs[@]} programs into $build ..." >&2
for p in "${programs[@]}"; do
    n=${p%%:*} src=$root/bench/programs/${p%%:*}.c
    [ -f "$src" ] || die "no $src"
    stale "$build/native/$n" "$src" "$prog_h" &&
        build_step "$n (native)" gcc -O2 -ffp-contract=off "${cflags[@]}" -o "$build/native/$n" "$src" -lm
    stale "$build/wasm/$n.wasm" "$src" "$prog_h" &&
        build_step "$n.wasm" clang --target=wasm32-wasi --sysroot="$sysroot" -O2 "${cflags[@]}" \
            -o "$build/wasm/$n.wasm" "$src" -lm -Wl,--strip-debug
    if $have_wasm2c && stale "$build/wasm2c/$n" "$build/wasm/$n.wasm" "$root/bench/wasi-shim.c" \
                                "$build/wasm2c/wasm-rt-impl.o"; then
        mkdir -p "$build/wasm2c/$n.src"
        build_step "$n (wasm2c)" wasm2c -n prog "$build/wasm/$n.wasm" -o "$build/wasm2c/$n.src/prog.c"
        # -ffp-contract=off: wasm2c's C must round each f64 operation as wasm does
        build_step "$n (wasm2c, gcc)" gcc -O2 -ffp-contract=off -I"$wasm_rt" -I"$build/wasm2c/$n.src" \
            -o "$build/wasm2c/$n" "$build/wasm2c/$n.src/prog.c" "$root/bench/wasi-shim.c" \
            "$build/wasm2c/wasm-rt-impl.o" -lm
    fi
done

# The proved modules: each program's module through dogma-prove (next to
# dogma-run), which writes its annotations and checks them.
if $have_dogma && [ -x "$(dirname "$dogma_run")/dogma-prove" ]; then
    mkdir -p "$build/proved"
    for p in "${programs[@]}"; do
        n=${p%%:*}
        stale "$build/proved/$n.wasm" "$build/wasm/$n.wasm" "$(dirname "$dogma_run")/dogma-prove" &&
            build_step "$n (dogma-prove)" "$(dirname "$dogma_run")/dogma-prove" \
                "$build/wasm/$n.wasm" -o "$build/proved/$n.wasm"
    done
fi

# ---- running -----------------------------------------------------------------------
engines=(native guard checked proved node node-tf wasm2c)
engine_cmd() { # ENGINE PROGRAM: sets cmd, or returns 1 when the engine is absent
    local m=$build/wasm/$2.wasm
    case $1 in
        native) cmd=("$build/native/$2") ;;
        guard | checked) $have_dogma || return 1; cmd=("$dogma_run" --strategy "$1" "$m") ;;
        proved) $have_dogma && [ -f "$build/proved/$2.wasm" ] || return 1
                cmd=("$dogma_run" --strategy proved "$build/proved/$2.wasm") ;;
        node) $have_node || return 1; cmd=(node --no-warnings "$runner" "$m") ;;
        node-tf) $have_node || return 1; cmd=(node --no-warnings --no-liftoff "$runner" "$m") ;;
        wasm2c) $have_wasm2c || return 1; cmd=("$build/wasm2c/$2") ;;
    esac
}

failures=$work/failures
: > "$failures"
: > "$work/results" # program engine wall-s maxrss-KiB, one line per good run
: > "$work/bad"     # program engine: had a wrong output or failed
: > "$work/crashed" # program engine: a run crashed after the right output
fail() { # PROGRAM ENGINE WHY DETAILS-FILE: the engine is wrong on this program
    echo "$1 $2" >> "$work/bad"
    fail_run "$@"
}
fail_run() { # PROGRAM ENGINE WHY DETAILS-FILE: one run failed
    {
        echo "FAILED: $1 under $2: $3"
        [ -s "$4" ] && head -20 "$4" | sed 's/^/    /'
    } | tee -a "$failures" >&2
}

tmo=$($quick && echo 120 || echo 600)
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
for p in "${programs[@]}"; do
    n=${p%%:*}
    args=()
    $quick && args=("${p#*:}")
    echo "running $n ${args[*]:-(default size)} ..." >&2
    expect=$work/$n.expect
    for run in $(seq "$runs"); do
        for e in "${engines[@]}"; do
            engine_cmd "$e" "$n" || continue
            grep -qx "$n $e" "$work/bad" && continue
            [ "$e" != native ] && [ ! -f "$expect" ] && continue # native failed
            : > "$work/ru"
            "$rusage" -o "$work/ru" timeout "$tmo" "${cmd[@]}" "${args[@]}" \
                > "$work/out" 2> "$work/err" < /dev/null
            rc=$?
            if [ "$rc" -ne 0 ]; then
                why="exit status $rc"
                [ "$rc" = 124 ] && why="$why (timed out after ${tmo}s)"
                [ "$rc" -gt 128 ] && [ "$rc" != 255 ] && why="$why (signal $((rc - 128)))"
                if [ "$e" != native ] && cmp -s "$work/out" "$expect"; then
                    # the right answer, then a crash (node 20 sometimes
                    # dies at exit): loud, untimed, but the engine's other
                    # runs still count
                    echo "$n $e" >> "$work/crashed"
                    fail_run "$n" "$e" "$why, after printing the right output" "$work/err"
                else
                    fail "$n" "$e" "$why" "$work/err"
                fi
                continue
            fi
            if [ "$e" = native ] && [ ! -f "$expect" ]; then
                cp "$work/out" "$expect"
            elif ! cmp -s "$work/out" "$expect"; then
                diff "$expect" "$work/out" > "$work/diff"
                fail "$n" "$e" "stdout differs from native (< native, > $e)" "$work/diff"
                continue
            fi
            sed -nE "s/^rusage: wall ([0-9.]+) s.*maxrss ([0-9]+) KiB.*/$n $e \1 \2/p" "$work/ru" \
                >> "$work/results"
        done
    done
    [ -f "$expect" ] && sed "s/^/    /" "$expect" > "$work/$n.out"
done
end_load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- translation throughput ---------------------------------------------------------
# One dogma-run process per module and strategy, best of `runs`; its
# --stats report gives the time and the code size. With --no-run the
# module is translated and instantiated but not run, so peak memory is the
# translator's.
stats_time() { # stderr file -> milliseconds, or nothing
    sed -nE '/[Tt]ranslat/{
        s/.*[^0-9.]([0-9]+(\.[0-9]+)?) ?(ns|us|µs|ms|s)([^A-Za-z].*)?$/\1 \3/p
        t done
        b
        :done
        q
    }' "$1" | awk '{ f = $2 == "s" ? 1000 : $2 == "ms" ? 1 : $2 == "ns" ? 1e-6 : 1e-3; print $1 * f }'
}
stats_code() { # stderr file -> bytes of machine code, or nothing
    sed -nE '/[Cc]ode [0-9]/{
        s/.*[Cc]ode[^0-9]*([0-9]+) ?(bytes|B|KiB|KB|MiB|MB)?([^A-Za-z].*)?$/\1 \2/p
        t done
        b
        :done
        q
    }' "$1" | awk '{ f = $2 == "KiB" ? 1024 : $2 == "KB" ? 1000 : $2 == "MiB" ? 1048576 : $2 == "MB" ? 1e6 : 1; print $1 * f }'
}

: > "$work/ladder" # label bytes strategy ms code-bytes maxrss-KiB | or: label bytes strategy - why
ladder_mods=()
if $have_dogma; then
    base=$build/wasm/hashes.wasm
    [ -f "$base" ] || base=$(ls -S "$build"/wasm/*.wasm | head -1)
    for k in 1 3 10 30 100 350; do
        m=$build/mix-$(basename "$base" .wasm)-x$k.wasm
        stale "$m" "$base" "$build/tools/replicate" &&
            build_step "ladder rung x$k" "$build/tools/replicate" "$base" "$k" "$m"
        ladder_mods+=("mix:$m")
    done
    for r in 10k 30k 100k 300k 1m 3m 10m; do
        f=$root/build-release/bench/modules/ttf-$r.wasm
        [ -f "$f" ] && ladder_mods+=("ttf:$f")
    done
    echo "translation ladder: ${#ladder_mods[@]} modules ..." >&2
    for lm in "${ladder_mods[@]}"; do
        m=${lm#*:}
        label=$(basename "$m" .wasm)
        size=$(wc -c < "$m")
        for s in guard checked; do
            best= bestcode= rss=0 why="no translation time in --stats output"
            for _ in $(seq "$runs"); do
                : > "$work/ru"
                "$rusage" -o "$work/ru" timeout 60 "$dogma_run" --stats --no-run --strategy "$s" "$m" \
                    > /dev/null 2> "$work/err" < /dev/null
                rc=$?
                ms=$(stats_time "$work/err")
                code=$(stats_code "$work/err")
                r=$(sed -nE 's/.*maxrss ([0-9]+) KiB.*/\1/p' "$work/ru")
                [ "${r:-0}" -gt "$rss" ] && rss=$r
                if [ -n "$ms" ]; then
                    if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then
                        best=$ms bestcode=${code:--}
                    fi
                else
                    why="no translation time in --stats output (exit status $rc): $(head -c 120 "$work/err" | tr '\n' ' ')"
                fi
                [ "$rc" = 124 ] && { why="$why (timed out after 60 s)"; break; }
            done
            if [ -n "$best" ]; then
                echo "$label $size $s $best $bestcode $rss" >> "$work/ladder"
            else
                echo "$label $size $s - $why" >> "$work/ladder"
            fi
        done
    done
fi

# ---- the report -----------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
report() {
    local cpu cores mem
    cpu=$(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
    cores=$(nproc)
    mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "# Dogma benchmarks: translated WebAssembly beside native code"
    echo
    echo "- command: \`$cmdline\`$($quick && echo " (quick: small sizes, not figures to quote)")"
    echo "- started: $started; git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
    echo "- machine: ${cpu:-unknown CPU}, $cores cores ($(grep -c '^processor' /proc/cpuinfo) logical CPUs listed), $mem, $(uname -sr)"
    echo "- load average at start $start_load, at end $end_load (other work on the machine only adds time)"
    echo "- compilers: $(gcc --version | head -1); $(clang --version | head -1)$(command -v wasm-opt > /dev/null && echo ", which post-optimises the modules with $(wasm-opt --version 2>/dev/null | head -1)")"
    echo "- engines: dogma-run $($have_dogma && echo "$dogma_run" || echo "not built"); node $($have_node && node --version || echo missing); wasm2c $($have_wasm2c && wasm2c --version || echo missing)"
    echo "- each figure: the best wall time of $runs run(s), whole process (start-up and compilation or translation included)"
    echo
    echo "## Run time (seconds, and ratio to native)"
    echo
    awk -v progs="$(printf '%s ' "${programs[@]%%:*}")" -v dogma="$have_dogma" \
        -v node="$have_node" -v w2c="$have_wasm2c" -v badf="$work/bad" -v crashf="$work/crashed" '
    BEGIN {
        ne = split("native guard checked proved node node-tf wasm2c", eng, " ")
        split("native|dogma-run guard|dogma-run checked|dogma-prove + dogma-run proved|node|node --no-liftoff|wasm2c + gcc", title, "|")
        np = split(progs, prog, " ")
        while ((getline line < badf) > 0) { split(line, f, " "); bad[f[1], f[2]] = 1 }
        while ((getline line < crashf) > 0) { split(line, f, " "); crashed[f[1], f[2]]++ }
    }
    { k = $1 SUBSEP $2; if (!(k in best) || $3 < best[k]) best[k] = $3 }
    function absent(e) {
        if ((e == "guard" || e == "checked" || e == "proved") && dogma != "true") return "dogma-run not built"
        if ((e == "node" || e == "node-tf") && node != "true") return "node missing"
        if (e == "wasm2c" && w2c != "true") return "wasm2c missing"
        return ""
    }
    END {
        printf "| program |"; for (i = 1; i <= ne; i++) printf " %s |", title[i]; print ""
        printf "| --- |"; for (i = 1; i <= ne; i++) printf " ---: |"; print ""
        for (j = 1; j <= np; j++) {
            p = prog[j]; nat = best[p, "native"]
            printf "| %s |", p
            for (i = 1; i <= ne; i++) {
                e = eng[i]; a = absent(e)
                if (a != "") { printf " %s |", a; continue }
                if ((p, e) in bad) { printf " **WRONG OUTPUT / FAILED** |"; continue }
                if (!((p, e) in best)) {
                    if ((p, e) in crashed) printf " **every run crashed** |"; else printf " - |"
                    continue
                }
                t = best[p, e]
                if (e == "native") { printf " %.3f |", t; continue }
                if ((p, e) in crashed) {
                    r = (nat > 0) ? t / nat : 0
                    printf " %.3f (%.2fx), **%d run(s) crashed** |", t, r, crashed[p, e]
                    continue
                }
                if (nat > 0) {
                    r = t / nat; printf " %.3f (%.2fx) |", t, r
                    lsum[e] += log(r); ln[e]++
                } else printf " %.3f |", t
            }
            print ""
        }
        printf "| **geometric mean** |"
        for (i = 1; i <= ne; i++) {
            e = eng[i]
            if (e == "native") printf " 1 |"
            else if (absent(e) != "") printf " %s |", absent(e)
            else if (ln[e] > 0) printf " **%.2fx**%s |", exp(lsum[e] / ln[e]), ln[e] < np ? sprintf(" (%d of %d)", ln[e], np) : ""
            else printf " - |"
        }
        print ""
    }' "$work/results"
    echo
    echo "## Peak resident set (MiB, the largest of the runs)"
    echo
    awk -v progs="$(printf '%s ' "${programs[@]%%:*}")" '
    BEGIN {
        ne = split("native guard checked proved node node-tf wasm2c", eng, " ")
        np = split(progs, prog, " ")
    }
    { k = $1 SUBSEP $2; if ($4 > rss[k]) rss[k] = $4 }
    END {
        printf "| program |"; for (i = 1; i <= ne; i++) printf " %s |", eng[i]; print ""
        printf "| --- |"; for (i = 1; i <= ne; i++) printf " ---: |"; print ""
        for (j = 1; j <= np; j++) {
            printf "| %s |", prog[j]
            for (i = 1; i <= ne; i++) {
                k = prog[j] SUBSEP eng[i]
                if (k in rss) printf " %.1f |", rss[k] / 1024; else printf " - |"
            }
            print ""
        }
    }' "$work/results"
    echo
    echo "## Translation throughput (dogma-run --stats)"
    echo
    if ! $have_dogma; then
        echo "dogma-run not built: no figures. Build it (\`ninja -C build-release dogma-run\`) or pass \`--dogma-run PATH\`."
    else
        echo "mix-*: $(basename "${ladder_mods[0]#*:}" | sed -E 's/-x1\.wasm//; s/^mix-//').wasm with its functions and data repeated K times (bench/replicate): size alone changes."
        echo "ttf-*: binaryen's random modules (bench/validate-throughput.sh makes them), when present."
        echo "MB = 10^6 bytes of module; time: translation alone, as --stats reports it, best of $runs."
        echo
        echo "| module | bytes | guard ms | guard MB/s | guard ns/B | code bytes/module byte | checked ms | checked MB/s | peak RSS MiB |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        awk '
        $4 == "-" { why[$1, $3] = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ - /, "", why[$1, $3]) }
        $4 != "-" { ms[$1, $3] = $4; code[$1, $3] = $5; if ($6 > rss[$1]) rss[$1] = $6 }
        !($1 in size) { order[++n] = $1; size[$1] = $2 }
        function cell(l, s) {
            if ((l, s) in ms) return sprintf("%.3f | %.1f", ms[l, s], size[l] / ms[l, s] / 1000)
            return why[l, s] " | -"
        }
        END {
            for (i = 1; i <= n; i++) {
                l = order[i]; s = size[l]
                g = ((l, "guard") in ms) ? sprintf(" | %.2f", ms[l, "guard"] * 1e6 / s) : " | -"
                c = ((l, "guard") in ms && code[l, "guard"] != "-") ? sprintf("%.2f", code[l, "guard"] / s) : "-"
                printf "| %s | %d | %s%s | %s | %s | %s |\n", l, s, cell(l, "guard"), g, c, cell(l, "checked"), (l in rss) ? sprintf("%.1f", rss[l] / 1024) : "-"
            }
        }' "$work/ladder"
        echo
        awk '
        $4 != "-" { k = ($1 ~ /^mix-/) ? "same-mix" : "binaryen"; nsb = $4 * 1e6 / $2
            if (!((k, $3) in lo) || nsb < lo[k, $3]) lo[k, $3] = nsb
            if (!((k, $3) in hi) || nsb > hi[k, $3]) hi[k, $3] = nsb
            if ($2 >= 1000000) { bs[$3] += $2; bm[$3] += $4 } }
        END {
            for (k in lo) { split(k, f, SUBSEP)
                printf "- linearity, %s ladder, %s: ns/byte from %.2f to %.2f, spread %.2f (linear time: close to 1)\n", f[1], f[2], lo[k], hi[k], hi[k] / lo[k] }
            for (s in bs) printf "- %s on modules of 1 MB or more: %.1f MB/s\n", s, bs[s] / bm[s] / 1000
        }' "$work/ladder" | sort
    fi
    echo
    echo "## Outputs"
    echo
    if [ -s "$failures" ]; then
        echo "**FAILURES** (these runs are not timed; a program an engine got wrong, or"
        echo "one with a crashed run, is left out of that engine's geometric mean):"
        echo
        echo '```'
        cat "$failures"
        echo '```'
        echo
    else
        echo "Every run of every engine printed exactly the native program's output."
        echo
    fi
    for p in "${programs[@]}"; do
        n=${p%%:*}
        [ -f "$work/$n.out" ] || { echo "- $n: the native program failed"; continue; }
        echo "- $n: \`$(tail -1 "$work/$n.out" | sed 's/^ *//')\`"
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo
        echo "**Missing tools**: ${missing[*]}"
    fi
}

mkdir -p "$(dirname "$out")"
report | tee "$out.tmp" && mv "$out.tmp" "$out"
echo "report written to $out" >&2
status=0
[ -s "$failures" ] && { echo "run-bench: FAILED: some runs failed or printed a wrong output (see above)" >&2; status=1; }
[ ${#missing[@]} -gt 0 ] && { echo "run-bench: FAILED: missing: ${missing[*]}" >&2; status=1; }
exit $status
