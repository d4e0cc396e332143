/*
 * The Mandelbrot set in fixed point, float and double.
 *
 * A SIZE-column view of the set (3/4 as many rows) is computed three ways:
 * in 4.28 fixed point on int32 with 64-bit products, in float and in
 * double, up to 500 iterations. The three agree on most pixels (they round
 * differently near the boundary), and the program checks that at least 97%
 * of pixels get the same iteration count in each pair. For escaping
 * pixels it adds a smooth colour, n + 1 - log2(log(|z|)), computed with
 * log and floor and quantised, and renders a tiny ASCII preview whose
 * checksum is printed. Quantising the libm results keeps the output the
 * same across C libraries whose log differs in the last bit. It exercises
 * i32/i64 multiply and arithmetic shifts, f32 and f64 arithmetic,
 * float-int conversions, log, floor, fabs, and tight inner loops with
 * data-dependent exits. Output: per-variant iteration sums and agreement.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

#define MAX_ITER 500
#define FRAC 28 /* fixed point: 4 integer bits, 28 fraction bits */

static int32_t to_fix(double v) { return (int32_t)floor(v * (double)(1 << FRAC) + 0.5); }

static int32_t fix_mul(int32_t a, int32_t b)
{
    int64_t p = (int64_t)a * b;
    return (int32_t)(p / (1 << FRAC)); /* division, not >>: no implementation-defined shift */
}

static uint32_t iter_fixed(int32_t cr, int32_t ci)
{
    int32_t zr = 0, zi = 0;
    const int32_t two = 2 << FRAC, four = 4 << FRAC >> 1; /* four: 4 scaled by 1/2 */

    for (uint32_t n = 0; n < MAX_ITER; n++) {
        /* |zr|, |zi| < 2 and |z| <= 2 before the step keep every value below 8 = 2^3 */
        if (zr >= two || zr <= -two || zi >= two || zi <= -two)
            return n;
        int32_t zr2 = fix_mul(zr, zr), zi2 = fix_mul(zi, zi);
        if ((zr2 >> 1) + (zi2 >> 1) > four)
            return n;
        zi = 2 * fix_mul(zr, zi) + ci;
        zr = zr2 - zi2 + cr;
    }
    return MAX_ITER;
}

static uint32_t iter_float(float cr, float ci)
{
    float zr = 0, zi = 0;

    for (uint32_t n = 0; n < MAX_ITER; n++) {
        float zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0f)
            return n;
        zi = 2.0f * zr * zi + ci;
        zr = zr2 - zi2 + cr;
    }
    return MAX_ITER;
}

/* Also returns the smooth colour, scaled by 16 and floored, in *out_smooth. */
static uint32_t iter_double(double cr, double ci, int32_t *out_smooth)
{
    double zr = 0, zi = 0;
    uint32_t escaped = MAX_ITER;

    *out_smooth = -1;
    for (uint32_t n = 0; n < MAX_ITER + 8; n++) {
        double zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0 && escaped == MAX_ITER)
            escaped = n;
        if (zr2 + zi2 > 1e6) { /* go on far out, where the smooth colour is well defined */
            double nu = n + 1 - log(log(zr2 + zi2) * 0.5) / log(2.0);
            *out_smooth = (int32_t)floor(nu * 16.0);
            break;
        }
        if (n == MAX_ITER && escaped == MAX_ITER)
            break;
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
    }
    return escaped;
}

int main(int argc, char **argv)
{
    uint32_t w = parse_size(argc, argv, 120, 8192), h = w * 3 / 4 + 1;
    uint32_t *it_fix = malloc((size_t)w * h * sizeof *it_fix);
    uint32_t *it_flt = malloc((size_t)w * h * sizeof *it_flt);
    uint32_t *it_dbl = malloc((size_t)w * h * sizeof *it_dbl);
    uint64_t sum_fix = 0, sum_flt = 0, sum_dbl = 0, smooth_sum = 0, agree_ff = 0, agree_fd = 0;
    uint64_t inside = 0, npix = (uint64_t)w * h;
    uint32_t preview_hash = 2166136261u;
    int bad = 0;

    if (it_fix == NULL || it_flt == NULL || it_dbl == NULL)
        return 3;
    for (uint32_t y = 0; y < h; y++) {
        double ci = -1.2 + 2.4 * y / (h > 1 ? h - 1 : 1);
        for (uint32_t x = 0; x < w; x++) {
            double cr = -2.2 + 3.0 * x / (w > 1 ? w - 1 : 1);
            size_t i = (size_t)y * w + x;
            int32_t smooth;
            it_fix[i] = iter_fixed(to_fix(cr), to_fix(ci));
            it_flt[i] = iter_float((float)cr, (float)ci);
            it_dbl[i] = iter_double(cr, ci, &smooth);
            sum_fix += it_fix[i], sum_flt += it_flt[i], sum_dbl += it_dbl[i];
            agree_ff += it_fix[i] == it_flt[i];
            agree_fd += it_flt[i] == it_dbl[i];
            inside += it_dbl[i] == MAX_ITER;
            smooth_sum += (uint64_t)(smooth + 1);
        }
    }
    /* a 32x12 character preview, sampled from the double image */
    for (uint32_t py = 0; py < 12; py++) {
        char line[33];
        for (uint32_t px = 0; px < 32; px++) {
            uint32_t n = it_dbl[(size_t)(py * h / 12) * w + px * w / 32];
            line[px] = " .:-=+*#%@"[n >= MAX_ITER ? 9 : n * 9 / MAX_ITER]; /* n * 9 / MAX < 9 */
        }
        line[32] = '\0';
        for (const char *p = line; *p != '\0'; p++)
            preview_hash = (preview_hash ^ (unsigned char)*p) * 16777619u;
    }
    printf("%" PRIu32 "x%" PRIu32 " inside %" PRIu64 " (%.1f%%)\n", w, h, inside,
           100.0 * (double)inside / (double)npix);
    printf("iterations: fixed %" PRIu64 " float %" PRIu64 " double %" PRIu64 "\n", sum_fix,
           sum_flt, sum_dbl);
    printf("agreement: fixed/float %.2f%% float/double %.2f%%\n",
           100.0 * (double)agree_ff / (double)npix, 100.0 * (double)agree_fd / (double)npix);
    printf("smooth %" PRIu64 " preview %08" PRIx32 "\n", smooth_sum, preview_hash);
    if (agree_ff * 100 < npix * 97 || agree_fd * 100 < npix * 97) {
        fprintf(stderr, "the three precisions disagree on too many pixels\n");
        bad = 1;
    }
    free(it_fix), free(it_flt), free(it_dbl);
    return bad;
}
