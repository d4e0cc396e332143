/*
 * fuzz_elf: a libFuzzer target for the kernel's ELF64 parser
 * (microkernel/kern/elf.c), which reads executables anyone may hand the
 * process loader.
 *
 * Each input is taken as an executable, parsed with elf_parse, and its
 * relocations are walked with elf_reloc as the loader walks them (in
 * order, stopping at the first refusal). The parser reads through a reader
 * that aborts on any read outside the input: every offset and size must be
 * checked before it is read. Every answer is checked against elf.h:
 *
 *   1. A refusal names a rule (a short, one-line text) and an offset inside
 *      the file (0 for a file shorter than a header).
 *   2. An accepted image has 1-16 segments, each with memory, its file data
 *      inside the input, filesz <= memsz, never writable and executable,
 *      its address and offset equal modulo the page; no two on one page;
 *      lo and hi page-aligned, lo < hi, covering every segment, hi - lo at
 *      most 1 GiB; a fixed-address image at 64 KiB or above; the entry
 *      point inside an executable segment; the RELA table inside the file
 *      and inside one segment's file data; no relocations in a fixed image.
 *   3. A relocation either resolves to 8 bytes inside a writable segment
 *      at base + its offset, the same for two bases, or is refused, at its
 *      own entry of the table, by one of the two relocation rules.
 *   4. Parsing is deterministic: a second parse gives the same image.
 *   5. A reader failing at the first, the middle or the last of the reads
 *      a run made gives a clean refusal ("unreadable ...", or "shorter than
 *      an ELF header" for the header) and no read after the failing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/elf.h>

#include "check.h"

#define PAGE 4096ull
#define PF_X 1
#define PF_W 2
#define RELA_SIZE 24
#define BASE1 0x1000ull
#define BASE2 0x7ffe12345000ull

/* ---- the reader ---------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    uint64_t size;
    long fail_at; /* this read fails; -1 none */
    long nreads;
} reader_t;

static bool rd(void *ctx, uint64_t off, void *dst, size_t n)
{
    reader_t *r = ctx;
    /* The parser checks every range against the file before reading it. */
    CHECK(off <= r->size && n <= r->size - off);
    CHECK(r->fail_at < 0 || r->nreads <= r->fail_at); /* nothing after a failure */
    if (r->nreads++ == r->fail_at)
        return false;
    memcpy(dst, r->data + off, n);
    return true;
}

/* ---- one run: parse, then relocate as the loader does --------------------- */

typedef struct {
    bool parsed, ok; /* ok: parsed and every relocation resolved */
    elf_image_t img;
    elf_error_t err;
    uint64_t relocated; /* relocations resolved before the first refusal */
} run_t;

static bool is_reloc_rule(const char *rule)
{
    return strcmp(rule, "relocation other than R_X86_64_RELATIVE") == 0 ||
           strcmp(rule, "relocation target outside the writable segments") == 0;
}

static bool in_writable(const elf_image_t *e, uint64_t at)
{
    for (unsigned k = 0; k < e->nsegs; k++) {
        const elf_segment_t *s = &e->segs[k];
        if ((s->flags & PF_W) && s->memsz >= 8 && at >= s->vaddr && at - s->vaddr <= s->memsz - 8)
            return true;
    }
    return false;
}

/* Each relocation: resolved inside a writable segment, for both bases, or
 * refused at its own entry; the walk stops at the first refusal. The
 * second base reads through a reader of its own, which never fails. */
static void relocate(run_t *r, reader_t *rr)
{
    const elf_image_t *e = &r->img;
    reader_t other = {rr->data, rr->size, -1, 0};
    for (uint64_t i = 0; i < e->rela_count; i++) {
        uint64_t w1 = 0, v1 = 0, w2 = 0, v2 = 0;
        elf_error_t err2;
        if (!elf_reloc(e, rd, rr, i, BASE1, &w1, &v1, &r->err)) {
            r->ok = false;
            return;
        }
        CHECK(elf_reloc(e, rd, &other, i, BASE2, &w2, &v2, &err2));
        CHECK(w1 - BASE1 == w2 - BASE2 && v1 - BASE1 == v2 - BASE2);
        CHECK(in_writable(e, w1 - BASE1));
        r->relocated++;
    }
}

static void run(run_t *r, const uint8_t *data, size_t size, long fail_at, long *out_reads)
{
    reader_t rr = {data, size, fail_at, 0};
    memset(r, 0, sizeof *r);
    r->parsed = r->ok = elf_parse(rd, &rr, size, &r->img, &r->err);
    if (r->parsed)
        relocate(r, &rr);
    *out_reads = rr.nreads;
}

/* ---- the checks -------------------------------------------------------------- */

static void check_refusal(const run_t *r, size_t size, bool relocating)
{
    const elf_error_t *e = &r->err;
    CHECK(e->rule != NULL && e->rule[0] != 0);
    CHECK(strlen(e->rule) < 100 && strchr(e->rule, '\n') == NULL);
    CHECK(e->offset < size || (e->offset == 0 && size < 64));
    if (relocating) {
        CHECK(is_reloc_rule(e->rule));
        CHECK(e->offset == r->img.rela_off + r->relocated * RELA_SIZE);
    }
}

static uint64_t page_lo(const elf_segment_t *s) { return s->vaddr & ~(PAGE - 1); }
static uint64_t page_hi(const elf_segment_t *s)
{
    return (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
}

static void check_segments(const elf_image_t *e, size_t size)
{
    bool entry_ok = false;
    for (unsigned i = 0; i < e->nsegs; i++) {
        const elf_segment_t *s = &e->segs[i];
        CHECK(s->memsz > 0 && s->filesz <= s->memsz);
        CHECK(s->offset <= size && s->filesz <= size - s->offset);
        CHECK(!((s->flags & PF_W) && (s->flags & PF_X)));
        CHECK(s->vaddr % PAGE == s->offset % PAGE);
        CHECK(s->vaddr + s->memsz > s->vaddr); /* no wrap */
        CHECK(page_lo(s) >= e->lo && page_hi(s) <= e->hi);
        for (unsigned j = 0; j < i; j++)
            CHECK(page_hi(s) <= page_lo(&e->segs[j]) || page_hi(&e->segs[j]) <= page_lo(s));
        entry_ok |= (s->flags & PF_X) && e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz;
    }
    CHECK(entry_ok);
}

static void check_image(const elf_image_t *e, size_t size)
{
    CHECK(e->nsegs >= 1 && e->nsegs <= ELF_MAX_SEGMENTS);
    CHECK(e->lo % PAGE == 0 && e->hi % PAGE == 0 && e->lo < e->hi);
    CHECK(e->hi - e->lo <= ELF_MAX_SPAN);
    CHECK(e->pie || e->lo >= 0x10000);
    check_segments(e, size);
    if (!e->pie)
        CHECK(e->rela_count == 0);
    CHECK(e->rela_off <= size && e->rela_count <= (size - e->rela_off) / RELA_SIZE);
    if (e->rela_count) {
        bool inside = false;
        for (unsigned i = 0; i < e->nsegs; i++) {
            const elf_segment_t *s = &e->segs[i];
            inside |= e->rela_off >= s->offset &&
                      e->rela_count * RELA_SIZE <= s->filesz &&
                      e->rela_off - s->offset <= s->filesz - e->rela_count * RELA_SIZE;
        }
        CHECK(inside);
    }
}

static void check_same(const run_t *a, const run_t *b)
{
    CHECK(a->parsed == b->parsed && a->ok == b->ok && a->relocated == b->relocated);
    if (!a->ok)
        CHECK(a->err.offset == b->err.offset && strcmp(a->err.rule, b->err.rule) == 0);
    if (!a->parsed)
        return;
    const elf_image_t *x = &a->img, *y = &b->img;
    CHECK(x->pie == y->pie && x->entry == y->entry && x->lo == y->lo && x->hi == y->hi);
    CHECK(x->nsegs == y->nsegs && x->rela_off == y->rela_off && x->rela_count == y->rela_count);
    for (unsigned i = 0; i < x->nsegs; i++) {
        const elf_segment_t *s = &x->segs[i], *t = &y->segs[i];
        CHECK(s->vaddr == t->vaddr && s->memsz == t->memsz && s->offset == t->offset &&
              s->filesz == t->filesz && s->flags == t->flags);
    }
}

/* The reader failing at read k of a run that made `reads` reads. */
static void check_failing_read(const uint8_t *data, size_t size, long k)
{
    run_t r;
    long reads;
    run(&r, data, size, k, &reads);
    CHECK(!r.ok);
    CHECK(reads == k + 1);
    CHECK(strncmp(r.err.rule, "unreadable ", 11) == 0 ||
          (k == 0 && strcmp(r.err.rule, "shorter than an ELF header") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run_t a, b;
    long reads, reads2;
    run(&a, data, size, -1, &reads);
    if (a.parsed)
        check_image(&a.img, size);
    if (!a.ok)
        check_refusal(&a, size, a.parsed);
    run(&b, data, size, -1, &reads2);
    check_same(&a, &b);
    CHECK(reads == reads2);
    if (reads > 0) {
        check_failing_read(data, size, 0);
        check_failing_read(data, size, reads / 2);
        check_failing_read(data, size, reads - 1);
    }
    return 0;
}
