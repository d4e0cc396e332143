/*
 * An index of the initrd, a tar archive read through a read-only region
 * handle with region_read (never mapped: the module sees only its own
 * memory).
 *
 * The archive is hostile data: it comes from whoever built the image, and
 * the adapter runs in every program. Every header is checked (its checksum,
 * each number's digits and range) and every size against the bytes left
 * in the region, before anything is read or allocated; the first bad
 * header ends the archive as a run of zero blocks would. Names are
 * normalised ("./a//b/" is "a/b"); an entry with a ".." component, or one
 * longer than TAR_PATH_MAX, is left out rather than trusted.
 *
 * Formats: ustar (name with the ustar prefix), GNU (long names and link
 * names in 'L'/'K' entries, base-256 numbers) and pax extended headers
 * ('x': path, linkpath and size; 'g' is skipped). Regular files ('0',
 * '\0', '7'), directories ('5'), hard links ('1', made a copy of the
 * earlier file they name) and symbolic links ('2', listed but not
 * followed) are kept; devices, FIFOs and GNU sparse files are left out.
 *
 * The index is built once, at the first path operation: the entries in
 * archive order, plus an "implied" directory for every parent an entry
 * names without its own entry (archives made with `tar -C dir file` have
 * none). Sorting by path puts a name's entries together, where the last in
 * the archive wins, as when tar extracts, and an implied directory loses to
 * a real entry. Lookups are then a binary search, and the entries under a
 * directory are a contiguous run, which fd_readdir walks in name order.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <stdlib.h>
#include <string.h>

#include <dogma.h>

#include "tar.h"

#define BLOCK 512

static uint32_t tar_handle;
static uint64_t tar_size;      /* bytes of the region */
static tar_node_t *nodes;      /* sorted by path, one per path */
static uint32_t nnodes, cap;
static int loaded;             /* 0, or 1 + the load's errno */
static int over_limit;         /* TAR_MAX_ENTRIES or TAR_MAX_NODES was reached */

/* The entry being assembled from 'L', 'K' and 'x' entries before it. */
static struct {
    char name[TAR_PATH_MAX], link[TAR_PATH_MAX];
    int has_name, has_link, has_size;
    uint64_t size;
} pend;

int64_t tar_read(uint64_t off, void *dst, uint32_t len)
{
    return dogma_region_read(tar_handle, off, dst, len);
}

/* An octal field (spaces or NULs around the digits) or GNU base-256. */
static int tar_num(const uint8_t *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] != 0x80) /* negative, or more than 63 bits in the first byte */
            return -1;
        for (size_t i = 1; i < n; i++) {
            if (v >> 55) /* the shift would lose bits */
                return -1;
            v = v << 8 | f[i];
        }
        *out = v;
        return 0;
    }
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 61)
            return -1;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++) /* only terminators may follow the digits */
        if (f[i] != ' ' && f[i] != 0)
            return -1;
    *out = v;
    return 0;
}

static int tar_checksum_ok(const uint8_t *h)
{
    uint64_t want, sum = 0;
    if (tar_num(h + 148, 8, &want) != 0)
        return 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

/* Normalises in[0..n) into out (TAR_PATH_MAX bytes): -1 for "..", -2 too
 * long, else the length. out is not NUL-terminated. */
static long tar_norm(const char *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && in[j] != '/')
            j++;
        size_t c = j - i;
        if (c == 2 && in[i] == '.' && in[i + 1] == '.')
            return -1;
        if (c > 0 && !(c == 1 && in[i] == '.')) {
            if (o + (o > 0) + c >= TAR_PATH_MAX)
                return -2;
            if (o > 0)
                out[o++] = '/';
            memcpy(out + o, in + i, c);
            o += c;
        }
        i = j + 1;
    }
    return (long)o;
}

static tar_node_t *tar_add(void)
{
    if (nnodes == TAR_MAX_NODES) {
        over_limit = 1;
        return NULL;
    }
    if (nnodes == cap) {
        uint32_t ncap = cap ? cap * 2 : 64;
        tar_node_t *p = realloc(nodes, ncap * sizeof *p);
        if (!p)
            return NULL;
        nodes = p, cap = ncap;
    }
    memset(&nodes[nnodes], 0, sizeof nodes[0]);
    nodes[nnodes].seq = nnodes;
    return &nodes[nnodes++];
}

/* The newest regular file called path among the entries so far. */
static const tar_node_t *tar_find_raw(const char *path, size_t len)
{
    for (uint32_t i = nnodes; i-- > 0;)
        if (nodes[i].len == len && !memcmp(nodes[i].path, path, len) &&
            nodes[i].type == __WASI_FILETYPE_REGULAR_FILE)
            return &nodes[i];
    return NULL;
}

/* A pax extended header's records "LEN KEY=VALUE\n", from d[0..n). */
static void tar_pax(const char *d, size_t n)
{
    while (n > 0) {
        size_t len = 0, i = 0;
        while (i < n && d[i] >= '0' && d[i] <= '9' && len < n)
            len = len * 10 + (size_t)(d[i++] - '0');
        if (i == n || d[i] != ' ' || len <= i + 1 || len > n || d[len - 1] != '\n')
            return; /* malformed: ignore the rest */
        const char *k = d + i + 1, *end = d + len - 1;
        const char *eq = memchr(k, '=', (size_t)(end - k));
        if (eq) {
            size_t kl = (size_t)(eq - k), vl = (size_t)(end - eq - 1);
            if (kl == 4 && !memcmp(k, "path", 4) && vl < TAR_PATH_MAX) {
                memcpy(pend.name, eq + 1, vl), pend.name[vl] = 0, pend.has_name = 1;
            } else if (kl == 8 && !memcmp(k, "linkpath", 8) && vl < TAR_PATH_MAX) {
                memcpy(pend.link, eq + 1, vl), pend.link[vl] = 0, pend.has_link = 1;
            } else if (kl == 4 && !memcmp(k, "size", 4)) {
                uint64_t v = 0;
                size_t j = 0;
                for (; j < vl && eq[1 + j] >= '0' && eq[1 + j] <= '9' && v < (1ull << 59); j++)
                    v = v * 10 + (uint64_t)(eq[1 + j] - '0');
                if (j == vl && vl > 0)
                    pend.size = v, pend.has_size = 1;
            }
        }
        d += len, n -= len;
    }
}

/* The contents of an 'L', 'K' or 'x' entry: at most TAR_PATH_MAX or 64 KiB. */
static int tar_meta(uint8_t type, uint64_t data, uint64_t size)
{
    if (type == 'x') {
        if (size > 65536)
            return 0; /* too large to be a sane header: ignored */
        char *buf = malloc(size + 1);
        if (!buf)
            return -1;
        if (tar_read(data, buf, (uint32_t)size) >= 0)
            tar_pax(buf, (size_t)size);
        free(buf);
        return 0;
    }
    char *dst = type == 'L' ? pend.name : pend.link;
    if (size >= TAR_PATH_MAX)
        return 0;
    if (tar_read(data, dst, (uint32_t)size) < 0)
        return -1;
    dst[size] = 0;
    *(type == 'L' ? &pend.has_name : &pend.has_link) = 1;
    return 0;
}

/* The entry's name: pending long name, else ustar prefix + name. */
static size_t tar_name(const uint8_t *h, char *out)
{
    if (pend.has_name)
        return strlen(strcpy(out, pend.name));
    size_t nl = strnlen((const char *)h, 100), o = 0;
    if (!memcmp(h + 257, "ustar", 6)) { /* POSIX, not GNU's "ustar  " */
        size_t pl = strnlen((const char *)h + 345, 155);
        memcpy(out, h + 345, pl);
        o = pl;
        if (pl)
            out[o++] = '/';
    }
    memcpy(out + o, h, nl);
    return o + nl;
}

/* Adds one archive entry of kind type with its data at [data, data+size). */
static int tar_entry(const uint8_t *h, uint8_t type, uint64_t data, uint64_t size)
{
    static char raw[TAR_PATH_MAX + 256], norm[TAR_PATH_MAX];
    size_t rl = tar_name(h, raw);
    long n = tar_norm(raw, rl, norm);
    if (n <= 0)
        return 0; /* "..", too long, or the root itself: not indexed */
    tar_node_t e = { .data = data, .size = size, .type = __WASI_FILETYPE_REGULAR_FILE };
    uint64_t mtime;
    if (tar_num(h + 136, 12, &mtime) == 0 && mtime < UINT64_MAX / 1000000000u)
        e.mtime_ns = mtime * 1000000000u;
    if (type == '5') {
        e.type = __WASI_FILETYPE_DIRECTORY, e.size = 0;
    } else if (type == '2') {
        e.type = __WASI_FILETYPE_SYMBOLIC_LINK, e.size = 0;
    } else if (type == '1') {
        static char target[TAR_PATH_MAX];
        const char *l = pend.has_link ? pend.link : (const char *)h + 157;
        long tl = tar_norm(l, pend.has_link ? strlen(l) : strnlen(l, 100), target);
        const tar_node_t *t = tl > 0 ? tar_find_raw(target, (size_t)tl) : NULL;
        if (!t)
            return 0; /* a link to nothing we hold */
        e.data = t->data, e.size = t->size;
    } else if (type != '0' && type != 0 && type != '7') {
        return 0;
    }
    char *path = malloc((size_t)n);
    tar_node_t *slot = path ? tar_add() : NULL;
    if (!slot) {
        free(path);
        return -1;
    }
    memcpy(path, norm, (size_t)n);
    e.path = path, e.len = (uint32_t)n, e.seq = slot->seq;
    *slot = e;
    return 0;
}

/* Walks the headers; returns 0, or -1 when memory or the limits ran out. */
static int tar_scan(void)
{
    uint8_t h[BLOCK];
    uint64_t off = 0;
    uint32_t entries = 0;
    while (tar_size >= BLOCK && off <= tar_size - BLOCK) {
        uint64_t size;
        if (tar_read(off, h, BLOCK) < 0)
            return -1;
        if (!tar_checksum_ok(h) || tar_num(h + 124, 12, &size) != 0)
            return 0; /* zero blocks (the end) or damage: the archive ends here */
        uint8_t type = h[156];
        int meta = type == 'L' || type == 'K' || type == 'x';
        if (pend.has_size && !meta)
            size = pend.size;
        uint64_t data = off + BLOCK;
        if (size > tar_size - data)
            return 0; /* contents beyond the region */
        if (meta) {
            if (tar_meta(type, data, size) != 0)
                return -1;
        } else if (type != 'g') {
            if (++entries > TAR_MAX_ENTRIES) {
                over_limit = 1;
                return -1;
            }
            if (tar_entry(h, type, data, size) != 0)
                return -1;
            memset(&pend, 0, sizeof pend);
        }
        uint64_t step = (size + BLOCK - 1) / BLOCK * BLOCK; /* size < 2^64 - 512 */
        if (step > tar_size - data)
            return 0;
        off = data + step;
    }
    return 0;
}

/* Adds the root and each entry's parent directories as implied nodes;
 * they share their path bytes with the entry that implies them. */
static int tar_imply(void)
{
    uint32_t n = nnodes;
    tar_node_t *root = tar_add();
    if (!root)
        return -1;
    *root = (tar_node_t){ .path = "", .type = __WASI_FILETYPE_DIRECTORY, .implied = 1,
                          .seq = root->seq };
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 1; j < nodes[i].len; j++) {
            if (nodes[i].path[j] != '/')
                continue;
            tar_node_t *d = tar_add();
            if (!d)
                return -1;
            *d = (tar_node_t){ .path = nodes[i].path, .len = j, .implied = 1,
                               .type = __WASI_FILETYPE_DIRECTORY, .seq = d->seq };
        }
    }
    return 0;
}

static int tar_pathcmp(const char *a, uint32_t al, const char *b, uint32_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

/* By path, then real entries after implied ones, then archive order: the
 * last of each path's run is the one that counts. */
static int tar_cmp(const void *pa, const void *pb)
{
    const tar_node_t *a = pa, *b = pb;
    int c = tar_pathcmp(a->path, a->len, b->path, b->len);
    if (c)
        return c;
    if (a->implied != b->implied)
        return a->implied ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

__wasi_errno_t tar_load(uint32_t handle)
{
    if (loaded)
        return (__wasi_errno_t)(loaded - 1);
    dogma_region_info_t ri;
    __wasi_errno_t e = __WASI_ERRNO_SUCCESS;
    tar_handle = handle;
    if (!handle || dogma_region_info(handle, &ri) < 0) {
        e = __WASI_ERRNO_NOENT;
    } else {
        tar_size = ri.size;
        if (tar_scan() != 0 || tar_imply() != 0)
            e = over_limit ? __WASI_ERRNO_FBIG : __WASI_ERRNO_NOMEM;
    }
    if (e == __WASI_ERRNO_SUCCESS) {
        qsort(nodes, nnodes, sizeof *nodes, tar_cmp);
        uint32_t o = 0; /* keep the last of each run of equal paths */
        for (uint32_t i = 0; i < nnodes; i++) {
            if (i + 1 < nnodes && !tar_pathcmp(nodes[i].path, nodes[i].len,
                                               nodes[i + 1].path, nodes[i + 1].len))
                continue;
            nodes[o++] = nodes[i];
        }
        nnodes = o; /* the root, path "", sorts first: TAR_ROOT */
    }
    loaded = 1 + e;
    return e;
}

const tar_node_t *tar_node(uint32_t node)
{
    return &nodes[node];
}

static int tar_find(const char *path, uint32_t len, uint32_t *out)
{
    uint32_t lo = 0, hi = nnodes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = tar_pathcmp(nodes[mid].path, nodes[mid].len, path, len);
        if (c == 0) {
            *out = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

__wasi_errno_t tar_lookup(uint32_t dir, const char *path, size_t len, uint32_t *out,
                          int *out_dir_only)
{
    static char joined[2 * TAR_PATH_MAX], norm[TAR_PATH_MAX];
    const tar_node_t *d = &nodes[dir];
    if (len >= TAR_PATH_MAX)
        return __WASI_ERRNO_NAMETOOLONG;
    memcpy(joined, d->path, d->len);
    joined[d->len] = '/';
    memcpy(joined + d->len + 1, path, len);
    long n = tar_norm(joined, d->len + 1 + len, norm);
    if (n == -1)
        return __WASI_ERRNO_NOTCAPABLE;
    if (n < 0)
        return __WASI_ERRNO_NAMETOOLONG;
    *out_dir_only = len > 0 && path[len - 1] == '/';
    return tar_find(norm, (uint32_t)n, out) ? __WASI_ERRNO_SUCCESS : __WASI_ERRNO_NOENT;
}

uint32_t tar_parent(uint32_t node)
{
    const tar_node_t *n = &nodes[node];
    uint32_t l = n->len, p = TAR_ROOT;
    while (l > 0 && n->path[l - 1] != '/')
        l--;
    if (l > 0 && tar_find(n->path, l - 1, &p))
        return p;
    return TAR_ROOT;
}

int tar_child(uint32_t dir, uint64_t k, uint32_t *out)
{
    const tar_node_t *d = &nodes[dir];
    uint32_t skip = d->len ? d->len + 1 : 0; /* the prefix "dir/" */
    for (uint32_t i = dir + 1; i < nnodes; i++) {
        const tar_node_t *n = &nodes[i];
        /* Everything under dir follows it contiguously in sorted order. */
        if (n->len < d->len || memcmp(n->path, d->path, d->len) != 0)
            break;
        if (d->len && (n->len <= skip || n->path[d->len] != '/'))
            continue; /* "dir!x" sorts among "dir/..." but is not under it */
        if (memchr(n->path + skip, '/', n->len - skip))
            continue; /* deeper down */
        if (k-- == 0) {
            *out = i;
            return 1;
        }
    }
    return 0;
}
