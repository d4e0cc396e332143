/*
 * differential: libabi against wabt's wasm-validate, module by module.
 *
 *   differential [OPTIONS] [FILE|DIR...]
 *
 * Every module of the corpus is judged twice: by libabi in this process
 * (dx_module_load: decode and validate, every body included) and by
 * `wasm-validate --disable-simd`, wabt 1.0.32 with exactly Dogma's feature
 * set (WebAssembly 2.0 without SIMD). The corpus is the files named (a
 * directory stands for its *.wasm files), plus modules that binaryen's
 * wasm-opt --translate-to-fuzz makes from seeded random bytes, plus, for
 * each of those, seeded mutants (mutate.c). The two verdicts must agree.
 * The one sanctioned difference is a module that Dogma refuses only for a
 * loader limit (an error of phase DX_PHASE_LIMIT, spec/format.md section
 * 6) while wabt accepts it: it is counted apart and does not fail the run.
 * Other disagreements are failures; deviation.c recognises those that are
 * known wabt bugs, and --allow ID stops one of them failing the run (it
 * is still counted, and reported with -v).
 *
 * A run is a pure function of its options: each source and each mutant
 * draws from its own PRNG stream, derived from --seed and its index, so
 * the verdicts do not depend on --jobs or on the order of work. Sources
 * are dealt round-robin to --jobs worker processes; a worker that dies
 * (libabi crashing under ASan, say) fails the run and leaves the module it
 * was judging in the --keep directory.
 *
 * Exit status: 0 when every module agrees, 1 when some disagree or a tool
 * failed, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dogma/module.h>

#include "deviation.h"
#include "mutate.h"
#include "run.h"

/* ---- options and corpus ------------------------------------------------------ */

typedef enum src_kind { SRC_FILE, SRC_TTF, SRC_TTF_REFTYPES } src_kind_t;

typedef struct source {
    src_kind_t kind;
    uint32_t index;   /* among the sources of its kind */
    char *path;       /* SRC_FILE only */
} source_t;

#define MAX_WABT_ARGS 8

typedef struct opts {
    uint64_t seed;
    unsigned mutants;     /* per source */
    unsigned file_mutants; /* per file source, if set (UINT_MAX: unset) */
    unsigned ttf, ttf_reftypes;
    unsigned jobs;
    int only;             /* strategy index, or -1 */
    bool verbose;
    const char *keep;     /* directory for disagreeing modules, or NULL */
    const char *wasm_validate, *wasm_opt;
    const char *wabt_args[MAX_WABT_ARGS];
    unsigned nwabt_args;
    bool allow[CF_DEV_COUNT]; /* known wabt deviations not counted as failures */
    source_t *srcs;
    size_t nsrcs, srcs_cap;
} opts_t;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: differential [OPTIONS] [FILE|DIR...]\n"
        "  Judge every module with libabi and with wasm-validate --disable-simd;\n"
        "  fail if any verdicts differ (beyond Dogma's loader limits).\n"
        "  FILE|DIR          modules to check; a directory means its *.wasm\n"
        "  --seed N          PRNG seed (default 1)\n"
        "  --mutants N       mutants per source module (default 8)\n"
        "  --file-mutants N  mutants per FILE module instead (default: --mutants)\n"
        "  --ttf N           N binaryen modules (wasm-opt --translate-to-fuzz)\n"
        "  --ttf-reftypes N  N more with reference types enabled (binaryen 108\n"
        "                    then emits typed function references: mostly invalid)\n"
        "  --only NAME       mutate with this strategy only (--list-strategies)\n"
        "  --jobs N          worker processes (default 1)\n"
        "  --keep DIR        save every disagreeing module there\n"
        "  --wasm-validate P, --wasm-opt P   the tools (default: from PATH)\n"
        "  --wabt-arg ARG    one more argument for wasm-validate (repeatable)\n"
        "  --allow ID        do not fail on this known wabt deviation (repeatable;\n"
        "                    --list-deviations); still counted, reported with -v\n"
        "  -v                one line per module\n"
        "exit status: 0 all agree, 1 some disagree or a tool failed, 2 usage\n");
}

static void add_source(opts_t *o, src_kind_t kind, uint32_t index, char *path)
{
    if (o->nsrcs == o->srcs_cap) {
        o->srcs_cap = o->srcs_cap ? 2 * o->srcs_cap : 64;
        o->srcs = realloc(o->srcs, o->srcs_cap * sizeof *o->srcs);
        if (!o->srcs) {
            perror("differential");
            exit(2);
        }
    }
    o->srcs[o->nsrcs++] = (source_t){kind, index, path};
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* A directory's *.wasm, sorted so that source indices are stable. An
 * empty corpus directory is an error: a silently empty run proves
 * nothing. */
static bool add_dir(opts_t *o, const char *dir, uint32_t *nfiles)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "differential: %s: %s\n", dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".wasm"))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names || asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
            perror("differential");
            exit(2);
        }
        n++;
    }
    closedir(d);
    if (!n) {
        fprintf(stderr, "differential: %s: no .wasm modules in the corpus "
                "directory (was the corpus built?)\n", dir);
        return false;
    }
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++)
        add_source(o, SRC_FILE, (*nfiles)++, names[i]);
    free(names);
    return true;
}

static bool add_path(opts_t *o, const char *path, uint32_t *nfiles)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "differential: %s: %s\n", path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode))
        return add_dir(o, path, nfiles);
    char *copy = strdup(path);
    if (!copy) {
        perror("differential");
        exit(2);
    }
    add_source(o, SRC_FILE, (*nfiles)++, copy);
    return true;
}

static bool parse_num(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static void list_strategies(void)
{
    for (unsigned i = 0; i < cf_mut_count(); i++)
        printf("%s\n", cf_mut_name(i));
}

static void list_deviations(void)
{
    for (int i = 0; i < CF_DEV_COUNT; i++)
        printf("%-20s spec %-13s %s\n", cf_devinfo[i].id, cf_devinfo[i].spec,
               cf_devinfo[i].what);
}

/* One option that takes a value; false if opt is not one of them. */
static bool value_opt(opts_t *o, const char *opt, const char *val, bool *bad)
{
    uint64_t v = 0;
    bool num = strcmp(opt, "--seed") == 0 || strcmp(opt, "--mutants") == 0 ||
               strcmp(opt, "--ttf") == 0 || strcmp(opt, "--jobs") == 0 ||
               strcmp(opt, "--file-mutants") == 0 ||
               strcmp(opt, "--ttf-reftypes") == 0;
    if (num && !parse_num(val, strcmp(opt, "--seed") == 0 ? UINT64_MAX
                                                          : 10000000, &v)) {
        *bad = true;
        return true;
    }
    if (strcmp(opt, "--seed") == 0) o->seed = v;
    else if (strcmp(opt, "--mutants") == 0) o->mutants = (unsigned)v;
    else if (strcmp(opt, "--file-mutants") == 0) o->file_mutants = (unsigned)v;
    else if (strcmp(opt, "--ttf") == 0) o->ttf = (unsigned)v;
    else if (strcmp(opt, "--ttf-reftypes") == 0) o->ttf_reftypes = (unsigned)v;
    else if (strcmp(opt, "--jobs") == 0) o->jobs = v ? (unsigned)v : 1;
    else if (strcmp(opt, "--keep") == 0) o->keep = val;
    else if (strcmp(opt, "--wasm-validate") == 0) o->wasm_validate = val;
    else if (strcmp(opt, "--wasm-opt") == 0) o->wasm_opt = val;
    else if (strcmp(opt, "--only") == 0) {
        o->only = cf_mut_lookup(val);
        *bad = o->only < 0;
    } else if (strcmp(opt, "--allow") == 0) {
        int d = cf_dev_lookup(val);
        if (d < 0)
            *bad = true;
        else
            o->allow[d] = true;
    } else if (strcmp(opt, "--wabt-arg") == 0) {
        if (o->nwabt_args == MAX_WABT_ARGS)
            *bad = true;
        else
            o->wabt_args[o->nwabt_args++] = val;
    } else
        return false;
    return true;
}

static bool parse_opts(int argc, char **argv, opts_t *o)
{
    uint32_t nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool bad = false;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--list-strategies") == 0) {
            list_strategies();
            exit(0);
        } else if (strcmp(a, "--list-deviations") == 0) {
            list_deviations();
            exit(0);
        } else if (strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (a[0] == '-' && a[1] == '-') {
            if (i + 1 == argc || !value_opt(o, a, argv[i + 1], &bad) || bad) {
                fprintf(stderr, "differential: bad option %s%s%s\n", a,
                        i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
                return false;
            }
            i++;
        } else if (!add_path(o, a, &nfiles)) {
            return false;
        }
    }
    for (uint32_t i = 0; i < o->ttf; i++)
        add_source(o, SRC_TTF, i, NULL);
    for (uint32_t i = 0; i < o->ttf_reftypes; i++)
        add_source(o, SRC_TTF_REFTYPES, i, NULL);
    return true;
}

/* Worker output: each message goes out in one write(), so that the
 * messages of concurrent workers do not interleave. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char text[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n > 0 && write(1, text, strlen(text)) < 0)
        perror("differential");
}

/* ---- verdicts ---------------------------------------------------------------- */

/* Only uint64_t fields: add_counts() sums them as an array. */
typedef struct counts {
    uint64_t files, ttf, ttf_reftypes, mutants;
    uint64_t both_valid, both_invalid, limit_only, disagree, tool_errors;
    uint64_t invalid_decode, invalid_validate; /* both invalid, by libabi's phase */
    uint64_t allowed;                          /* disagreements --allow'ed */
    uint64_t abi_only;                         /* libabi: a Dogma section */
    uint64_t dev[CF_DEV_COUNT];                /* known deviations, allowed or not */
} counts_t;

/* One worker's state: its scratch files (in the run's temporary
 * directory) and its tallies. */
typedef struct worker {
    const opts_t *o;
    unsigned id;
    char mod[4096], err[4096], in[4096], out[4096], alt[4096];
    const source_t *src;     /* the source being judged, and its bytes */
    const uint8_t *src_bytes;
    size_t src_len;
    bool src_kept;           /* already saved to --keep */
    counts_t c;
} worker_t;

/* wasm-validate's verdict: exit status 0 or 1; killed by a signal is a
 * crash; anything else (not found, a usage error) a tool error. */
typedef enum verdict { V_VALID, V_INVALID, V_CRASH, V_TOOL_ERROR } verdict_t;

static int run_wabt(worker_t *w, const char *path)
{
    const opts_t *o = w->o;
    char *argv[MAX_WABT_ARGS + 4];
    unsigned n = 0;
    argv[n++] = (char *)o->wasm_validate;
    argv[n++] = "--disable-simd";
    for (unsigned i = 0; i < o->nwabt_args; i++)
        argv[n++] = (char *)o->wabt_args[i];
    argv[n++] = (char *)path;
    argv[n] = NULL;
    return cf_run(argv, path == w->mod ? w->err : "/dev/null");
}

static verdict_t wabt_verdict(worker_t *w, int *out_status)
{
    int st = run_wabt(w, w->mod);
    *out_status = st;
    return st == 0   ? V_VALID
           : st == 1 ? V_INVALID
           : st >= 256 ? V_CRASH
                       : V_TOOL_ERROR;
}

/* deviation.c's second opinions, on other bytes (in the worker's alt
 * file, so that mod keeps the module being judged). */
static int wabt_again(void *ctx, const uint8_t *b, size_t n)
{
    worker_t *w = ctx;
    return cf_write_file(w->alt, b, n) ? run_wabt(w, w->alt) : -1;
}

/* Whether wabt's stderr has an error line (it sometimes exits 0 anyway). */
static bool wabt_printed_error(const worker_t *w)
{
    char head[4096];
    cf_head(w->err, 40, head, sizeof head);
    return strstr(head, "error:") != NULL;
}

/* A name for files: the seed, the source and what was done to it. */
static void module_name(const worker_t *w, const source_t *s, int mutant,
                        const char *strategy, char *out, size_t len)
{
    char tag[256];
    if (s->kind == SRC_FILE) {
        const char *base = strrchr(s->path, '/');
        snprintf(tag, sizeof tag, "%s", base ? base + 1 : s->path);
        if (has_suffix(tag, ".wasm"))
            tag[strlen(tag) - 5] = 0;
    } else {
        snprintf(tag, sizeof tag, "%s%" PRIu32,
                 s->kind == SRC_TTF ? "ttf" : "ttfr", s->index);
    }
    if (mutant < 0)
        snprintf(out, len, "s%" PRIu64 "-%s", w->o->seed, tag);
    else
        snprintf(out, len, "s%" PRIu64 "-%s-m%d-%s", w->o->seed, tag, mutant,
                 strategy);
}

/* Saves a disagreeing module and, once, the source it came from, so that
 * the two can be compared. */
static void keep_module(worker_t *w, const char *name, const uint8_t *b,
                        size_t n, char *out, size_t len)
{
    snprintf(out, len, "(not kept: use --keep DIR)");
    if (!w->o->keep)
        return;
    char path[4096], src[512];
    snprintf(path, sizeof path, "%s/%s.wasm", w->o->keep, name);
    if (cf_write_file(path, b, n))
        snprintf(out, len, "kept: %s", path);
    module_name(w, w->src, -1, NULL, src, sizeof src);
    snprintf(path, sizeof path, "%s/%s.wasm", w->o->keep, src);
    if (!w->src_kept && strcmp(src, name) != 0 &&
        cf_write_file(path, w->src_bytes, w->src_len)) {
        w->src_kept = true;
        size_t l = strlen(out);
        snprintf(out + l, len - l, " (source: %s)", path);
    }
}

static const char *verdict_name(verdict_t v)
{
    static const char *names[] = {"valid", "invalid", "crashed", "tool error"};
    return names[v];
}

/* The report of one disagreement. */
static void report(worker_t *w, const char *name, const uint8_t *b, size_t n,
                   verdict_t wabt, int status, bool dx_ok,
                   const dx_error_t *err, cf_dev_t dev)
{
    char dx[600] = "", head[1600], kept[4200], known[600] = "";
    if (!dx_ok) {
        dx_err_render(err, name, dx, sizeof dx);
        size_t l = strlen(dx);
        snprintf(dx + l, sizeof dx - l, " [%s]",
                 dx_phase_name(dx_err_phase(err->code)));
    }
    if (dev != CF_DEV_NONE)
        snprintf(known, sizeof known, "  known wabt deviation %s (spec %s)%s\n",
                 cf_devinfo[dev].id, cf_devinfo[dev].spec,
                 w->o->allow[dev] ? ": allowed" : "");
    cf_head(w->err, 4, head, sizeof head);
    keep_module(w, name, b, n, kept, sizeof kept);
    say("%s %s (%zu bytes): wabt %s (status %d), dogma %s\n"
        "%s  dogma: %s\n  wabt:\n%s  %s\n",
        dev != CF_DEV_NONE && w->o->allow[dev] ? "ALLOWED" : "DISAGREE",
        name, n, verdict_name(wabt), status, dx_ok ? "valid" : "invalid",
        known, dx_ok ? "-" : dx, head, kept);
}

/* Counts one outcome; returns whether the verdicts differ in a way that
 * needs a report (disagreements, allowed ones included, and tool errors). */
static bool tally(worker_t *w, verdict_t wabt, bool dx_ok,
                  const dx_error_t *err)
{
    counts_t *c = &w->c;
    if (wabt == V_TOOL_ERROR) {
        c->tool_errors++;
        return true;
    }
    if (wabt != V_CRASH && (wabt == V_VALID) == dx_ok) {
        if (dx_ok) {
            c->both_valid++;
        } else {
            c->both_invalid++;
            if (dx_err_phase(err->code) == DX_PHASE_DECODE)
                c->invalid_decode++;
            else
                c->invalid_validate++;
        }
        return false;
    }
    if (wabt == V_VALID && !dx_ok &&
        dx_err_phase(err->code) == DX_PHASE_LIMIT) {
        c->limit_only++;
        return false;
    }
    /* A Dogma custom section is Dogma's contract (spec/format.md section
     * 4): wabt rightly ignores it, libabi rightly checks it. */
    if (wabt == V_VALID && !dx_ok && dx_err_phase(err->code) == DX_PHASE_ABI) {
        c->abi_only++;
        return false;
    }
    return true;
}

/* A disagreement: a known deviation, allowed or not, or a failure. */
static cf_dev_t tally_disagreement(worker_t *w, const uint8_t *b, size_t n,
                                   int status, bool dx_ok,
                                   const dx_error_t *err)
{
    cf_disagreement_t d = {b, n, status, wabt_printed_error(w), dx_ok, err,
                           wabt_again, w};
    cf_dev_t dev = cf_dev_classify(&d);
    if (dev != CF_DEV_NONE)
        w->c.dev[dev]++;
    if (dev != CF_DEV_NONE && w->o->allow[dev])
        w->c.allowed++;
    else
        w->c.disagree++;
    return dev;
}

/* Judges one module with both validators and records the outcome. */
static void check(worker_t *w, const char *name, const uint8_t *b, size_t n)
{
    int status = -1;
    verdict_t wabt = cf_write_file(w->mod, b, n) ? wabt_verdict(w, &status)
                                                   : V_TOOL_ERROR;
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    dx_arena_init_malloc(&ar);
    bool dx_ok = dx_module_load(b, n, &ar, &m, &err);
    dx_arena_free(&ar);
    if (tally(w, wabt, dx_ok, &err)) {
        cf_dev_t dev = wabt == V_TOOL_ERROR
                           ? CF_DEV_NONE
                           : tally_disagreement(w, b, n, status, dx_ok, &err);
        bool allowed = dev != CF_DEV_NONE && w->o->allow[dev];
        if (!allowed || w->o->verbose)
            report(w, name, b, n, wabt, status, dx_ok, &err, dev);
    }
    if (w->o->verbose)
        say("%s: wabt %s, dogma %s%s%s\n", name, verdict_name(wabt),
               dx_ok ? "valid" : "invalid (", dx_ok ? "" : dx_err_name(err.code),
               dx_ok ? "" : ")");
}

/* ---- sources ------------------------------------------------------------------- */

/* binaryen's fuzzer makes a module of a size that follows its input's:
 * 2 KiB to 96 KiB of random bytes give modules of about 0.5 to 30 KiB. */
static uint8_t *gen_ttf(worker_t *w, const source_t *s, size_t *out_len)
{
    cf_rng_t r;
    cf_rng_seed(&r, w->o->seed, 0x7466000000000000ull | s->kind, s->index);
    size_t base = (size_t)2048 << cf_rng_below(&r, 5);
    size_t n = base + cf_rng_below(&r, 2 * base);
    uint8_t *bytes = malloc(n);
    if (!bytes)
        return NULL;
    for (size_t i = 0; i < n; i++)
        bytes[i] = (uint8_t)(cf_rng_next(&r) >> 56);
    bool ok = cf_write_file(w->in, bytes, n);
    free(bytes);
    char *argv[] = {(char *)w->o->wasm_opt, w->in, "-ttf", "--mvp-features",
                    "--enable-sign-ext", "--enable-mutable-globals",
                    "--enable-nontrapping-float-to-int",
                    "--enable-bulk-memory", "--enable-multivalue",
                    "--enable-reference-types", "-o", w->out, NULL};
    if (s->kind == SRC_TTF) /* drop --enable-reference-types */
        memmove(&argv[9], &argv[10], 3 * sizeof argv[0]);
    int st = ok ? cf_run(argv, w->err) : -1;
    if (st != 0) {
        char head[1600];
        cf_head(w->err, 4, head, sizeof head);
        say("TOOL ERROR wasm-opt -ttf (status %d) for %s%" PRIu32 ":\n%s",
               st, s->kind == SRC_TTF ? "ttf" : "ttfr", s->index, head);
        return NULL;
    }
    return cf_read_file(w->out, out_len);
}

static uint8_t *load_source(worker_t *w, const source_t *s, size_t *out_len)
{
    if (s->kind == SRC_FILE) {
        w->c.files++;
        return cf_read_file(s->path, out_len);
    }
    *(s->kind == SRC_TTF ? &w->c.ttf : &w->c.ttf_reftypes) += 1;
    return gen_ttf(w, s, out_len);
}

/* A source, then its mutants. */
static void run_source(worker_t *w, size_t si)
{
    const source_t *s = &w->o->srcs[si];
    char name[512];
    size_t n;
    uint8_t *b = load_source(w, s, &n);
    if (!b) {
        w->c.tool_errors++;
        return;
    }
    w->src = s;
    w->src_bytes = b;
    w->src_len = n;
    w->src_kept = false;
    module_name(w, s, -1, NULL, name, sizeof name);
    check(w, name, b, n);
    cf_src_t *src = cf_src_new(b, n);
    cf_buf_t mut = {0};
    unsigned nmut = s->kind == SRC_FILE && w->o->file_mutants != UINT_MAX
                        ? w->o->file_mutants
                        : w->o->mutants;
    for (unsigned k = 0; k < nmut; k++) {
        cf_rng_t r;
        cf_rng_seed(&r, w->o->seed, (uint64_t)s->kind << 32 | s->index, k + 1);
        const char *how = cf_mutate(src, &r, w->o->only, &mut);
        module_name(w, s, (int)k, how, name, sizeof name);
        w->c.mutants++;
        check(w, name, mut.p, mut.len);
    }
    cf_buf_free(&mut);
    cf_src_free(src);
    free(b);
}

/* ---- workers --------------------------------------------------------------------- */

static void worker_paths(worker_t *w, const char *dir)
{
    snprintf(w->mod, sizeof w->mod, "%s/w%u.wasm", dir, w->id);
    snprintf(w->err, sizeof w->err, "%s/w%u.err", dir, w->id);
    snprintf(w->in, sizeof w->in, "%s/w%u.bin", dir, w->id);
    snprintf(w->out, sizeof w->out, "%s/w%u.out.wasm", dir, w->id);
    snprintf(w->alt, sizeof w->alt, "%s/w%u.alt.wasm", dir, w->id);
}

/* The child: every jobs-th source, then its tallies down the pipe. */
static void worker_main(worker_t *w, int fd)
{
    for (size_t i = w->id; i < w->o->nsrcs; i += w->o->jobs)
        run_source(w, i);
    fflush(stdout);
    ssize_t wr = write(fd, &w->c, sizeof w->c);
    _exit(wr == (ssize_t)sizeof w->c ? 0 : 3);
}

static void add_counts(counts_t *t, const counts_t *c)
{
    const uint64_t *src = (const uint64_t *)c;
    uint64_t *dst = (uint64_t *)t;
    for (size_t i = 0; i < sizeof *c / sizeof(uint64_t); i++)
        dst[i] += src[i];
}

/* A dead worker: say how it died and keep the module it was judging. */
static void worker_died(const worker_t *w, int st, counts_t *total)
{
    printf("WORKER %u DIED (%s %d) while judging a module", w->id,
           WIFSIGNALED(st) ? "signal" : "exit status",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    size_t n;
    uint8_t *b = w->o->keep ? cf_read_file(w->mod, &n) : NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/crash-worker%u.wasm",
             w->o->keep ? w->o->keep : ".", w->id);
    if (b && cf_write_file(path, b, n))
        printf(": kept as %s", path);
    printf("\n");
    free(b);
    total->tool_errors++;
}

static bool run_workers(const opts_t *o, const char *dir, counts_t *total)
{
    worker_t *ws = calloc(o->jobs, sizeof *ws);
    pid_t *pids = calloc(o->jobs, sizeof *pids);
    int *fds = calloc(o->jobs, sizeof *fds);
    if (!ws || !pids || !fds)
        return false;
    fflush(stdout);
    for (unsigned k = 0; k < o->jobs; k++) {
        int p[2];
        ws[k].o = o;
        ws[k].id = k;
        worker_paths(&ws[k], dir);
        if (pipe(p) != 0 || (pids[k] = fork()) < 0) {
            perror("differential");
            return false;
        }
        if (pids[k] == 0) {
            close(p[0]);
            worker_main(&ws[k], p[1]);
        }
        close(p[1]);
        fds[k] = p[0];
    }
    for (unsigned k = 0; k < o->jobs; k++) {
        counts_t c;
        int st;
        ssize_t rd = read(fds[k], &c, sizeof c);
        close(fds[k]);
        while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
            ;
        if (rd == (ssize_t)sizeof c && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            add_counts(total, &c);
        else
            worker_died(&ws[k], st, total);
        unlink(ws[k].mod);
        unlink(ws[k].err);
        unlink(ws[k].in);
        unlink(ws[k].out);
        unlink(ws[k].alt);
    }
    free(ws);
    free(pids);
    free(fds);
    return true;
}

/* ---- main ------------------------------------------------------------------------- */

static void summary(const opts_t *o, const counts_t *c)
{
    uint64_t all = c->files + c->ttf + c->ttf_reftypes + c->mutants;
    printf("differential: %" PRIu64 " modules (%" PRIu64 " files, %" PRIu64
           " binaryen, %" PRIu64 " binaryen-reftypes, %" PRIu64
           " mutants): %" PRIu64 " agree (%" PRIu64 " both valid, %" PRIu64
           " both invalid: %" PRIu64 " malformed, %" PRIu64
           " invalid), %" PRIu64 " limit-only, %" PRIu64 " dogma-section-only, %"
           PRIu64 " allowed, %" PRIu64 " disagree",
           all, c->files, c->ttf, c->ttf_reftypes, c->mutants,
           c->both_valid + c->both_invalid, c->both_valid, c->both_invalid,
           c->invalid_decode, c->invalid_validate, c->limit_only, c->abi_only,
           c->allowed,
           c->disagree);
    if (c->tool_errors)
        printf(", %" PRIu64 " tool errors", c->tool_errors);
    printf("\n");
    for (int i = 0; i < CF_DEV_COUNT; i++)
        if (c->dev[i])
            printf("differential: known wabt deviation %s (spec %s): %" PRIu64
                   " modules, %s\n", cf_devinfo[i].id, cf_devinfo[i].spec,
                   c->dev[i], o->allow[i] ? "allowed" : "not allowed");
}

static const char *tmp_root(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

int main(int argc, char **argv)
{
    opts_t o = {.seed = 1, .mutants = 8, .file_mutants = UINT_MAX,
                .jobs = 1, .only = -1,
                .wasm_validate = "wasm-validate", .wasm_opt = "wasm-opt"};
    if (!parse_opts(argc, argv, &o)) {
        usage(stderr);
        return 2;
    }
    if (!o.nsrcs) {
        fprintf(stderr, "differential: no modules: name files or use --ttf\n");
        return 2;
    }
    if (o.keep && mkdir(o.keep, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "differential: %s: %s\n", o.keep, strerror(errno));
        return 2;
    }
    char dir[3072]; /* leaves room for the workers' file names */
    int len = snprintf(dir, sizeof dir, "%s/differential.XXXXXX", tmp_root());
    if (len < 0 || (size_t)len >= sizeof dir) {
        fprintf(stderr, "differential: TMPDIR is too long\n");
        return 2;
    }
    if (!mkdtemp(dir)) {
        fprintf(stderr, "differential: %s: %s\n", dir, strerror(errno));
        return 2;
    }
    counts_t total = {0};
    bool ran = run_workers(&o, dir, &total);
    rmdir(dir);
    if (!ran)
        return 2;
    summary(&o, &total);
    for (size_t i = 0; i < o.nsrcs; i++)
        free(o.srcs[i].path);
    free(o.srcs);
    return total.disagree || total.tool_errors ? 1 : 0;
}
