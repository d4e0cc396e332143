/*
 * Sorting benchmark: five sorts of the same keys must agree.
 *
 * SIZE pseudo-random 32-bit keys (with many duplicates) are sorted by a
 * hand-written quicksort (median of three, insertion sort below a cutoff,
 * recursion on the smaller side), a top-down mergesort, a heapsort, an LSD
 * radix sort and the C library's qsort; the sorts are called through a
 * table of function pointers. Then SIZE records are sorted with qsort and
 * with a generic stable mergesort that moves elements with memcpy, both
 * taking a comparator pointer; the mergesort must keep equal keys in input
 * order. Signed 64-bit keys go through qsort as well. It exercises
 * call_indirect (sort table, comparators), recursion, 32- and 64-bit
 * compares, shifts and masks, malloc/free and memcpy of single elements and runs.
 * Output: a checksum of the sorted data and a few order statistics.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 2463534242u
#include "prog.h"

typedef struct {
    uint32_t key;
    uint32_t seq;  /* input position, to check stability */
    char tag[6];   /* five digits; a record is 16 bytes with padding */
} record_t;

typedef void sort_fn(uint32_t *a, size_t n);
typedef int cmp_fn(const void *a, const void *b);

static void insertion_sort(uint32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void swap_u32(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void quick_sort(uint32_t *a, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2, i = 0, j = n - 1;
        if (a[mid] < a[0])
            swap_u32(&a[mid], &a[0]);
        if (a[n - 1] < a[0])
            swap_u32(&a[n - 1], &a[0]);
        if (a[n - 1] < a[mid])
            swap_u32(&a[n - 1], &a[mid]);
        uint32_t pivot = a[mid];
        for (;;) { /* Hoare partition */
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap_u32(&a[i++], &a[j--]);
        }
        size_t left = j + 1; /* a[0..j] <= pivot <= a[j+1..n) */
        if (left < n - left) {
            quick_sort(a, left);
            a += left, n -= left;
        } else {
            quick_sort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static void merge_rec(uint32_t *a, uint32_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, k = 0;
    merge_rec(a, tmp, h);
    merge_rec(a + h, tmp, n - h);
    while (i < h && j < n)
        tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    memcpy(a, tmp, k * sizeof *a); /* the rest of a[j..n) is already in place */
}

static void merge_sort(uint32_t *a, size_t n)
{
    uint32_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (tmp == NULL)
        exit(3);
    merge_rec(a, tmp, n);
    free(tmp);
}

static void sift_down(uint32_t *a, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        swap_u32(&a[root], &a[child]);
    }
}

static void heap_sort(uint32_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_u32(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

static void radix_sort(uint32_t *a, size_t n)
{
    uint32_t *tmp = malloc((n + 1) * sizeof *tmp), *src = a, *dst = tmp;
    if (tmp == NULL)
        exit(3);
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[257];
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint32_t *t = src;
        src = dst, dst = t;
    }
    /* four passes: the result is back in a */
    free(tmp);
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

static void libc_sort(uint32_t *a, size_t n)
{
    qsort(a, n, sizeof *a, cmp_u32);
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a, b;
    memcpy(&a, pa, sizeof a);
    memcpy(&b, pb, sizeof b);
    return (a > b) - (a < b);
}

static int cmp_rec_key(const void *pa, const void *pb)
{
    const record_t *a = pa, *b = pb;
    return (a->key > b->key) - (a->key < b->key);
}

static int cmp_rec_key_seq(const void *pa, const void *pb)
{
    const record_t *a = pa, *b = pb;
    int c = cmp_rec_key(pa, pb);
    return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* A stable mergesort over elements of any size, bottom-up. */
static void gmsort(void *base, size_t n, size_t size, cmp_fn *cmp)
{
    char *a = base, *b = malloc(n * size + 1), *src = a, *dst = b;
    if (b == NULL)
        exit(3);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                if (cmp(src + j * size, src + i * size) < 0)
                    memcpy(dst + k++ * size, src + j++ * size, size);
                else
                    memcpy(dst + k++ * size, src + i++ * size, size);
            }
            memcpy(dst + k * size, src + i * size, (mid - i) * size);
            k += mid - i;
            memcpy(dst + k * size, src + j * size, (hi - j) * size);
        }
        char *t = src;
        src = dst, dst = t;
    }
    if (src != a)
        memcpy(a, src, n * size);
    free(b);
}

static uint64_t fnv_u32(const uint32_t *a, size_t n)
{
    uint64_t h = 0xcbf29ce484222325;
    for (size_t i = 0; i < n; i++) {
        h ^= a[i];
        h *= 0x100000001b3;
    }
    return h;
}

static int sort_keys(size_t n)
{
    static const struct {
        const char *name;
        sort_fn *fn;
    } sorts[] = {
        {"quick", quick_sort}, {"merge", merge_sort}, {"heap", heap_sort},
        {"radix", radix_sort}, {"qsort", libc_sort},
    };
    uint32_t *orig = malloc(n * sizeof *orig), *ref = malloc(n * sizeof *ref);
    uint32_t *work = malloc(n * sizeof *work);
    int bad = 0;

    if (orig == NULL || ref == NULL || work == NULL)
        exit(3);
    for (size_t i = 0; i < n; i++) /* about n/4 distinct values */
        orig[i] = (rng() % (uint32_t)(n / 4 + 1)) * 2654435761u;
    for (size_t s = 0; s < sizeof sorts / sizeof sorts[0]; s++) {
        memcpy(work, orig, n * sizeof *work);
        sorts[s].fn(work, n);
        for (size_t i = 1; i < n; i++) {
            if (work[i - 1] > work[i]) {
                fprintf(stderr, "%s: out of order at %zu\n", sorts[s].name, i);
                bad = 1;
                break;
            }
        }
        if (s == 0)
            memcpy(ref, work, n * sizeof *ref);
        else if (memcmp(ref, work, n * sizeof *ref) != 0) {
            fprintf(stderr, "%s disagrees with %s\n", sorts[s].name, sorts[0].name);
            bad = 1;
        }
    }
    printf("keys %zu: fnv %016" PRIx64 " min %08" PRIx32 " median %08" PRIx32 " max %08" PRIx32
           "\n", n, fnv_u32(ref, n), ref[0], ref[n / 2], ref[n - 1]);
    free(orig);
    free(ref);
    free(work);
    return bad;
}

static int sort_records(size_t n)
{
    record_t *r = malloc(n * sizeof *r), *q = malloc(n * sizeof *q);
    uint64_t h = 0;
    int bad = 0;

    if (r == NULL || q == NULL)
        exit(3);
    for (size_t i = 0; i < n; i++) {
        r[i].key = rng() % 1000;
        r[i].seq = (uint32_t)i;
        snprintf(r[i].tag, sizeof r[i].tag, "%05" PRIu32, rng() % 100000);
    }
    memcpy(q, r, n * sizeof *r);
    gmsort(r, n, sizeof *r, cmp_rec_key);
    qsort(q, n, sizeof *q, cmp_rec_key_seq); /* the total order the stable sort must match */
    for (size_t i = 0; i < n; i++) {
        if (r[i].key != q[i].key || r[i].seq != q[i].seq || strcmp(r[i].tag, q[i].tag) != 0) {
            fprintf(stderr, "records: mergesort not stable at %zu\n", i);
            bad = 1;
            break;
        }
        h = h * 31 + r[i].seq + (uint64_t)strtoul(r[i].tag, NULL, 10);
    }
    printf("records %zu: first %s last %s hash %016" PRIx64 "\n", n, r[0].tag, r[n - 1].tag, h);
    free(r);
    free(q);
    return bad;
}

static int sort_signed(size_t n)
{
    int64_t *a = malloc(n * sizeof *a), sum = 0;
    int bad = 0;

    if (a == NULL)
        exit(3);
    for (size_t i = 0; i < n; i++) {
        uint64_t hi = rng(); /* two statements: the order of the calls is fixed */
        a[i] = (int64_t)((hi << 32 | rng()) >> 1) - INT64_C(0x3fffffffffffffff);
    }
    qsort(a, n, sizeof *a, cmp_i64);
    for (size_t i = 1; i < n; i++) {
        if (a[i - 1] > a[i])
            bad = 1;
        sum ^= a[i] >> (i % 61);
    }
    printf("int64 %zu: min %" PRId64 " max %" PRId64 " mix %" PRId64 "\n", n, a[0], a[n - 1], sum);
    free(a);
    return bad;
}

int main(int argc, char **argv)
{
    size_t n = parse_size(argc, argv, 30000, 1u << 24);
    int bad = 0;

    bad |= sort_keys(n);
    bad |= sort_records(n);
    bad |= sort_signed(n);
    return bad;
}
