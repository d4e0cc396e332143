/*
 * The initrd's files through WASI: the preopened directory "/" (fd 3) and
 * what path_open finds under it, read-only (tar.c holds the index).
 *
 * Paths are relative to a directory fd, as WASI has them; "." and empty
 * components are dropped, and a ".." anywhere is ENOTCAPABLE: the tree is
 * small and flat, so climbing is never needed, and refusing it outright
 * leaves nothing to get wrong. An absolute path is ENOTCAPABLE too.
 *
 * Any wish to change a file is EROFS: O_CREAT, O_TRUNC, O_EXCL, O_APPEND,
 * or asking for the write, allocate or truncate rights (wasi-libc asks for
 * FD_WRITE exactly when the program opens for writing). Symbolic links
 * are listed but not followed: opening one is ENOTSUP.
 */
#include <string.h>

#include "adapter.h"
#include "tar.h"

#define WRITE_RIGHTS (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE |            \
                      __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define WRITE_OFLAGS (__WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC | __WASI_OFLAGS_EXCL)

/* The directory fd a path_* call names, with the index loaded. */
static __wasi_errno_t files_dir(int32_t fd, wfd_t **out)
{
    wfd_t *d = wasi_fd(fd);
    if (!d)
        return __WASI_ERRNO_BADF;
    if (d->kind != WFD_DIR)
        return __WASI_ERRNO_NOTDIR;
    *out = d;
    return tar_load(wasi_initrd());
}

/* Checks the guest path [ptr, ptr + len) and looks it up under dir. */
static __wasi_errno_t files_lookup(wfd_t *dir, int32_t ptr, int32_t len, uint32_t *out,
                                   int *out_dir_only)
{
    const char *p = WASI_PTR(const char, ptr);
    if (len == 0)
        return __WASI_ERRNO_NOENT;
    if ((uint32_t)len >= TAR_PATH_MAX)
        return __WASI_ERRNO_NAMETOOLONG;
    if (memchr(p, 0, (size_t)len))
        return __WASI_ERRNO_INVAL; /* the name would end early for anyone else */
    if (p[0] == '/')
        return __WASI_ERRNO_NOTCAPABLE;
    __wasi_errno_t e = tar_lookup(dir->node, p, (size_t)len, out, out_dir_only);
    if (e == __WASI_ERRNO_SUCCESS && *out_dir_only &&
        tar_node(*out)->type != __WASI_FILETYPE_DIRECTORY)
        return __WASI_ERRNO_NOTDIR;
    return e;
}

int32_t WASI_FN(path_open)(int32_t fd, int32_t dirflags, int32_t path, int32_t len,
                           int32_t oflags, int64_t base, int64_t inherit, int32_t fdflags,
                           int32_t out)
{
    (void)dirflags; /* no link is followed either way */
    wfd_t *dir;
    uint32_t node;
    int dir_only;
    __wasi_errno_t e = files_dir(fd, &dir);
    if (e)
        return e;
    if ((oflags & WRITE_OFLAGS) || (fdflags & __WASI_FDFLAGS_APPEND) ||
        ((uint64_t)base & WRITE_RIGHTS))
        return __WASI_ERRNO_ROFS;
    if ((e = files_lookup(dir, path, len, &node, &dir_only)))
        return e;
    const tar_node_t *n = tar_node(node);
    if (n->type == __WASI_FILETYPE_SYMBOLIC_LINK)
        return __WASI_ERRNO_NOTSUP;
    int is_dir = n->type == __WASI_FILETYPE_DIRECTORY;
    if ((oflags & __WASI_OFLAGS_DIRECTORY) && !is_dir)
        return __WASI_ERRNO_NOTDIR;
    int32_t nfd;
    wfd_t *f = wasi_fd_alloc(&nfd);
    if (!f)
        return __WASI_ERRNO_MFILE;
    *f = (wfd_t){ .kind = is_dir ? WFD_DIR : WFD_FILE, .node = node,
                  .rights = (uint64_t)base, .inherit = (uint64_t)inherit };
    *WASI_PTR(__wasi_fd_t, out) = (__wasi_fd_t)nfd;
    return __WASI_ERRNO_SUCCESS;
}

__wasi_errno_t wasi_file_read(wfd_t *f, const __wasi_iovec_t *iovs, size_t n,
                              uint64_t *pos, __wasi_size_t *out_n)
{
    const tar_node_t *t = tar_node(f->node);
    __wasi_size_t done = 0;
    for (size_t i = 0; i < n && *pos < t->size; i++) {
        uint64_t left = t->size - *pos;
        uint32_t k = iovs[i].buf_len < left ? (uint32_t)iovs[i].buf_len : (uint32_t)left;
        /* done + k < 2^32: the iovecs lie in a 4 GiB memory, and a read
         * past it fails in region_read with BAD_ADDRESS. */
        if (k > UINT32_MAX - done)
            k = UINT32_MAX - done;
        int64_t r = tar_read(t->data + *pos, iovs[i].buf, k);
        if (r < 0) {
            if (done)
                break;
            return wasi_errno_of(r);
        }
        *pos += k;
        done += k;
        if (k < iovs[i].buf_len)
            break;
    }
    *out_n = done;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_pread)(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    if (f->kind == WFD_DIR)
        return __WASI_ERRNO_ISDIR;
    if (f->kind != WFD_FILE)
        return f->kind == WFD_STREAM_OUT ? __WASI_ERRNO_BADF : __WASI_ERRNO_SPIPE;
    uint64_t pos = (uint64_t)off;
    return wasi_file_read(f, WASI_PTR(const __wasi_iovec_t, iovs), (size_t)n, &pos,
                          WASI_PTR(__wasi_size_t, out));
}

int32_t WASI_FN(fd_seek)(int32_t fd, int64_t off, int32_t whence, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    if (f->kind == WFD_DIR)
        return __WASI_ERRNO_ISDIR;
    if (f->kind != WFD_FILE)
        return __WASI_ERRNO_SPIPE;
    int64_t from;
    switch (whence) {
    case __WASI_WHENCE_SET: from = 0; break;
    case __WASI_WHENCE_CUR: from = (int64_t)f->pos; break;
    case __WASI_WHENCE_END: from = (int64_t)tar_node(f->node)->size; break;
    default: return __WASI_ERRNO_INVAL;
    }
    /* from >= 0 (positions stay below 2^63), so only a large off overflows. */
    if (off > INT64_MAX - from || from + off < 0)
        return __WASI_ERRNO_INVAL;
    f->pos = (uint64_t)(from + off);
    *WASI_PTR(__wasi_filesize_t, out) = f->pos;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_tell)(int32_t fd, int32_t out)
{
    return WASI_FN(fd_seek)(fd, 0, __WASI_WHENCE_CUR, out);
}

static void files_stat(uint32_t node, __wasi_filestat_t *st)
{
    const tar_node_t *n = tar_node(node);
    *st = (__wasi_filestat_t){ .dev = 1, .ino = (uint64_t)node + 1, .filetype = n->type,
                               .nlink = 1, .size = n->size, .atim = n->mtime_ns,
                               .mtim = n->mtime_ns, .ctim = n->mtime_ns };
}

int32_t WASI_FN(fd_filestat_get)(int32_t fd, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    __wasi_filestat_t *st = WASI_PTR(__wasi_filestat_t, out);
    if (!f)
        return __WASI_ERRNO_BADF;
    if (f->kind == WFD_FILE || f->kind == WFD_DIR) {
        __wasi_errno_t e = tar_load(wasi_initrd());
        if (e)
            return e;
        files_stat(f->node, st);
    } else {
        *st = (__wasi_filestat_t){ .filetype = __WASI_FILETYPE_CHARACTER_DEVICE, .nlink = 1 };
    }
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(path_filestat_get)(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                   int32_t out)
{
    (void)flags;
    wfd_t *dir;
    uint32_t node;
    int dir_only;
    __wasi_errno_t e = files_dir(fd, &dir);
    if (!e)
        e = files_lookup(dir, path, len, &node, &dir_only);
    if (!e)
        files_stat(node, WASI_PTR(__wasi_filestat_t, out));
    return e;
}

/* Entry k of a directory listing: ".", "..", then the children by name. */
static int files_dirent(uint32_t dir, uint64_t k, __wasi_dirent_t *d, const char **name)
{
    uint32_t node;
    if (k < 2) {
        node = k == 0 ? dir : tar_parent(dir);
        *name = k == 0 ? "." : "..";
        d->d_namlen = (uint32_t)k + 1;
    } else {
        if (!tar_child(dir, k - 2, &node))
            return 0;
        const tar_node_t *n = tar_node(node);
        uint32_t skip = tar_node(dir)->len ? tar_node(dir)->len + 1 : 0;
        *name = n->path + skip;
        d->d_namlen = n->len - skip;
    }
    d->d_next = k + 1;
    d->d_ino = (uint64_t)node + 1;
    d->d_type = tar_node(node)->type;
    return 1;
}

int32_t WASI_FN(fd_readdir)(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    if (f->kind != WFD_DIR)
        return __WASI_ERRNO_NOTDIR;
    __wasi_errno_t e = tar_load(wasi_initrd());
    if (e)
        return e;
    /* Entries are packed back to back; the last one may be cut short, which
     * tells wasi-libc to call again with a larger buffer or a later cookie. */
    uint8_t *b = WASI_PTR(uint8_t, buf);
    uint32_t room = (uint32_t)len, used = 0;
    __wasi_dirent_t d;
    const char *name;
    for (uint64_t k = (uint64_t)cookie; used < room && files_dirent(f->node, k, &d, &name); k++) {
        uint32_t n = room - used < sizeof d ? room - used : (uint32_t)sizeof d;
        memcpy(b + used, &d, n);
        used += n;
        n = room - used < d.d_namlen ? room - used : d.d_namlen;
        memcpy(b + used, name, n);
        used += n;
    }
    *WASI_PTR(__wasi_size_t, out) = used;
    return __WASI_ERRNO_SUCCESS;
}
