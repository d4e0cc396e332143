/*
 * The dogma.abi custom section (spec/format.md, section 4): the ABI
 * version, the memory strategy the module asks for and the capabilities it
 * requests. The section is Dogma's, so unlike other custom sections its
 * errors reject the module: a loader must not guess what a module asked for.
 */
#include "hash.h"
#include "reader.h"

static bool name_eq(dx_name_t a, dx_name_t b)
{
    return a.len == b.len && !__builtin_memcmp(a.ptr, b.ptr, a.len);
}

/* The body of one request, by kind. Ranges are checked here so that the
 * kernel and driverd see only well-formed requests. */
static void rd_cap_body(dx_reader_t *r, dx_capreq_t *c, size_t at)
{
    switch (c->kind) {
    case DX_CAP_CHANNEL:
        c->target = dx_rd_name(r);
        if (!r->failed && c->target.len == 0)
            dx_rd_fail(r, DX_E_ABI_CAP_RANGE, at, 0, 0);
        break;
    case DX_CAP_IRQ:
        c->a = dx_rd_u32(r);
        if (!r->failed && c->a > 255)
            dx_rd_fail(r, DX_E_ABI_CAP_RANGE, at, 255, c->a);
        break;
    case DX_CAP_IOPORT:
        c->a = dx_rd_u32(r);
        c->b = dx_rd_u32(r);
        /* both tests: a and b are each below 2^32, so a + b cannot wrap */
        if (!r->failed && (c->b == 0 || c->a > 0xffff || c->a + c->b > 0x10000))
            dx_rd_fail(r, DX_E_ABI_CAP_RANGE, at, 0x10000, c->a + c->b);
        break;
    case DX_CAP_PHYSMEM:
        c->a = dx_rd_u64(r);
        c->b = dx_rd_u64(r);
        if (!r->failed &&
            ((c->a | c->b) & 0xfff || c->b == 0 || c->a >= (1ull << 52) ||
             c->b > (1ull << 52) - c->a))
            dx_rd_fail(r, DX_E_ABI_CAP_RANGE, at, 0, 0);
        break;
    default:
        dx_rd_fail(r, DX_E_ABI_CAP_KIND, at, 0, c->kind);
        break;
    }
}

static void rd_caps(dx_reader_t *r, dx_arena_t *ar, dx_abi_t *abi)
{
    size_t at = r->pos;
    uint32_t n = dx_rd_count(r, 4); /* kind, flags, empty name, 1 byte body */
    if (!r->failed && n > DX_MAX_CAPS)
        dx_rd_fail(r, DX_E_LIMIT_CAPS, at, DX_MAX_CAPS, n);
    if (r->failed)
        return;
    dx_capreq_t *caps = dx_arena_alloc(ar, (size_t)n * sizeof *caps + 1);
    uint16_t *seen = n ? dx_arena_alloc(ar, 2 * DX_MAX_CAPS * sizeof *seen) : 0;
    if (!caps || (n && !seen)) {
        dx_rd_fail(r, DX_E_TOO_LARGE, at, 0, n);
        return;
    }
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        dx_capreq_t *c = &caps[i];
        c->offset = r->pos;
        c->kind = dx_rd_u8(r);
        size_t fat = r->pos;
        uint8_t flags = dx_rd_u8(r);
        if (!r->failed && (flags & ~1u)) {
            dx_rd_fail(r, DX_E_ABI_FLAGS, fat, 0, flags);
            break;
        }
        c->optional = flags & 1;
        c->name = dx_rd_name(r);
        rd_cap_body(r, c, c->offset);
        /* Names are how driverd's manifest and the module agree on each
         * grant, so they must be unique: a keyed hash set, at most half
         * full, one probe chain per name. */
        if (r->failed)
            break;
        uint32_t h0 = (uint32_t)dx_hash(ar, c->name.ptr, c->name.len);
        for (uint32_t h = h0 & (2 * DX_MAX_CAPS - 1);; h = (h + 1) & (2 * DX_MAX_CAPS - 1)) {
            if (!seen[h]) {
                seen[h] = (uint16_t)(i + 1);
                break;
            }
            if (name_eq(caps[seen[h] - 1].name, c->name)) {
                dx_rd_fail(r, DX_E_ABI_CAP_NAME, c->offset, 0, 0);
                break;
            }
        }
    }
    abi->caps = caps;
    abi->ncaps = n;
}

bool dx_abi_decode(dx_reader_t *r, dx_arena_t *ar, dx_abi_t *out_abi)
{
    size_t start = r->pos, at = r->pos;
    out_abi->present = true;
    out_abi->version = dx_rd_u32(r);
    if (!r->failed && out_abi->version != DX_ABI_VERSION) {
        dx_rd_fail(r, DX_E_ABI_VERSION, at, DX_ABI_VERSION, out_abi->version);
        return false;
    }
    at = r->pos;
    uint32_t flags = dx_rd_u32(r);
    if (!r->failed && flags != 0) {
        dx_rd_fail(r, DX_E_ABI_FLAGS, at, 0, flags);
        return false;
    }
    at = r->pos;
    out_abi->strategy = dx_rd_u8(r);
    if (!r->failed && out_abi->strategy > DX_STRATEGY_PROVED) {
        dx_rd_fail(r, DX_E_ABI_STRATEGY, at, 0, out_abi->strategy);
        return false;
    }
    rd_caps(r, ar, out_abi);
    if (!r->failed && r->pos != r->end)
        dx_rd_fail(r, DX_E_ABI_TRAILING, r->pos, r->end - start, r->pos - start);
    return !r->failed;
}
