/*
 * LZ77 compression and decompression round trip, with CRC-32 and Adler-32.
 *
 * SIZE KiB of input (sentences of generated words, with runs and a stretch
 * of noise) are compressed with a hash-chain LZ77 matcher (32 KiB window,
 * matches of 4 to 273 bytes, one step of lazy matching) into a byte format
 * of literal runs and (length, distance) pairs with variable-length
 * integers, then decompressed, and the result must equal the input. The
 * CRC-32 (table driven, table built at start) and Adler-32 of input and
 * output are compared, and the compressed stream's CRC is printed so the
 * matcher's choices are pinned too. It exercises byte loads and stores,
 * overlapping copies, 16- and 32-bit hashing with shifts and multiplies,
 * modulo by a constant, memcmp/memcpy/memset, and large malloc'd buffers.
 * Output: sizes, ratio and checksums.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0xdeadbeefu
#include "prog.h"

#define WINDOW (1u << 15)
#define MIN_MATCH 4
#define MAX_MATCH 273
#define HASH_BITS 14
#define MAX_CHAIN 48

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static uint8_t *put_varint(uint8_t *o, uint32_t v)
{
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint32_t *out_v)
{
    uint32_t v = 0;
    for (unsigned shift = 0; p < end && shift < 35; shift += 7) {
        uint8_t b = *p++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out_v = v;
            return p;
        }
    }
    return NULL;
}

typedef struct {
    int32_t *head;  /* last position with each hash, or -1 */
    int32_t *prev;  /* previous position with the same hash, by position mod WINDOW */
} matcher_t;

static uint32_t longest_match(const matcher_t *m, const uint8_t *in, size_t n, size_t pos,
                              uint32_t *out_dist)
{
    uint32_t best = 0, limit = n - pos < MAX_MATCH ? (uint32_t)(n - pos) : MAX_MATCH;
    int32_t cand = m->head[hash4(in + pos)];

    for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
        size_t c = (size_t)cand;
        if (pos - c > WINDOW - 1)
            break;
        if (in[c + best] == in[pos + best]) { /* cheap reject before the full compare */
            uint32_t len = 0;
            while (len < limit && in[c + len] == in[pos + len])
                len++;
            if (len > best) {
                best = len;
                *out_dist = (uint32_t)(pos - c);
                if (len == limit)
                    break;
            }
        }
        cand = m->prev[c % WINDOW];
    }
    return best >= MIN_MATCH ? best : 0;
}

static void insert_pos(matcher_t *m, const uint8_t *in, size_t pos)
{
    uint32_t h = hash4(in + pos);
    m->prev[pos % WINDOW] = m->head[h];
    m->head[h] = (int32_t)pos;
}

static uint8_t *flush_literals(uint8_t *o, const uint8_t *lit, size_t nlit)
{
    if (nlit == 0)
        return o;
    o = put_varint(o, (uint32_t)nlit << 1); /* tag bit 0: a literal run */
    memcpy(o, lit, nlit);
    return o + nlit;
}

/* out must hold n + n / 64 + 16 bytes. Returns the compressed size. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
    matcher_t m;
    uint8_t *o = out;
    size_t pos = 0, lit_start = 0;

    m.head = malloc((1u << HASH_BITS) * sizeof *m.head);
    m.prev = malloc(WINDOW * sizeof *m.prev);
    if (m.head == NULL || m.prev == NULL)
        exit(3);
    memset(m.head, 0xff, (1u << HASH_BITS) * sizeof *m.head); /* all -1 */
    while (pos + MIN_MATCH <= n) {
        uint32_t dist = 0, dist2 = 0, len = longest_match(&m, in, n, pos, &dist);
        insert_pos(&m, in, pos);
        if (len > 0 && pos + 1 + MIN_MATCH <= n &&
            longest_match(&m, in, n, pos + 1, &dist2) > len) {
            len = 0; /* lazy: a longer match starts at the next byte */
        }
        if (len == 0) {
            pos++;
            continue;
        }
        o = flush_literals(o, in + lit_start, pos - lit_start);
        o = put_varint(o, (len - MIN_MATCH) << 1 | 1);
        o = put_varint(o, dist);
        for (size_t k = 1; k < len && pos + k + MIN_MATCH <= n; k++)
            insert_pos(&m, in, pos + k);
        pos += len;
        lit_start = pos;
    }
    o = flush_literals(o, in + lit_start, n - lit_start);
    free(m.head);
    free(m.prev);
    return (size_t)(o - out);
}

/* Returns the decompressed size, or SIZE_MAX on a malformed stream. */
static size_t decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    const uint8_t *p = in, *end = in + n;
    size_t o = 0;

    while (p < end) {
        uint32_t tag, dist;
        if ((p = get_varint(p, end, &tag)) == NULL)
            return SIZE_MAX;
        if (!(tag & 1)) {
            size_t len = tag >> 1;
            if (len > (size_t)(end - p) || len > cap - o)
                return SIZE_MAX;
            memcpy(out + o, p, len);
            p += len, o += len;
            continue;
        }
        size_t len = (tag >> 1) + MIN_MATCH;
        if ((p = get_varint(p, end, &dist)) == NULL || dist == 0 || dist > o || len > cap - o)
            return SIZE_MAX;
        for (size_t k = 0; k < len; k++, o++) /* byte by byte: source and copy may overlap */
            out[o] = out[o - dist];
    }
    return o;
}

static void generate(uint8_t *buf, size_t n)
{
    static const char *const words[] = {
        "the", "module", "verifier", "checks", "every", "function", "before", "it", "runs",
        "kernel", "maps", "code", "only", "after", "proof", "and", "stack", "memory", "page",
        "table", "translator", "emits", "x86-64", "instructions", "in", "one", "pass",
    };
    size_t i = 0;

    while (i < n) {
        uint32_t r = rng() % 100;
        const char *piece;
        char tmp[40];
        if (r < 85) {
            piece = words[rng() % (sizeof words / sizeof words[0])];
        } else if (r < 95) {
            snprintf(tmp, sizeof tmp, "%" PRIu32 ".\n", rng() % 1000);
            piece = tmp;
        } else if (r < 98) {
            memset(tmp, '=', 24);
            tmp[24] = '\0';
            piece = tmp;
        } else { /* noise: incompressible bytes */
            for (int k = 0; k < 32; k++)
                tmp[k] = (char)(rng() % 255 + 1);
            tmp[32] = '\0';
            piece = tmp;
        }
        for (; *piece != '\0' && i < n; piece++)
            buf[i++] = (uint8_t)*piece;
        if (i < n)
            buf[i++] = ' ';
    }
}

int main(int argc, char **argv)
{
    uint32_t kib = parse_size(argc, argv, 192, 1u << 16);
    size_t n = (size_t)kib * 1024, cap = n + n / 64 + 16, clen, dlen;
    uint8_t *in = malloc(n), *comp = malloc(cap), *out = malloc(n);
    int bad = 0;

    if (in == NULL || comp == NULL || out == NULL)
        return 3;
    crc_init();
    generate(in, n);
    clen = compress(in, n, comp);
    dlen = decompress(comp, clen, out, n);
    printf("input %zu bytes crc32 %08" PRIx32 " adler32 %08" PRIx32 "\n", n, crc32(in, n),
           adler32(in, n));
    printf("compressed %zu bytes (%.1f%%) crc32 %08" PRIx32 "\n", clen,
           100.0 * (double)clen / (double)n, crc32(comp, clen));
    if (dlen != n || memcmp(in, out, n) != 0 || crc32(out, n) != crc32(in, n) ||
        adler32(out, n) != adler32(in, n)) {
        fprintf(stderr, "round trip failed: %zu bytes back of %zu\n", dlen, n);
        bad = 1;
    }
    if (crc32((const uint8_t *)"123456789", 9) != 0xcbf43926u ||
        adler32((const uint8_t *)"Wikipedia", 9) != 0x11e60398u) {
        fprintf(stderr, "checksum test vectors failed\n");
        bad = 1;
    }
    printf("round trip %s\n", bad ? "FAILED" : "ok");
    free(in), free(comp), free(out);
    return bad;
}
