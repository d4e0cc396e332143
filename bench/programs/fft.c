/*
 * fft: complex fast Fourier transforms of a signal, forward and back.
 *
 * A signal of 2^16 complex doubles is transformed by an iterative radix-2
 * FFT (bit-reversal permutation, then butterflies with strides from 1 to
 * 2^15, so the access pattern walks from sequential to cache-hostile) and
 * transformed back, SIZE times. The twiddle factors come from half-angle
 * recurrences using sqrt alone, which IEEE 754 rounds exactly, so the
 * results are bit-identical natively (with -ffp-contract=off) and in
 * WebAssembly, whatever the C libraries' sin and cos do. Checked: the
 * round trip reproduces the signal within 1e-9, and Parseval's identity
 * holds. It stresses f64 add, multiply and divide, strided loads and
 * stores, and integer index arithmetic. Output: the error bounds and a
 * checksum of the bits of the spectrum.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x2545f491u
#include "../../tests/programs/prog.h"

#define LOG_N 16
#define N (1u << LOG_N)

typedef struct {
    double re, im;
} cplx_t;

/* cos and sin of -2 pi k / N for k < N/2, from the angles pi/2^j by
 * half-angle steps, then products of those by binary expansion of k. */
static void twiddles(cplx_t *w)
{
    cplx_t base[LOG_N]; /* base[j] = e^(-i pi / 2^j) */
    base[0].re = -1.0;
    base[0].im = 0.0;
    for (int j = 1; j < LOG_N; j++) {
        double c = sqrt((1.0 + base[j - 1].re) / 2.0);
        double s = sqrt((1.0 - base[j - 1].re) / 2.0);
        base[j].re = c;
        base[j].im = -s;
    }
    for (uint32_t k = 0; k < N / 2; k++) {
        cplx_t z = {1.0, 0.0};
        /* -2 pi k / N = -pi * k / 2^(LOG_N-1): bit b of k adds pi / 2^(LOG_N-1-b) */
        for (int b = 0; b < LOG_N - 1; b++) {
            if (k & (1u << b)) {
                cplx_t f = base[LOG_N - 1 - b];
                double re = z.re * f.re - z.im * f.im;
                z.im = z.re * f.im + z.im * f.re;
                z.re = re;
            }
        }
        w[k] = z;
    }
}

static void fft(cplx_t *x, const cplx_t *w, int inverse)
{
    for (uint32_t i = 1, j = 0; i < N; i++) {
        uint32_t bit = N >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            cplx_t t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
    for (uint32_t len = 2; len <= N; len <<= 1) {
        uint32_t half = len >> 1, step = N / len;
        for (uint32_t i = 0; i < N; i += len) {
            for (uint32_t k = 0; k < half; k++) {
                cplx_t t = w[k * step];
                if (inverse)
                    t.im = -t.im;
                cplx_t a = x[i + k], b = x[i + k + half];
                double re = b.re * t.re - b.im * t.im;
                double im = b.re * t.im + b.im * t.re;
                x[i + k].re = a.re + re;
                x[i + k].im = a.im + im;
                x[i + k + half].re = a.re - re;
                x[i + k + half].im = a.im - im;
            }
        }
    }
    if (inverse) {
        for (uint32_t i = 0; i < N; i++) {
            x[i].re /= N;
            x[i].im /= N;
        }
    }
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

int main(int argc, char **argv)
{
    uint32_t reps = parse_size(argc, argv, 500, 1000000);
    cplx_t *w = malloc(N / 2 * sizeof *w), *sig = malloc(N * sizeof *sig);
    cplx_t *x = malloc(N * sizeof *x);
    if (!w || !sig || !x)
        return 1;
    twiddles(w);
    for (uint32_t i = 0; i < N; i++) {
        sig[i].re = (double)(int32_t)rng() / 2147483648.0;
        sig[i].im = (double)(int32_t)rng() / 2147483648.0;
    }
    memcpy(x, sig, N * sizeof *x);

    uint64_t sum = 0;
    double max_err = 0.0, parseval = 0.0;
    for (uint32_t r = 0; r < reps; r++) {
        fft(x, w, 0);
        if (r == 0) {
            double et = 0.0, ef = 0.0;
            for (uint32_t i = 0; i < N; i++) {
                et += sig[i].re * sig[i].re + sig[i].im * sig[i].im;
                ef += x[i].re * x[i].re + x[i].im * x[i].im;
            }
            parseval = fabs(ef / N - et) / et;
        }
        sum = sum * 31 + (bits(x[r % N].re) ^ bits(x[(r * 7919) % N].im));
        fft(x, w, 1);
        /* one ulp or so per round trip drifts in; reset the drift now and then */
        if (r % 16 == 15 || r + 1 == reps) {
            for (uint32_t i = 0; i < N; i++) {
                double e = fabs(x[i].re - sig[i].re) + fabs(x[i].im - sig[i].im);
                if (e > max_err)
                    max_err = e;
            }
            memcpy(x, sig, N * sizeof *x);
        }
    }
    printf("fft: %" PRIu32 " round trips of %u points\n", reps, N);
    printf("round-trip error %s 1e-9, parseval error %s 1e-12\n",
           max_err < 1e-9 ? "<" : ">=", parseval < 1e-12 ? "<" : ">=");
    printf("max error bits %016" PRIx64 " checksum %016" PRIx64 "\n", bits(max_err), sum);
    free(w);
    free(sig);
    free(x);
    return max_err < 1e-9 && parseval < 1e-12 ? 0 : 1;
}
