/*
 * The imports of binaryen's translate-to-fuzz modules (wasm-opt -ttf).
 *
 * binaryen 108 gives every generated module the same four imports from
 * module "fuzzing-support": log-i32, log-i64, log-f32 and log-f64, each
 * taking one value and returning nothing. Its interpreter
 * (wasm-opt --fuzz-exec) prints each call; here each call prints one line
 * on stdout, `log: ` and the value in dogma-run's value-line format
 * (i32:-5, f64:1.5 (0x3ff8000000000000)), which tests/translate/fuzz-exec.sh
 * compares with binaryen's output. The functions take values only, never
 * memory, so there is nothing hostile to check; they cannot fail.
 */
#include "fuzzsupport.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int fs_log_i32(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    (void)c, (void)res;
    printf("log: i32:%" PRId32 "\n", (int32_t)(uint32_t)args[0]);
    return DR_OK;
}

static int fs_log_i64(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    (void)c, (void)res;
    printf("log: i64:%" PRId64 "\n", (int64_t)args[0]);
    return DR_OK;
}

static int fs_log_f32(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    uint32_t bits = (uint32_t)args[0];
    float f;

    (void)c, (void)res;
    memcpy(&f, &bits, sizeof f);
    printf("log: f32:%.9g (0x%08" PRIx32 ")\n", (double)f, bits);
    return DR_OK;
}

static int fs_log_f64(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    uint64_t bits = args[0];
    double d;

    (void)c, (void)res;
    memcpy(&d, &bits, sizeof d);
    printf("log: f64:%.17g (0x%016" PRIx64 ")\n", d, bits);
    return DR_OK;
}

static const dr_hostfn_t fs_funcs[] = {
    {"log-i32", "i", "", fs_log_i32},
    {"log-i64", "I", "", fs_log_i64},
    {"log-f32", "f", "", fs_log_f32},
    {"log-f64", "F", "", fs_log_f64},
};

dr_hostmod_t dr_fuzzsupport_module(void)
{
    dr_hostmod_t m = {
        .name = "fuzzing-support",
        .funcs = fs_funcs,
        .nfuncs = sizeof fs_funcs / sizeof fs_funcs[0],
        .state = NULL,
    };
    return m;
}
