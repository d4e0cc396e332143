/*
 * oob: a C program that goes out of bounds on purpose, for the proofs'
 * pipeline (prove-trap.sh): dogma-prove must not let an access that
 * leaves memory lose its check. It reads a table through an index taken
 * from its argument, and with argument "far" the index runs 2 GiB past the
 * table, far past the module's memory (not so far that the 32-bit address
 * arithmetic wraps around back into it).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t table[64];

static uint32_t at(const uint32_t *t, uint32_t i) { return t[i]; }

int main(int argc, char **argv)
{
    for (uint32_t i = 0; i < 64; i++)
        table[i] = i * i;
    uint32_t i = 7;
    if (argc > 1 && !strcmp(argv[1], "far"))
        i = 0x20000000u; /* table + 4 * i: 2 GiB on, past any memory it has */
    printf("table[%u] = %u\n", (unsigned)i, (unsigned)at(table, i));
    return 0;
}
