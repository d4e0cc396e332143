/*
 * replicate: make a module K times larger with the same instruction mix.
 *
 *   replicate IN.wasm K OUT.wasm
 *
 * Every defined function and every data segment is repeated K times (the
 * copies have the same types, bodies and bytes; their calls and data
 * indices still name the originals, so the result stays valid), the data
 * count follows, every other section is kept once, and custom sections are
 * dropped. Timing validation of IN at K = 1, 3, 10, ... then
 * measures how the cost grows with size alone, with the mix of
 * instructions held fixed: the linearity figure of
 * bench/validate-throughput.sh.
 *
 * A benchmark tool, not a validator: it trusts IN to be well formed and
 * exits with a message if it is not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap)
            b->cap = b->cap ? b->cap * 2 : 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            perror("replicate");
            exit(1);
        }
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_u(buf_t *b, uint64_t v)
{
    do {
        uint8_t x = v & 0x7f;
        v >>= 7;
        x |= v ? 0x80 : 0;
        put(b, &x, 1);
    } while (v);
}

static _Noreturn void bad(const char *why)
{
    fprintf(stderr, "replicate: input not a well-formed module: %s\n", why);
    exit(1);
}

static uint32_t get_u(const uint8_t *p, size_t end, size_t *pos)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= end)
            bad("truncated integer");
        uint8_t b = p[(*pos)++];
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    bad("integer too long");
}

static void section(buf_t *out, uint8_t id, const buf_t *payload)
{
    put(out, &id, 1);
    put_u(out, payload->n);
    put(out, payload->p, payload->n);
}

/* A vector section (function, code, data) with its entries K times over,
 * or the data count section with its count times K. */
static void repeat(buf_t *out, uint8_t id, const uint8_t *p, size_t pos,
                   size_t end, unsigned k)
{
    uint32_t n = get_u(p, end, &pos);
    buf_t s = {0};
    put_u(&s, (uint64_t)n * k);
    for (unsigned i = 0; id != 12 && i < k; i++)
        put(&s, p + pos, end - pos);
    section(out, id, &s);
    free(s.p);
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: replicate IN.wasm K OUT.wasm\n");
        return 2;
    }
    unsigned k = (unsigned)atoi(argv[2]);
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    buf_t in = {0};
    uint8_t chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(&in, chunk, got);
    fclose(f);
    if (in.n < 8 || memcmp(in.p, "\0asm\1\0\0\0", 8))
        bad("no header");
    buf_t out = {0};
    put(&out, in.p, 8);
    size_t pos = 8;
    while (pos < in.n) {
        uint8_t id = in.p[pos++];
        uint32_t size = get_u(in.p, in.n, &pos);
        if (size > in.n - pos)
            bad("section past the end");
        size_t end = pos + size;
        buf_t payload = {in.p + pos, size, size};
        if (id == 3 || id == 10 || id == 11 || id == 12)
            repeat(&out, id, in.p, pos, end, k);
        else if (id != 0)
            section(&out, id, &payload);
        pos = end;
    }
    f = fopen(argv[3], "wb");
    if (!f || fwrite(out.p, 1, out.n, f) != out.n || fclose(f)) {
        perror(argv[3]);
        return 1;
    }
    free(in.p);
    free(out.p);
    return 0;
}
