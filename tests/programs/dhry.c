/*
 * A Dhrystone-style integer mix, and a table of bit-twiddling pairs.
 *
 * The first part follows the structure of Weicker's Dhrystone 2.1: SIZE
 * runs of a loop that assigns records (struct copies through pointers),
 * compares and copies strings, switches over an enumeration, indexes one-
 * and two-dimensional global arrays and calls small procedures by pointer.
 * The final values of its globals are known in closed form (for example
 * arr_2[8][7] == SIZE + 10) and are checked. The second part runs SIZE/4
 * values through pairs of functions that compute the same thing two ways
 * (population count, leading zeros, byte swap, integer square root,
 * rotate, signed division and remainder, 32x32->64 multiply, gcd), called
 * through a table of function pointers; each pair must agree. It
 * exercises call_indirect, br_table, i32 and i64 arithmetic including
 * signed division of negative numbers, struct copies (memcpy), strcpy and
 * strcmp, and global memory. Output: the checked globals and a checksum.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

typedef enum { IDENT_1, IDENT_2, IDENT_3, IDENT_4, IDENT_5 } ident_t;

typedef struct record {
    struct record *ptr_comp;
    ident_t discr;
    ident_t enum_comp;
    int int_comp;
    char str_comp[31];
} record_t;

static record_t *ptr_glob, *next_ptr_glob;
static int int_glob;
static int bool_glob;
static char ch_1_glob, ch_2_glob;
static int arr_1_glob[50];
static int arr_2_glob[50][50];

static void proc_7(int a, int b, int *out) { *out = b + a + 2; }

static int func_3(ident_t e) { return e == IDENT_3; }

static ident_t func_1(char c1, char c2)
{
    if (c1 != c2)
        return IDENT_1;
    ch_1_glob = c1;
    return IDENT_2;
}

static int func_2(const char *s1, const char *s2)
{
    int loc = 2;
    char ch = '\0';

    while (loc <= 2)
        if (func_1(s1[loc], s2[loc + 1]) == IDENT_1) {
            ch = 'A';
            loc += 1;
        }
    if (ch >= 'W' && ch < 'Z')
        loc = 7;
    if (ch == 'R')
        return 1;
    if (strcmp(s1, s2) > 0) {
        int_glob = loc + 7;
        return 1;
    }
    return 0;
}

static void proc_6(ident_t val, ident_t *ref)
{
    *ref = val;
    if (!func_3(val))
        *ref = IDENT_4;
    switch (val) {
    case IDENT_1: *ref = IDENT_1; break;
    case IDENT_2: *ref = int_glob > 100 ? IDENT_1 : IDENT_4; break;
    case IDENT_3: *ref = IDENT_2; break;
    case IDENT_4: break;
    case IDENT_5: *ref = IDENT_3; break;
    }
}

static void proc_3(record_t **ref)
{
    if (ptr_glob != NULL)
        *ref = ptr_glob->ptr_comp;
    proc_7(10, int_glob, &ptr_glob->int_comp);
}

static void proc_1(record_t *val)
{
    record_t *next = val->ptr_comp;

    *val->ptr_comp = *ptr_glob; /* a struct copy */
    val->int_comp = 5;
    next->int_comp = val->int_comp;
    next->ptr_comp = val->ptr_comp;
    proc_3(&next->ptr_comp);
    if (next->discr == IDENT_1) {
        next->int_comp = 6;
        proc_6(val->enum_comp, &next->enum_comp);
        next->ptr_comp = ptr_glob->ptr_comp;
        proc_7(next->int_comp, 10, &next->int_comp);
    } else {
        *val = *val->ptr_comp;
    }
}

static void proc_2(int *ref)
{
    int loc = *ref + 10;
    ident_t e = IDENT_2;

    do {
        if (ch_1_glob == 'A') {
            loc -= 1;
            *ref = loc - int_glob;
            e = IDENT_1;
        }
    } while (e != IDENT_1);
}

static void proc_4(void)
{
    bool_glob = (ch_1_glob == 'A') | bool_glob;
    ch_2_glob = 'B';
}

static void proc_5(void)
{
    ch_1_glob = 'A';
    bool_glob = 0;
}

static void proc_8(int *arr_1, int arr_2[][50], int i1, int i2)
{
    int loc = i1 + 5;

    arr_1[loc] = i2;
    arr_1[loc + 1] = arr_1[loc];
    arr_1[loc + 30] = loc;
    for (int i = loc; i <= loc + 1; i++)
        arr_2[loc][i] = loc;
    arr_2[loc][loc - 1] += 1;
    arr_2[loc + 20][loc] = arr_1[loc];
    int_glob = 5;
}

typedef struct {
    int i1, i2, i3;
    ident_t e;
    char s1[31], s2[31];
} locals_t;

static void dhrystone(uint32_t runs, locals_t *l)
{
    static void (*const prologue[2])(void) = {proc_5, proc_4}; /* called through pointers */

    strcpy(l->s1, "DHRYSTONE PROGRAM, 1'ST STRING");
    arr_2_glob[8][7] = 10;
    for (uint32_t run = 1; run <= runs; run++) {
        for (int k = 0; k < 2; k++)
            prologue[k]();
        l->i1 = 2;
        l->i2 = 3;
        strcpy(l->s2, "DHRYSTONE PROGRAM, 2'ND STRING");
        l->e = IDENT_2;
        bool_glob = !func_2(l->s1, l->s2);
        while (l->i1 < l->i2) {
            l->i3 = 5 * l->i1 - l->i2;
            proc_7(l->i1, l->i2, &l->i3);
            l->i1 += 1;
        }
        proc_8(arr_1_glob, arr_2_glob, l->i1, l->i3);
        proc_1(ptr_glob);
        for (char ch = 'A'; ch <= ch_2_glob; ++ch) {
            if (l->e == func_1(ch, 'C')) {
                proc_6(IDENT_1, &l->e);
                strcpy(l->s2, "DHRYSTONE PROGRAM, 3'RD STRING");
                l->i2 = (int)run;
                int_glob = (int)run;
            }
        }
        l->i2 = l->i2 * l->i1;
        l->i1 = l->i2 / l->i3;
        l->i2 = 7 * (l->i2 - l->i3) - l->i1;
        proc_2(&l->i1);
    }
}

/* ---- pairs of functions that must agree ---- */

typedef uint32_t u32_fn(uint32_t);

static uint32_t pop_kernighan(uint32_t x)
{
    uint32_t c = 0;
    for (; x != 0; x &= x - 1)
        c++;
    return c;
}

static uint32_t pop_swar(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}

static uint32_t clz_loop(uint32_t x)
{
    uint32_t n = 0;
    for (uint32_t bit = 0x80000000u; bit != 0 && !(x & bit); bit >>= 1)
        n++;
    return n;
}

static uint32_t clz_binary(uint32_t x)
{
    uint32_t n = 0;
    if (x == 0)
        return 32;
    if (!(x & 0xffff0000u)) n += 16, x <<= 16;
    if (!(x & 0xff000000u)) n += 8, x <<= 8;
    if (!(x & 0xf0000000u)) n += 4, x <<= 4;
    if (!(x & 0xc0000000u)) n += 2, x <<= 2;
    if (!(x & 0x80000000u)) n += 1;
    return n;
}

static uint32_t bswap_shift(uint32_t x)
{
    return x >> 24 | (x >> 8 & 0xff00u) | (x << 8 & 0xff0000u) | x << 24;
}

static uint32_t bswap_bytes(uint32_t x)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(x >> (8 * i));
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t isqrt_newton(uint32_t x)
{
    uint32_t r = x, y;
    if (x < 2)
        return x;
    y = (r + 1) / 2;
    while (y < r) {
        r = y;
        y = (r + x / r) / 2;
    }
    return r;
}

static uint32_t isqrt_bits(uint32_t x)
{
    uint32_t r = 0, bit = 1u << 30;
    while (bit > x)
        bit >>= 2;
    while (bit != 0) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

static uint32_t rot_var(uint32_t x) { uint32_t r = x % 29 + 1; return x << r | x >> (32 - r); }

static uint32_t rot_loop(uint32_t x)
{
    uint32_t r = x % 29 + 1;
    for (uint32_t i = 0; i < r; i++)
        x = x << 1 | x >> 31;
    return x;
}

/* signed division of a negative dividend: truncates toward zero in C99 */
static uint32_t sdiv_c(uint32_t x)
{
    int32_t a = -(int32_t)(x >> 1), b = (int32_t)(x % 1000) - 500;
    if (b == 0)
        b = 7;
    return (uint32_t)(a / b) ^ (uint32_t)(a % b) << 16;
}

static uint32_t sdiv_unsigned(uint32_t x)
{
    uint32_t ua = x >> 1, ub;
    int32_t b = (int32_t)(x % 1000) - 500;
    if (b == 0)
        b = 7;
    ub = b < 0 ? (uint32_t)-b : (uint32_t)b;
    uint32_t q = ua / ub, r = ua % ub; /* |a| / |b|, then fix the signs */
    uint32_t sq = b < 0 ? q : 0 - q, sr = 0 - r;
    return sq ^ sr << 16;
}

static uint32_t mulhi_64(uint32_t x)
{
    uint32_t y = x * 2654435761u + 12345;
    return (uint32_t)(((uint64_t)x * y) >> 32) ^ (uint32_t)((uint64_t)x * y);
}

static uint32_t mulhi_halves(uint32_t x)
{
    uint32_t y = x * 2654435761u + 12345;
    uint32_t xl = x & 0xffff, xh = x >> 16, yl = y & 0xffff, yh = y >> 16;
    uint32_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
    uint32_t mid = (ll >> 16) + (lh & 0xffff) + (hl & 0xffff);
    uint32_t hi = hh + (lh >> 16) + (hl >> 16) + (mid >> 16);
    return hi ^ (mid << 16 | (ll & 0xffff));
}

static uint32_t gcd_euclid(uint32_t x)
{
    uint32_t a = x | 1, b = (x >> 7) * 3 + 6;
    while (b != 0) {
        uint32_t t = a % b;
        a = b, b = t;
    }
    return a;
}

static uint32_t gcd_subtract(uint32_t x)
{
    uint32_t a = x | 1, b = (x >> 7) * 3 + 6, shift = 0;
    while (((a | b) & 1) == 0) /* Stein's binary gcd */
        a >>= 1, b >>= 1, shift++;
    while (!(a & 1))
        a >>= 1;
    while (b != 0) {
        while (!(b & 1))
            b >>= 1;
        if (a > b) {
            uint32_t t = a;
            a = b, b = t;
        }
        b -= a;
    }
    return a << shift;
}

static const struct {
    const char *name;
    u32_fn *f, *g;
} pairs[] = {
    {"popcount", pop_kernighan, pop_swar}, {"clz", clz_loop, clz_binary},
    {"bswap", bswap_shift, bswap_bytes},   {"isqrt", isqrt_newton, isqrt_bits},
    {"rotate", rot_var, rot_loop},         {"sdiv", sdiv_c, sdiv_unsigned},
    {"mul64", mulhi_64, mulhi_halves},     {"gcd", gcd_euclid, gcd_subtract},
};

int main(int argc, char **argv)
{
    uint32_t runs = parse_size(argc, argv, 200000, 2000000000), x = 0x9e3779b9u, mix = 0;
    locals_t l;
    int bad = 0;

    next_ptr_glob = malloc(sizeof *next_ptr_glob);
    ptr_glob = malloc(sizeof *ptr_glob);
    if (ptr_glob == NULL || next_ptr_glob == NULL)
        return 3;
    memset(next_ptr_glob, 0, sizeof *next_ptr_glob);
    *ptr_glob = (record_t){next_ptr_glob, IDENT_1, IDENT_3, 40, ""};
    strcpy(ptr_glob->str_comp, "DHRYSTONE PROGRAM, SOME STRING");
    dhrystone(runs, &l);

    printf("int_glob %d bool_glob %d ch %c%c arr_1[8] %d arr_2[8][7] %d\n", int_glob, bool_glob,
           ch_1_glob, ch_2_glob, arr_1_glob[8], arr_2_glob[8][7]);
    printf("ptr_glob: discr %d enum %d int %d \"%s\"\n", (int)ptr_glob->discr,
           (int)ptr_glob->enum_comp, ptr_glob->int_comp, ptr_glob->str_comp);
    printf("next_ptr_glob: discr %d enum %d int %d; locals %d %d %d %d \"%.20s\"\n",
           (int)next_ptr_glob->discr, (int)next_ptr_glob->enum_comp, next_ptr_glob->int_comp,
           l.i1, l.i2, l.i3, (int)l.e, l.s2);
    if (int_glob != 5 || bool_glob != 1 || ch_1_glob != 'A' || ch_2_glob != 'B' ||
        arr_1_glob[8] != 7 || arr_2_glob[8][7] != (int)runs + 10 ||
        ptr_glob->ptr_comp != next_ptr_glob || ptr_glob->discr != IDENT_1 ||
        ptr_glob->enum_comp != IDENT_3 || ptr_glob->int_comp != 17 ||
        next_ptr_glob->enum_comp != IDENT_2 || next_ptr_glob->int_comp != 18 || l.i1 != 5 ||
        l.i2 != 13 || l.i3 != 7 || l.e != IDENT_2 ||
        strcmp(l.s2, "DHRYSTONE PROGRAM, 2'ND STRING") != 0) {
        fprintf(stderr, "Dhrystone globals have the wrong final values\n");
        bad = 1;
    }

    for (uint32_t i = 0; i < runs / 4; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        uint32_t v = x >> (i % 32); /* small values too */
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
            uint32_t a = pairs[p].f(v), b = pairs[p].g(v);
            if (a != b) {
                fprintf(stderr, "%s(%08" PRIx32 "): %08" PRIx32 " vs %08" PRIx32 "\n",
                        pairs[p].name, v, a, b);
                bad = 1;
            }
            mix = (mix ^ a) * 0x01000193u + (uint32_t)p;
        }
    }
    printf("pairs over %" PRIu32 " values: mix %08" PRIx32 "\n", runs / 4, mix);
    free(ptr_glob);
    free(next_ptr_glob);
    return bad;
}
