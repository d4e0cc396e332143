/*
 * fuzz_initrd: a libFuzzer target for the kernel's ustar reader
 * (microkernel/kern/initrd.c), which reads the initrd GRUB loads and any
 * archive handed to it later.
 *
 * Each input is taken as an archive; libFuzzer's buffer holds exactly its
 * bytes, so AddressSanitizer reports any read past the end. The answers
 * are checked against initrd.h:
 *
 *   1. initrd_each answers OK, BAD_HEADER or TRUNCATED (never NOT_FOUND),
 *      and initrd_strerror names it.
 *   2. Each file it reports has its data inside the archive, at a block
 *      boundary after its header, after the previous file's data; its name
 *      is at most 256 bytes (a 155-byte prefix, "/", a 100-byte name).
 *   3. A second walk reports the same files and answer (no hidden state).
 *   4. initrd_find answers the walk's error when the walk failed; else it
 *      finds each reported name (the first 64, and the last) at its first
 *      occurrence, and a name longer than any member's is not found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/initrd.h>

#include "check.h"

#define BLOCK 512
#define KEEP 64 /* names kept for the lookups */

typedef struct {
    size_t size;       /* of the archive */
    unsigned n;        /* files reported */
    uint64_t end;      /* where the last reported file's data ends */
    uint64_t hash;     /* of every name, offset and size, in order */
    char names[KEEP + 1][260]; /* the first KEEP, and the last in [KEEP] */
    initrd_file_t files[KEEP + 1];
} walk_t;

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static void on_file(void *ctx, const char *name, const initrd_file_t *f)
{
    walk_t *w = ctx;
    size_t len = strlen(name);
    CHECK(len <= 256);
    CHECK(f->offset % BLOCK == 0 && f->offset >= BLOCK);
    CHECK(f->offset <= w->size && f->size <= w->size - f->offset);
    CHECK(f->offset >= w->end + BLOCK); /* after the previous file and its own header */
    w->end = f->offset + f->size;
    for (size_t i = 0; i < len; i++)
        w->hash = mix(w->hash, (uint8_t)name[i]);
    w->hash = mix(mix(w->hash, f->offset), f->size);
    unsigned slot = w->n < KEEP ? w->n : KEEP;
    memcpy(w->names[slot], name, len + 1);
    w->files[slot] = *f;
    w->n++;
}

static initrd_err_t walk(const uint8_t *data, size_t size, walk_t *w)
{
    memset(w, 0, sizeof *w);
    w->size = size;
    return initrd_each(data, size, on_file, w);
}

/* The first reported file of this name, among the kept ones. */
static const initrd_file_t *first_of(const walk_t *w, unsigned slot)
{
    for (unsigned i = 0; i < slot; i++)
        if (strcmp(w->names[i], w->names[slot]) == 0)
            return &w->files[i];
    return &w->files[slot];
}

static void check_find(const uint8_t *data, size_t size, const walk_t *w, initrd_err_t e)
{
    static char longer[300];
    if (!longer[0])
        memset(longer, 'n', sizeof longer - 1);
    initrd_file_t f;
    initrd_err_t fe = initrd_find(data, size, longer, &f);
    CHECK(fe == (e ? e : INITRD_NOT_FOUND));
    unsigned kept = w->n <= KEEP ? w->n : KEEP + 1;
    for (unsigned i = 0; i < kept; i++) {
        fe = initrd_find(data, size, w->names[i], &f);
        CHECK(fe == e);
        if (e != INITRD_OK)
            continue;
        const initrd_file_t *want = first_of(w, i);
        if (i < KEEP || w->n == KEEP + 1 || want != &w->files[i]) {
            CHECK(f.offset == want->offset && f.size == want->size);
        } else {
            /* The last of many: an unkept file may have had its name. */
            CHECK(f.offset <= w->files[i].offset);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static walk_t a, b;
    initrd_err_t e = walk(data, size, &a);
    CHECK(e == INITRD_OK || e == INITRD_BAD_HEADER || e == INITRD_TRUNCATED);
    const char *text = initrd_strerror(e);
    CHECK(text && text[0] && strcmp(text, "?") != 0);
    CHECK(walk(data, size, &b) == e);
    CHECK(a.n == b.n && a.hash == b.hash);
    check_find(data, size, &a, e);
    return 0;
}
