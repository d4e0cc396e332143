/*
 * LEB128, vector counts and names for the decoder (reader.h has the
 * contract). The fast one-byte path of u32 is inline in reader.h; the
 * general decoders here serve every width.
 */
#include "reader.h"

void dx_rd_fail(dx_reader_t *r, dx_err_t code, size_t offset,
                uint64_t expected, uint64_t actual)
{
    if (r->failed)
        return;
    r->failed = true;
    r->pos = r->end;
    dx_error_t *e = r->err;
    e->code = code;
    e->func = DX_NO_FUNC;
    e->offset = offset;
    e->insn = DX_NO_INSN;
    e->op = DX_OP_COUNT;
    e->expected = expected;
    e->actual = actual;
}

/* Reads an unsigned LEB128 of at most bits bits. */
static uint64_t rd_uleb(dx_reader_t *r, unsigned bits)
{
    if (r->failed)
        return 0;
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        if (r->pos >= r->end) {
            dx_rd_fail(r, DX_E_UNEXPECTED_END, r->pos, 0, 0);
            return 0;
        }
        uint8_t b = r->bytes[r->pos];
        unsigned room = bits - shift; /* value bits this byte may carry */
        if (room < 7) {
            /* The last byte allowed: a continuation bit makes the
             * encoding too long; bits beyond the width make it too large. */
            if (b & 0x80) {
                dx_rd_fail(r, DX_E_LEB_TOO_LONG, r->pos, 0, 0);
                return 0;
            }
            if (b >> room) {
                dx_rd_fail(r, DX_E_LEB_TOO_LARGE, r->pos, 0, 0);
                return 0;
            }
        }
        r->pos++;
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            return v;
    }
}

/* Reads a signed LEB128 of at most bits bits. In the last byte allowed, the
 * bits beyond the width must all equal the sign bit. */
static int64_t rd_sleb(dx_reader_t *r, unsigned bits)
{
    if (r->failed)
        return 0;
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    for (;;) {
        if (r->pos >= r->end) {
            dx_rd_fail(r, DX_E_UNEXPECTED_END, r->pos, 0, 0);
            return 0;
        }
        b = r->bytes[r->pos];
        unsigned room = bits - shift;
        if (room < 7) {
            if (b & 0x80) {
                dx_rd_fail(r, DX_E_LEB_TOO_LONG, r->pos, 0, 0);
                return 0;
            }
            /* bits room-1 .. 6 must all be copies of the sign bit */
            uint8_t top = (uint8_t)(b & 0x7f) >> (room - 1);
            uint8_t all = (uint8_t)(0x7f >> (room - 1));
            if (top != 0 && top != all) {
                dx_rd_fail(r, DX_E_LEB_TOO_LARGE, r->pos, 0, 0);
                return 0;
            }
        }
        r->pos++;
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

uint32_t dx_rd_u32_slow(dx_reader_t *r) { return (uint32_t)rd_uleb(r, 32); }
uint64_t dx_rd_u64(dx_reader_t *r) { return rd_uleb(r, 64); }
int32_t dx_rd_s32(dx_reader_t *r) { return (int32_t)rd_sleb(r, 32); }
int64_t dx_rd_s33(dx_reader_t *r) { return rd_sleb(r, 33); }
int64_t dx_rd_s64(dx_reader_t *r) { return rd_sleb(r, 64); }

uint32_t dx_rd_count(dx_reader_t *r, size_t min_size)
{
    size_t at = r->pos;
    uint32_t n = dx_rd_u32(r);
    if (r->failed)
        return 0;
    /* Division, not n * min_size: the product could overflow on 32-bit. */
    if (min_size && n > dx_rd_left(r) / min_size) {
        dx_rd_fail(r, DX_E_LENGTH, at, dx_rd_left(r), n);
        return 0;
    }
    return n;
}

dx_name_t dx_rd_name(dx_reader_t *r)
{
    dx_name_t nm = {0, 0};
    uint32_t len = dx_rd_count(r, 1);
    if (r->failed)
        return nm;
    const uint8_t *p = r->bytes + r->pos;
    if (!dx_utf8_valid(p, len)) {
        dx_rd_fail(r, DX_E_UTF8, r->pos, 0, 0);
        return nm;
    }
    r->pos += len;
    nm.ptr = (const char *)p;
    nm.len = len;
    return nm;
}

bool dx_utf8_valid(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            n = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false; /* a continuation byte or 0xf8.. lead */
        }
        if (n > len - i)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}
