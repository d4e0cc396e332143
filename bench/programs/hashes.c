/*
 * hashes: integer hashing of a buffer, the kind of loop a checksum or a
 * hash table spends its time in.
 *
 * A 64 KiB buffer of pseudo-random bytes is hashed SIZE times over by
 * CRC-32C (slicing-by-8: eight 1 KiB tables, one 64-bit load per step,
 * table lookups indexed by bytes) and by SipHash-2-4 (64-bit adds,
 * rotates and xors on four lanes) over messages of every length from 0 to
 * 255 bytes at sliding offsets, so unaligned loads and the tail handling
 * are timed too. Both are checked first against their published test
 * vectors. It stresses i64 arithmetic and rotates, byte loads, shifts and
 * masks, and small tables in cache. Output: the checksums of both.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x9e3779b9u
#include "../../tests/programs/prog.h"

#define BUF_SIZE 65536

static uint32_t crc_tab[8][256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
        crc_tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* both targets are little endian */
    return v;
}

static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t v = load64(p) ^ crc;
        crc = crc_tab[7][v & 0xff] ^ crc_tab[6][(v >> 8) & 0xff] ^
              crc_tab[5][(v >> 16) & 0xff] ^ crc_tab[4][(v >> 24) & 0xff] ^
              crc_tab[3][(v >> 32) & 0xff] ^ crc_tab[2][(v >> 40) & 0xff] ^
              crc_tab[1][(v >> 48) & 0xff] ^ crc_tab[0][v >> 56];
    }
    while (n--)
        crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                     \
    do {                                                             \
        v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);    \
        v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                       \
        v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                       \
        v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);    \
    } while (0)

static uint64_t siphash24(const uint8_t *p, size_t n, uint64_t k0, uint64_t k1)
{
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    uint64_t b = (uint64_t)n << 56;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t m = load64(p);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = 0; i < n; i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* The published vectors: CRC-32C of "123456789", and SipHash-2-4 of
 * 00 01 .. 0e with the key 00 01 .. 0f (the reference's vector 15). */
static void self_test(void)
{
    uint8_t msg[16];
    for (int i = 0; i < 16; i++)
        msg[i] = (uint8_t)i;
    uint32_t c = crc32c(0, (const uint8_t *)"123456789", 9);
    uint64_t s = siphash24(msg, 15, load64(msg), load64(msg + 8));
    if (c != 0xe3069283u || s != 0xa129ca6149be45e5ull) {
        printf("self-test FAILED: crc32c %08" PRIx32 " siphash %016" PRIx64 "\n", c, s);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    uint32_t rounds = parse_size(argc, argv, 20000, 1000000);
    uint8_t *buf = malloc(BUF_SIZE + 256);
    if (!buf)
        return 1;
    for (size_t i = 0; i < BUF_SIZE + 256; i++)
        buf[i] = (uint8_t)(rng() >> 24);
    crc_init();
    self_test();

    uint32_t crc = 0;
    uint64_t sip = 0, k0 = 0x0123456789abcdefull, k1 = 0xfedcba9876543210ull;
    for (uint32_t r = 0; r < rounds; r++) {
        crc = crc32c(crc, buf, BUF_SIZE);
        size_t off = r % 61;
        for (size_t len = 0; len < 256; len++) {
            sip ^= siphash24(buf + off, len, k0 + r, k1 ^ sip);
            off = (off + len * 7 + 1) & (BUF_SIZE - 1);
        }
    }
    printf("hashes: %" PRIu32 " rounds of %d bytes\n", rounds, BUF_SIZE);
    printf("crc32c %08" PRIx32 " siphash %016" PRIx64 "\n", crc, sip);
    free(buf);
    return 0;
}
