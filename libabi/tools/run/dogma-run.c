/*
 * dogma-run: decode, validate and translate a module in one pass, then run
 * it in this process with WASI preview 1 served (runtime.h, wasi.c) and
 * Dogma's own imports emulated (dogma.c).
 *
 *   dogma-run [options] MODULE.wasm [ARGS...]
 *
 * Exit status: the program's own (proc_exit, or 0 when _start returns);
 * 134 after a trap, reported on stderr as "trap: KIND in FUNC+0xOFF" with
 * a backtrace; 1 when the module does not load (its diagnostic on
 * stderr); 2 for a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../file.h"
#include "fuzzsupport.h"
#include "../../proof/vc.h"
#include "runtime.h"

#define MAX_DIRS 64
#define MAX_ENV 1024

typedef struct cli {
    dr_opts_t o;
    const char *invoke;
    const char *dump;
    const char *initrd;
    bool invoke_all, stats, no_run;
    uint64_t *counts;       /* --count-accesses: DX_ACC_COUNT counters, or NULL */
    unsigned preempt_us;
    dr_preopen_t dirs[MAX_DIRS];
    int ndirs;
    char *env[MAX_ENV];
    int nenv;
    const char *file;
    char **args;
    int nargs;
} cli_t;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: dogma-run [options] MODULE.wasm [ARGS...]\n"
        "  --strategy guard|checked|proved\n"
        "                            memory strategy (default guard); proved: the\n"
        "                            accesses the verifier proves in bounds (its\n"
        "                            first pass, Z3 for the module's claims) carry\n"
        "                            no check\n"
        "  --dir HOST[::GUEST]       preopen a host directory (WASI)\n"
        "  --env K=V                 set an environment variable (WASI, dogma)\n"
        "  --initrd FILE.tar         grant FILE as the read-only view \"initrd\" (dogma)\n"
        "  --invoke FUNC             call export FUNC with ARGS, print its results\n"
        "  --invoke-all              call every exported function with zero arguments\n"
        "  --stats                   translation and run figures on stderr\n"
        "  --count-accesses          count the memory accesses executed, per class\n"
        "                            (guarded, checked, proved), and print the counts\n"
        "                            on stderr after the run (instrumented code: for\n"
        "                            measurement; bulk memory operations not counted)\n"
        "  --no-run                  translate and instantiate only (with --stats: the\n"
        "                            translator's figures alone)\n"
        "  --max-memory BYTES        most memory the module may grow to (K, M, G)\n"
        "  --max-stack BYTES         most stack its stacklets may take (default 64M)\n"
        "  --preempt-us N            preemption timer period (default 10000; 0: off)\n"
        "  --dump-code FILE          write the translated code to FILE (read it with\n"
        "                            objdump -D -b binary -m i386:x86-64 FILE)\n");
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10, end++;
    else if (*end == 'M' || *end == 'm') shift = 20, end++;
    else if (*end == 'G' || *end == 'g') shift = 30, end++;
    if (errno || end == s || *end || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static int bad_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "dogma-run: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

static int parse_cli(int argc, char **argv, cli_t *c)
{
    c->o = (dr_opts_t){ .strategy = DX_STRATEGY_GUARD, .max_memory = 1ull << 32,
                        .max_stack = 64u << 20 };
    c->preempt_us = 10000;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--")) { i++; break; }
        if (!strcmp(a, "--help")) { usage(stdout); exit(0); }
        if (!strcmp(a, "--stats")) { c->stats = true; continue; }
        if (!strcmp(a, "--count-accesses")) {
            static uint64_t counts[DX_ACC_COUNT]; /* lives as long as the code */
            c->counts = counts;
            continue;
        }
        if (!strcmp(a, "--invoke-all")) { c->invoke_all = true; continue; }
        if (!strcmp(a, "--no-run")) { c->no_run = true; continue; }
        if (!v)
            return bad_usage("option needs a value", a);
        i++;
        if (!strcmp(a, "--strategy")) {
            if (!strcmp(v, "guard")) c->o.strategy = DX_STRATEGY_GUARD;
            else if (!strcmp(v, "checked")) c->o.strategy = DX_STRATEGY_CHECKED;
            else if (!strcmp(v, "proved")) c->o.strategy = DX_STRATEGY_PROVED;
            else return bad_usage("unknown strategy", v);
        } else if (!strcmp(a, "--dir")) {
            if (c->ndirs == MAX_DIRS)
                return bad_usage("too many --dir", v);
            char *d = strdup(v), *sep = strstr(d, "::");
            if (sep)
                *sep = 0;
            c->dirs[c->ndirs++] = (dr_preopen_t){ d, sep ? sep + 2 : d };
        } else if (!strcmp(a, "--env")) {
            if (!strchr(v, '=') || c->nenv == MAX_ENV)
                return bad_usage("--env wants K=V", v);
            c->env[c->nenv++] = (char *)v;
        } else if (!strcmp(a, "--initrd")) {
            c->initrd = v;
        } else if (!strcmp(a, "--dump-code")) {
            c->dump = v;
        } else if (!strcmp(a, "--invoke")) {
            c->invoke = v;
        } else if (!strcmp(a, "--max-memory")) {
            if (!parse_size(v, &c->o.max_memory) || c->o.max_memory > (1ull << 32))
                return bad_usage("--max-memory wants a size up to 4G", v);
        } else if (!strcmp(a, "--max-stack")) {
            if (!parse_size(v, &c->o.max_stack) || c->o.max_stack < (1u << 20))
                return bad_usage("--max-stack wants a size of at least 1M", v);
        } else if (!strcmp(a, "--preempt-us")) {
            uint64_t n;
            if (!parse_size(v, &n) || n > 10000000)
                return bad_usage("--preempt-us wants microseconds", v);
            c->preempt_us = (unsigned)n;
        } else {
            return bad_usage("unknown option", a);
        }
    }
    if (i >= argc)
        return bad_usage("no module given", NULL);
    c->file = argv[i];
    c->args = argv + i;
    c->nargs = argc - i;
    return 0;
}

/* ---- values ------------------------------------------------------------------ */
static bool parse_value(dx_valtype_t t, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!strncmp(s, "bits:", 5) && (t == DX_T_F32 || t == DX_T_F64)) {
        *out = strtoull(s + 5, &end, 16);
        return !errno && *end == 0 && (t == DX_T_F64 || *out <= 0xFFFFFFFFu);
    }
    if (t == DX_T_F32) {
        float f = strtof(s, &end);
        uint32_t b;
        memcpy(&b, &f, 4);
        *out = b;
        return end != s && *end == 0;
    }
    if (t == DX_T_F64) {
        double d = strtod(s, &end);
        memcpy(out, &d, 8);
        return end != s && *end == 0;
    }
    if (t != DX_T_I32 && t != DX_T_I64)
        return false;
    uint64_t v = s[0] == '-' ? (uint64_t)strtoll(s, &end, 0) : strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return false;
    if (t == DX_T_I32) {
        if (s[0] == '-' ? (int64_t)v < INT32_MIN : v > UINT32_MAX)
            return false;
        v &= 0xFFFFFFFFu;
    }
    *out = v;
    return true;
}

static void print_value(dr_inst_t *in, FILE *f, dx_valtype_t t, uint64_t v)
{
    switch (t) {
    case DX_T_I32: fprintf(f, "i32:%" PRId32 "\n", (int32_t)(uint32_t)v); break;
    case DX_T_I64: fprintf(f, "i64:%" PRId64 "\n", (int64_t)v); break;
    case DX_T_F32: {
        float x;
        uint32_t b = (uint32_t)v;
        memcpy(&x, &b, 4);
        fprintf(f, "f32:%.9g (0x%08" PRIx32 ")\n", (double)x, b);
        break;
    }
    case DX_T_F64: {
        double x;
        memcpy(&x, &v, 8);
        fprintf(f, "f64:%.17g (0x%016" PRIx64 ")\n", x, v);
        break;
    }
    case DX_T_FUNCREF:
        if (!v)
            fprintf(f, "funcref:null\n");
        else
            fprintf(f, "funcref:%" PRIu64 "\n",
                    (v - (uint64_t)(uintptr_t)in->funcs) / sizeof *in->funcs);
        break;
    default:
        if (!v) fprintf(f, "externref:null\n");
        else fprintf(f, "externref:0x%" PRIx64 "\n", v);
        break;
    }
}

static int find_export(const dx_module_t *m, const char *name)
{
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == DX_EXT_FUNC && strlen(name) == m->exports[i].name.len &&
            !memcmp(name, m->exports[i].name.ptr, m->exports[i].name.len))
            return (int)m->exports[i].index;
    return -1;
}

static int ended(dr_inst_t *in)
{
    fflush(stdout);
    if (in->exited)
        return in->exit_code & 0xFF;
    dr_report_trap(in, stderr, true);
    return 134;
}

static int invoke(dr_inst_t *in, const cli_t *c)
{
    int f = find_export(in->m, c->invoke);
    if (f < 0)
        return bad_usage("no exported function", c->invoke);
    const dx_functype_t *t = dx_func_type(in->m, (uint32_t)f);
    if ((uint32_t)(c->nargs - 1) != t->nparams) {
        fprintf(stderr, "dogma-run: %s takes %u arguments, %d given\n", c->invoke,
                t->nparams, c->nargs - 1);
        return 2;
    }
    uint64_t *args = calloc(t->nparams + 1, 8), *res = calloc(t->nresults + 1, 8);
    int rc = 0;
    for (uint32_t i = 0; i < t->nparams && !rc; i++)
        if (!parse_value(t->params[i], c->args[i + 1], &args[i])) {
            fprintf(stderr, "dogma-run: argument %u: not a %s: %s\n", i + 1,
                    dx_valtype_name(t->params[i]), c->args[i + 1]);
            rc = 2;
        }
    if (rc)
        ;
    else if (!dr_call_func(in, (uint32_t)f, args, res))
        rc = ended(in);
    else
        for (uint32_t i = 0; i < t->nresults; i++)
            print_value(in, stdout, t->results[i], res[i]);
    free(args), free(res);
    return rc;
}

static dx_vc_t vc;     /* strategy proved: the obligations and verdicts */

/* binaryen's --fuzz-exec protocol: every export in order, zero arguments,
 * one instance whose state carries over, traps reported and survived. */
static int invoke_all(dr_inst_t *in)
{
    const dx_module_t *m = in->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const dx_export_t *e = &m->exports[i];
        if (e->kind != DX_EXT_FUNC)
            continue;
        const dx_functype_t *t = dx_func_type(m, e->index);
        printf("call %.*s\n", (int)e->name.len, e->name.ptr);
        uint64_t *args = calloc(t->nparams + 1, 8), *res = calloc(t->nresults + 1, 8);
        if (dr_call_func(in, e->index, args, res)) {
            for (uint32_t k = 0; k < t->nresults; k++)
                print_value(in, stdout, t->results[k], res[k]);
        } else if (in->exited) {
            free(args), free(res);
            return ended(in);
        } else {
            printf("trap: %s\n", dx_trap_text((dx_trap_t)in->trap));
            if (vc.proof && vc.proof->ninvariants && !vc.annotations_dropped) {
                /* the trap may have left a module invariant broken, and
                 * proved code assumes them at every entry (spec/safety.md
                 * section 9): the instance is not entered again */
                fprintf(stderr, "dogma-run: stopping at this trap: the module's invariants, "
                        "which the proved code assumes, may no longer hold\n");
                free(args), free(res);
                return 134;
            }
        }
        free(args), free(res);
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double vc_secs;

static void print_stats(const dr_inst_t *in, const dx_x64_t *x, size_t size, double tt, double rt)
{
    const dx_x64_stats_t *s = &x->stats;
    fprintf(stderr,
        "dogma-run: stats: module %zu bytes, %u functions, %" PRIu64 " instructions\n"
        "dogma-run: stats: translation %.3f ms (decode + validate + translate), %.1f MB/s\n"
        "dogma-run: stats: code %zu bytes (%.2f per module byte), %zu map entries, "
        "%" PRIu64 " trap sites, %" PRIu64 " polls\n"
        "dogma-run: stats: memory accesses: %" PRIu64 " guarded, %" PRIu64 " checked, "
        "%" PRIu64 " proved; %" PRIu64 " global range checks; %" PRIu64
        " divisions proved\n"
        "dogma-run: stats: run %.3f s, %" PRIu64 " host calls, %" PRIu64 " stacklets, "
        "%" PRIu64 " spare reuses, %" PRIu64 " yields\n",
        size, x->nfuncs, s->insns, tt * 1e3, (double)size / tt / 1e6, x->size,
        (double)x->size / (double)size, x->nmap, s->trap_sites, s->polls,
        s->acc_guarded, s->acc_checked, s->acc_proved, s->range_checks, s->div_proved, rt,
        in->stats.host_calls,
        in->stats.stacklets, in->stats.spare_hits, in->stats.yields);
    if (in->m && vc.nobs)
        fprintf(stderr, "dogma-run: stats: verification %.3f ms: %zu obligations, %" PRIu64
                " solver units\n", vc_secs * 1e3, vc.nobs, vc.spent);
}

/* --count-accesses: the accesses executed, one line. */
static void print_counts(const uint64_t *n)
{
    uint64_t all = n[DX_ACC_GUARDED] + n[DX_ACC_CHECKED] + n[DX_ACC_PROVED];
    fprintf(stderr, "dogma-run: executed accesses: %" PRIu64 " guarded, %" PRIu64
            " checked, %" PRIu64 " proved (%.1f%% proved)\n", n[DX_ACC_GUARDED],
            n[DX_ACC_CHECKED], n[DX_ACC_PROVED],
            all ? 100.0 * (double)n[DX_ACC_PROVED] / (double)all : 0.0);
}

static int load(cli_t *c, const uint8_t *bytes, size_t size, dx_arena_t *ar,
                dx_module_t *m, dx_x64_t *x, double *tt)
{
    dx_error_t err;
    dx_x64_opts_t xo = { .strategy = c->o.strategy, .count_accesses = c->counts };
    double t0 = now();
    if (c->o.strategy == DX_STRATEGY_PROVED) {
        /* The conditions need a validated module; the translator then
         * drops the check of every access proved in bounds. */
        if (!dx_module_load(bytes, size, ar, m, &err)) {
            char buf[512];
            dx_err_render(&err, c->file, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
            return 1;
        }
        double v0 = now();
        dx_proof_t proof;
        if (!dx_proof_decode(m, NULL, 0, ar, &proof, &err)) {
            char buf[512];
            dx_err_render(&err, c->file, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
            return 1;
        }
        if (!dx_vc_module(m, &proof, NULL, ar, &vc, &err)) {
            fprintf(stderr, "dogma-run: %s: cannot generate the verification conditions\n",
                    c->file);
            return 1;
        }
        if (vc.refuted) {
            char msg[512];
            dx_vc_render_refutation(&vc, c->file, msg, sizeof msg);
            fprintf(stderr, "%s: the module is rejected\n", msg);
            return 1;
        }
        vc_secs = now() - v0;
        xo.proved = dx_vc_proved;
        xo.proved_ctx = &vc;
        xo.range = dx_vc_range;
    }
    /* (strategy proved loaded the module above: decoded once) */
    if ((c->o.strategy != DX_STRATEGY_PROVED && !dx_module_decode(bytes, size, ar, m, &err)) ||
        !dx_x64_translate(m, &xo, ar, x, &err)) {
        char buf[512];
        dx_err_render(&err, c->file, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
        return 1;
    }
    *tt = now() - t0;
    if (c->dump) {
        FILE *f = fopen(c->dump, "wb");
        if (!f || fwrite(x->code, 1, x->size, f) != x->size || fclose(f) != 0) {
            fprintf(stderr, "dogma-run: %s: cannot write the code\n", c->dump);
            return 1;
        }
    }
    return 0;
}

static void free_cli(cli_t *c)
{
    for (int i = 0; i < c->ndirs; i++)
        free((char *)c->dirs[i].host); /* guest points into it */
}

/* Runs the instance: _start, --invoke or --invoke-all. */
static int run(dr_inst_t *in, cli_t *c)
{
    if (c->no_run)
        return 0;
    if (!dr_start(in))
        return ended(in);
    if (c->invoke)
        return invoke(in, c);
    if (c->invoke_all)
        return invoke_all(in);
    int f = find_export(in->m, "_start");
    if (f < 0)
        return bad_usage("the module exports no _start; use --invoke FUNC", NULL);
    if (!dr_call_func(in, (uint32_t)f, NULL, NULL))
        return ended(in);
    return 0;
}

int main(int argc, char **argv)
{
    cli_t c = { 0 };
    int rc = parse_cli(argc, argv, &c);
    __builtin_cpu_init();
    if (!rc && (!__builtin_cpu_supports("sse4.1") || !__builtin_cpu_supports("popcnt"))) {
        fprintf(stderr, "dogma-run: this CPU lacks SSE4.1 or POPCNT, which translated "
                        "code uses (spec/abi.md, section 2)\n");
        rc = 1;
    }
    uint8_t *bytes = NULL;
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dr_wasi_t *w = NULL;
    dr_dogma_t *dg = NULL;
    dr_inst_t *in = NULL;
    dx_module_t m;
    dx_x64_t x;
    double tt = 0;
    size_t size = 0;
    if (rc)
        goto out;
    rc = 1;
    if (!(bytes = dx_read_file("dogma-run", c.file, &size)) ||
        load(&c, bytes, size, &ar, &m, &x, &tt) ||
        !(w = dr_wasi_new(c.nargs, c.args, c.nenv, c.env, c.ndirs, c.dirs)) ||
        !(dg = dr_dogma_new(c.nargs, c.args, c.nenv, c.env, c.initrd)))
        goto out;
    dr_hostmod_t mods[3] = { dr_wasi_module(w), dr_dogma_module(dg), dr_fuzzsupport_module() };
    c.o.hostmods = mods;
    c.o.nhostmods = 3;
    if (!(in = dr_instantiate(&m, &x, c.file, &c.o)))
        goto out;
    dr_preempt_start(in, c.preempt_us);
    double t0 = now();
    rc = run(in, &c);
    dr_preempt_stop();
    fflush(stdout);
    if (c.stats)
        print_stats(in, &x, size, tt, now() - t0);
    if (c.counts)
        print_counts(c.counts);
out:
    dr_free(in);
    if (w)
        dr_wasi_free(w);
    dr_dogma_free(dg);
    dx_arena_free(&ar);
    free(bytes);
    free_cli(&c);
    return rc;
}
