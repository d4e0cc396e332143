/*
 * Dense linear algebra: matrix products and an LU solve.
 *
 * Two SIZE x SIZE matrices are multiplied in double by three loop orders
 * (ijk, ikj and cache-blocked) and against a transposed copy, in float by
 * ijk and ikj, and in 32-bit integers modulo 2^32. Every variant adds the
 * products for one element in increasing k, so without fused multiply-add
 * or reassociation they are bit-for-bit equal, and the program checks that
 * they are. Then a diagonally dominant system A x = b is solved by LU
 * decomposition with partial pivoting and the residual is checked. It
 * exercises f64 and f32 multiply-add loops over row-major arrays, integer
 * multiply wrap-around, fabs, division, index arithmetic and large
 * malloc'd buffers. Output: checksums of each product and the residual.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

#define BLOCK 16

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL)
        exit(3);
    return p;
}

static void mul_ijk(const double *a, const double *b, double *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

static void mul_ikj(const double *a, const double *b, double *c, size_t n)
{
    memset(c, 0, n * n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (size_t j = 0; j < n; j++)
                c[i * n + j] += aik * b[k * n + j];
        }
}

static void mul_blocked(const double *a, const double *b, double *c, size_t n)
{
    memset(c, 0, n * n * sizeof *c);
    for (size_t kk = 0; kk < n; kk += BLOCK)
        for (size_t ii = 0; ii < n; ii += BLOCK)
            for (size_t jj = 0; jj < n; jj += BLOCK) {
                size_t ie = ii + BLOCK < n ? ii + BLOCK : n;
                size_t je = jj + BLOCK < n ? jj + BLOCK : n;
                size_t ke = kk + BLOCK < n ? kk + BLOCK : n;
                for (size_t i = ii; i < ie; i++)
                    for (size_t k = kk; k < ke; k++)
                        for (size_t j = jj; j < je; j++)
                            c[i * n + j] += a[i * n + k] * b[k * n + j];
            }
}

static void mul_transposed(const double *a, const double *b, double *c, size_t n)
{
    double *bt = xcalloc(n * n, sizeof *bt);

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            bt[j * n + i] = b[i * n + j];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const double *ra = a + i * n, *rb = bt + j * n;
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += ra[k] * rb[k];
            c[i * n + j] = s;
        }
    free(bt);
}

static void mulf_ijk(const float *a, const float *b, float *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            float s = 0;
            for (size_t k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

static void mulf_ikj(const float *a, const float *b, float *c, size_t n)
{
    memset(c, 0, n * n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < n; j++)
                c[i * n + j] += a[i * n + k] * b[k * n + j];
}

static uint32_t mul_u32_trace(const uint32_t *a, const uint32_t *b, size_t n)
{
    uint32_t h = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            uint32_t s = 0;
            for (size_t k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            h = (h ^ s) * 0x01000193u;
        }
    return h;
}

/* Solves a x = rhs in place (a becomes LU, rhs becomes x); returns -1 if singular. */
static int lu_solve(double *a, double *rhs, size_t n)
{
    for (size_t col = 0; col < n; col++) {
        size_t piv = col;
        for (size_t r = col + 1; r < n; r++)
            if (fabs(a[r * n + col]) > fabs(a[piv * n + col]))
                piv = r;
        if (a[piv * n + col] == 0)
            return -1;
        if (piv != col) {
            for (size_t k = 0; k < n; k++) {
                double t = a[col * n + k];
                a[col * n + k] = a[piv * n + k];
                a[piv * n + k] = t;
            }
            double t = rhs[col];
            rhs[col] = rhs[piv];
            rhs[piv] = t;
        }
        for (size_t r = col + 1; r < n; r++) {
            double f = a[r * n + col] / a[col * n + col];
            a[r * n + col] = f;
            for (size_t k = col + 1; k < n; k++)
                a[r * n + k] -= f * a[col * n + k];
            rhs[r] -= f * rhs[col];
        }
    }
    for (size_t i = n; i-- > 0;) {
        double s = rhs[i];
        for (size_t k = i + 1; k < n; k++)
            s -= a[i * n + k] * rhs[k];
        rhs[i] = s / a[i * n + i];
    }
    return 0;
}

static double sum_d(const double *c, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += c[i] * (double)(i % 7 + 1);
    return s;
}

static int check_same(const char *what, const double *x, const double *y, size_t n)
{
    if (memcmp(x, y, n * sizeof *x) == 0)
        return 0;
    fprintf(stderr, "%s differs from ijk\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    size_t n = parse_size(argc, argv, 96, 2048), nn = n * n;
    double *a = xcalloc(nn, sizeof *a), *b = xcalloc(nn, sizeof *b);
    double *c0 = xcalloc(nn, sizeof *c0), *c1 = xcalloc(nn, sizeof *c1);
    float *fa = xcalloc(nn, sizeof *fa), *fb = xcalloc(nn, sizeof *fb);
    float *fc0 = xcalloc(nn, sizeof *fc0), *fc1 = xcalloc(nn, sizeof *fc1);
    uint32_t *ia = xcalloc(nn, sizeof *ia), *ib = xcalloc(nn, sizeof *ib);
    double *x = xcalloc(n, sizeof *x), *rhs = xcalloc(n, sizeof *rhs);
    double resid = 0, fsum = 0;
    int bad = 0;

    for (size_t i = 0; i < nn; i++) {
        a[i] = (double)(rng() % 2001) / 1000.0 - 1.0;
        b[i] = (double)(rng() % 2001) / 997.0 - 1.0;
        fa[i] = (float)a[i];
        fb[i] = (float)b[i];
        ia[i] = rng();
        ib[i] = rng();
    }

    mul_ijk(a, b, c0, n);
    mul_ikj(a, b, c1, n);
    bad |= check_same("ikj", c0, c1, nn);
    mul_blocked(a, b, c1, n);
    bad |= check_same("blocked", c0, c1, nn);
    mul_transposed(a, b, c1, n);
    bad |= check_same("transposed", c0, c1, nn);
    printf("double %zux%zu: trace-ish %.10e\n", n, n, sum_d(c0, nn));

    mulf_ijk(fa, fb, fc0, n);
    mulf_ikj(fa, fb, fc1, n);
    if (memcmp(fc0, fc1, nn * sizeof *fc0) != 0) {
        fprintf(stderr, "float ikj differs from ijk\n");
        bad = 1;
    }
    for (size_t i = 0; i < nn; i++) {
        fsum += fc0[i];
        if (fabs(fc0[i] - c0[i]) > 1e-3 * (double)n) {
            fprintf(stderr, "float product too far from double at %zu\n", i);
            bad = 1;
            break;
        }
    }
    printf("float: sum %.6e c[0]=%.7g c[last]=%.7g\n", fsum, (double)fc0[0], (double)fc0[nn - 1]);
    printf("u32: hash %08" PRIx32 "\n", mul_u32_trace(ia, ib, n));

    for (size_t i = 0; i < n; i++) { /* diagonally dominant: well conditioned */
        a[i * n + i] += (double)n;
        x[i] = (double)((int)(i % 11) - 5);
    }
    for (size_t i = 0; i < n; i++) {
        rhs[i] = 0;
        for (size_t k = 0; k < n; k++)
            rhs[i] += a[i * n + k] * x[k];
    }
    memcpy(c1, a, nn * sizeof *a);
    if (lu_solve(c1, rhs, n) != 0) {
        fprintf(stderr, "singular\n");
        bad = 1;
    }
    for (size_t i = 0; i < n; i++)
        resid = fmax(resid, fabs(rhs[i] - x[i]));
    printf("lu: max error %s 1e-9, x[1]=%.6f\n", resid < 1e-9 ? "<" : ">=", rhs[1]);
    if (!(resid < 1e-9))
        bad = 1;

    free(a), free(b), free(c0), free(c1), free(fa), free(fb), free(fc0), free(fc1);
    free(ia), free(ib), free(x), free(rhs);
    return bad;
}
