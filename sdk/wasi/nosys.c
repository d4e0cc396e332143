/*
 * The WASI calls Dogma does not offer (yet): each returns ENOSYS, an errno
 * the program can report, rather than trapping. Writes to the initrd are
 * EROFS in files.c; these are the rest: changing files, links, sockets,
 * poll_oneoff (so sleep() fails with ENOSYS), fd_renumber (dup2).
 */
#include "adapter.h"

/* The parameters exist for their types only. */
#pragma clang diagnostic ignored "-Wunused-parameter"

#define NOSYS(name, ...)                                                       \
    int32_t WASI_FN(name)(__VA_ARGS__)                                         \
    {                                                                          \
        return __WASI_ERRNO_NOSYS;                                             \
    }

NOSYS(fd_advise, int32_t fd, int64_t off, int64_t len, int32_t advice)
NOSYS(fd_allocate, int32_t fd, int64_t off, int64_t len)
NOSYS(fd_datasync, int32_t fd)
NOSYS(fd_fdstat_set_flags, int32_t fd, int32_t flags)
NOSYS(fd_fdstat_set_rights, int32_t fd, int64_t base, int64_t inherit)
NOSYS(fd_filestat_set_size, int32_t fd, int64_t size)
NOSYS(fd_filestat_set_times, int32_t fd, int64_t atim, int64_t mtim, int32_t flags)
NOSYS(fd_renumber, int32_t fd, int32_t to)
NOSYS(fd_sync, int32_t fd)
NOSYS(path_create_directory, int32_t fd, int32_t path, int32_t len)
NOSYS(path_filestat_set_times, int32_t fd, int32_t flags, int32_t path, int32_t len,
      int64_t atim, int64_t mtim, int32_t fst)
NOSYS(path_link, int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t fd2,
      int32_t path2, int32_t len2)
NOSYS(path_readlink, int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len,
      int32_t out)
NOSYS(path_remove_directory, int32_t fd, int32_t path, int32_t len)
NOSYS(path_rename, int32_t fd, int32_t path, int32_t len, int32_t fd2, int32_t path2,
      int32_t len2)
NOSYS(path_symlink, int32_t path, int32_t len, int32_t fd, int32_t path2, int32_t len2)
NOSYS(path_unlink_file, int32_t fd, int32_t path, int32_t len)
NOSYS(poll_oneoff, int32_t in, int32_t out, int32_t n, int32_t out_n)
NOSYS(sock_accept, int32_t fd, int32_t flags, int32_t out)
NOSYS(sock_recv, int32_t fd, int32_t iovs, int32_t n, int32_t flags, int32_t out_n,
      int32_t out_flags)
NOSYS(sock_send, int32_t fd, int32_t iovs, int32_t n, int32_t flags, int32_t out_n)
NOSYS(sock_shutdown, int32_t fd, int32_t how)
