/*
 * The byte reader under the decoder: bounded reads of bytes, LEB128
 * integers and vectors, with a sticky error.
 *
 * Every read checks the bytes that remain before it looks at them. The
 * first failure records a dx_error_t and sets failed; after that every read
 * returns 0 without reading, so a caller may do several reads and check
 * once, as long as it checks before it uses a value to allocate, index or
 * loop. LEB128 follows the WebAssembly binary format (section 5.2.2): at
 * most ceil(N/7) bytes for an N-bit integer, and the unused bits of the
 * last byte must be zero (unsigned) or a sign extension (signed).
 */
#ifndef DX_READER_H
#define DX_READER_H

#include <dogma/module.h>

typedef struct dx_reader {
    const uint8_t *bytes; /* the whole module: offsets are module offsets */
    size_t pos, end;      /* reads stay below end */
    bool failed;
    dx_error_t *err;
} dx_reader_t;

static inline void dx_rd_init(dx_reader_t *r, const uint8_t *bytes,
                              size_t pos, size_t end, dx_error_t *err)
{
    r->bytes = bytes;
    r->pos = pos;
    r->end = end;
    r->failed = false;
    r->err = err;
}

/* Records the first error: code at offset, expected/actual as details. */
void dx_rd_fail(dx_reader_t *r, dx_err_t code, size_t offset,
                uint64_t expected, uint64_t actual);

static inline size_t dx_rd_left(const dx_reader_t *r) { return r->end - r->pos; }

static inline uint8_t dx_rd_u8(dx_reader_t *r)
{
    if (r->failed)
        return 0;
    if (r->pos >= r->end) {
        dx_rd_fail(r, DX_E_UNEXPECTED_END, r->pos, 0, 0);
        return 0;
    }
    return r->bytes[r->pos++];
}

uint32_t dx_rd_u32_slow(dx_reader_t *r);
uint64_t dx_rd_u64(dx_reader_t *r);
int32_t dx_rd_s32(dx_reader_t *r);
int64_t dx_rd_s33(dx_reader_t *r);
int64_t dx_rd_s64(dx_reader_t *r);

/* u32 LEB128 with the one-byte case inline: most indices are small. */
static inline uint32_t dx_rd_u32(dx_reader_t *r)
{
    if (!r->failed && r->pos < r->end && r->bytes[r->pos] < 0x80)
        return r->bytes[r->pos++];
    return dx_rd_u32_slow(r);
}

/* Skips n bytes, failing if fewer remain. */
static inline void dx_rd_skip(dx_reader_t *r, size_t n)
{
    if (r->failed)
        return;
    if (n > dx_rd_left(r)) {
        dx_rd_fail(r, DX_E_UNEXPECTED_END, r->end, 0, 0);
        return;
    }
    r->pos += n;
}

/* A vector's count: fails with "length out of bounds" unless count
 * elements of at least min_size bytes each can fit in what remains, so
 * nothing is ever allocated for elements whose bytes are not there. */
uint32_t dx_rd_count(dx_reader_t *r, size_t min_size);

/* A name (section 5.2.4): length-prefixed, valid UTF-8. */
dx_name_t dx_rd_name(dx_reader_t *r);

/* True if p[0..len) is valid UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF), per the Unicode standard as the format requires. */
bool dx_utf8_valid(const uint8_t *p, size_t len);

/* Decodes the payload of a dogma.abi custom section (abi.c), from r->pos
 * to r->end. */
bool dx_abi_decode(dx_reader_t *r, dx_arena_t *ar, dx_abi_t *out_abi);

#endif
