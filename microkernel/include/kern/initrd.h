/*
 * The initrd: a ustar archive GRUB loads as the module named "initrd".
 *
 * initrd_find looks a file up by name (a leading "./" in the archive is
 * ignored) and answers where its bytes are. The archive is checked as it
 * is read: header checksums, octal sizes, and every member inside the
 * archive; a damaged archive is an error, never a wild read. Generic: the
 * host unit tests and fuzzer compile the same file.
 */
#ifndef KERN_INITRD_H
#define KERN_INITRD_H

#include <kern/types.h>

typedef enum {
    INITRD_OK = 0,
    INITRD_NOT_FOUND,
    INITRD_BAD_HEADER,   /* checksum or size field (v7 headers are read too) */
    INITRD_TRUNCATED,    /* a member runs past the archive's end */
} initrd_err_t;

typedef struct {
    uint64_t offset; /* of the file's data in the archive */
    uint64_t size;
} initrd_file_t;

initrd_err_t initrd_find(const uint8_t *tar, size_t size, const char *name, initrd_file_t *out);
/* Calls fn for each regular file, in order; stops at the first error. */
initrd_err_t initrd_each(const uint8_t *tar, size_t size,
                         void (*fn)(void *ctx, const char *name, const initrd_file_t *f), void *ctx);
const char *initrd_strerror(initrd_err_t e);

#endif
