/*
 * editdist: dynamic programming over strings, as in diff and sequence
 * alignment.
 *
 * Pairs of pseudo-random strings over a four-letter alphabet (DNA-like;
 * the second of each pair a mutated copy of the first, with
 * substitutions, insertions and deletions) are compared by Levenshtein
 * distance and by the length of their longest common subsequence, each
 * with a two-row table, SIZE pairs of lengths 1000 to 3000. The identity
 * LCS(a, b) <= min(|a|, |b|) and the bound |a| - |b| <= distance are
 * checked, and a small pair is checked against a full-table recomputation.
 * It stresses i32 compare and select (min of three), sequential loads and
 * stores in two arrays, and a loop-carried dependency. Output: sums of
 * the distances and LCS lengths.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x27d4eb2fu
#include "../../tests/programs/prog.h"

#define MAX_LEN 4096

static uint32_t min3(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t m = a < b ? a : b;
    return m < c ? m : c;
}

static uint32_t levenshtein(const char *a, uint32_t n, const char *b, uint32_t m, uint32_t *row)
{
    for (uint32_t j = 0; j <= m; j++)
        row[j] = j;
    for (uint32_t i = 1; i <= n; i++) {
        uint32_t diag = row[0], ai = (unsigned char)a[i - 1];
        row[0] = i;
        for (uint32_t j = 1; j <= m; j++) {
            uint32_t up = row[j];
            row[j] = min3(up + 1, row[j - 1] + 1, diag + (ai != (unsigned char)b[j - 1]));
            diag = up;
        }
    }
    return row[m];
}

static uint32_t lcs(const char *a, uint32_t n, const char *b, uint32_t m, uint32_t *prev,
                    uint32_t *cur)
{
    memset(prev, 0, (m + 1) * sizeof *prev);
    for (uint32_t i = 1; i <= n; i++) {
        cur[0] = 0;
        for (uint32_t j = 1; j <= m; j++) {
            if (a[i - 1] == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* the textbook full table, for a cross-check on a small pair */
static uint32_t levenshtein_full(const char *a, uint32_t n, const char *b, uint32_t m)
{
    static uint32_t d[65][65];
    for (uint32_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (uint32_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (uint32_t i = 1; i <= n; i++)
        for (uint32_t j = 1; j <= m; j++)
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                           d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
    return d[n][m];
}

static uint32_t mutate(const char *a, uint32_t n, char *b, uint32_t cap)
{
    static const char acgt[] = "ACGT";
    uint32_t m = 0;
    for (uint32_t i = 0; i < n && m < cap; i++) {
        uint32_t r = rng() % 100;
        if (r < 5)
            b[m++] = acgt[rng() % 4]; /* substitution */
        else if (r < 8)
            ; /* deletion */
        else if (r < 11 && m + 1 < cap) {
            b[m++] = acgt[rng() % 4]; /* insertion */
            b[m++] = a[i];
        } else
            b[m++] = a[i];
    }
    return m;
}

int main(int argc, char **argv)
{
    uint32_t pairs = parse_size(argc, argv, 150, 1000000);
    static const char acgt[] = "ACGT";
    char *a = malloc(MAX_LEN), *b = malloc(MAX_LEN);
    uint32_t *r0 = malloc((MAX_LEN + 1) * sizeof *r0), *r1 = malloc((MAX_LEN + 1) * sizeof *r1);
    if (!a || !b || !r0 || !r1)
        return 1;

    for (uint32_t i = 0; i < 64; i++)
        a[i] = acgt[rng() % 4];
    uint32_t sm = mutate(a, 64, b, 64);
    if (levenshtein(a, 64, b, sm, r0) != levenshtein_full(a, 64, b, sm)) {
        printf("two-row and full-table distances differ\n");
        return 1;
    }

    uint64_t dist_sum = 0, lcs_sum = 0, mix = 0;
    for (uint32_t p = 0; p < pairs; p++) {
        uint32_t n = 1000 + rng() % 2001;
        for (uint32_t i = 0; i < n; i++)
            a[i] = acgt[rng() % 4];
        uint32_t m = mutate(a, n, b, MAX_LEN);
        uint32_t d = levenshtein(a, n, b, m, r0);
        uint32_t l = lcs(a, n, b, m, r0, r1);
        uint32_t diff = n > m ? n - m : m - n;
        if (l > (n < m ? n : m) || d < diff || d > (n > m ? n : m)) {
            printf("pair %" PRIu32 ": impossible distance %" PRIu32 " or lcs %" PRIu32 "\n", p, d, l);
            return 1;
        }
        dist_sum += d;
        lcs_sum += l;
        mix = (mix ^ d) * 0x100000001b3ull ^ l;
    }
    printf("editdist: %" PRIu32 " pairs\n", pairs);
    printf("distance sum %" PRIu64 " lcs sum %" PRIu64 " mix %016" PRIx64 "\n", dist_sum, lcs_sum, mix);
    free(a);
    free(b);
    free(r0);
    free(r1);
    return 0;
}
