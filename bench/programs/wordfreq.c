/*
 * wordfreq: text processing, counting the words of a document.
 *
 * A 4 MB pseudo-English text (words built from a table of syllables with
 * a Zipf-like skew, mixed case, punctuation and line breaks) is generated
 * once; then, SIZE times, it is scanned byte by byte with character-class
 * tests (a 256-entry table), each word is lowercased into a buffer,
 * hashed (FNV-1a) and counted in an open-addressing hash table that stores
 * the words in an arena and compares them with memcmp; finally the table
 * is ranked with qsort and the top entries checksummed. It stresses byte
 * loads and stores, short unpredictable loops, a hash table that misses
 * the cache, memcmp and memcpy on short strings. Output: word counts,
 * distinct words and the ten most frequent.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0xc2b2ae35u
#include "../../tests/programs/prog.h"

#define TEXT_SIZE (4u << 20)
#define TABLE_BITS 17

typedef struct entry {
    uint32_t hash, off, len, count;
} entry_t;

typedef struct table {
    entry_t slot[1u << TABLE_BITS];
    char *arena;
    uint32_t arena_used, used;
} table_t;

static const char *const syl[] = {
    "the", "of", "and", "to", "in", "is", "was", "he", "for", "it", "with", "as", "his",
    "on", "be", "at", "by", "ing", "er", "tion", "al", "re", "con", "ex", "pro", "ly",
    "ment", "ness", "un", "dis", "ver", "ter", "an", "or", "est", "ble", "ous", "ful",
};

static unsigned char cls[256]; /* 1: letter, 2: upper case */

static void count_word(table_t *t, const char *w, uint32_t len)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    uint32_t mask = (1u << TABLE_BITS) - 1, i = h & mask;
    for (;;) {
        entry_t *e = &t->slot[i];
        if (e->count == 0) {
            e->hash = h;
            e->len = len;
            e->off = t->arena_used;
            e->count = 1;
            memcpy(t->arena + t->arena_used, w, len);
            t->arena_used += len;
            t->used++;
            return;
        }
        if (e->hash == h && e->len == len && memcmp(t->arena + e->off, w, len) == 0) {
            e->count++;
            return;
        }
        i = (i + 1) & mask;
    }
}

static const table_t *g_rank_table;

static int by_count(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(g_rank_table->arena + x->off, g_rank_table->arena + y->off, n);
    return c ? c : (int)x->len - (int)y->len;
}

static void make_text(char *text)
{
    uint32_t pos = 0, nsyl = sizeof syl / sizeof *syl;
    while (pos < TEXT_SIZE - 64) {
        uint32_t parts = 1 + (rng() % 8 == 0) + (rng() % 3 == 0);
        int cap = rng() % 10 == 0;
        for (uint32_t p = 0; p < parts; p++) {
            /* skewed: the product of two uniforms favours small indices */
            uint32_t k = (rng() % nsyl) * (rng() % nsyl) / nsyl;
            for (const char *s = syl[k]; *s; s++)
                text[pos++] = (char)(cap ? *s - 'a' + 'A' : *s);
            cap = 0;
        }
        uint32_t r = rng() % 20;
        text[pos++] = r == 0 ? ',' : r == 1 ? '.' : r == 2 ? '\n' : ' ';
        if (r == 1)
            text[pos++] = ' ';
    }
    while (pos < TEXT_SIZE)
        text[pos++] = ' ';
}

int main(int argc, char **argv)
{
    uint32_t reps = parse_size(argc, argv, 60, 100000);
    char *text = malloc(TEXT_SIZE);
    table_t *t = malloc(sizeof *t);
    entry_t *rank = malloc(sizeof t->slot);
    if (!text || !t || !rank)
        return 1;
    t->arena = malloc(TEXT_SIZE);
    if (!t->arena)
        return 1;
    for (int c = 'a'; c <= 'z'; c++)
        cls[c] = 1;
    for (int c = 'A'; c <= 'Z'; c++)
        cls[c] = 3;
    make_text(text);

    uint64_t sum = 0, words = 0;
    char w[64];
    for (uint32_t r = 0; r < reps; r++) {
        memset(t->slot, 0, sizeof t->slot);
        t->arena_used = t->used = 0;
        text[r % TEXT_SIZE] = 'q'; /* each round's text differs a little */
        uint32_t i = 0, len = 0;
        while (i < TEXT_SIZE) {
            unsigned char c = (unsigned char)text[i++];
            if (cls[c]) {
                if (len < sizeof w)
                    w[len++] = (char)(cls[c] & 2 ? c + 32 : c);
            } else if (len) {
                count_word(t, w, len);
                words++;
                len = 0;
            }
        }
        uint32_t n = 0;
        for (uint32_t s = 0; s < (1u << TABLE_BITS); s++)
            if (t->slot[s].count)
                rank[n++] = t->slot[s];
        g_rank_table = t;
        qsort(rank, n, sizeof *rank, by_count);
        for (uint32_t k = 0; k < n; k += 1 + k / 4)
            sum = sum * 1000003 + rank[k].count * 31 + rank[k].len;
        if (r + 1 == reps) {
            printf("wordfreq: %" PRIu32 " rounds, %" PRIu64 " words, %" PRIu32 " distinct\n",
                   reps, words, n);
            for (uint32_t k = 0; k < 10 && k < n; k++)
                printf("%.*s %" PRIu32 "\n", (int)rank[k].len, t->arena + rank[k].off,
                       rank[k].count);
        }
    }
    printf("checksum %016" PRIx64 "\n", sum);
    free(t->arena);
    free(text);
    free(t);
    free(rank);
    return 0;
}
