/*
 * The ustar reader (include/kern/initrd.h).
 */
#include <kern/initrd.h>
#include <kern/string.h>

#define BLOCK 512

/* An octal field: digits, then NULs or spaces to the end. */
static bool octal(const uint8_t *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v >> 60)
            return false;
        v = v * 8 + (f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != 0 && f[i] != ' ')
            return false;
    *out = v;
    return digits > 0;
}

static bool zero_block(const uint8_t *b)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

static bool checksum_ok(const uint8_t *h)
{
    uint64_t want, sum = 0;
    if (!octal(h + 148, 8, &want))
        return false;
    for (size_t i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

/* The member's name: prefix "/" name, without a leading "./". */
static void member_name(const uint8_t *h, char *out, size_t n)
{
    char pre[156], nm[101];
    memcpy(pre, h + 345, 155);
    pre[155] = 0;
    memcpy(nm, h, 100);
    nm[100] = 0;
    size_t k = 0;
    out[0] = 0;
    /* POSIX's magic is "ustar" and a NUL: GNU's own format has "ustar  "
     * and keeps atime, ctime and the sparse map where the prefix would be. */
    if (pre[0] && memcmp(h + 257, "ustar", 6) == 0) {
        k = strlcpy(out, pre, n);
        if (k + 1 < n) {
            out[k++] = '/';
            out[k] = 0;
        }
    }
    if (k < n)
        strlcpy(out + k, nm, n - k);
    if (out[0] == '.' && out[1] == '/')
        memmove(out, out + 2, strlen(out + 2) + 1);
}

initrd_err_t initrd_each(const uint8_t *tar, size_t size,
                         void (*fn)(void *ctx, const char *name, const initrd_file_t *f), void *ctx)
{
    for (size_t off = 0; off + BLOCK <= size;) {
        const uint8_t *h = tar + off;
        if (zero_block(h))
            return INITRD_OK; /* the end-of-archive marker */
        uint64_t len;
        if (!checksum_ok(h) || !octal(h + 124, 12, &len))
            return INITRD_BAD_HEADER;
        uint64_t data = off + BLOCK;
        if (len > size || data > size - len)
            return INITRD_TRUNCATED;
        char name[256 + 2];
        member_name(h, name, sizeof name);
        uint8_t type = h[156];
        if (type == '0' || type == 0)
            fn(ctx, name, &(initrd_file_t){data, len});
        off = data + ((len + BLOCK - 1) / BLOCK) * BLOCK;
    }
    return INITRD_OK;
}

typedef struct {
    const char *want;
    initrd_file_t *out;
    bool found;
} find_ctx_t;

static void find_one(void *ctx, const char *name, const initrd_file_t *f)
{
    find_ctx_t *c = ctx;
    if (!c->found && strcmp(name, c->want) == 0) {
        *c->out = *f;
        c->found = true;
    }
}

initrd_err_t initrd_find(const uint8_t *tar, size_t size, const char *name, initrd_file_t *out)
{
    find_ctx_t c = {name, out, false};
    initrd_err_t e = initrd_each(tar, size, find_one, &c);
    if (e)
        return e;
    return c.found ? INITRD_OK : INITRD_NOT_FOUND;
}

const char *initrd_strerror(initrd_err_t e)
{
    switch (e) {
    case INITRD_OK: return "ok";
    case INITRD_NOT_FOUND: return "no such file in the initrd";
    case INITRD_BAD_HEADER: return "damaged tar header (checksum or size field)";
    case INITRD_TRUNCATED: return "a member runs past the end of the initrd";
    }
    return "?";
}
