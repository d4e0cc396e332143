/*
 * The decoder's one hash function: SipHash-1-3, keyed per arena.
 *
 * The decoder hashes what the module chose: export names, capability
 * names, result-type sequences. With an unkeyed hash an attacker can
 * construct thousands of names that fall into one bucket and turn each
 * uniqueness check into a walk of the whole table (quadratic time in a
 * trusted service). SipHash with a key the attacker does not know makes
 * such collisions as hard as guessing the key. The key comes from
 * dx_arena_seed() (verifierd passes entropy from the CPU; the hosted
 * arena uses getrandom), or, failing that, from the arena's address.
 */
#include "hash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                               \
    do {                                                                       \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);             \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                 \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                 \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);             \
    } while (0)

static uint64_t load_le(const uint8_t *p, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)p[i] << (8 * i);
    return m;
}

uint64_t dx_hash(const dx_arena_t *ar, const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t k0 = ar->key[0], k1 = ar->key[1];
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    size_t words = n / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t m = load_le(p + 8 * i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t last = (uint64_t)n << 56 | load_le(p + 8 * words, n % 8);
    v3 ^= last;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}
