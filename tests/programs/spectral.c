/*
 * Spectral analysis with an FFT, and a tour of math.h.
 *
 * A signal of 2^SIZE samples (three tones plus a little noise) goes through
 * an iterative radix-2 complex FFT in double whose twiddle factors come
 * from sin and cos. The three tones must be the three strongest bins,
 * Parseval's identity must hold, and the inverse FFT must give the signal
 * back to 1e-9. Then a loop calls most of math.h in double and float
 * (exp, log, pow, sin, cos, tan, atan2, sinh, tanh, cbrt, hypot, floor,
 * ceil, round, trunc, fmod, frexp, ldexp, modf, fmin, fmax, copysign,
 * expf, logf, powf, sinf, cosf, sqrtf, floorf) and checks identities
 * between them; NaN and infinity classification is checked too. The
 * printed sums are rounded to 6 digits, because C libraries may differ in
 * the last bit of these functions (glibc and musl do), and the result
 * must not depend on that. It exercises f64 and f32 arithmetic, the
 * conversions between floats and 32/64-bit integers, bit reversal with
 * shifts, and calls into libm. Output: the peaks and the rounded sums.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

#define PI 3.14159265358979323846

typedef struct {
    double re, im;
} cplx_t;

static uint32_t bit_reverse(uint32_t x, unsigned bits)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < bits; i++, x >>= 1)
        r = r << 1 | (x & 1);
    return r;
}

/* In place; inverse when sign is +1 (without the 1/n scaling). */
static void fft(cplx_t *a, const cplx_t *tw, unsigned bits, int sign)
{
    uint32_t n = 1u << bits;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = bit_reverse(i, bits);
        if (i < j) {
            cplx_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
    for (uint32_t len = 2; len <= n; len <<= 1) {
        uint32_t step = n / len;
        for (uint32_t i = 0; i < n; i += len) {
            for (uint32_t k = 0; k < len / 2; k++) {
                cplx_t w = tw[k * step], u = a[i + k], v = a[i + k + len / 2], t;
                w.im *= sign;
                t.re = v.re * w.re - v.im * w.im;
                t.im = v.re * w.im + v.im * w.re;
                a[i + k] = (cplx_t){u.re + t.re, u.im + t.im};
                a[i + k + len / 2] = (cplx_t){u.re - t.re, u.im - t.im};
            }
        }
    }
}

static int spectrum(unsigned bits)
{
    static const uint32_t freq[3] = {37, 301, 1023};
    static const double amp[3] = {1.0, 0.5, 0.25};
    uint32_t n = 1u << bits, top[3] = {0, 0, 0};
    cplx_t *x = malloc(n * sizeof *x), *orig = malloc(n * sizeof *orig);
    cplx_t *tw = malloc(n / 2 * sizeof *tw);
    double e_time = 0, e_freq = 0, err = 0, mag[3] = {0, 0, 0};
    uint32_t seed = 1;
    int bad = 0;

    if (x == NULL || orig == NULL || tw == NULL)
        exit(3);
    for (uint32_t k = 0; k < n / 2; k++)
        tw[k] = (cplx_t){cos(2 * PI * k / n), -sin(2 * PI * k / n)};
    for (uint32_t i = 0; i < n; i++) {
        double t = (double)i / n, v = 0;
        for (int f = 0; f < 3; f++)
            v += amp[f] * sin(2 * PI * (freq[f] % (n / 2)) * t + f);
        seed = seed * 1103515245u + 12345u;
        v += ((double)(seed >> 16 & 0x7fff) / 32768.0 - 0.5) * 0.02;
        x[i] = orig[i] = (cplx_t){v, 0};
        e_time += v * v;
    }
    fft(x, tw, bits, -1);
    for (uint32_t k = 1; k < n / 2; k++) {
        double m = hypot(x[k].re, x[k].im);
        for (int r = 0; r < 3; r++) { /* keep the three largest, largest first */
            if (m > mag[r]) {
                memmove(&mag[r + 1], &mag[r], (size_t)(2 - r) * sizeof mag[0]);
                memmove(&top[r + 1], &top[r], (size_t)(2 - r) * sizeof top[0]);
                mag[r] = m, top[r] = k;
                break;
            }
        }
    }
    for (uint32_t k = 0; k < n; k++)
        e_freq += x[k].re * x[k].re + x[k].im * x[k].im;
    fft(x, tw, bits, 1);
    for (uint32_t i = 0; i < n; i++)
        err = fmax(err, fabs(x[i].re / n - orig[i].re) + fabs(x[i].im / n));
    printf("fft %" PRIu32 ": peaks at %" PRIu32 " %" PRIu32 " %" PRIu32
           " with |X|/n %.4f %.4f %.4f\n", n, top[0], top[1], top[2], mag[0] / n, mag[1] / n,
           mag[2] / n);
    printf("energy %.6e, inverse error %s 1e-9\n", e_time, err < 1e-9 ? "<" : ">=");
    for (int f = 0; f < 3; f++)
        if (top[f] != freq[f] % (n / 2) && n >= 4096)
            bad = 1;
    if (!(err < 1e-9) || fabs(e_freq / n - e_time) > 1e-9 * e_time)
        bad = 1;
    if (bad)
        fprintf(stderr, "spectrum: wrong peaks, energy or round trip\n");
    free(x), free(orig), free(tw);
    return bad;
}

static int check(int ok, const char *what, double v)
{
    if (!ok)
        fprintf(stderr, "math: %s fails at %.17g\n", what, v);
    return !ok;
}

static int math_tour(uint32_t m)
{
    double s[6] = {0};
    float sf[2] = {0};
    int64_t isum = 0;
    int bad = 0;

    for (uint32_t i = 1; i <= m; i++) {
        double x = fmod(i * 0.0137, 6.0) - 3.0, ax = fabs(x) + 0.5, ip, fr;
        float xf = (float)x, axf = (float)ax;
        int e;
        s[0] += exp(x / 2) + log(ax) + log10(ax) + pow(ax, 1.7);
        s[1] += sin(x) * cos(x) + tan(x / 4) + atan2(x, 1.5) + atan(x);
        s[2] += sinh(x / 3) + tanh(x) + cbrt(x) + hypot(x, 2.0);
        s[3] += floor(x * 3.3) + ceil(x * 1.7) + round(x * 2.5) + trunc(-x * 1.3);
        s[4] += fmod(x * 7.1, 1.3) + fmin(x, 0.5) + fmax(x, -0.5) + copysign(1.0, x);
        fr = frexp(ax * 1000, &e);
        s[5] += fr + e + ldexp(fr, 3) + modf(x * 4.4, &ip) + ip;
        sf[0] += expf(xf / 2) + logf(axf) + powf(axf, 1.3f);
        sf[1] += sinf(xf) + cosf(xf) + sqrtf(axf) + floorf(xf * 2.2f);
        isum += (int64_t)(x * 1e6) + (int32_t)(xf * 1000.0f) + (int64_t)(uint32_t)(ax * 1e3);
        bad |= check(fabs(sin(x) * sin(x) + cos(x) * cos(x) - 1) < 1e-15, "sin^2 + cos^2", x);
        bad |= check(fabs(exp(log(ax)) - ax) < 1e-14 * ax, "exp(log x)", x);
        bad |= check(floor(x) <= x && x < floor(x) + 1 && ceil(x) >= x, "floor, ceil", x);
        bad |= check(ldexp(fr, e) == ax * 1000 && fr >= 0.5 && fr < 1, "frexp", x);
        bad |= check(fabsf(sinf(xf) - (float)sin(xf)) < 1e-6f, "sinf", x);
        bad |= check(fabs(pow(ax, 2.0) - ax * ax) <= 1e-15 * ax * ax, "pow(x, 2)", x);
    }
    /* through variables: the checks are of the library, not of constant folding */
    double inf = exp(1000.0), qnan = sqrt(-inf), zero = 1.0 / inf;
    bad |= check(isnan(qnan) && isnan(inf - inf) && !isnan(inf), "isnan", 0);
    bad |= check(isinf(inf) && isinf(-inf) && log(zero) == -inf && inf > DBL_MAX, "isinf", 0);
    bad |= check(fmax(qnan, 1.0) == 1.0 && signbit(-zero) && !signbit(zero), "fmax, signbit", 0);
    bad |= check(nextafter(1.0, 2.0) == 1.0 + DBL_EPSILON && zero + 0.1 + 0.2 != 0.3,
                 "nextafter", 0);
    bad |= check((int64_t)9007199254740993.0 == INT64_C(9007199254740992), "rounding", 0);
    printf("libm double: %.6e %.6e %.6e %.6e %.6e %.6e\n", s[0], s[1], s[2], s[3], s[4], s[5]);
    printf("libm float: %.5e %.5e, conversions %" PRId64 "\n", (double)sf[0], (double)sf[1], isum);
    return bad;
}

int main(int argc, char **argv)
{
    unsigned bits = parse_size(argc, argv, 14, 24);
    int bad = 0;

    if (bits < 2)
        bits = 2;
    bad |= spectrum(bits);
    bad |= math_tour(bits >= 14 ? 10000 : 1000 * (bits > 4 ? bits - 4 : 1));
    return bad;
}
