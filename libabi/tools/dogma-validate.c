/*
 * dogma-validate: decode and validate Dogma modules, as verifierd does.
 *
 *   dogma-validate [-v] [--bench N] FILE...
 *
 * A module's dogma.proof section, when it has one, is decoded and checked
 * (dx_proof_decode): a bad encoding makes the module invalid. Its claims
 * are not proved yet.
 *
 * Exit status: 0 if every module is valid; 1 if any is not (one diagnostic
 * each, in the form of spec/format.md section 7) or cannot be read; 2 on a
 * usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dogma/module.h>
#include <dogma/proof.h>

#include "file.h"

static const char *prog = "dogma-validate";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [-v] [--bench N] FILE...\n"
            "  Decode and validate each Dogma module (WebAssembly 2.0 without\n"
            "  SIMD, plus the dogma.abi section, and the encoding of the\n"
            "  dogma.proof section); print one diagnostic per invalid module.\n"
            "  -v         also report valid modules, with their counts\n"
            "  --bench N  validate each module N times and print the time\n"
            "exit status: 0 all valid, 1 some invalid or unreadable, 2 usage\n",
            prog);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void report_ok(const char *path, const dx_module_t *m, size_t arena)
{
    printf("%s: valid: %zu bytes, %u types, %u functions (%u imported), "
           "%u exports, %u data segments; arena %zu bytes\n",
           path, m->size, m->ntypes, m->nfuncs, m->nfunc_imports, m->nexports,
           m->ndatas, arena);
}

/* Validates one file; returns 0 valid, 1 invalid or unreadable. */
static int check(const char *path, bool verbose, long bench)
{
    size_t size;
    uint8_t *bytes = dx_read_file(prog, path, &size);
    if (!bytes)
        return 1;
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    dx_arena_init_malloc(&ar);
    dx_proof_t proof;
    /* No lemma list: the theorem library is not embedded in the tools yet,
     * so any well-formed lemma name is accepted. */
    bool ok = dx_module_load(bytes, size, &ar, &m, &err) &&
              dx_proof_decode(&m, NULL, 0, &ar, &proof, &err);
    int rc = 0;
    if (!ok) {
        char msg[512];
        dx_err_render(&err, path, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        rc = 1;
    } else if (verbose) {
        report_ok(path, &m, ar.total);
        if (proof.present) {
            printf("%s: dogma.proof: %u functions annotated, %u formulas, ", path,
                   proof.nfuncs, proof.nformulas);
            if (proof.nranges)
                printf("%u global ranges, ", proof.nranges);
            printf("checked encoding (not yet proved)\n");
        }
    }
    dx_arena_free(&ar);
    if (bench > 0) {
        double t0 = now();
        for (long i = 0; i < bench; i++) {
            dx_arena_init_malloc(&ar);
            dx_module_load(bytes, size, &ar, &m, &err);
            dx_arena_free(&ar);
        }
        double each = (now() - t0) / (double)bench;
        printf("%s: %zu bytes, %.6f ms per validation, %.1f MB/s\n", path,
               size, each * 1e3, (double)size / each / 1e6);
    }
    free(bytes);
    return rc;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    long bench = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--bench") && i + 1 < argc) {
            char *end;
            bench = strtol(argv[++i], &end, 10);
            if (*end || bench <= 0) {
                fprintf(stderr, "%s: --bench needs a positive count\n", prog);
                return 2;
            }
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "%s: unknown option %s\n", prog, argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i == argc) {
        usage(stderr);
        return 2;
    }
    int rc = 0;
    for (; i < argc; i++)
        rc |= check(argv[i], verbose, bench);
    return rc;
}
