/*
 * The initrd as a tree of files: an index of a POSIX ustar / GNU tar
 * archive read through a region handle (tar.c).
 */
#ifndef DOGMA_SDK_WASI_TAR_H
#define DOGMA_SDK_WASI_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <wasi/api.h>

#define TAR_ROOT 0u           /* the root directory's node */
#define TAR_PATH_MAX 4096     /* longest path, NUL included */
#define TAR_MAX_ENTRIES 65536 /* archive entries indexed: EFBIG beyond */
#define TAR_MAX_NODES 262144  /* entries plus implied directories: EFBIG beyond */

typedef struct tar_node {
    const char *path; /* normalised: no leading, trailing, double '/', no "."; not NUL-ended */
    uint32_t len;     /* bytes of path; 0 for the root */
    uint8_t type;     /* __WASI_FILETYPE_REGULAR_FILE, _DIRECTORY or _SYMBOLIC_LINK */
    uint8_t implied;  /* a directory the archive names only as a parent */
    uint32_t seq;     /* the entry's position in the archive */
    uint64_t data;    /* regular files: offset of the contents in the archive */
    uint64_t size;    /* regular files: bytes */
    uint64_t mtime_ns;
} tar_node_t;

/* Indexes the archive behind handle, once; later calls return the first
 * call's result. */
__wasi_errno_t tar_load(uint32_t handle);

const tar_node_t *tar_node(uint32_t node); /* node < the count: loaded */

/* The node of path (len bytes, not NUL-ended) relative to directory dir.
 * ENOTCAPABLE for a ".." component, ENOENT when absent, ENAMETOOLONG when
 * the joined path is too long. *out_dir_only is set when the path ends in
 * '/', so that the caller can insist on a directory. */
__wasi_errno_t tar_lookup(uint32_t dir, const char *path, size_t len, uint32_t *out,
                          int *out_dir_only);

uint32_t tar_parent(uint32_t node); /* the root's parent is the root */

/* The k-th entry of directory dir (0-based, sorted by name): 1 and *out,
 * or 0 when there are no more. */
int tar_child(uint32_t dir, uint64_t k, uint32_t *out);

/* Reads len bytes of the archive at off into dst (the caller has checked
 * them against the node's bounds). */
int64_t tar_read(uint64_t off, void *dst, uint32_t len);

#endif
