/*
 * bintrees: allocation-heavy pointer structures, after the Computer
 * Language Benchmarks Game's binary-trees.
 *
 * One long-lived tree of depth 16 stays allocated while, for depths 4, 6,
 * .. 16, many short-lived complete binary trees are built node by node
 * with malloc, walked recursively to count their nodes, and freed node by
 * node; the whole is done SIZE times. The time goes to the C library's
 * allocator (glibc's natively, wasi-libc's dlmalloc in WebAssembly: the
 * ratio measures the allocator as much as the engine), to recursion
 * (calls, returns, stack frames) and to dependent loads through child
 * pointers. Each check count is known in closed form (2^(d+1) - 1 nodes)
 * and verified. Output: the node counts per depth.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../tests/programs/prog.h"

#define MIN_DEPTH 4
#define MAX_DEPTH 16

typedef struct node {
    struct node *left, *right;
    uint32_t item;
} node_t;

static node_t *make(uint32_t item, int depth)
{
    node_t *n = malloc(sizeof *n);
    if (!n) {
        printf("out of memory\n");
        exit(1);
    }
    n->item = item;
    if (depth > 0) {
        n->left = make(2 * item, depth - 1);
        n->right = make(2 * item + 1, depth - 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

/* nodes, and a sum of their items, so the walk cannot be skipped */
static uint64_t check(const node_t *n, uint64_t *items)
{
    *items += n->item;
    if (!n->left)
        return 1;
    return 1 + check(n->left, items) + check(n->right, items);
}

static void release(node_t *n)
{
    if (n->left) {
        release(n->left);
        release(n->right);
    }
    free(n);
}

int main(int argc, char **argv)
{
    uint32_t rounds = parse_size(argc, argv, 5, 100000);
    uint64_t items = 0, total = 0;
    node_t *long_lived = make(1, MAX_DEPTH);
    for (uint32_t r = 0; r < rounds; r++) {
        for (int d = MIN_DEPTH; d <= MAX_DEPTH; d += 2) {
            uint32_t iters = 1u << (MAX_DEPTH - d + MIN_DEPTH);
            uint64_t nodes = 0;
            for (uint32_t i = 0; i < iters; i++) {
                node_t *t = make(i, d);
                nodes += check(t, &items);
                release(t);
            }
            if (nodes != (uint64_t)iters * ((2ull << d) - 1)) {
                printf("depth %d: %" PRIu64 " nodes, wrong\n", d, nodes);
                return 1;
            }
            total += nodes;
            if (r == 0)
                printf("%" PRIu32 " trees of depth %d: %" PRIu64 " nodes\n", iters, d, nodes);
        }
    }
    uint64_t ll = check(long_lived, &items);
    printf("bintrees: %" PRIu32 " rounds, %" PRIu64 " nodes, long-lived %" PRIu64 "\n",
           rounds, total, ll);
    printf("item sum %016" PRIx64 "\n", items);
    release(long_lived);
    return 0;
}
