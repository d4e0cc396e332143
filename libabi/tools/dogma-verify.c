/*
 * dogma-verify [--json] [--functions] [--unproved] [--solver] [--budget N] MODULE.wasm
 *
 * Generates a module's verification conditions (libabi/proof/vc.h) and
 * discharges them with Z3 under a deterministic budget, then prints the
 * obligations: proved, or unproved (the access keeps its run-time check;
 * how many of those have a counterexample under what is known), by kind,
 * optionally by function, with the time spent. A module
 * that does not load gets its diagnostic. --json prints one JSON object
 * for tools instead.
 *
 * Exit status: 0 verified (whatever was proved), 1 the module is invalid
 * or unreadable, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dogma/module.h>

#include "../proof/vc.h"
#include "disasm.h"
#include "file.h"

static const char *prog = "dogma-verify";
#define DEFAULT_BUDGET DX_VC_DEFAULT_BUDGET

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--json] [--functions] [--unproved] [--solver] [--budget N] MODULE.wasm\n"
            "  --json        one JSON object on stdout\n"
            "  --functions   a line per function\n"
            "  --unproved    each obligation not proved, after the instructions before it\n"
            "  --solver      also ask Z3 about the accesses the first pass leaves (slow)\n"
            "  --budget N    Z3 resource units for the module (default %llu; 0: no limit)\n"
            "exit status: 0 verified, 1 invalid or unreadable, 2 usage\n",
            prog, (unsigned long long)DEFAULT_BUDGET);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    uint64_t n[DX_OB_KINDS][4];
} counts_t;

static uint64_t total(const uint64_t c[4]) { return c[0] + c[1] + c[2] + c[3]; }

static void print_table(const char *path, const dx_module_t *m, const dx_vc_t *v, double secs,
                        bool functions)
{
    uint64_t all[4] = {0};
    for (int k = 0; k < DX_OB_KINDS; k++)
        for (int r = 0; r < 4; r++)
            all[r] += v->counts[k][r];
    printf("%s: %u functions, %llu obligations, %.1f ms (%llu solver units, %llu terms)\n",
           path, m->nfuncs - m->nfunc_imports, (unsigned long long)total(all), secs * 1e3,
           (unsigned long long)v->spent, (unsigned long long)v->terms);
    /* An access the solver found a counterexample for is unproved like
     * any other (it keeps its check): the count says how many of those
     * the facts known here cannot rule out. */
    printf("  %-8s %9s %9s %16s\n", "kind", "proved", "unproved", "(counterexample)");
    for (int k = 0; k < DX_OB_KINDS; k++)
        printf("  %-8s %9llu %9llu %16llu\n", dx_ob_kind_name((dx_ob_kind_t)k),
               (unsigned long long)v->counts[k][DX_SOLVE_PROVED],
               (unsigned long long)(total(v->counts[k]) - v->counts[k][DX_SOLVE_PROVED]),
               (unsigned long long)v->counts[k][DX_SOLVE_REFUTED]);
    uint64_t t = total(all);
    printf("  %-8s %9llu %9llu %16llu   %.1f%% proved\n", "all",
           (unsigned long long)all[DX_SOLVE_PROVED],
           (unsigned long long)(t - all[DX_SOLVE_PROVED]),
           (unsigned long long)all[DX_SOLVE_REFUTED],
           t ? 100.0 * (double)all[DX_SOLVE_PROVED] / (double)t : 100.0);
    if (!functions)
        return;
    dx_name_t *names = dx_func_names(m);
    size_t i = 0;
    while (i < v->nobs) {
        uint32_t f = v->obs[i].func;
        uint64_t proved = 0, n = 0, dproved = 0, divs = 0, claims = 0;
        for (; i < v->nobs && v->obs[i].func == f; i++) {
            bool access = v->obs[i].kind <= DX_OB_STORE, div = v->obs[i].kind == DX_OB_DIV;
            bool ok = v->obs[i].verdict == DX_SOLVE_PROVED;
            n += access, divs += div, claims += !access && !div;
            proved += access && ok, dproved += div && ok;
        }
        printf("  func %u%s%.*s: %llu of %llu accesses proved, %llu of %llu divisions, "
               "%llu other obligations\n", f, names && names[f].len ? " " : "",
               names ? (int)names[f].len : 0, names ? names[f].ptr : "",
               (unsigned long long)proved, (unsigned long long)n, (unsigned long long)dproved,
               (unsigned long long)divs, (unsigned long long)claims);
    }
    free(names);
}

/* Every obligation not proved, with the instructions before it (how its
 * address was computed): where annotations would help. */
static void print_unproved(const char *path, const dx_module_t *m, const dx_vc_t *v)
{
    enum { CONTEXT = 5 };
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_code_t c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < v->nobs;) {
        uint32_t f = v->obs[i].func;
        size_t end = i;
        while (end < v->nobs && v->obs[end].func == f)
            end++;
        dx_insn_t ring[CONTEXT];
        unsigned n = 0;
        dx_error_t err;
        dx_code_init(&c, m, f, &ar);
        while (i < end && dx_code_more(&c) && dx_code_next(&c, &ring[n % CONTEXT], &err)) {
            size_t at = ring[n % CONTEXT].offset;
            n++;
            for (; i < end && v->obs[i].insn <= at; i++) {
                if (v->obs[i].insn != at || v->obs[i].verdict == DX_SOLVE_PROVED)
                    continue;
                printf("%s:0x%06zx: func %u: %s unproved\n", path, at, f,
                       dx_ob_kind_name((dx_ob_kind_t)v->obs[i].kind));
                for (unsigned k = n > CONTEXT ? n - CONTEXT : 0; k < n; k++) {
                    printf("    ");
                    dx_print_insn(stdout, m, &ring[k % CONTEXT]);
                    printf("\n");
                }
            }
        }
        i = end;
    }
    dx_arena_free(&ar);
}

static void print_json(const char *path, const dx_module_t *m, const dx_vc_t *v, double secs)
{
    printf("{\"module\": \"%s\", \"bytes\": %zu, \"functions\": %u, \"ms\": %.3f, "
           "\"solver_units\": %llu, \"terms\": %llu, \"obligations\": {",
           path, m->size, m->nfuncs - m->nfunc_imports, secs * 1e3,
           (unsigned long long)v->spent, (unsigned long long)v->terms);
    for (int k = 0; k < DX_OB_KINDS; k++)
        printf("%s\"%s\": {\"proved\": %llu, \"unproved\": %llu, \"counterexample\": %llu}",
               k ? ", " : "", dx_ob_kind_name((dx_ob_kind_t)k),
               (unsigned long long)v->counts[k][DX_SOLVE_PROVED],
               (unsigned long long)(total(v->counts[k]) - v->counts[k][DX_SOLVE_PROVED]),
               (unsigned long long)v->counts[k][DX_SOLVE_REFUTED]);
    printf("}}\n");
}

/* The module's claims: a refuted one rejects the module (status 1), with
 * where the false annotation is and where it fails; unsettled ones are
 * not used. */
static int report_claims(const char *path, const dx_vc_t *v)
{
    if (v->refuted) {
        char msg[512];
        dx_vc_render_refutation(v, path, msg, sizeof msg);
        fprintf(stderr, "%s: the module's proof claims something that is false; it is "
                "rejected\n", msg);
        return 1;
    }
    if (v->annotations_dropped)
        fprintf(stderr, "%s: note: %llu claims of dogma.proof were not settled within the "
                "budget: no annotation was used\n", path,
                (unsigned long long)v->claims_unproved);
    return 0;
}

int main(int argc, char **argv)
{
    bool json = false, functions = false, unproved = false;
    dx_vc_opts_t opts = {DEFAULT_BUDGET, false};
    uint64_t budget = DEFAULT_BUDGET;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--functions")) {
            functions = true;
        } else if (!strcmp(argv[i], "--unproved")) {
            unproved = true;
        } else if (!strcmp(argv[i], "--solver")) {
            opts.solver_accesses = true;
        } else if (!strcmp(argv[i], "--budget") && i + 1 < argc) {
            char *end;
            budget = strtoull(argv[++i], &end, 0);
            if (*end) {
                fprintf(stderr, "%s: --budget wants a number, not '%s'\n", prog, argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i + 1 != argc) {
        usage(stderr);
        return 2;
    }
    const char *path = argv[i];
    size_t size;
    uint8_t *bytes = dx_read_file(prog, path, &size);
    if (!bytes)
        return 1;
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    int rc = 0;
    if (!dx_module_load(bytes, size, &ar, &m, &err)) {
        char msg[512];
        dx_err_render(&err, path, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        rc = 1;
    } else {
        double t0 = now();
        dx_vc_t v;
        dx_proof_t proof;
        if (!dx_proof_decode(&m, NULL, 0, &ar, &proof, &err)) {
            char msg[512];
            dx_err_render(&err, path, msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
            rc = 1;
        } else if ((opts.budget = budget, !dx_vc_module(&m, &proof, &opts, &ar, &v, &err))) {
            fprintf(stderr, "%s: %s: cannot generate the verification conditions (out of "
                    "memory, or no solver)\n", prog, path);
            rc = 1;
        } else {
            if (json)
                print_json(path, &m, &v, now() - t0);
            else
                print_table(path, &m, &v, now() - t0, functions);
            if (unproved && !json)
                print_unproved(path, &m, &v);
            rc = report_claims(path, &v);
        }
    }
    dx_arena_free(&ar);
    free(bytes);
    return rc;
}
