/*
 * lu: dense linear algebra, LU factorisation with partial pivoting and the
 * solve that follows, as in SciMark's LU kernel.
 *
 * A 200x200 matrix of pseudo-random doubles (made diagonally heavy, so it
 * is well conditioned) is copied and factorised in place SIZE times, rows
 * swapped as the pivots say; the last factorisation then solves A x = b
 * for a b made from a known x, and the residual |A x - b| is checked.
 * The inner loop is a row update (a[i][k] -= l * a[j][k]) over row-major
 * rows: f64 multiply and subtract with sequential loads and stores, the
 * pivot search a compare-and-branch loop with fabs. Output: the residual
 * bound and a checksum of the bits of the factors.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x1b873593u
#include "../../tests/programs/prog.h"

#define DIM 200

static double rnd(void)
{
    return (double)(rng() >> 8) / 16777216.0 - 0.5;
}

/* Factorises a (DIM x DIM, row major) in place: L below the diagonal
 * (unit diagonal implied), U on and above it; piv records the swaps. */
static int factor(double *a, uint32_t *piv)
{
    for (uint32_t j = 0; j < DIM; j++) {
        uint32_t p = j;
        double best = fabs(a[j * DIM + j]);
        for (uint32_t i = j + 1; i < DIM; i++) {
            double v = fabs(a[i * DIM + j]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        piv[j] = p;
        if (best == 0.0)
            return -1;
        if (p != j) {
            for (uint32_t k = 0; k < DIM; k++) {
                double t = a[p * DIM + k];
                a[p * DIM + k] = a[j * DIM + k];
                a[j * DIM + k] = t;
            }
        }
        double inv = 1.0 / a[j * DIM + j];
        for (uint32_t i = j + 1; i < DIM; i++) {
            double *ri = a + i * DIM, *rj = a + j * DIM;
            double l = ri[j] * inv;
            ri[j] = l;
            for (uint32_t k = j + 1; k < DIM; k++)
                ri[k] -= l * rj[k];
        }
    }
    return 0;
}

static void solve(const double *lu, const uint32_t *piv, double *b)
{
    for (uint32_t j = 0; j < DIM; j++) {
        double t = b[piv[j]];
        b[piv[j]] = b[j];
        b[j] = t;
    }
    for (uint32_t i = 1; i < DIM; i++)
        for (uint32_t k = 0; k < i; k++)
            b[i] -= lu[i * DIM + k] * b[k];
    for (uint32_t i = DIM; i-- > 0;) {
        for (uint32_t k = i + 1; k < DIM; k++)
            b[i] -= lu[i * DIM + k] * b[k];
        b[i] /= lu[i * DIM + i];
    }
}

int main(int argc, char **argv)
{
    uint32_t reps = parse_size(argc, argv, 750, 1000000);
    double *a0 = malloc(DIM * DIM * sizeof *a0), *a = malloc(DIM * DIM * sizeof *a);
    double x[DIM], b[DIM];
    uint32_t piv[DIM];
    if (!a0 || !a)
        return 1;
    for (uint32_t i = 0; i < DIM * DIM; i++)
        a0[i] = rnd();
    for (uint32_t i = 0; i < DIM; i++) {
        a0[i * DIM + i] += 4.0;
        x[i] = rnd();
    }

    uint64_t sum = 0;
    for (uint32_t r = 0; r < reps; r++) {
        memcpy(a, a0, DIM * DIM * sizeof *a);
        a[(r * 37) % (DIM * DIM)] += (double)(r % 7) * 0.125; /* each round differs */
        if (factor(a, piv) != 0) {
            printf("singular matrix in round %" PRIu32 "\n", r);
            return 1;
        }
        uint64_t u;
        double d = a[(r * 101) % (DIM * DIM)];
        memcpy(&u, &d, 8);
        sum = sum * 1000003 + (u ^ piv[r % DIM]);
    }

    /* the last round's matrix: a0 with its perturbation */
    memcpy(a, a0, DIM * DIM * sizeof *a);
    a[((reps - 1) * 37) % (DIM * DIM)] += (double)((reps - 1) % 7) * 0.125;
    for (uint32_t i = 0; i < DIM; i++) {
        b[i] = 0.0;
        for (uint32_t k = 0; k < DIM; k++)
            b[i] += a[i * DIM + k] * x[k];
    }
    factor(a, piv);
    solve(a, piv, b);
    double err = 0.0;
    for (uint32_t i = 0; i < DIM; i++)
        err = fmax(err, fabs(b[i] - x[i]));
    printf("lu: %" PRIu32 " factorisations of %ux%u\n", reps, DIM, DIM);
    printf("solution error %s 1e-12, checksum %016" PRIx64 "\n", err < 1e-12 ? "<" : ">=", sum);
    free(a0);
    free(a);
    return err < 1e-12 ? 0 : 1;
}
