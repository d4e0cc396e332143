/*
 * sieve: a segmented sieve of Eratosthenes, counting primes far beyond
 * what fits in cache.
 *
 * The odd numbers below SIZE million are sieved in segments of 32 KiB (a
 * byte per odd number, so a segment covers 64 Ki numbers and stays in the
 * L1 cache), each crossed off by the odd primes up to the square root,
 * whose next multiples carry over from segment to segment. The counts at
 * every power of ten are checked against the known values of pi(x), and
 * the primes in each segment are folded into a checksum. It stresses
 * byte stores with a stride, the inner loop's compare and add, memset,
 * and a scan that branches on every byte. Output: pi at the powers of
 * ten and the checksum.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/programs/prog.h"

#define SEG 32768u /* bytes; byte k of a segment is the odd number lo + 2k */

static const uint64_t pi_pow10[] = {0, 4, 25, 168, 1229, 9592, 78498, 664579, 5761455,
                                    50847534, 455052511, 4118054813ull};

int main(int argc, char **argv)
{
    uint32_t millions = parse_size(argc, argv, 1000, 4000);
    uint64_t limit = (uint64_t)millions * 1000000; /* primes below limit */
    uint32_t root = 1;
    while ((uint64_t)root * root < limit)
        root++;

    /* the odd primes up to root, by a plain sieve */
    uint8_t *small = calloc(root + 1, 1);
    uint32_t *primes = malloc((root / 2 + 2) * sizeof *primes);
    uint64_t *next = malloc((root / 2 + 2) * sizeof *next);
    uint8_t *seg = malloc(SEG);
    if (!small || !primes || !next || !seg)
        return 1;
    uint32_t np = 0;
    for (uint32_t i = 3; i <= root; i += 2) {
        if (small[i])
            continue;
        primes[np] = i;
        next[np] = (uint64_t)i * i; /* the first odd multiple worth crossing */
        np++;
        for (uint64_t j = (uint64_t)i * i; j <= root; j += 2 * i)
            small[j] = 1;
    }

    uint64_t count = limit > 2 ? 1 : 0, sum = 0, pow10 = 10;
    uint32_t decade = 1;
    for (uint64_t lo = 1; lo < limit; lo += 2 * SEG) {
        uint64_t hi = lo + 2 * SEG; /* this segment: odd numbers in [lo, hi) */
        memset(seg, 0, SEG);
        for (uint32_t k = 0; k < np; k++) {
            uint64_t p = primes[k], j = next[k];
            if (j >= hi)
                continue;
            for (; j < hi; j += 2 * p)
                seg[(j - lo) >> 1] = 1;
            next[k] = j;
        }
        if (lo == 1)
            seg[0] = 1; /* 1 is not prime */
        for (uint32_t b = 0; b < SEG; b++) {
            uint64_t n = lo + 2 * (uint64_t)b;
            while (n >= pow10 && decade < sizeof pi_pow10 / sizeof *pi_pow10) {
                if (count != pi_pow10[decade]) {
                    printf("pi(10^%" PRIu32 ") = %" PRIu64 ", expected %" PRIu64 "\n", decade,
                           count, pi_pow10[decade]);
                    return 1;
                }
                printf("pi(10^%" PRIu32 ") = %" PRIu64 "\n", decade, count);
                decade++;
                pow10 *= 10;
            }
            if (n >= limit)
                break;
            if (!seg[b]) {
                count++;
                sum += n * (uint64_t)b;
            }
        }
    }
    printf("sieve: %" PRIu64 " primes below %" PRIu64 ", checksum %016" PRIx64 "\n", count, limit, sum);
    free(small);
    free(primes);
    free(next);
    free(seg);
    return 0;
}
