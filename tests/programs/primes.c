/*
 * Primes: a bitset sieve, 64-bit Miller-Rabin and Pollard-Brent factoring.
 *
 * The odd numbers below SIZE*1000 are sieved in a bitset; the prime counts
 * at powers of ten are checked against the known values of pi(x), and the
 * sum of the squares of the primes (mod 2^64), the twin pairs and the
 * first largest gap are printed. A
 * deterministic Miller-Rabin test on Montgomery arithmetic (64x64->128-bit
 * products built from 32-bit halves) must agree with the sieve below
 * 100000 and on a table of known primes and strong pseudoprimes, and
 * Montgomery products are checked against a slow shift-and-add mulmod. It
 * then finds the first primes above 10^18 and factors a few 64-bit
 * numbers with Brent's variant of Pollard's rho, checking each product.
 * It exercises 64-bit multiply, divide and remainder (i64.div_u,
 * i64.rem_u), carries through compares, shifts, trailing-zero loops,
 * bit-array indexing and recursion. Output: counts, sums and factorisations.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

typedef struct {
    uint64_t n;     /* odd modulus */
    uint64_t ninv;  /* -n^-1 mod 2^64 */
    uint64_t one;   /* 2^64 mod n: 1 in Montgomery form */
    uint64_t r2;    /* 2^128 mod n */
} mont_t;

static void mul128(uint64_t a, uint64_t b, uint64_t *out_hi, uint64_t *out_lo)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl; /* at most 3 * (2^32 - 1) */

    *out_lo = mid << 32 | (uint32_t)ll;
    *out_hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t addmod(uint64_t a, uint64_t b, uint64_t n)
{
    uint64_t s = a + b;
    return s < a || s >= n ? s - n : s;
}

/* (hi:lo) / 2^64 mod n, for hi:lo < n * 2^64. */
static uint64_t redc(const mont_t *m, uint64_t hi, uint64_t lo)
{
    uint64_t uh, ul, u = lo * m->ninv, t, t2;

    mul128(u, m->n, &uh, &ul);
    /* lo + ul is 0 mod 2^64, so it carries exactly when lo != 0 */
    t = hi + uh;
    t2 = t + (lo != 0);
    return t < hi || t2 < t || t2 >= m->n ? t2 - m->n : t2;
}

static uint64_t mont_mul(const mont_t *m, uint64_t a, uint64_t b)
{
    uint64_t hi, lo;
    mul128(a, b, &hi, &lo);
    return redc(m, hi, lo);
}

static void mont_init(mont_t *m, uint64_t n)
{
    uint64_t inv = n; /* right to 3 bits for odd n; Newton doubles that per step */

    for (int i = 0; i < 5; i++)
        inv *= 2 - n * inv;
    m->n = n;
    m->ninv = 0 - inv;
    m->one = (0 - n) % n;
    m->r2 = m->one;
    for (int i = 0; i < 64; i++)
        m->r2 = addmod(m->r2, m->r2, n);
}

static uint64_t to_mont(const mont_t *m, uint64_t a) { return mont_mul(m, a % m->n, m->r2); }
static uint64_t from_mont(const mont_t *m, uint64_t a) { return redc(m, 0, a); }

static uint64_t mont_pow(const mont_t *m, uint64_t base, uint64_t e)
{
    uint64_t r = m->one;
    for (; e != 0; e >>= 1) {
        if (e & 1)
            r = mont_mul(m, r, base);
        base = mont_mul(m, base, base);
    }
    return r;
}

/* The slow oracle: shift-and-add, one bit at a time. */
static uint64_t mulmod_slow(uint64_t a, uint64_t b, uint64_t n)
{
    uint64_t r = 0;
    a %= n;
    for (; b != 0; b >>= 1) {
        if (b & 1)
            r = addmod(r, a, n);
        a = addmod(a, a, n);
    }
    return r;
}

static unsigned ctz64(uint64_t x)
{
    unsigned c = 0;
    while (!(x & 1))
        x >>= 1, c++;
    return c;
}

static int is_prime(uint64_t n)
{
    static const uint64_t small[] = {2, 3, 5, 7};
    static const uint64_t all[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    const uint64_t *bases = n < 3215031751u ? small : all; /* both sets are deterministic */
    size_t nb = n < 3215031751u ? 4 : 12;
    uint64_t d, minus_one;
    unsigned s;
    mont_t m;

    if (n < 2)
        return 0;
    for (size_t i = 0; i < 12; i++)
        if (n % all[i] == 0)
            return n == all[i];
    mont_init(&m, n);
    s = ctz64(n - 1);
    d = (n - 1) >> s;
    minus_one = n - m.one;
    for (size_t i = 0; i < nb; i++) {
        uint64_t x = mont_pow(&m, to_mont(&m, bases[i]), d);
        if (x == m.one || x == minus_one)
            continue;
        unsigned r = 1;
        for (; r < s; r++) {
            x = mont_mul(&m, x, x);
            if (x == minus_one)
                break;
        }
        if (r == s)
            return 0;
    }
    return 1;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    unsigned shift;

    if (a == 0 || b == 0)
        return a | b;
    shift = ctz64(a | b);
    a >>= ctz64(a);
    do {
        b >>= ctz64(b);
        if (a > b) {
            uint64_t t = a;
            a = b, b = t;
        }
        b -= a;
    } while (b != 0);
    return a << shift;
}

/* Brent's rho on odd composite n with f(x) = x^2 + c. Returns a divisor, maybe n. */
static uint64_t rho(uint64_t n, uint64_t c)
{
    mont_t m;
    uint64_t y, x = 0, ys = 0, q, g = 1, mc;

    mont_init(&m, n);
    y = to_mont(&m, 2);
    q = m.one;
    mc = to_mont(&m, c);
    for (uint64_t r = 1; g == 1; r *= 2) {
        x = y;
        for (uint64_t i = 0; i < r; i++)
            y = addmod(mont_mul(&m, y, y), mc, n);
        for (uint64_t k = 0; k < r && g == 1; k += 128) {
            ys = y;
            for (uint64_t i = 0; i < 128 && i < r - k; i++) {
                y = addmod(mont_mul(&m, y, y), mc, n);
                q = mont_mul(&m, q, x > y ? x - y : y - x);
            }
            g = gcd64(q, n); /* Montgomery form multiplies by 2^64, which is prime to n */
        }
    }
    if (g == n) { /* overshot: step one at a time from the last saved point */
        do {
            ys = addmod(mont_mul(&m, ys, ys), mc, n);
            g = gcd64(x > ys ? x - ys : ys - x, n);
        } while (g == 1);
    }
    return g;
}

static void factor(uint64_t n, uint64_t *out, int *count)
{
    if (n == 1)
        return;
    for (uint64_t p = 2; p < 100 && p * p <= n; p++) {
        if (n % p == 0) {
            out[(*count)++] = p;
            factor(n / p, out, count);
            return;
        }
    }
    if (is_prime(n)) {
        out[(*count)++] = n;
        return;
    }
    for (uint64_t c = 1;; c++) {
        uint64_t d = rho(n, c);
        if (d != n) {
            factor(d, out, count);
            factor(n / d, out, count);
            return;
        }
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* bit i of the sieve stands for 2i+1; a set bit means composite */
static int sieve_prime(const uint32_t *bits, uint64_t v)
{
    return v == 2 || (v > 2 && (v & 1) && !(bits[v >> 6] >> ((v >> 1) & 31) & 1));
}

static int check_sieve(uint64_t limit, uint32_t *bits)
{
    static const uint64_t pi10[] = {0, 4, 25, 168, 1229, 9592, 78498, 664579, 5761455};
    uint64_t count = 0, sum = 0, twins = 0, gap = 0, gap_at = 0, last = 0, p10 = 10;
    int bad = 0, k = 1;

    for (uint64_t i = 3; i * i < limit; i += 2)
        if (!(bits[i >> 6] >> ((i >> 1) & 31) & 1))
            for (uint64_t j = i * i; j < limit; j += 2 * i)
                bits[j >> 6] |= 1u << ((j >> 1) & 31);
    for (uint64_t v = 2; v < limit; v++) {
        if (v == p10) {
            if (count != pi10[k])
                bad = 1;
            p10 *= 10, k++;
        }
        if (!sieve_prime(bits, v))
            continue;
        count++;
        sum += v * v;
        twins += last != 0 && last + 2 == v;
        if (last != 0 && v - last > gap)
            gap = v - last, gap_at = last;
        last = v;
    }
    printf("below %" PRIu64 ": %" PRIu64 " primes, %" PRIu64 " twin pairs, sum of squares %" PRIu64
           "\n", limit, count, twins, sum);
    printf("largest gap %" PRIu64 " after %" PRIu64 "\n", gap, gap_at);
    if (bad)
        fprintf(stderr, "sieve: wrong pi(10^k)\n");
    return bad;
}

static int check_tests(uint64_t limit, const uint32_t *bits)
{
    static const struct {
        uint64_t n;
        int prime;
    } known[] = {
        {2305843009213693951u, 1}, {18446744073709551557u, 1}, {4611686018427387847u, 1},
        {9223372036854775783u, 1}, {4294967291u, 1}, {3215031751u, 0},
        {3825123056546413051u, 0}, {561, 0}, {41041, 0}, {825265, 0}, {1, 0}, {2, 1},
    };
    uint64_t x = 0x123456789abcdef1u;
    int bad = 0;

    for (uint64_t v = 0; v < limit && v < 100000; v++)
        if (is_prime(v) != sieve_prime(bits, v)) {
            fprintf(stderr, "Miller-Rabin and sieve disagree on %" PRIu64 "\n", v);
            bad = 1;
        }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (is_prime(known[i].n) != known[i].prime) {
            fprintf(stderr, "is_prime(%" PRIu64 ") wrong\n", known[i].n);
            bad = 1;
        }
    for (int i = 0; i < 200; i++) {
        uint64_t n, a, b;
        mont_t m;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        n = x | 1 | (i & 1 ? 1ull << 63 : 0);
        a = x * 31 % n, b = (x >> 3) % n;
        mont_init(&m, n);
        if (from_mont(&m, mont_mul(&m, to_mont(&m, a), to_mont(&m, b))) != mulmod_slow(a, b, n)) {
            fprintf(stderr, "Montgomery product wrong mod %" PRIu64 "\n", n);
            bad = 1;
        }
    }
    return bad;
}

int main(int argc, char **argv)
{
    static const uint64_t to_factor[] = {
        9223372021822390277u, 998244359987710471u, 600851475143u, 18446744073709551615u,
        4611686018427387905u,
    };
    uint64_t limit = (uint64_t)parse_size(argc, argv, 2000, 1000000) * 1000, found = 0, h = 0;
    uint32_t *bits = calloc(limit / 64 + 1, sizeof *bits);
    int bad = 0;

    if (bits == NULL)
        return 3;
    bad |= check_sieve(limit, bits);
    bad |= check_tests(limit, bits);
    for (uint64_t v = 1000000000000000001u; found < 25; v += 2) {
        if (is_prime(v)) {
            if (found == 0)
                printf("first prime above 10^18: %" PRIu64 "\n", v);
            found++;
            h = h * 0x100000001b3 ^ v;
        }
    }
    printf("25 primes above 10^18: hash %016" PRIx64 "\n", h);
    for (size_t i = 0; i < sizeof to_factor / sizeof to_factor[0]; i++) {
        uint64_t f[64], prod = 1;
        int nf = 0;
        factor(to_factor[i], f, &nf);
        qsort(f, (size_t)nf, sizeof f[0], cmp_u64);
        printf("%" PRIu64 " =", to_factor[i]);
        for (int k = 0; k < nf; k++) {
            printf("%s%" PRIu64, k ? " * " : " ", f[k]);
            prod *= f[k];
            if (!is_prime(f[k]))
                bad = 1;
        }
        printf("\n");
        if (prod != to_factor[i]) {
            fprintf(stderr, "factors of %" PRIu64 " multiply to %" PRIu64 "\n", to_factor[i], prod);
            bad = 1;
        }
    }
    free(bits);
    return bad;
}
