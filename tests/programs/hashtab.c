/*
 * Word counting in an open-addressing hash table with string keys.
 *
 * SIZE words are made from random syllables with a skewed distribution, so
 * some words repeat thousands of times and many occur once. They are
 * counted in a linear-probing table (FNV-1a hash with a murmur finaliser,
 * power-of-two capacity, doubling at 70% load, keys copied into a chunked
 * arena) and also by sorting an array of word pointers with qsort and
 * strcmp; the two counts must agree for every word. Then every word with
 * an odd count is deleted by backward-shift deletion, and the table is
 * checked again. It exercises byte loops (hashing, strcmp, strlen,
 * memcpy), integer multiply and shifts, pointer-heavy structs, malloc of
 * many small and a few large blocks, qsort with a comparator, and printf
 * with field widths. Output: table statistics and the most frequent words.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x2545f491u
#include "prog.h"

typedef struct {
    const char *key;  /* NULL: empty slot; points into the arena */
    uint32_t hash;
    uint32_t count;
} slot_t;

typedef struct {
    slot_t *slots;
    uint32_t cap;     /* a power of two */
    uint32_t used;
    uint64_t probes;  /* slots visited by lookups, a measure of clustering */
} table_t;

typedef struct chunk {
    struct chunk *next;
    size_t used;
    char data[8192];
} chunk_t;

static chunk_t *arena;

static const char *arena_strdup(const char *s)
{
    size_t n = strlen(s) + 1;

    if (arena == NULL || arena->used + n > sizeof arena->data) {
        chunk_t *c = malloc(sizeof *c);
        if (c == NULL)
            exit(3);
        c->next = arena;
        c->used = 0;
        arena = c;
    }
    char *p = arena->data + arena->used;
    memcpy(p, s, n);
    arena->used += n;
    return p;
}

static void arena_free(void)
{
    while (arena != NULL) {
        chunk_t *next = arena->next;
        free(arena);
        arena = next;
    }
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h ^= h >> 16; /* FNV-1a mixes its low bits poorly; the finaliser spreads them */
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static void table_init(table_t *t, uint32_t cap)
{
    t->slots = calloc(cap, sizeof *t->slots);
    if (t->slots == NULL)
        exit(3);
    t->cap = cap;
    t->used = 0;
}

/* Returns the slot holding key, or the empty slot where it would go. */
static slot_t *table_find(table_t *t, const char *key, uint32_t h)
{
    uint32_t mask = t->cap - 1;

    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        slot_t *s = &t->slots[i];
        t->probes++;
        if (s->key == NULL || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

static void table_grow(table_t *t)
{
    table_t bigger = {0};

    table_init(&bigger, t->cap * 2);
    for (uint32_t i = 0; i < t->cap; i++) {
        slot_t *s = &t->slots[i];
        if (s->key != NULL)
            *table_find(&bigger, s->key, s->hash) = *s;
    }
    bigger.used = t->used;
    bigger.probes = t->probes;
    free(t->slots);
    *t = bigger;
}

static void table_add(table_t *t, const char *key)
{
    uint32_t h = hash_str(key);
    slot_t *s = table_find(t, key, h);

    if (s->key == NULL) {
        if ((t->used + 1) * 10 > t->cap * 7) {
            table_grow(t);
            s = table_find(t, key, h);
        }
        s->key = arena_strdup(key);
        s->hash = h;
        s->count = 0;
        t->used++;
    }
    s->count++;
}

/* Backward-shift deletion: no tombstones, so probe sequences stay short. */
static int table_del(table_t *t, const char *key)
{
    uint32_t mask = t->cap - 1;
    slot_t *s = table_find(t, key, hash_str(key));
    uint32_t hole = (uint32_t)(s - t->slots);

    if (s->key == NULL)
        return 0;
    for (uint32_t i = (hole + 1) & mask; t->slots[i].key != NULL; i = (i + 1) & mask) {
        uint32_t home = t->slots[i].hash & mask;
        /* move i into the hole unless its home lies cyclically in (hole, i] */
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            t->slots[hole] = t->slots[i];
            hole = i;
        }
    }
    t->slots[hole].key = NULL;
    t->used--;
    return 1;
}

static void make_word(char *out, size_t size)
{
    static const char *const syl[] = {
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qua", "sh", "or",
        "en", "di", "pho", "gra", "ly", "tri", "um", "ex", "bo", "ce", "fa", "wu",
    };
    uint32_t nsyl = 1 + rng() % 4;

    out[0] = '\0';
    for (uint32_t i = 0; i < nsyl; i++) {
        uint32_t r = rng() % 24;
        strncat(out, syl[rng() % (r + 1)], size - strlen(out) - 1); /* skewed to low indices */
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    uint32_t n = parse_size(argc, argv, 40000, 1u << 22), distinct = 0, deleted = 0;
    const char **words = malloc(n * sizeof *words);
    const char *top[3] = {"", "", ""};
    uint32_t topc[3] = {0, 0, 0};
    uint64_t sum = 0;
    table_t t = {0};
    char w[64];
    int bad = 0;

    if (words == NULL)
        return 3;
    table_init(&t, 16);
    for (uint32_t i = 0; i < n; i++) {
        make_word(w, sizeof w);
        words[i] = arena_strdup(w); /* the sorted copy shares the arena */
        table_add(&t, w);
    }
    qsort(words, n, sizeof *words, cmp_str);
    for (uint32_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(words[i], words[j]) == 0; j++)
            ;
        uint32_t c = j - i;
        slot_t *s = table_find(&t, words[i], hash_str(words[i]));
        if (s->key == NULL || s->count != c) {
            fprintf(stderr, "count of \"%s\": table %" PRIu32 ", sort %" PRIu32 "\n", words[i],
                    s->key != NULL ? s->count : 0, c);
            bad = 1;
        }
        distinct++;
        sum = sum * 1000003 + c * (uint64_t)hash_str(words[i]);
        for (int k = 0; k < 3; k++) { /* ties keep the alphabetically first */
            if (c > topc[k]) {
                memmove(&top[k + 1], &top[k], (size_t)(2 - k) * sizeof top[0]);
                memmove(&topc[k + 1], &topc[k], (size_t)(2 - k) * sizeof topc[0]);
                top[k] = words[i], topc[k] = c;
                break;
            }
        }
    }
    if (distinct != t.used) {
        fprintf(stderr, "table holds %" PRIu32 " words, sort found %" PRIu32 "\n", t.used,
                distinct);
        bad = 1;
    }
    printf("words %" PRIu32 " distinct %" PRIu32 " capacity %" PRIu32 " checksum %016" PRIx64 "\n",
           n, distinct, t.cap, sum);
    for (int k = 0; k < 3; k++)
        printf("  %-14s %7" PRIu32 "\n", top[k], topc[k]);

    for (uint32_t i = 0; i < n; i++) {
        slot_t *s = table_find(&t, words[i], hash_str(words[i]));
        if (s->key != NULL && s->count % 2 == 1)
            deleted += (uint32_t)table_del(&t, words[i]);
    }
    for (uint32_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(words[i], words[j]) == 0; j++)
            ;
        slot_t *s = table_find(&t, words[i], hash_str(words[i]));
        if ((s->key != NULL) != ((j - i) % 2 == 0)) {
            fprintf(stderr, "after deletion, \"%s\" is wrongly %s\n", words[i],
                    s->key != NULL ? "present" : "absent");
            bad = 1;
        }
    }
    printf("deleted %" PRIu32 " odd-count words, %" PRIu32 " left, %" PRIu64 " probes\n", deleted,
           t.used, t.probes);
    free(t.slots);
    free(words);
    arena_free();
    return bad;
}
