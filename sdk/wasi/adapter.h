/*
 * The WASI preview 1 adapter's private header: the fd table shared by
 * wasi.c (process, clocks, streams, the table itself), files.c (the
 * initrd's files and directories) and nosys.c, and the prototypes of the
 * __imported_wasi_snapshot_preview1_* functions the adapter defines.
 *
 * wasi-libc calls WASI through those symbols, declared in its
 * __wasilibc_real.o as imports from "wasi_snapshot_preview1". A definition
 * in a linked object satisfies the symbol, so the import disappears and
 * the module imports only what the adapter does: module "dogma". Each
 * prototype below must have exactly the WebAssembly type of wasi-libc's
 * declaration (wasm-ld would otherwise link a trapping stub, with a
 * warning): i32 for pointers, fds and flags, i64 for offsets, rights,
 * timestamps and cookies.
 */
#ifndef DOGMA_SDK_WASI_ADAPTER_H
#define DOGMA_SDK_WASI_ADAPTER_H

#include <stdint.h>
#include <wasi/api.h>

#include <dogma.h>
#include <dogma/stream.h>

#define WASI_MAX_FDS 32 /* the fd table: EMFILE beyond */

enum wfd_kind {
    WFD_FREE = 0,
    WFD_EMPTY_IN, /* fd 0 without a "stdin" grant: always at end of file */
    WFD_STREAM_IN,
    WFD_STREAM_OUT,
    WFD_DIR,      /* the preopen (fd 3) or a directory opened under it */
    WFD_FILE,     /* a regular file of the initrd */
};

typedef struct wfd {
    enum wfd_kind kind;
    uint32_t node;            /* WFD_DIR, WFD_FILE: tar.h's node index */
    uint64_t pos;             /* WFD_FILE: the offset of the next read */
    uint64_t rights, inherit; /* as fd_fdstat_get reports them */
    dogma_stream_t *stream;   /* WFD_STREAM_*: one of wasi.c's three */
} wfd_t;

#define WASI_PREOPEN_FD 3
#define WASI_PREOPEN_NAME "/"

/* wasi.c */
wfd_t *wasi_fd(int32_t fd);  /* the open entry, or NULL: EBADF */
wfd_t *wasi_fd_alloc(int32_t *out_fd); /* the lowest free fd >= 4, or NULL: EMFILE */
__wasi_errno_t wasi_errno_of(int64_t dogma_result);
uint32_t wasi_initrd(void);  /* the "initrd" handle, or 0 */

/* files.c */
__wasi_errno_t wasi_file_read(wfd_t *f, const __wasi_iovec_t *iovs, size_t n,
                              uint64_t *pos, __wasi_size_t *out_n);

#define WASI_FN(name) __imported_wasi_snapshot_preview1_##name
int32_t WASI_FN(args_get)(int32_t argv, int32_t buf);
int32_t WASI_FN(args_sizes_get)(int32_t out_argc, int32_t out_size);
int32_t WASI_FN(environ_get)(int32_t envp, int32_t buf);
int32_t WASI_FN(environ_sizes_get)(int32_t out_count, int32_t out_size);
int32_t WASI_FN(clock_res_get)(int32_t id, int32_t out);
int32_t WASI_FN(clock_time_get)(int32_t id, int64_t precision, int32_t out);
int32_t WASI_FN(fd_advise)(int32_t fd, int64_t off, int64_t len, int32_t advice);
int32_t WASI_FN(fd_allocate)(int32_t fd, int64_t off, int64_t len);
int32_t WASI_FN(fd_close)(int32_t fd);
int32_t WASI_FN(fd_datasync)(int32_t fd);
int32_t WASI_FN(fd_fdstat_get)(int32_t fd, int32_t out);
int32_t WASI_FN(fd_fdstat_set_flags)(int32_t fd, int32_t flags);
int32_t WASI_FN(fd_fdstat_set_rights)(int32_t fd, int64_t base, int64_t inherit);
int32_t WASI_FN(fd_filestat_get)(int32_t fd, int32_t out);
int32_t WASI_FN(fd_filestat_set_size)(int32_t fd, int64_t size);
int32_t WASI_FN(fd_filestat_set_times)(int32_t fd, int64_t atim, int64_t mtim, int32_t flags);
int32_t WASI_FN(fd_pread)(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
int32_t WASI_FN(fd_prestat_get)(int32_t fd, int32_t out);
int32_t WASI_FN(fd_prestat_dir_name)(int32_t fd, int32_t path, int32_t len);
int32_t WASI_FN(fd_pwrite)(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
int32_t WASI_FN(fd_read)(int32_t fd, int32_t iovs, int32_t n, int32_t out);
int32_t WASI_FN(fd_readdir)(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out);
int32_t WASI_FN(fd_renumber)(int32_t fd, int32_t to);
int32_t WASI_FN(fd_seek)(int32_t fd, int64_t off, int32_t whence, int32_t out);
int32_t WASI_FN(fd_sync)(int32_t fd);
int32_t WASI_FN(fd_tell)(int32_t fd, int32_t out);
int32_t WASI_FN(fd_write)(int32_t fd, int32_t iovs, int32_t n, int32_t out);
int32_t WASI_FN(path_create_directory)(int32_t fd, int32_t path, int32_t len);
int32_t WASI_FN(path_filestat_get)(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                   int32_t out);
int32_t WASI_FN(path_filestat_set_times)(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                         int64_t atim, int64_t mtim, int32_t fst);
int32_t WASI_FN(path_link)(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t fd2,
                           int32_t path2, int32_t len2);
int32_t WASI_FN(path_open)(int32_t fd, int32_t dirflags, int32_t path, int32_t len,
                           int32_t oflags, int64_t base, int64_t inherit, int32_t fdflags,
                           int32_t out);
int32_t WASI_FN(path_readlink)(int32_t fd, int32_t path, int32_t len, int32_t buf,
                               int32_t buf_len, int32_t out);
int32_t WASI_FN(path_remove_directory)(int32_t fd, int32_t path, int32_t len);
int32_t WASI_FN(path_rename)(int32_t fd, int32_t path, int32_t len, int32_t fd2, int32_t path2,
                             int32_t len2);
int32_t WASI_FN(path_symlink)(int32_t path, int32_t len, int32_t fd, int32_t path2,
                              int32_t len2);
int32_t WASI_FN(path_unlink_file)(int32_t fd, int32_t path, int32_t len);
int32_t WASI_FN(poll_oneoff)(int32_t in, int32_t out, int32_t n, int32_t out_n);
void WASI_FN(proc_exit)(int32_t status) __attribute__((noreturn));
int32_t WASI_FN(sched_yield)(void);
int32_t WASI_FN(random_get)(int32_t buf, int32_t len);
int32_t WASI_FN(sock_accept)(int32_t fd, int32_t flags, int32_t out);
int32_t WASI_FN(sock_recv)(int32_t fd, int32_t iovs, int32_t n, int32_t flags, int32_t out_n,
                           int32_t out_flags);
int32_t WASI_FN(sock_send)(int32_t fd, int32_t iovs, int32_t n, int32_t flags, int32_t out_n);
int32_t WASI_FN(sock_shutdown)(int32_t fd, int32_t how);

/* A guest address as a C pointer: the adapter runs in the module, so an
 * i32 argument is an address in the same memory. */
#define WASI_PTR(type, a) ((type *)(uintptr_t)(uint32_t)(a))

#endif
