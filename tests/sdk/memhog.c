/* Allocates 16 MiB with malloc (memory.grow underneath), fills it from a
 * generator, and prints one checksum per MiB and one for all: 17 lines,
 * more than a stream's window of 8 messages when stdout is line-buffered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MIB (1u << 20)
#define TOTAL (16u * MIB)

int main(void)
{
    uint32_t *p = malloc(TOTAL);
    if (!p) {
        printf("malloc failed\n");
        return 1;
    }
    uint32_t x = 2463534242u; /* xorshift32 */
    for (size_t i = 0; i < TOTAL / 4; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = x;
    }
    uint64_t all = 0;
    for (size_t m = 0; m < TOTAL / MIB; m++) {
        uint64_t sum = 0;
        for (size_t i = m * MIB / 4; i < (m + 1) * MIB / 4; i++)
            sum = sum * 31 + p[i];
        printf("MiB %2zu: %016llx\n", m, (unsigned long long)sum);
        all ^= sum;
    }
    printf("all: %016llx\n", (unsigned long long)all);
    free(p);
    return 0;
}
