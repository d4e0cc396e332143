/*
 * pchase: dependent loads through memory, the latency-bound walk of a
 * linked list or a graph whose nodes are scattered.
 *
 * 4 Mi nodes of 16 bytes (64 MiB, far beyond the caches) are linked into
 * one random cycle (Sattolo's algorithm), each node holding the 32-bit
 * index of the next, a 32-bit payload and a 64-bit accumulator. The cycle is walked SIZE
 * million steps, each step reading the next index and payload and
 * updating the accumulator of the node it stands on, so every step is a
 * cache miss that depends on the one before. Then the same nodes are
 * walked in index order once per million steps (the prefetch-friendly
 * pattern), and the cycle's length is checked to be the whole array. It
 * stresses load latency, address arithmetic from a loaded index and
 * read-modify-write of far-apart lines. Output: the checksums.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG_RNG_SEED 0x165667b1u
#include "../../tests/programs/prog.h"

#define NODES (1u << 22)

typedef struct node {
    uint32_t next;
    uint32_t payload;
    uint64_t acc;
} node_t;

int main(int argc, char **argv)
{
    uint32_t steps_m = parse_size(argc, argv, 7, 100000);
    node_t *v = malloc((size_t)NODES * sizeof *v);
    uint32_t *perm = malloc((size_t)NODES * sizeof *perm);
    if (!v || !perm)
        return 1;
    /* Sattolo: a uniformly random permutation that is one single cycle */
    for (uint32_t i = 0; i < NODES; i++)
        perm[i] = i;
    for (uint32_t i = NODES - 1; i > 0; i--) {
        uint32_t j = rng() % i;
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (uint32_t i = 0; i < NODES; i++) {
        v[i].next = perm[i];
        v[i].payload = rng();
        v[i].acc = 0;
    }
    free(perm);

    uint32_t len = 1;
    for (uint32_t p = v[0].next; p != 0; p = v[p].next)
        len++;
    if (len != NODES) {
        printf("the cycle has %" PRIu32 " nodes, not %u\n", len, NODES);
        return 1;
    }

    uint64_t sum = 0, seq = 0;
    uint32_t p = 0;
    for (uint32_t m = 0; m < steps_m; m++) {
        for (uint32_t s = 0; s < 1000000; s++) {
            node_t *n = &v[p];
            sum += n->payload ^ s;
            n->acc += sum;
            p = n->next;
        }
        for (uint32_t i = m & 15; i < NODES; i += 16)
            seq += v[i].acc ^ v[i].payload;
    }
    printf("pchase: %" PRIu32 " million steps over %u nodes\n", steps_m, NODES);
    printf("walk %016" PRIx64 " sequential %016" PRIx64 " at %" PRIu32 "\n", sum, seq, p);
    free(v);
    return 0;
}
