/*
 * strsort: sorting strings, two ways that must agree.
 *
 * 200,000 pseudo-random words (3 to 14 letters from a skewed alphabet,
 * with long shared prefixes and many duplicates, as in real keys) are
 * sorted SIZE times: by the C library's qsort with a strcmp comparator
 * (an indirect call per comparison, and strcmp's byte loop), and by a
 * hand-written multikey quicksort (Bentley and Sedgewick's three-way
 * radix quicksort: character loads through an array of pointers, swaps
 * and recursion). The two orders must be identical. It stresses
 * call_indirect, byte loads through pointers, compare-and-branch chains
 * and recursion. Output: the number of distinct words and a checksum of
 * the order.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x85ebca6bu
#include "../../tests/programs/prog.h"

#define WORDS 200000

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void swap(char **a, uint32_t i, uint32_t j)
{
    char *t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Sorts a[0..n) on the characters from depth d on (all equal before d). */
static void mkqsort(char **a, uint32_t n, uint32_t d)
{
    while (n > 1) {
        if (n < 10) { /* insertion sort from depth d */
            for (uint32_t i = 1; i < n; i++)
                for (uint32_t j = i; j > 0 && strcmp(a[j - 1] + d, a[j] + d) > 0; j--)
                    swap(a, j, j - 1);
            return;
        }
        swap(a, 0, n / 2);
        int v = (unsigned char)a[0][d];
        uint32_t lt = 0, gt = n, i = 0;
        /* invariant: a[0..lt) < v, a[lt..i) == v, a[gt..n) > v */
        while (i < gt) {
            int c = (unsigned char)a[i][d];
            if (c < v)
                swap(a, lt++, i++);
            else if (c > v)
                swap(a, i, --gt);
            else
                i++;
        }
        mkqsort(a, lt, d);
        mkqsort(a + gt, n - gt, d);
        if (v == 0)
            return; /* the equal part has ended: all identical */
        a += lt;
        n = gt - lt;
        d++;
    }
}

int main(int argc, char **argv)
{
    uint32_t reps = parse_size(argc, argv, 15, 100000);
    static const char alpha[] = "eeeettaaoinnsshrdlcumwfgypbvkjxqz";
    char *pool = malloc(WORDS * 16);
    char **orig = malloc(WORDS * sizeof *orig), **a = malloc(WORDS * sizeof *a);
    char **b = malloc(WORDS * sizeof *b);
    if (!pool || !orig || !a || !b)
        return 1;
    uint32_t prev_len = 0;
    for (uint32_t i = 0; i < WORDS; i++) {
        char *w = pool + i * 16;
        uint32_t len = 3 + rng() % 12;
        /* a shared prefix now and then: keys with long common heads */
        uint32_t keep = (i > 0 && rng() % 4 == 0) ? rng() % (len + 1) : 0;
        if (keep > prev_len)
            keep = prev_len;
        for (uint32_t k = 0; k < len; k++)
            w[k] = k < keep ? orig[i - 1][k] : alpha[rng() % (sizeof alpha - 1)];
        w[len] = '\0';
        orig[i] = w;
        prev_len = len;
    }

    uint64_t sum = 0;
    uint32_t distinct = 0;
    for (uint32_t r = 0; r < reps; r++) {
        /* each round, a different permutation of the same words */
        for (uint32_t i = 0; i < WORDS; i++)
            a[i] = orig[(i * 7919u + r * 104729u) % WORDS];
        memcpy(b, a, WORDS * sizeof *a);
        qsort(a, WORDS, sizeof *a, cmp_str);
        mkqsort(b, WORDS, 0);
        distinct = 1;
        for (uint32_t i = 0; i < WORDS; i++) {
            if (strcmp(a[i], b[i]) != 0) {
                printf("orders differ at %" PRIu32 ": %s %s\n", i, a[i], b[i]);
                return 1;
            }
            if (i > 0 && strcmp(a[i - 1], a[i]) != 0)
                distinct++;
        }
        for (uint32_t i = 0; i < WORDS; i += 97)
            sum = sum * 131 + (uint64_t)(b[i] - pool) / 16 % 1000 + (unsigned char)b[i][0];
    }
    printf("strsort: %" PRIu32 " rounds of %u words, %" PRIu32 " distinct\n", reps, WORDS, distinct);
    printf("first %s last %s checksum %016" PRIx64 "\n", a[0], a[WORDS - 1], sum);
    free(pool);
    free(orig);
    free(a);
    free(b);
    return 0;
}
