/*
 * What every corpus program shares: its one optional argument, the problem
 * size, and (for those that define PROG_RNG_SEED before including this) a
 * 32-bit xorshift generator, so the same seed gives the same data natively
 * and in WebAssembly. A header of static functions, so each program stays
 * one translation unit with no library to link.
 */
#ifndef PROG_H
#define PROG_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* argv[1] as a size in 1..max, or def without one; exits 2 on a bad one. */
static uint32_t parse_size(int argc, char **argv, uint32_t def, uint32_t max)
{
    char *end;
    unsigned long v;

    if (argc < 2)
        return def;
    v = strtoul(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || v == 0 || v > max) {
        fprintf(stderr, "usage: %s [size 1..%" PRIu32 "]\n", argv[0], max);
        exit(2);
    }
    return (uint32_t)v;
}

#ifdef PROG_RNG_SEED
static uint32_t rng_state = PROG_RNG_SEED;

/* xorshift32 (Marsaglia): never 0 for a nonzero seed. */
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}
#endif

#endif
