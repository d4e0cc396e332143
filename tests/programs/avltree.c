/*
 * An order-statistics AVL tree under a random mix of operations.
 *
 * SIZE operations (insert, delete, lookup, select the k-th smallest, rank
 * of a key) run against a recursive AVL tree whose nodes carry their height
 * and subtree size, and against a plain bitmap of the keys present, which
 * answers the same queries by scanning. Every answer must agree, and every
 * so often the whole tree is checked: search order, heights, balance and
 * sizes. At the end the tree is walked in order and freed. It exercises
 * recursion (insert, delete, validation), pointer chasing through small
 * malloc'd nodes, branches on comparisons, a switch on the operation, and
 * bit operations on the bitmap (shifts, popcount by table). Output: counts
 * of each operation, a checksum of the answers and the final tree shape.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0x12345678u
#include "prog.h"

typedef struct node {
    struct node *left, *right;
    uint32_t key;
    int32_t height;  /* a leaf has height 1 */
    uint32_t size;   /* nodes in this subtree */
    uint32_t value;
} node_t;

static int32_t height(const node_t *n) { return n != NULL ? n->height : 0; }
static uint32_t size(const node_t *n) { return n != NULL ? n->size : 0; }

static void update(node_t *n)
{
    int32_t hl = height(n->left), hr = height(n->right);
    n->height = 1 + (hl > hr ? hl : hr);
    n->size = 1 + size(n->left) + size(n->right);
}

static node_t *rotate_right(node_t *n)
{
    node_t *l = n->left;
    n->left = l->right;
    l->right = n;
    update(n);
    update(l);
    return l;
}

static node_t *rotate_left(node_t *n)
{
    node_t *r = n->right;
    n->right = r->left;
    r->left = n;
    update(n);
    update(r);
    return r;
}

static node_t *rebalance(node_t *n)
{
    int32_t bal;

    update(n);
    bal = height(n->left) - height(n->right);
    if (bal > 1) {
        if (height(n->left->left) < height(n->left->right))
            n->left = rotate_left(n->left);
        return rotate_right(n);
    }
    if (bal < -1) {
        if (height(n->right->right) < height(n->right->left))
            n->right = rotate_right(n->right);
        return rotate_left(n);
    }
    return n;
}

static node_t *insert(node_t *n, uint32_t key, uint32_t value, int *added)
{
    if (n == NULL) {
        n = malloc(sizeof *n);
        if (n == NULL)
            exit(3);
        *n = (node_t){NULL, NULL, key, 1, 1, value};
        *added = 1;
        return n;
    }
    if (key < n->key)
        n->left = insert(n->left, key, value, added);
    else if (key > n->key)
        n->right = insert(n->right, key, value, added);
    else
        n->value = value;
    return rebalance(n);
}

static node_t *remove_min(node_t *n, node_t **out_min)
{
    if (n->left == NULL) {
        *out_min = n;
        return n->right;
    }
    n->left = remove_min(n->left, out_min);
    return rebalance(n);
}

static node_t *erase(node_t *n, uint32_t key, int *removed)
{
    if (n == NULL)
        return NULL;
    if (key < n->key) {
        n->left = erase(n->left, key, removed);
    } else if (key > n->key) {
        n->right = erase(n->right, key, removed);
    } else {
        node_t *l = n->left, *r = n->right, *m;
        free(n);
        *removed = 1;
        if (r == NULL)
            return l;
        r = remove_min(r, &m);
        m->left = l;
        m->right = r;
        n = m;
    }
    return rebalance(n);
}

static const node_t *find(const node_t *n, uint32_t key)
{
    while (n != NULL && n->key != key)
        n = key < n->key ? n->left : n->right;
    return n;
}

/* The k-th smallest key, k from 0. */
static const node_t *select_kth(const node_t *n, uint32_t k)
{
    while (n != NULL) {
        uint32_t ls = size(n->left);
        if (k == ls)
            return n;
        if (k < ls) {
            n = n->left;
        } else {
            k -= ls + 1;
            n = n->right;
        }
    }
    return NULL;
}

/* How many keys are smaller than key. */
static uint32_t rank(const node_t *n, uint32_t key)
{
    uint32_t r = 0;
    while (n != NULL) {
        if (key <= n->key) {
            n = n->left;
        } else {
            r += size(n->left) + 1;
            n = n->right;
        }
    }
    return r;
}

/* Returns the height, or -1 if any invariant is broken. */
static int32_t validate(const node_t *n, uint32_t lo, uint32_t hi)
{
    int32_t hl, hr;

    if (n == NULL)
        return 0;
    if (n->key < lo || n->key > hi)
        return -1;
    hl = validate(n->left, lo, n->key == 0 ? 0 : n->key - 1);
    hr = validate(n->right, n->key + 1, hi);
    if (hl < 0 || hr < 0 || hl - hr > 1 || hr - hl > 1 || (n->key == 0 && n->left != NULL))
        return -1;
    if (n->height != 1 + (hl > hr ? hl : hr) || n->size != 1 + size(n->left) + size(n->right))
        return -1;
    return n->height;
}

static uint64_t walk_and_free(node_t *n, uint64_t h)
{
    if (n == NULL)
        return h;
    h = walk_and_free(n->left, h);
    h = (h ^ n->key ^ ((uint64_t)n->value << 32)) * 0x100000001b3;
    h = walk_and_free(n->right, h);
    free(n);
    return h;
}

/* The oracle: a bitmap of present keys, answering by scanning. */
static int bm_has(const uint32_t *bm, uint32_t k) { return (int)(bm[k >> 5] >> (k & 31) & 1); }

static uint32_t popcount32(uint32_t x)
{
    static const uint8_t nib[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    uint32_t c = 0;
    for (; x != 0; x >>= 4)
        c += nib[x & 15];
    return c;
}

static uint32_t bm_rank(const uint32_t *bm, uint32_t key)
{
    uint32_t r = 0;
    for (uint32_t w = 0; w < key >> 5; w++)
        r += popcount32(bm[w]);
    return r + popcount32(bm[key >> 5] & ((1u << (key & 31)) - 1));
}

int main(int argc, char **argv)
{
    uint32_t ops = parse_size(argc, argv, 30000, 1u << 24);
    static const uint32_t mix[8] = {0, 0, 0, 1, 1, 2, 3, 4}; /* the operation mix */
    uint32_t range = 4096; /* keys; the oracle's scans stay cheap */
    uint32_t *bm = calloc(range / 32, sizeof *bm), count = 0, nops[5] = {0};
    uint64_t check = 0;
    node_t *root = NULL;
    int bad = 0;

    if (bm == NULL)
        return 3;
    for (uint32_t i = 0; i < ops && !bad; i++) {
        uint32_t r = rng(), key = (r >> 8) % range, op = mix[r % 8];
        int changed = 0;
        nops[op]++;
        switch (op) {
        case 0: /* insert, 3/8 of operations */
            root = insert(root, key, i, &changed);
            if (changed == bm_has(bm, key))
                bad = 1;
            bm[key >> 5] |= 1u << (key & 31);
            count += (uint32_t)changed;
            break;
        case 1: /* erase, 2/8 */
            root = erase(root, key, &changed);
            if (changed != bm_has(bm, key))
                bad = 1;
            bm[key >> 5] &= ~(1u << (key & 31));
            count -= (uint32_t)changed;
            break;
        case 2: { /* lookup */
            const node_t *n = find(root, key);
            if ((n != NULL) != bm_has(bm, key))
                bad = 1;
            check += n != NULL ? n->value : 0;
            break;
        }
        case 3: { /* select */
            const node_t *n = count > 0 ? select_kth(root, key % count) : NULL;
            if (n != NULL && (!bm_has(bm, n->key) || bm_rank(bm, n->key) != key % count))
                bad = 1;
            check = check * 31 + (n != NULL ? n->key : 0);
            break;
        }
        default: { /* rank */
            uint32_t rk = rank(root, key);
            if (rk != bm_rank(bm, key))
                bad = 1;
            check ^= (uint64_t)rk << (i % 32);
            break;
        }
        }
        if (bad)
            fprintf(stderr, "operation %" PRIu32 " (%" PRIu32 " on key %" PRIu32 ") disagrees\n",
                    i, op, key);
        if ((i % 1024 == 0 || i == ops - 1) && (validate(root, 0, UINT32_MAX) < 0 ||
                                                size(root) != count)) {
            fprintf(stderr, "tree invariant broken after operation %" PRIu32 "\n", i);
            bad = 1;
        }
    }
    printf("ops %" PRIu32 ": insert %" PRIu32 " erase %" PRIu32 " find %" PRIu32
           " select %" PRIu32 " rank %" PRIu32 "\n",
           ops, nops[0], nops[1], nops[2], nops[3], nops[4]);
    printf("keys %" PRIu32 " height %" PRId32 " root %" PRIu32 " answers %016" PRIx64 "\n", count,
           height(root), root != NULL ? root->key : 0, check);
    printf("in-order hash %016" PRIx64 "\n", walk_and_free(root, 0xcbf29ce484222325));
    free(bm);
    return bad;
}
