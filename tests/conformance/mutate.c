/*
 * Mutation strategies for the differential conformance test (mutate.h).
 *
 * cf_src_new() maps a source module once: the sections (id, size field,
 * payload), the function bodies of the code section, every LEB128 field a
 * strategy may rewrite (section sizes, vector counts, function section
 * entries, body sizes, local declarations) and, when libabi can decode the
 * source, every instruction with its immediates. A strategy then builds the
 * mutant as one edit of the source: replace a byte range, and optionally
 * re-encode the size of the enclosing body and section so that only the
 * intended change is visible. Sizes are re-encoded at their old width when
 * the value fits, so an edit does not also lengthen a LEB128 by accident.
 *
 * The source is trusted only to be a byte string: the layout parser stops
 * at the first thing it cannot frame, and every strategy that needs a part
 * of the layout (a code section, an instruction) falls back to a byte flip
 * when the source lacks it.
 */
#include "mutate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>

/* ---- PRNG and buffers ------------------------------------------------------ */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void cf_rng_seed(cf_rng_t *r, uint64_t seed, uint64_t a, uint64_t b)
{
    r->s = mix64(mix64(mix64(seed) ^ a) ^ (b * 0x9E3779B97F4A7C15ull));
}

uint64_t cf_rng_next(cf_rng_t *r)
{
    r->s += 0x9E3779B97F4A7C15ull;
    return mix64(r->s);
}

uint64_t cf_rng_below(cf_rng_t *r, uint64_t n)
{
    return n ? cf_rng_next(r) % n : 0;
}

static bool chance(cf_rng_t *r, unsigned percent)
{
    return cf_rng_below(r, 100) < percent;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "differential: out of memory\n");
        exit(2);
    }
    return q;
}

void cf_buf_put(cf_buf_t *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

void cf_buf_free(cf_buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- LEB128 ----------------------------------------------------------------- */

/* Reads an unsigned LEB128 of at most maxlen bytes at *pos (< end). */
static bool rd_leb(const uint8_t *p, size_t end, size_t *pos, uint64_t *v,
                   unsigned *out_len, unsigned maxlen)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < maxlen && *pos + i < end; i++) {
        uint8_t b = p[*pos + i];
        if (i < 10)
            x |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            *out_len = i + 1;
            *pos += i + 1;
            return true;
        }
    }
    return false;
}

/* Bytes of an LEB128 at p, whatever its value: up to the first byte
 * without the continuation bit, or 0 if there is none within max. */
static unsigned leb_span(const uint8_t *p, size_t left, unsigned max)
{
    for (unsigned i = 0; i < max && i < left; i++)
        if (!(p[i] & 0x80))
            return i + 1;
    return 0;
}

static unsigned uleb_width(uint64_t v)
{
    unsigned w = 1;
    while (v >>= 7)
        w++;
    return w;
}

/* Unsigned v in exactly width bytes (padded with 0x80 continuations);
 * width must be at least uleb_width(v). Returns width. */
static unsigned put_uleb(uint8_t *out, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i + 1 < width; i++) {
        out[i] = (uint8_t)((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out[width - 1] = (uint8_t)(v & 0x7F);
    return width;
}

/* Signed v in its shortest form. */
static unsigned put_sleb(uint8_t *out, int64_t v)
{
    unsigned n = 0;
    for (;;) {
        uint8_t b = v & 0x7F;
        v >>= 7; /* arithmetic on every compiler this test meets */
        bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
        out[n++] = done ? b : (b | 0x80);
        if (done)
            return n;
    }
}

/* The same LEB128 one byte longer: the last byte gets a continuation and
 * a padding byte follows (sign copies when signed and negative). */
static unsigned lengthen_leb(const uint8_t *leb, unsigned len, bool sign,
                             uint8_t *out)
{
    memcpy(out, leb, len);
    uint8_t last = leb[len - 1];
    out[len - 1] = last | 0x80;
    out[len] = (sign && (last & 0x40)) ? 0x7F : 0x00;
    return len + 1;
}

/* ---- the source's layout ----------------------------------------------------- */

typedef struct sec {
    uint8_t id;
    size_t off;       /* the id byte */
    unsigned size_len;
    size_t payload, len;
} sec_t;

static size_t sec_end(const sec_t *sc)
{
    return sc->payload + sc->len;
}

typedef struct body {
    size_t size_off;  /* the body's size field */
    unsigned size_len;
    size_t off, len;  /* the body: local declarations and code */
} body_t;

/* A LEB128 field that the leb-* and count-* strategies may rewrite, with
 * the sizes that enclose it. */
typedef enum site_kind {
    SITE_SIZE,     /* a section's size */
    SITE_COUNT,    /* the u32 at the start of a section's payload */
    SITE_ENTRY,    /* a function section entry: a type index */
    SITE_BODYSIZE, /* a function body's size */
    SITE_LOCALS,   /* a body's number of local declarations */
    SITE_LOCALRUN, /* the count of one local declaration */
    SITE_LIMIT,    /* a table's or memory's minimum or maximum */
} site_kind_t;

typedef struct site {
    site_kind_t kind;
    size_t off;
    unsigned len;
    uint64_t value;
    int sec;          /* enclosing section, -1 for a section's own size */
    int body;         /* enclosing body, or -1 */
} site_t;

typedef struct insn {
    size_t off, end;  /* the instruction */
    size_t imm;       /* its first immediate (== end if none) */
    uint8_t imm_kind; /* dx_imm_t */
    int body;
} insn_t;

struct cf_src {
    const uint8_t *b;
    size_t len;
    sec_t *secs;
    unsigned nsecs;
    int code;         /* index of the code section, or -1 */
    body_t *bodies;
    unsigned nbodies;
    site_t *sites;
    size_t nsites, sites_cap;
    insn_t *insns;
    size_t ninsns;
};

static void add_site(cf_src_t *s, site_kind_t kind, size_t off, unsigned len,
                     uint64_t value, int sec, int body)
{
    if (s->nsites == s->sites_cap) {
        s->sites_cap = s->sites_cap ? 2 * s->sites_cap : 64;
        s->sites = xrealloc(s->sites, s->sites_cap * sizeof *s->sites);
    }
    s->sites[s->nsites++] = (site_t){kind, off, len, value, sec, body};
}

/* Sections up to the first one that does not fit in the bytes. */
static void map_sections(cf_src_t *s)
{
    static const uint8_t head[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    if (s->len < 8 || memcmp(s->b, head, 8) != 0)
        return;
    size_t pos = 8, cap = 0;
    while (pos < s->len) {
        sec_t sc = {.id = s->b[pos], .off = pos};
        size_t p = pos + 1;
        uint64_t size;
        if (!rd_leb(s->b, s->len, &p, &size, &sc.size_len, 5) ||
            size > s->len - p) /* both needed: p may equal len */
            return;
        sc.payload = p;
        sc.len = (size_t)size;
        if (s->nsecs == cap) {
            cap = cap ? 2 * cap : 16;
            s->secs = xrealloc(s->secs, cap * sizeof *s->secs);
        }
        s->secs[s->nsecs++] = sc;
        pos = p + sc.len;
    }
}

/* The local declarations of body bi: their count and each run's count. */
static void map_locals(cf_src_t *s, int bi)
{
    const body_t *bd = &s->bodies[bi];
    size_t pos = bd->off, end = bd->off + bd->len;
    uint64_t n, cnt;
    unsigned w;
    size_t at = pos;
    if (!rd_leb(s->b, end, &pos, &n, &w, 5))
        return;
    add_site(s, SITE_LOCALS, at, w, n, s->code, bi);
    for (uint64_t i = 0; i < n && pos < end; i++) {
        at = pos;
        if (!rd_leb(s->b, end, &pos, &cnt, &w, 5))
            return;
        add_site(s, SITE_LOCALRUN, at, w, cnt, s->code, bi);
        pos++; /* the value type */
    }
}

/* The bodies of the code section, as far as they frame. */
static void map_bodies(cf_src_t *s, int ci)
{
    const sec_t *sc = &s->secs[ci];
    size_t pos = sc->payload, end = sc->payload + sc->len;
    uint64_t n, size;
    unsigned w;
    if (!rd_leb(s->b, end, &pos, &n, &w, 5) || n > sc->len)
        return;
    s->code = ci;
    s->bodies = xrealloc(NULL, (size_t)n * sizeof *s->bodies);
    for (uint64_t i = 0; i < n; i++) {
        body_t bd = {.size_off = pos};
        if (!rd_leb(s->b, end, &pos, &size, &bd.size_len, 5) ||
            size > end - pos)
            break;
        bd.off = pos;
        bd.len = (size_t)size;
        s->bodies[s->nbodies] = bd;
        add_site(s, SITE_BODYSIZE, bd.size_off, bd.size_len, size, ci, -1);
        map_locals(s, (int)s->nbodies++);
        pos += bd.len;
    }
}

/* The limits of the tables (id 4) or memories (id 5) defined in
 * section i: (reftype) flags min [max] per entry. */
static void map_limits(cf_src_t *s, int i, size_t pos, uint64_t n)
{
    const sec_t *sc = &s->secs[i];
    size_t end = sc->payload + sc->len;
    for (uint64_t k = 0; k < n && pos < end; k++) {
        pos += sc->id == 4; /* the reference type */
        if (pos >= end)
            return;
        uint8_t flags = s->b[pos++];
        for (int m = 0; m < 1 + (flags & 1); m++) {
            size_t at = pos;
            uint64_t v;
            unsigned w;
            if (!rd_leb(s->b, end, &pos, &v, &w, 5))
                return;
            add_site(s, SITE_LIMIT, at, w, v, i, -1);
        }
    }
}

/* Sizes, counts, function section entries, limits. */
static void map_sites(cf_src_t *s)
{
    for (unsigned i = 0; i < s->nsecs; i++) {
        const sec_t *sc = &s->secs[i];
        add_site(s, SITE_SIZE, sc->off + 1, sc->size_len, sc->len, -1, -1);
        if (sc->id == 0 || sc->id > 12)
            continue;
        size_t pos = sc->payload, end = sc->payload + sc->len;
        uint64_t n, v;
        unsigned w;
        if (!rd_leb(s->b, end, &pos, &n, &w, 5))
            continue;
        add_site(s, SITE_COUNT, sc->payload, w, n, (int)i, -1);
        if (sc->id == 4 || sc->id == 5)
            map_limits(s, (int)i, pos, n);
        for (uint64_t k = 0; sc->id == 3 && k < n; k++) {
            size_t at = pos;
            if (!rd_leb(s->b, end, &pos, &v, &w, 5))
                break;
            add_site(s, SITE_ENTRY, at, w, v, (int)i, -1);
        }
        if (sc->id == 10 && s->code < 0)
            map_bodies(s, (int)i);
    }
}

/* Instruction boundaries, from libabi's reader, in the bodies that
 * libabi decodes and that agree with our own framing. */
static void map_insns(cf_src_t *s)
{
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    dx_code_t c;
    size_t cap = 0;
    dx_arena_init_malloc(&ar);
    if (!dx_module_decode(s->b, s->len, &ar, &m, &err)) {
        dx_arena_free(&ar);
        return;
    }
    memset(&c, 0, sizeof c);
    for (uint32_t f = m.nfunc_imports; f < m.nfuncs; f++) {
        uint32_t bi = f - m.nfunc_imports;
        if (bi >= s->nbodies || s->bodies[bi].off != m.funcs[f].body.off)
            continue;
        dx_code_init(&c, &m, f, &ar);
        dx_insn_t in;
        while (dx_code_more(&c) && dx_code_next(&c, &in, &err)) {
            if (s->ninsns == cap) {
                cap = cap ? 2 * cap : 1024;
                s->insns = xrealloc(s->insns, cap * sizeof *s->insns);
            }
            s->insns[s->ninsns++] = (insn_t){
                in.offset, in.end, in.imm, dx_opinfo[in.op].imm, (int)bi};
        }
    }
    dx_arena_free(&ar);
}

static cf_src_t *src_map(const uint8_t *bytes, size_t len, bool insns)
{
    cf_src_t *s = xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->b = bytes;
    s->len = len;
    s->code = -1;
    map_sections(s);
    map_sites(s);
    if (insns)
        map_insns(s);
    return s;
}

cf_src_t *cf_src_new(const uint8_t *bytes, size_t len)
{
    return src_map(bytes, len, true);
}

void cf_src_free(cf_src_t *s)
{
    if (!s)
        return;
    free(s->secs);
    free(s->bodies);
    free(s->sites);
    free(s->insns);
    free(s);
}

/* ---- the one edit every framed strategy makes ----------------------------- */

/* Replace src[off, off+del) with ins; with sec >= 0, re-encode the size of
 * that section and, with body >= 0, of that function body, each at its old
 * width when the new value fits. */
typedef struct edit {
    size_t off, del;
    const uint8_t *ins;
    size_t nins;
    int sec, body;
} edit_t;

static void put_size(cf_buf_t *out, uint64_t v, unsigned old_width)
{
    uint8_t tmp[10];
    unsigned w = uleb_width(v);
    cf_buf_put(out, tmp, put_uleb(tmp, v, w > old_width ? w : old_width));
}

static void apply_edit(const cf_src_t *s, const edit_t *e, cf_buf_t *out)
{
    const uint8_t *b = s->b;
    out->len = 0;
    if (e->sec < 0) {
        cf_buf_put(out, b, e->off);
        cf_buf_put(out, e->ins, e->nins);
        cf_buf_put(out, b + e->off + e->del, s->len - e->off - e->del);
        return;
    }
    const sec_t *sc = &s->secs[e->sec];
    int64_t delta = (int64_t)e->nins - (int64_t)e->del;
    size_t from = sc->payload;
    cf_buf_t body = {0};
    if (e->body >= 0) {
        const body_t *bd = &s->bodies[e->body];
        put_size(&body, (uint64_t)((int64_t)bd->len + delta), bd->size_len);
        delta += (int64_t)body.len - bd->size_len;
    }
    cf_buf_put(out, b, sc->off + 1);
    put_size(out, (uint64_t)((int64_t)sc->len + delta), sc->size_len);
    if (e->body >= 0) {
        const body_t *bd = &s->bodies[e->body];
        cf_buf_put(out, b + from, bd->size_off - from);
        cf_buf_put(out, body.p, body.len);
        from = bd->off;
    }
    cf_buf_put(out, b + from, e->off - from);
    cf_buf_put(out, e->ins, e->nins);
    cf_buf_put(out, b + e->off + e->del, s->len - e->off - e->del);
    cf_buf_free(&body);
}

static void edit_at(const cf_src_t *s, size_t off, size_t del,
                    const uint8_t *ins, size_t nins, int sec, int body,
                    cf_buf_t *out)
{
    edit_t e = {off, del, ins, nins, sec, body};
    apply_edit(s, &e, out);
}

/* ---- edits for the deviation checks ------------------------------------------ */

static int section_at(const cf_src_t *s, size_t off)
{
    for (unsigned i = 0; i < s->nsecs; i++)
        if (s->secs[i].payload <= off &&
            off <= s->secs[i].payload + s->secs[i].len)
            return (int)i;
    return -1;
}

static int body_at(const cf_src_t *s, int sec, size_t off)
{
    if (sec != s->code)
        return -1;
    for (unsigned i = 0; i < s->nbodies; i++)
        if (s->bodies[i].off <= off &&
            off <= s->bodies[i].off + s->bodies[i].len)
            return (int)i;
    return -1;
}

bool cf_edit_module(const uint8_t *b, size_t len, size_t off, size_t del,
                    const uint8_t *ins, size_t nins, cf_buf_t *out)
{
    cf_src_t *s = src_map(b, len, false);
    int sec = section_at(s, off);
    bool ok = sec >= 0 && off + del <= len;
    if (ok)
        edit_at(s, off, del, ins, nins, sec, body_at(s, sec, off), out);
    cf_src_free(s);
    return ok;
}

bool cf_section_at(const uint8_t *b, size_t len, size_t off, uint8_t *out_id,
                   size_t *out_end)
{
    cf_src_t *s = src_map(b, len, false);
    int sec = section_at(s, off);
    if (sec >= 0) {
        *out_id = s->secs[sec].id;
        *out_end = s->secs[sec].payload + s->secs[sec].len;
    }
    cf_src_free(s);
    return sec >= 0;
}

static bool is_dogma_section(const cf_src_t *s, const sec_t *sc)
{
    size_t pos = sc->payload, end = sc->payload + sc->len;
    uint64_t n;
    unsigned w;
    return rd_leb(s->b, end, &pos, &n, &w, 5) && n >= 6 &&
           n <= end - pos && memcmp(s->b + pos, "dogma.", 6) == 0;
}

bool cf_strip_custom(const uint8_t *b, size_t len, cf_buf_t *out)
{
    cf_src_t *s = src_map(b, len, false);
    size_t end = 8;
    out->len = 0;
    cf_buf_put(out, b, len < 8 ? len : 8);
    for (unsigned i = 0; i < s->nsecs; i++) {
        const sec_t *sc = &s->secs[i];
        end = sec_end(sc);
        if (sc->id != 0 || is_dogma_section(s, sc))
            cf_buf_put(out, b + sc->off, end - sc->off);
    }
    cf_src_free(s);
    return len >= 8 && end == len;
}

bool cf_has_section(const uint8_t *b, size_t len, uint8_t id)
{
    cf_src_t *s = src_map(b, len, false);
    bool found = false;
    for (unsigned i = 0; i < s->nsecs; i++)
        found |= s->secs[i].id == id;
    cf_src_free(s);
    return found;
}

/* ---- choosing what to change ------------------------------------------------ */

/* A section, mostly a non-custom one: custom sections other than a few
 * are opaque to both validators, so changes there say little. */
static int pick_section(const cf_src_t *s, cf_rng_t *r)
{
    if (!s->nsecs)
        return -1;
    int i = (int)cf_rng_below(r, s->nsecs);
    for (int tries = 0; s->secs[i].id == 0 && tries < 8 && chance(r, 80);
         tries++)
        i = (int)cf_rng_below(r, s->nsecs);
    return i;
}

static const site_t *pick_site(const cf_src_t *s, cf_rng_t *r, unsigned kinds)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nsites; i++)
        n += (kinds >> s->sites[i].kind) & 1;
    if (!n)
        return NULL;
    size_t k = cf_rng_below(r, n);
    for (size_t i = 0; i < s->nsites; i++)
        if (((kinds >> s->sites[i].kind) & 1) && k-- == 0)
            return &s->sites[i];
    return NULL;
}

#define ALL_SITES 0x7Fu
#define COUNT_SITES (1u << SITE_COUNT | 1u << SITE_LOCALS)

/* A byte offset, mostly inside a non-custom section. */
static size_t pick_offset(const cf_src_t *s, cf_rng_t *r)
{
    int i = pick_section(s, r);
    if (i < 0 || chance(r, 20))
        return cf_rng_below(r, s->len);
    const sec_t *sc = &s->secs[i];
    return sc->off + cf_rng_below(r, sc->payload + sc->len - sc->off);
}

/* ---- the strategies ------------------------------------------------------------ */

typedef bool mut_fn(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out);

static bool mut_flip(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->len)
        return false;
    uint8_t v = (uint8_t)cf_rng_next(r);
    size_t at = pick_offset(s, r);
    edit_at(s, at, 1, &v, 1, -1, -1, out);
    return true;
}

static bool mut_bitflip(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->len)
        return false;
    size_t at = pick_offset(s, r);
    uint8_t v = s->b[at] ^ (uint8_t)(1u << cf_rng_below(r, 8));
    edit_at(s, at, 1, &v, 1, -1, -1, out);
    return true;
}

/* At a random offset, or near a section boundary where decoders most
 * often get the end-of-input checks wrong. */
static bool mut_truncate(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->len)
        return false;
    size_t at = cf_rng_below(r, s->len);
    if (s->nsecs && chance(r, 40)) {
        const sec_t *sc = &s->secs[cf_rng_below(r, s->nsecs)];
        size_t marks[4] = {sc->off, sc->off + 1, sc->payload,
                           sc->payload + sc->len - (sc->len > 0)};
        at = marks[cf_rng_below(r, 4)];
    }
    out->len = 0;
    cf_buf_put(out, s->b, at);
    return true;
}

/* Overwrites up to 64 bytes with bytes from elsewhere in the module. */
static bool mut_splice(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (s->len < 2)
        return false;
    size_t n = 1 + cf_rng_below(r, 64);
    if (n > s->len / 2)
        n = s->len / 2;
    size_t from = cf_rng_below(r, s->len - n + 1);
    size_t to = pick_offset(s, r);
    if (to + n > s->len)
        to = s->len - n;
    uint8_t tmp[64];
    memcpy(tmp, s->b + from, n);
    edit_at(s, to, n, tmp, n, -1, -1, out);
    return true;
}

/* Rewrites a LEB128 site; adjust re-encodes the enclosing sizes. */
static void rewrite_site(const cf_src_t *s, const site_t *st,
                         const uint8_t *leb, unsigned n, bool adjust,
                         cf_buf_t *out)
{
    edit_at(s, st->off, st->len, leb, n, adjust ? st->sec : -1,
            adjust ? st->body : -1, out);
}

static bool leb_longer(const cf_src_t *s, cf_rng_t *r, bool adjust,
                       cf_buf_t *out)
{
    const site_t *st = pick_site(s, r, ALL_SITES);
    if (!st)
        return false;
    uint8_t leb[16];
    unsigned n = lengthen_leb(s->b + st->off, st->len, false, leb);
    rewrite_site(s, st, leb, n, adjust, out);
    return true;
}

static bool mut_leb_longer(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return leb_longer(s, r, true, out);
}

static bool mut_leb_longer_raw(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return leb_longer(s, r, false, out);
}

/* The value padded to width bytes; extra sets unused bits of the last. */
static bool leb_padded(const cf_src_t *s, cf_rng_t *r, unsigned width,
                       uint8_t extra, cf_buf_t *out)
{
    const site_t *st = pick_site(s, r, ALL_SITES);
    if (!st || uleb_width(st->value) > width)
        return false;
    uint8_t leb[16];
    unsigned n = put_uleb(leb, st->value, width);
    leb[n - 1] |= extra;
    rewrite_site(s, st, leb, n, true, out);
    return true;
}

/* 5 bytes: the longest valid u32. */
static bool mut_leb_max(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return leb_padded(s, r, 5, 0, out);
}

/* 6 bytes: malformed however small the value (5.2.2). */
static bool mut_leb_overlong(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return leb_padded(s, r, 6, 0, out);
}

/* 5 bytes with one of the unused high bits of the last byte set:
 * malformed (5.2.2: "integer too large"). */
static bool mut_leb_highbits(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return leb_padded(s, r, 5, (uint8_t)(0x10u << cf_rng_below(r, 3)), out);
}

static bool count_to(const cf_src_t *s, cf_rng_t *r, int how, cf_buf_t *out)
{
    const site_t *st = pick_site(s, r, COUNT_SITES);
    if (!st)
        return false;
    static const uint64_t big[] = {0xFFFFFFFFu, 0x80000000u, 0x10000000u,
                                   100001u,     1000001u,   65536u};
    uint64_t v = st->value;
    if (how > 0)
        v += 1 + (chance(r, 70) ? 0 : cf_rng_below(r, 16));
    else if (how < 0)
        v = v ? v - 1 : 1;
    else
        v = big[cf_rng_below(r, sizeof big / sizeof big[0])];
    if (v > 0xFFFFFFFFu)
        v = 0xFFFFFFFFu;
    uint8_t leb[16];
    unsigned w = uleb_width(v);
    unsigned n = put_uleb(leb, v, w > st->len ? w : st->len);
    rewrite_site(s, st, leb, n, true, out);
    return true;
}

static bool mut_count_inc(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return count_to(s, r, 1, out);
}

static bool mut_count_dec(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return count_to(s, r, -1, out);
}

static bool mut_count_big(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    return count_to(s, r, 0, out);
}

/* One local declaration claims many locals: around DX_MAX_LOCALS, where
 * Dogma's limit and the spec part ways, and far beyond. */
static bool mut_locals_many(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const site_t *st = pick_site(s, r, 1u << SITE_LOCALRUN);
    if (!st)
        return false;
    static const uint64_t counts[] = {
        DX_MAX_LOCALS - 1, DX_MAX_LOCALS, DX_MAX_LOCALS + 1, 1u << 20,
        0x0FFFFFFFu,       0x10000000u,   0xFFFFFFFFu};
    uint64_t v = counts[cf_rng_below(r, sizeof counts / sizeof counts[0])];
    uint8_t leb[8];
    rewrite_site(s, st, leb, put_uleb(leb, v, uleb_width(v)), true, out);
    return true;
}

/* A table's or memory's limit set to a value at one of the boundaries:
 * Dogma's table limit (DX_MAX_TABLE_SIZE), the 65536 pages of memory (spec
 * 3.2.5), the u32 range; or one more than it was, which may put the
 * minimum above the maximum (3.2.1). */
static bool mut_limits(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const site_t *st = pick_site(s, r, 1u << SITE_LIMIT);
    if (!st)
        return false;
    static const uint64_t vals[] = {
        0, 1, 0xFFFF, 0x10000, 0x10001, DX_MAX_TABLE_SIZE,
        DX_MAX_TABLE_SIZE + 1, 0x7FFFFFFF, 0xFFFFFFFF};
    uint64_t v = vals[cf_rng_below(r, sizeof vals / sizeof vals[0])];
    if (chance(r, 25))
        v = st->value + 1;
    uint8_t leb[8];
    unsigned w = uleb_width(v);
    rewrite_site(s, st, leb, put_uleb(leb, v, w > st->len ? w : st->len),
                 true, out);
    return true;
}

/* Whole sections: swap two neighbours, duplicate one, drop one. */

static bool mut_swap(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (s->nsecs < 2)
        return false;
    int i = pick_section(s, r);
    if (i == (int)s->nsecs - 1 || (i > 0 && chance(r, 50)))
        i--;
    const sec_t *a = &s->secs[i], *b = &s->secs[i + 1];
    out->len = 0;
    cf_buf_put(out, s->b, a->off);
    cf_buf_put(out, s->b + b->off, sec_end(b) - b->off);
    cf_buf_put(out, s->b + a->off, sec_end(a) - a->off);
    cf_buf_put(out, s->b + sec_end(b), s->len - sec_end(b));
    return true;
}

static bool mut_dup(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    int i = pick_section(s, r);
    if (i < 0)
        return false;
    const sec_t *a = &s->secs[i];
    out->len = 0;
    cf_buf_put(out, s->b, sec_end(a));
    cf_buf_put(out, s->b + a->off, s->len - a->off);
    return true;
}

static bool mut_drop(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    int i = pick_section(s, r);
    if (i < 0)
        return false;
    const sec_t *a = &s->secs[i];
    out->len = 0;
    cf_buf_put(out, s->b, a->off);
    cf_buf_put(out, s->b + sec_end(a), s->len - sec_end(a));
    return true;
}

/* A section's payload cut short, its size field telling the truth. */
static bool mut_cut(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    int i = pick_section(s, r);
    if (i < 0 || s->secs[i].len == 0)
        return false;
    const sec_t *a = &s->secs[i];
    size_t keep = cf_rng_below(r, a->len);
    edit_at(s, a->payload + keep, a->len - keep, NULL, 0, i, -1, out);
    return true;
}

/* An offset for a framed byte edit: inside a function body (the sizes of
 * both body and section re-encoded), or in some section's payload. */
static void pick_framed(const cf_src_t *s, cf_rng_t *r, size_t *off,
                        int *sec, int *body)
{
    *sec = pick_section(s, r);
    *body = -1;
    if (s->nbodies && (s->secs[*sec].id == 10 || chance(r, 50))) {
        *sec = s->code;
        *body = (int)cf_rng_below(r, s->nbodies);
        const body_t *bd = &s->bodies[*body];
        *off = bd->off + cf_rng_below(r, bd->len + 1);
        return;
    }
    const sec_t *a = &s->secs[*sec];
    *off = a->payload + cf_rng_below(r, a->len + 1);
}

static bool mut_insert(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->nsecs)
        return false;
    size_t off;
    int sec, body;
    pick_framed(s, r, &off, &sec, &body);
    uint8_t v = (uint8_t)cf_rng_next(r);
    edit_at(s, off, 0, &v, 1, sec, body, out);
    return true;
}

static bool mut_delete(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->nsecs)
        return false;
    size_t off;
    int sec, body;
    pick_framed(s, r, &off, &sec, &body);
    size_t end = body >= 0 ? s->bodies[body].off + s->bodies[body].len
                           : s->secs[sec].payload + s->secs[sec].len;
    if (off >= end)
        return false;
    edit_at(s, off, 1, NULL, 0, sec, body, out);
    return true;
}

static bool mut_body_flip(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (!s->nbodies)
        return false;
    const body_t *bd = &s->bodies[cf_rng_below(r, s->nbodies)];
    if (!bd->len)
        return false;
    uint8_t v = (uint8_t)cf_rng_next(r);
    edit_at(s, bd->off + cf_rng_below(r, bd->len), 1, &v, 1, -1, -1, out);
    return true;
}

/* ---- instruction-level strategies --------------------------------------------- */

/* Short instruction sequences to insert: every kind of immediate, stack
 * effects that rarely fit, the reference and bulk-memory instructions, and
 * encodings from outside the feature set (SIMD, threads, exceptions, tail
 * calls) that both validators must refuse. */
typedef struct snippet {
    uint8_t n;
    uint8_t b[18];
} snippet_t;

static const snippet_t snippets[] = {
    {1, {0x00}}, {1, {0x01}}, {1, {0x1A}}, {1, {0x0F}}, {1, {0x0B}},
    {1, {0x05}}, {2, {0x41, 0x00}}, {2, {0x42, 0x7F}},
    {5, {0x43, 0, 0, 0x80, 0x3F}}, {9, {0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F}},
    {2, {0x20, 0x00}}, {2, {0x21, 0x00}}, {2, {0x22, 0x01}},
    {2, {0x23, 0x00}}, {2, {0x24, 0x00}}, {1, {0x6A}}, {1, {0x7C}},
    {1, {0x45}}, {1, {0xA7}}, {1, {0xAC}}, {1, {0xBC}}, {1, {0xC0}},
    {1, {0xC4}}, {2, {0x02, 0x40}}, {2, {0x03, 0x40}}, {2, {0x04, 0x40}},
    {2, {0x02, 0x7F}}, {2, {0x03, 0x7E}}, {2, {0x04, 0x00}},
    {2, {0x02, 0x01}}, {2, {0x02, 0x70}}, {2, {0x02, 0x7B}},
    {2, {0x0C, 0x00}}, {2, {0x0C, 0x01}}, {2, {0x0D, 0x00}},
    {4, {0x0E, 0x01, 0x00, 0x01}}, {3, {0x0E, 0x00, 0x00}},
    {2, {0x10, 0x00}}, {3, {0x11, 0x00, 0x00}}, {3, {0x11, 0x00, 0x01}},
    {1, {0x1B}}, {3, {0x1C, 0x01, 0x7F}}, {3, {0x1C, 0x01, 0x70}},
    {3, {0x1C, 0x02, 0x7F}}, {3, {0x1C, 0x00, 0x7F}},
    {3, {0x28, 0x02, 0x00}}, {3, {0x36, 0x02, 0x00}}, {3, {0x28, 0x03, 0x00}},
    {3, {0x29, 0x03, 0x08}}, {3, {0x2D, 0x00, 0x00}}, {3, {0x3C, 0x01, 0x00}},
    {2, {0x3F, 0x00}}, {2, {0x40, 0x00}}, {2, {0x3F, 0x01}},
    {2, {0xD0, 0x70}}, {2, {0xD0, 0x6F}}, {2, {0xD0, 0x7F}}, {1, {0xD1}},
    {2, {0xD2, 0x00}}, {2, {0x25, 0x00}}, {2, {0x26, 0x00}},
    {3, {0xFC, 0x0F, 0x00}}, {3, {0xFC, 0x10, 0x00}}, {3, {0xFC, 0x11, 0x00}},
    {4, {0xFC, 0x08, 0x00, 0x00}}, {3, {0xFC, 0x09, 0x00}},
    {4, {0xFC, 0x0A, 0x00, 0x00}}, {3, {0xFC, 0x0B, 0x00}},
    {4, {0xFC, 0x0C, 0x00, 0x00}}, {3, {0xFC, 0x0D, 0x00}},
    {4, {0xFC, 0x0E, 0x00, 0x00}}, {2, {0xFC, 0x00}}, {2, {0xFC, 0x07}},
    {2, {0xFC, 0x12}}, {3, {0xFC, 0x80, 0x00}},
    {18, {0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {4, {0xFE, 0x10, 0x02, 0x00}}, {2, {0x06, 0x40}}, {2, {0x12, 0x00}},
    {1, {0xFF}}, {1, {0xC5}},
};

static const insn_t *pick_insn(const cf_src_t *s, cf_rng_t *r)
{
    return s->ninsns ? &s->insns[cf_rng_below(r, s->ninsns)] : NULL;
}

/* A snippet or, as often, a copy of another instruction of the module. */
static void pick_new_insn(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    out->len = 0;
    const insn_t *o = pick_insn(s, r);
    if (o && chance(r, 50)) {
        cf_buf_put(out, s->b + o->off, o->end - o->off);
        return;
    }
    const snippet_t *sn =
        &snippets[cf_rng_below(r, sizeof snippets / sizeof snippets[0])];
    cf_buf_put(out, sn->b, sn->n);
}

static bool insn_edit(const cf_src_t *s, size_t off, size_t del,
                      const uint8_t *ins, size_t n, int body, cf_buf_t *out)
{
    edit_at(s, off, del, ins, n, s->code, body, out);
    return true;
}

static bool mut_insn_insert(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn(s, r);
    if (!in)
        return false;
    cf_buf_t add = {0};
    pick_new_insn(s, r, &add);
    insn_edit(s, in->off, 0, add.p, add.len, in->body, out);
    cf_buf_free(&add);
    return true;
}

static bool mut_insn_replace(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn(s, r);
    if (!in)
        return false;
    cf_buf_t add = {0};
    pick_new_insn(s, r, &add);
    insn_edit(s, in->off, in->end - in->off, add.p, add.len, in->body, out);
    cf_buf_free(&add);
    return true;
}

static bool mut_insn_delete(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn(s, r);
    if (!in)
        return false;
    return insn_edit(s, in->off, in->end - in->off, NULL, 0, in->body, out);
}

static bool mut_insn_dup(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn(s, r);
    if (!in)
        return false;
    return insn_edit(s, in->end, 0, s->b + in->off, in->end - in->off,
                     in->body, out);
}

static bool mut_insn_swap(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    if (s->ninsns < 2)
        return false;
    size_t i = cf_rng_below(r, s->ninsns - 1);
    const insn_t *a = &s->insns[i], *b = &s->insns[i + 1];
    if (a->body != b->body || a->end != b->off)
        return false;
    cf_buf_t sw = {0};
    cf_buf_put(&sw, s->b + b->off, b->end - b->off);
    cf_buf_put(&sw, s->b + a->off, a->end - a->off);
    insn_edit(s, a->off, sw.len, sw.p, sw.len, a->body, out);
    cf_buf_free(&sw);
    return true;
}

/* An instruction whose first immediate is an index, or a block type. */
static bool has_index(uint8_t k)
{
    switch ((dx_imm_t)k) {
    case DX_IMM_LABEL: case DX_IMM_FUNC: case DX_IMM_CALL_INDIRECT:
    case DX_IMM_LOCAL: case DX_IMM_GLOBAL: case DX_IMM_TABLE:
    case DX_IMM_TABLE_INIT: case DX_IMM_ELEM: case DX_IMM_TABLE_COPY:
    case DX_IMM_MEMORY_INIT: case DX_IMM_DATA: case DX_IMM_MEMARG:
    case DX_IMM_BR_TABLE: case DX_IMM_BLOCK:
        return true;
    default:
        return false;
    }
}

static const insn_t *pick_insn_where(const cf_src_t *s, cf_rng_t *r,
                                     bool (*want)(uint8_t))
{
    for (int tries = 0; tries < 64; tries++) {
        const insn_t *in = pick_insn(s, r);
        if (!in)
            return NULL;
        if (in->imm < in->end && want(in->imm_kind))
            return in;
    }
    return NULL;
}

static uint64_t new_index(cf_rng_t *r, uint64_t v)
{
    switch (cf_rng_below(r, 6)) {
    case 0: return v + 1;
    case 1: return v ? v - 1 : 1;
    case 2: return 0;
    case 3: return v + 2 + cf_rng_below(r, 64);
    case 4: return cf_rng_below(r, 8);
    default: return cf_rng_below(r, 2) ? 0xFFFFFFFFu : 0x8000000u;
    }
}

/* A block type: another type index, or one of the value type bytes,
 * valid or not (5.4.1). */
static unsigned new_blocktype(cf_rng_t *r, uint8_t *leb)
{
    static const uint8_t bytes[] = {0x40, 0x7F, 0x7E, 0x7D, 0x7C, 0x7B,
                                    0x70, 0x6F, 0x6B, 0x63, 0x3F, 0x00};
    if (chance(r, 50)) {
        leb[0] = bytes[cf_rng_below(r, sizeof bytes)];
        return 1;
    }
    return put_sleb(leb, (int64_t)cf_rng_below(r, 40) - 2);
}

/* An index immediate changed: unknown locals, labels, functions, types. */
static bool mut_imm_change(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn_where(s, r, has_index);
    if (!in)
        return false;
    uint8_t leb[16];
    unsigned n, old;
    if (in->imm_kind == DX_IMM_BLOCK) {
        const uint8_t *p = s->b + in->imm;
        old = (p[0] & 0x80) ? leb_span(p, in->end - in->imm, 5) : 1;
        n = new_blocktype(r, leb);
    } else {
        size_t pos = in->imm;
        uint64_t v;
        if (!rd_leb(s->b, in->end, &pos, &v, &old, 5))
            return false;
        v = new_index(r, v) & 0xFFFFFFFFu;
        n = put_uleb(leb, v, uleb_width(v) > old ? uleb_width(v) : old);
    }
    return insn_edit(s, in->imm, old, leb, n, in->body, out);
}

static bool any_leb_imm(uint8_t k)
{
    return has_index(k) || k == DX_IMM_I32 || k == DX_IMM_I64;
}

/* An immediate one byte longer: still valid below the type's maximum
 * width, malformed at it (5.2.2). */
static bool mut_imm_longer(const cf_src_t *s, cf_rng_t *r, cf_buf_t *out)
{
    const insn_t *in = pick_insn_where(s, r, any_leb_imm);
    if (!in)
        return false;
    const uint8_t *p = s->b + in->imm;
    unsigned old = leb_span(p, in->end - in->imm, 10);
    if (!old)
        return false;
    bool sign = in->imm_kind == DX_IMM_I32 || in->imm_kind == DX_IMM_I64 ||
                in->imm_kind == DX_IMM_BLOCK;
    uint8_t leb[16];
    unsigned n = lengthen_leb(p, old, sign, leb);
    return insn_edit(s, in->imm, old, leb, n, in->body, out);
}

/* ---- the table ------------------------------------------------------------------ */

typedef struct strategy {
    const char *name;
    mut_fn *fn;
    unsigned weight;
} strategy_t;

static const strategy_t strategies[] = {
    {"flip", mut_flip, 6},
    {"bitflip", mut_bitflip, 4},
    {"truncate", mut_truncate, 3},
    {"splice", mut_splice, 2},
    {"leb-longer", mut_leb_longer, 3},
    {"leb-longer-raw", mut_leb_longer_raw, 2},
    {"leb-max", mut_leb_max, 2},
    {"leb-overlong", mut_leb_overlong, 1},
    {"leb-highbits", mut_leb_highbits, 1},
    {"swap", mut_swap, 3},
    {"dup", mut_dup, 2},
    {"drop", mut_drop, 3},
    {"count-inc", mut_count_inc, 2},
    {"count-dec", mut_count_dec, 2},
    {"count-big", mut_count_big, 1},
    {"locals-many", mut_locals_many, 1},
    {"limits", mut_limits, 1},
    {"cut", mut_cut, 2},
    {"insert", mut_insert, 2},
    {"delete", mut_delete, 2},
    {"body-flip", mut_body_flip, 3},
    {"insn-insert", mut_insn_insert, 6},
    {"insn-replace", mut_insn_replace, 4},
    {"insn-delete", mut_insn_delete, 4},
    {"insn-dup", mut_insn_dup, 2},
    {"insn-swap", mut_insn_swap, 2},
    {"imm-change", mut_imm_change, 5},
    {"imm-longer", mut_imm_longer, 2},
};

#define NSTRATEGIES (sizeof strategies / sizeof strategies[0])

unsigned cf_mut_count(void)
{
    return NSTRATEGIES;
}

const char *cf_mut_name(unsigned i)
{
    return i < NSTRATEGIES ? strategies[i].name : "?";
}

int cf_mut_lookup(const char *name)
{
    for (unsigned i = 0; i < NSTRATEGIES; i++)
        if (strcmp(strategies[i].name, name) == 0)
            return (int)i;
    return -1;
}

static unsigned pick_strategy(cf_rng_t *r)
{
    unsigned total = 0;
    for (unsigned i = 0; i < NSTRATEGIES; i++)
        total += strategies[i].weight;
    unsigned k = (unsigned)cf_rng_below(r, total);
    for (unsigned i = 0; i < NSTRATEGIES; i++) {
        if (k < strategies[i].weight)
            return i;
        k -= strategies[i].weight;
    }
    return 0;
}

const char *cf_mutate(const cf_src_t *s, cf_rng_t *r, int only, cf_buf_t *out)
{
    unsigned i = only >= 0 ? (unsigned)only : pick_strategy(r);
    out->len = 0;
    if (strategies[i].fn(s, r, out))
        return strategies[i].name;
    if (mut_flip(s, r, out))
        return "flip";
    return "empty"; /* an empty source: the mutant is empty too */
}
