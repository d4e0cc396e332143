/*
 * WASI preview 1 for dogma-run: the "wasi_snapshot_preview1" host module,
 * served by Linux system calls.
 *
 * Every function is split the seL4 way. Decode takes the arguments as
 * allegations: each guest fd is looked up in the fd table, each (ptr, len)
 * and each iovec array is checked overflow-safely against the memory size,
 * each flag word against the bits WASI defines; a failure is a WASI errno
 * and nothing has happened yet. Invoke then does the work on checked values
 * and writes the results. Output ranges are checked in decode too, so a
 * call never performs an effect whose result it then cannot report.
 *
 * The fd table maps guest fds to host fds: 0, 1 and 2 are the host's
 * stdio (never closed on the host, since the runtime still reports through
 * them), the preopened directories follow from 3 in the order given, and
 * path_open takes the lowest free slot. The table grows on demand up to
 * WASI_MAX_FDS, so a module cannot make it grow without bound.
 *
 * Paths are the sandbox: a path_* call names a directory fd and a relative
 * path, and must never reach outside that directory. Absolute paths are
 * refused outright; every other path is resolved by the kernel with
 * openat2(RESOLVE_BENEATH), which refuses any ".." or symlink (absolute or
 * relative) that would leave the directory, atomically with the lookup.
 * On kernels without openat2 (before 5.6) wasi_walk resolves the path one
 * component at a time with O_NOFOLLOW, following symlinks by hand under the
 * same rules. Calls that act on a name rather than open it (mkdir, unlink,
 * rename, ...) open the parent beneath the fd and act on the last
 * component relative to it, so only that component is looked up by the
 * plain *at call, and it is never followed (see wasi_parent).
 *
 * Rights are recorded and reported (wasi-libc reads them, e.g. isatty
 * looks for a character device without the seek rights), and a rights
 * change may only narrow them, but they are not enforced a second time:
 * each host fd is opened with the access mode its rights ask for, so the
 * kernel already refuses what they forbid, with the errno a native program
 * would see.
 */
#include "wasi-impl.h"

/* ---- errno ------------------------------------------------------------------ */

/* Linux errno -> WASI errno. Unlisted values become EIO. */
static const uint16_t wasi_errno_map[] = {
    [E2BIG] = WASI_E2BIG, [EACCES] = WASI_EACCES, [EADDRINUSE] = WASI_EADDRINUSE,
    [EADDRNOTAVAIL] = WASI_EADDRNOTAVAIL, [EAFNOSUPPORT] = WASI_EAFNOSUPPORT,
    [EAGAIN] = WASI_EAGAIN, [EALREADY] = WASI_EALREADY, [EBADF] = WASI_EBADF,
    [EBADMSG] = WASI_EBADMSG, [EBUSY] = WASI_EBUSY, [ECANCELED] = WASI_ECANCELED,
    [ECHILD] = WASI_ECHILD, [ECONNABORTED] = WASI_ECONNABORTED,
    [ECONNREFUSED] = WASI_ECONNREFUSED, [ECONNRESET] = WASI_ECONNRESET,
    [EDEADLK] = WASI_EDEADLK, [EDESTADDRREQ] = WASI_EDESTADDRREQ,
    [EDOM] = WASI_EDOM, [EDQUOT] = WASI_EDQUOT, [EEXIST] = WASI_EEXIST,
    [EFAULT] = WASI_EFAULT, [EFBIG] = WASI_EFBIG, [EHOSTUNREACH] = WASI_EHOSTUNREACH,
    [EIDRM] = WASI_EIDRM, [EILSEQ] = WASI_EILSEQ, [EINPROGRESS] = WASI_EINPROGRESS,
    [EINTR] = WASI_EINTR, [EINVAL] = WASI_EINVAL, [EIO] = WASI_EIO,
    [EISCONN] = WASI_EISCONN, [EISDIR] = WASI_EISDIR, [ELOOP] = WASI_ELOOP,
    [EMFILE] = WASI_EMFILE, [EMLINK] = WASI_EMLINK, [EMSGSIZE] = WASI_EMSGSIZE,
    [EMULTIHOP] = WASI_EMULTIHOP, [ENAMETOOLONG] = WASI_ENAMETOOLONG,
    [ENETDOWN] = WASI_ENETDOWN, [ENETRESET] = WASI_ENETRESET,
    [ENETUNREACH] = WASI_ENETUNREACH, [ENFILE] = WASI_ENFILE,
    [ENOBUFS] = WASI_ENOBUFS, [ENODEV] = WASI_ENODEV, [ENOENT] = WASI_ENOENT,
    [ENOEXEC] = WASI_ENOEXEC, [ENOLCK] = WASI_ENOLCK, [ENOLINK] = WASI_ENOLINK,
    [ENOMEM] = WASI_ENOMEM, [ENOMSG] = WASI_ENOMSG, [ENOPROTOOPT] = WASI_ENOPROTOOPT,
    [ENOSPC] = WASI_ENOSPC, [ENOSYS] = WASI_ENOSYS, [ENOTCONN] = WASI_ENOTCONN,
    [ENOTDIR] = WASI_ENOTDIR, [ENOTEMPTY] = WASI_ENOTEMPTY,
    [ENOTRECOVERABLE] = WASI_ENOTRECOVERABLE, [ENOTSOCK] = WASI_ENOTSOCK,
    [EOPNOTSUPP] = WASI_ENOTSUP, [ENOTTY] = WASI_ENOTTY, [ENXIO] = WASI_ENXIO,
    [EOVERFLOW] = WASI_EOVERFLOW, [EOWNERDEAD] = WASI_EOWNERDEAD,
    [EPERM] = WASI_EPERM, [EPIPE] = WASI_EPIPE, [EPROTO] = WASI_EPROTO,
    [EPROTONOSUPPORT] = WASI_EPROTONOSUPPORT, [EPROTOTYPE] = WASI_EPROTOTYPE,
    [ERANGE] = WASI_ERANGE, [EROFS] = WASI_EROFS, [ESPIPE] = WASI_ESPIPE,
    [ESRCH] = WASI_ESRCH, [ESTALE] = WASI_ESTALE, [ETIMEDOUT] = WASI_ETIMEDOUT,
    [ETXTBSY] = WASI_ETXTBSY, [EXDEV] = WASI_EXDEV,
};

static uint16_t wasi_err(int e)
{
    size_t n = sizeof wasi_errno_map / sizeof wasi_errno_map[0];
    if (e > 0 && (size_t)e < n && wasi_errno_map[e])
        return wasi_errno_map[e];
    return WASI_EIO;
}

uint16_t wasi_errno(void)
{
    return wasi_err(errno);
}

/* ---- guest memory ------------------------------------------------------------ */

/* Whether guest bytes [ptr, ptr + len) lie inside memory. Two tests rather
 * than ptr + len <= mem_size, which could wrap for a hostile len. */
static bool wasi_in(const dr_call_t *c, uint64_t ptr, uint64_t len)
{
    return len <= c->mem_size && ptr <= c->mem_size - len;
}

/* The host address of guest ptr; only for ranges wasi_in accepted. */
static uint8_t *wasi_at(const dr_call_t *c, uint64_t ptr)
{
    return c->mem ? c->mem + ptr : NULL; /* no memory: only empty ranges pass */
}

static uint16_t wasi_ld16(const dr_call_t *c, uint64_t ptr)
{
    uint16_t v;
    memcpy(&v, c->mem + ptr, 2);
    return v;
}

static uint32_t wasi_ld32(const dr_call_t *c, uint64_t ptr)
{
    uint32_t v;
    memcpy(&v, c->mem + ptr, 4);
    return v;
}

static uint64_t wasi_ld64(const dr_call_t *c, uint64_t ptr)
{
    uint64_t v;
    memcpy(&v, c->mem + ptr, 8);
    return v;
}

static void wasi_st16(dr_call_t *c, uint64_t ptr, uint16_t v)
{
    memcpy(c->mem + ptr, &v, 2);
}

static void wasi_st32(dr_call_t *c, uint64_t ptr, uint32_t v)
{
    memcpy(c->mem + ptr, &v, 4);
}

static void wasi_st64(dr_call_t *c, uint64_t ptr, uint64_t v)
{
    memcpy(c->mem + ptr, &v, 8);
}

/* Checks an iovec array and turns it into host iovecs in *out (at most
 * IOV_MAX of them, which readv takes: a shorter transfer is a legal result).
 * The kernel caps one transfer at MAX_RW_COUNT (< 2^31), so the count of
 * bytes moved always fits the u32 the guest receives. */
static uint16_t wasi_iovs(const dr_call_t *c, uint32_t iovs, uint32_t n,
                          struct iovec *out, int *out_n)
{
    /* The whole array must be in memory; n * 8 cannot overflow 64 bits. */
    if (!wasi_in(c, iovs, (uint64_t)n * WASI_IOVEC_SIZE))
        return WASI_EFAULT;
    uint32_t take = n < IOV_MAX ? n : IOV_MAX;
    for (uint32_t i = 0; i < take; i++) {
        uint32_t buf = wasi_ld32(c, iovs + (uint64_t)i * WASI_IOVEC_SIZE);
        uint32_t len = wasi_ld32(c, iovs + (uint64_t)i * WASI_IOVEC_SIZE + 4);
        /* Each buffer is an allegation too: the kernel must only ever be
         * handed bytes of the module's own memory. */
        if (!wasi_in(c, buf, len))
            return WASI_EFAULT;
        out[i].iov_base = wasi_at(c, buf);
        out[i].iov_len = len;
    }
    *out_n = (int)take;
    return WASI_ESUCCESS;
}

/* Copies the guest path [ptr, ptr + len) into buf as a C string. */
uint16_t wasi_path_in(const dr_call_t *c, uint32_t ptr, uint32_t len, char *buf)
{
    if (!wasi_in(c, ptr, len))
        return WASI_EFAULT;
    if (len >= PATH_MAX) /* room for the NUL; Linux refuses longer anyway */
        return WASI_ENAMETOOLONG;
    if (len == 0)
        return WASI_ENOENT;
    memcpy(buf, wasi_at(c, ptr), len);
    buf[len] = '\0';
    /* An embedded NUL would make the host see a different, shorter path. */
    if (strlen(buf) != len)
        return WASI_EINVAL;
    /* The sandbox admits only paths relative to a directory fd. */
    if (buf[0] == '/')
        return WASI_ENOTCAPABLE;
    return WASI_ESUCCESS;
}

/* ---- the fd table -------------------------------------------------------------- */

static uint8_t wasi_filetype(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
    }
}

static uint8_t wasi_host_type(int host)
{
    struct stat st;
    return fstat(host, &st) == 0 ? wasi_filetype(st.st_mode) : WASI_FILETYPE_UNKNOWN;
}

/* The entry for guest fd, or BADF: the fd is a guest's number, any u32. */
static uint16_t wasi_fd(dr_wasi_t *w, uint32_t fd, wasi_fd_t **out_e)
{
    if (fd >= w->nfds || w->fds[fd].host < 0)
        return WASI_EBADF;
    *out_e = &w->fds[fd];
    return WASI_ESUCCESS;
}

/* The entry for a directory fd, which every path_* call starts from. */
uint16_t wasi_dirfd(dr_wasi_t *w, uint32_t fd, wasi_fd_t **out_e)
{
    uint16_t e = wasi_fd(w, fd, out_e);
    if (e == WASI_ESUCCESS && (*out_e)->type != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    return e;
}

/* The lowest free slot, growing the table; EMFILE at the limit. */
static uint16_t wasi_fd_slot(dr_wasi_t *w, uint32_t *out_fd)
{
    for (uint32_t i = 0; i < w->nfds; i++) {
        if (w->fds[i].host < 0) {
            *out_fd = i;
            return WASI_ESUCCESS;
        }
    }
    if (w->nfds >= WASI_MAX_FDS)
        return WASI_EMFILE;
    uint32_t n = w->nfds ? w->nfds * 2 : 8;
    n = n < WASI_MAX_FDS ? n : WASI_MAX_FDS;
    wasi_fd_t *fds = realloc(w->fds, n * sizeof *fds);
    if (!fds)
        return WASI_ENOMEM;
    for (uint32_t i = w->nfds; i < n; i++)
        fds[i] = (wasi_fd_t){ .host = -1 };
    *out_fd = w->nfds;
    w->fds = fds;
    w->nfds = n;
    return WASI_ESUCCESS;
}

/* Forgets an entry, closing its host fd unless it is the host's stdio. */
static void wasi_fd_drop(wasi_fd_t *e)
{
    if (!e->stdio)
        close(e->host);
    free(e->guest);
    *e = (wasi_fd_t){ .host = -1 };
}

/* ---- args and environ ------------------------------------------------------------ */

/* The count and total size (with NULs) of a string vector. */
static uint16_t wasi_vec_sizes(dr_call_t *c, int n, char **v, uint32_t pcount, uint32_t psize)
{
    if (!wasi_in(c, pcount, 4) || !wasi_in(c, psize, 4))
        return WASI_EFAULT;
    uint64_t size = 0;
    for (int i = 0; i < n; i++)
        size += strlen(v[i]) + 1;
    if (size > UINT32_MAX) /* cannot fit any wasm32 memory */
        return WASI_EOVERFLOW;
    wasi_st32(c, pcount, (uint32_t)n);
    wasi_st32(c, psize, (uint32_t)size);
    return WASI_ESUCCESS;
}

/* Writes the pointer array at pptrs and the strings, packed, at pbuf. */
static uint16_t wasi_vec_get(dr_call_t *c, int n, char **v, uint32_t pptrs, uint32_t pbuf)
{
    uint64_t size = 0;
    for (int i = 0; i < n; i++)
        size += strlen(v[i]) + 1;
    if (!wasi_in(c, pptrs, (uint64_t)n * 4) || !wasi_in(c, pbuf, size))
        return WASI_EFAULT;
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        /* pbuf + off < mem_size <= 2^32: a valid wasm32 address */
        wasi_st32(c, pptrs + (uint64_t)i * 4, (uint32_t)(pbuf + off));
        memcpy(wasi_at(c, pbuf + off), v[i], len);
        off += len;
    }
    return WASI_ESUCCESS;
}

static uint16_t wasi_args_sizes_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_vec_sizes(c, w->argc, w->argv, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint16_t wasi_args_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_vec_get(c, w->argc, w->argv, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint16_t wasi_environ_sizes_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_vec_sizes(c, w->envc, w->envp, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint16_t wasi_environ_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_vec_get(c, w->envc, w->envp, (uint32_t)a[0], (uint32_t)a[1]);
}

/* ---- clocks and randomness ------------------------------------------------------ */

static bool wasi_clockid(uint32_t id, clockid_t *out)
{
    static const clockid_t map[] = {
        [WASI_CLOCK_REALTIME] = CLOCK_REALTIME,
        [WASI_CLOCK_MONOTONIC] = CLOCK_MONOTONIC,
        [WASI_CLOCK_PROCESS_CPUTIME] = CLOCK_PROCESS_CPUTIME_ID,
        [WASI_CLOCK_THREAD_CPUTIME] = CLOCK_THREAD_CPUTIME_ID,
    };
    if (id >= sizeof map / sizeof map[0])
        return false;
    *out = map[id];
    return true;
}

static uint64_t wasi_ns(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t wasi_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return wasi_ns(ts);
}

static uint16_t wasi_clock_res_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)w;
    clockid_t id;
    struct timespec ts;
    if (!wasi_clockid((uint32_t)a[0], &id))
        return WASI_EINVAL;
    if (!wasi_in(c, (uint32_t)a[1], 8))
        return WASI_EFAULT;
    if (clock_getres(id, &ts) != 0)
        return wasi_errno();
    wasi_st64(c, (uint32_t)a[1], wasi_ns(ts));
    return WASI_ESUCCESS;
}

/* a[1], the precision the caller asks for, is a hint we need not take. */
static uint16_t wasi_clock_time_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)w;
    clockid_t id;
    struct timespec ts;
    if (!wasi_clockid((uint32_t)a[0], &id))
        return WASI_EINVAL;
    if (!wasi_in(c, (uint32_t)a[2], 8))
        return WASI_EFAULT;
    if (clock_gettime(id, &ts) != 0)
        return wasi_errno();
    wasi_st64(c, (uint32_t)a[2], wasi_ns(ts));
    return WASI_ESUCCESS;
}

static uint16_t wasi_random_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)w;
    uint32_t buf = (uint32_t)a[0], len = (uint32_t)a[1];
    if (!wasi_in(c, buf, len))
        return WASI_EFAULT;
    for (uint32_t done = 0; done < len;) {
        /* getrandom may return fewer bytes than asked (above 32 MiB, or on
         * a signal); keep asking. */
        ssize_t n = getrandom(wasi_at(c, buf + done), len - done, 0);
        if (n < 0 && errno != EINTR)
            return wasi_errno();
        if (n > 0)
            done += (uint32_t)n;
    }
    return WASI_ESUCCESS;
}

/* ---- reading and writing -------------------------------------------------------- */

typedef enum { WASI_READ, WASI_WRITE, WASI_PREAD, WASI_PWRITE } wasi_rw_t;

/* fd_read, fd_write, fd_pread, fd_pwrite: a = (fd, iovs, iovs_len[, offset], out). */
static uint16_t wasi_rw(dr_wasi_t *w, dr_call_t *c, const uint64_t *a, wasi_rw_t op)
{
    struct iovec *iov = w->iov;
    wasi_fd_t *e;
    int n;
    bool pos = op == WASI_PREAD || op == WASI_PWRITE;
    uint64_t off = pos ? a[3] : 0;
    uint32_t out = (uint32_t)a[pos ? 4 : 3];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err == WASI_ESUCCESS)
        err = wasi_iovs(c, (uint32_t)a[1], (uint32_t)a[2], iov, &n);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, out, 4))
        return WASI_EFAULT;
    if (off > INT64_MAX) /* an off_t cannot hold it */
        return WASI_EINVAL;
    ssize_t r;
    switch (op) {
    case WASI_READ: r = readv(e->host, iov, n); break;
    case WASI_WRITE: r = writev(e->host, iov, n); break;
    case WASI_PREAD: r = preadv(e->host, iov, n, (off_t)off); break;
    default: r = pwritev(e->host, iov, n, (off_t)off); break;
    }
    if (r < 0)
        return wasi_errno();
    wasi_st32(c, out, (uint32_t)r);
    return WASI_ESUCCESS;
}

static uint16_t wasi_fd_read(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_rw(w, c, a, WASI_READ);
}

static uint16_t wasi_fd_write(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_rw(w, c, a, WASI_WRITE);
}

static uint16_t wasi_fd_pread(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_rw(w, c, a, WASI_PREAD);
}

static uint16_t wasi_fd_pwrite(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_rw(w, c, a, WASI_PWRITE);
}

/* ---- fd operations ----------------------------------------------------------------- */

static uint16_t wasi_fd_seek(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
    wasi_fd_t *e;
    uint32_t wh = (uint32_t)a[2], out = (uint32_t)a[3];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (wh > WASI_WHENCE_END) /* a guest's u8, any value */
        return WASI_EINVAL;
    if (!wasi_in(c, out, 8))
        return WASI_EFAULT;
    off_t r = lseek(e->host, (off_t)(int64_t)a[1], whence[wh]);
    if (r < 0)
        return wasi_errno();
    wasi_st64(c, out, (uint64_t)r);
    return WASI_ESUCCESS;
}

static uint16_t wasi_fd_tell(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    uint64_t b[4] = { a[0], 0, WASI_WHENCE_CUR, a[1] };
    return wasi_fd_seek(w, c, b);
}

static uint16_t wasi_fd_close(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err == WASI_ESUCCESS)
        wasi_fd_drop(e);
    return err;
}

/* Moves fd `from` onto fd `to`, closing what `to` held; both must be open. */
static uint16_t wasi_fd_renumber(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *from, *to;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &from);
    if (err == WASI_ESUCCESS)
        err = wasi_fd(w, (uint32_t)a[1], &to);
    if (err != WASI_ESUCCESS || from == to)
        return err;
    wasi_fd_drop(to);
    *to = *from;
    *from = (wasi_fd_t){ .host = -1 };
    return WASI_ESUCCESS;
}

static uint16_t wasi_fd_sync(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err == WASI_ESUCCESS && fsync(e->host) != 0)
        err = wasi_errno();
    return err;
}

static uint16_t wasi_fd_datasync(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err == WASI_ESUCCESS && fdatasync(e->host) != 0)
        err = wasi_errno();
    return err;
}

/* fd_advise(fd, offset, len, advice) */
static uint16_t wasi_fd_advise(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    static const int advice[] = {
        POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
        POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE,
    };
    wasi_fd_t *e;
    uint32_t adv = (uint32_t)a[3];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    /* off_t is signed: larger values would reach the kernel negative. */
    if (adv > WASI_ADVICE_NOREUSE || a[1] > INT64_MAX || a[2] > INT64_MAX)
        return WASI_EINVAL;
    int r = posix_fadvise(e->host, (off_t)a[1], (off_t)a[2], advice[adv]);
    return r ? wasi_err(r) : WASI_ESUCCESS;
}

/* fd_allocate(fd, offset, len) */
static uint16_t wasi_fd_allocate(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (a[1] > INT64_MAX || a[2] > INT64_MAX) /* off_t is signed */
        return WASI_EINVAL;
    int r = posix_fallocate(e->host, (off_t)a[1], (off_t)a[2]);
    return r ? wasi_err(r) : WASI_ESUCCESS;
}

static uint16_t wasi_fd_fdstat_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *e;
    uint32_t out = (uint32_t)a[1];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, out, WASI_FDSTAT_SIZE))
        return WASI_EFAULT;
    int fl = fcntl(e->host, F_GETFL);
    if (fl < 0)
        return wasi_errno();
    uint16_t flags = 0;
    flags |= (fl & O_APPEND) ? WASI_FDFLAG_APPEND : 0;
    flags |= (fl & O_NONBLOCK) ? WASI_FDFLAG_NONBLOCK : 0;
    /* On Linux O_SYNC contains O_DSYNC's bit, and O_RSYNC is O_SYNC. */
    if ((fl & O_SYNC) == O_SYNC)
        flags |= WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC;
    else if (fl & O_DSYNC)
        flags |= WASI_FDFLAG_DSYNC;
    memset(wasi_at(c, out), 0, WASI_FDSTAT_SIZE);
    wasi_at(c, out)[WASI_FDSTAT_FILETYPE] = e->type;
    wasi_st16(c, out + WASI_FDSTAT_FLAGS, flags);
    wasi_st64(c, out + WASI_FDSTAT_RIGHTS_BASE, e->base);
    wasi_st64(c, out + WASI_FDSTAT_RIGHTS_INHERITING, e->inh);
    return WASI_ESUCCESS;
}

/* Linux can change only O_APPEND and O_NONBLOCK after open; F_SETFL
 * ignores the sync flags, and so do we, as a native program would see. */
static uint16_t wasi_fd_fdstat_set_flags(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint32_t flags = (uint32_t)a[1];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (flags & ~WASI_FDFLAGS_ALL) /* bits WASI does not define */
        return WASI_EINVAL;
    int fl = fcntl(e->host, F_GETFL);
    if (fl < 0)
        return wasi_errno();
    fl &= ~(O_APPEND | O_NONBLOCK);
    fl |= (flags & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
    fl |= (flags & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
    return fcntl(e->host, F_SETFL, fl) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* Rights may be dropped, never gained. */
static uint16_t wasi_fd_fdstat_set_rights(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if ((a[1] & ~e->base) || (a[2] & ~e->inh))
        return WASI_ENOTCAPABLE;
    e->base = a[1];
    e->inh = a[2];
    return WASI_ESUCCESS;
}

/* Writes a host stat as a WASI filestat at out (checked by the caller). */
static void wasi_put_filestat(dr_call_t *c, uint32_t out, const struct stat *st)
{
    memset(wasi_at(c, out), 0, WASI_FILESTAT_SIZE);
    wasi_st64(c, out + WASI_FILESTAT_DEV, st->st_dev);
    wasi_st64(c, out + WASI_FILESTAT_INO, st->st_ino);
    wasi_at(c, out)[WASI_FILESTAT_FILETYPE] = wasi_filetype(st->st_mode);
    wasi_st64(c, out + WASI_FILESTAT_NLINK, st->st_nlink);
    wasi_st64(c, out + WASI_FILESTAT_FSIZE, (uint64_t)st->st_size);
    wasi_st64(c, out + WASI_FILESTAT_ATIM, wasi_ns(st->st_atim));
    wasi_st64(c, out + WASI_FILESTAT_MTIM, wasi_ns(st->st_mtim));
    wasi_st64(c, out + WASI_FILESTAT_CTIM, wasi_ns(st->st_ctim));
}

static uint16_t wasi_fd_filestat_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *e;
    struct stat st;
    uint32_t out = (uint32_t)a[1];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, out, WASI_FILESTAT_SIZE))
        return WASI_EFAULT;
    if (fstat(e->host, &st) != 0)
        return wasi_errno();
    wasi_put_filestat(c, out, &st);
    return WASI_ESUCCESS;
}

static uint16_t wasi_fd_filestat_set_size(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (a[1] > INT64_MAX) /* off_t is signed */
        return WASI_EINVAL;
    return ftruncate(e->host, (off_t)a[1]) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* WASI's (atim, mtim, fstflags) as utimensat's two timespecs. */
static uint16_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec out[2])
{
    /* A time cannot be both given and "now"; undefined bits are refused. */
    if ((fst & ~WASI_FST_ALL) || ((fst & WASI_FST_ATIM) && (fst & WASI_FST_ATIM_NOW)) ||
        ((fst & WASI_FST_MTIM) && (fst & WASI_FST_MTIM_NOW)))
        return WASI_EINVAL;
    uint64_t t[2] = { atim, mtim };
    uint32_t set[2] = { WASI_FST_ATIM, WASI_FST_MTIM };
    uint32_t now[2] = { WASI_FST_ATIM_NOW, WASI_FST_MTIM_NOW };
    for (int i = 0; i < 2; i++) {
        out[i].tv_sec = (time_t)(t[i] / 1000000000u);
        out[i].tv_nsec = (long)(t[i] % 1000000000u);
        if (fst & now[i])
            out[i].tv_nsec = UTIME_NOW;
        else if (!(fst & set[i]))
            out[i].tv_nsec = UTIME_OMIT;
    }
    return WASI_ESUCCESS;
}

/* fd_filestat_set_times(fd, atim, mtim, fstflags) */
static uint16_t wasi_fd_filestat_set_times(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)c;
    wasi_fd_t *e;
    struct timespec ts[2];
    uint16_t err = wasi_fd(w, (uint32_t)a[0], &e);
    if (err == WASI_ESUCCESS)
        err = wasi_times(a[1], a[2], (uint32_t)a[3], ts);
    if (err != WASI_ESUCCESS)
        return err;
    return futimens(e->host, ts) == 0 ? WASI_ESUCCESS : wasi_errno();
}

/* ---- preopens ---------------------------------------------------------------------- */

static uint16_t wasi_preopen(dr_wasi_t *w, uint32_t fd, wasi_fd_t **out_e)
{
    uint16_t err = wasi_fd(w, fd, out_e);
    if (err == WASI_ESUCCESS && !(*out_e)->guest)
        return WASI_EBADF; /* open, but not a preopen: what wasi-libc expects */
    return err;
}

static uint16_t wasi_fd_prestat_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *e;
    uint32_t out = (uint32_t)a[1];
    uint16_t err = wasi_preopen(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, out, WASI_PRESTAT_SIZE))
        return WASI_EFAULT;
    memset(wasi_at(c, out), 0, WASI_PRESTAT_SIZE);
    wasi_at(c, out)[WASI_PRESTAT_TAG] = WASI_PREOPEN_DIR;
    wasi_st32(c, out + WASI_PRESTAT_NAME_LEN, (uint32_t)strlen(e->guest));
    return WASI_ESUCCESS;
}

/* The name, without a NUL, into a buffer that must hold it all. */
static uint16_t wasi_fd_prestat_dir_name(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *e;
    uint32_t buf = (uint32_t)a[1], len = (uint32_t)a[2];
    uint16_t err = wasi_preopen(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, buf, len))
        return WASI_EFAULT;
    size_t n = strlen(e->guest);
    if (len < n)
        return WASI_ENAMETOOLONG;
    if (n)
        memcpy(wasi_at(c, buf), e->guest, n);
    return WASI_ESUCCESS;
}

/* ---- fd_readdir ---------------------------------------------------------------------- */

static uint8_t wasi_dtype(int dirfd, const struct dirent64 *d)
{
    /* Never stat "..": at a preopen's root it is outside the sandbox. */
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
        return WASI_FILETYPE_DIRECTORY;
    switch (d->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN: break; /* some filesystems leave it to stat */
    default: return WASI_FILETYPE_UNKNOWN;
    }
    struct stat st;
    if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return WASI_FILETYPE_UNKNOWN;
    return wasi_filetype(st.st_mode);
}

/* Appends one WASI dirent (header, then name) at buf + *used, cut short
 * at len as the spec asks: a caller that finds the buffer full retries
 * from the last whole entry's cookie with a larger buffer. */
static void wasi_put_dirent(dr_call_t *c, uint32_t buf, uint32_t len, uint32_t *used,
                            int dirfd, const struct dirent64 *d)
{
    uint8_t hdr[WASI_DIRENT_SIZE] = { 0 };
    uint32_t namlen = (uint32_t)strlen(d->d_name);
    uint64_t next = (uint64_t)d->d_off, ino = d->d_ino;
    memcpy(hdr + WASI_DIRENT_NEXT, &next, 8);
    memcpy(hdr + WASI_DIRENT_INO, &ino, 8);
    memcpy(hdr + WASI_DIRENT_NAMLEN, &namlen, 4);
    hdr[WASI_DIRENT_TYPE] = wasi_dtype(dirfd, d);
    uint32_t n = len - *used < WASI_DIRENT_SIZE ? len - *used : WASI_DIRENT_SIZE;
    memcpy(wasi_at(c, buf + *used), hdr, n);
    *used += n;
    n = len - *used < namlen ? len - *used : namlen;
    if (n)
        memcpy(wasi_at(c, buf + *used), d->d_name, n);
    *used += n;
}

/* fd_readdir(fd, buf, buf_len, cookie, out_used). A cookie is the kernel's
 * own directory offset (getdents64's d_off, what telldir returns), and 0
 * the start, so resuming is an lseek and no per-fd state is kept. */
static uint16_t wasi_fd_readdir(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *e;
    uint32_t buf = (uint32_t)a[1], len = (uint32_t)a[2], out = (uint32_t)a[4];
    uint16_t err = wasi_dirfd(w, (uint32_t)a[0], &e);
    if (err != WASI_ESUCCESS)
        return err;
    if (!wasi_in(c, buf, len) || !wasi_in(c, out, 4))
        return WASI_EFAULT;
    if (a[3] > INT64_MAX) /* not a cookie we gave: d_off is a signed off_t */
        return WASI_EINVAL;
    if (lseek(e->host, (off_t)a[3], SEEK_SET) < 0)
        return wasi_errno();
    uint32_t used = 0;
    while (used < len) {
        ssize_t n = getdents64(e->host, w->dents, sizeof w->dents);
        if (n < 0)
            return wasi_errno();
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n && used < len;) {
            const struct dirent64 *d = (const struct dirent64 *)(w->dents + off);
            wasi_put_dirent(c, buf, len, &used, e->host, d);
            off += d->d_reclen;
        }
    }
    wasi_st32(c, out, used);
    return WASI_ESUCCESS;
}

/* ---- path calls ----------------------------------------------------------------------- */

/* The host open flags for path_open's oflags, rights and fdflags. The access
 * mode follows the rights asked for, as wasi-libc expects. */
static int wasi_open_flags(uint32_t lookup, uint32_t oflags, uint64_t base, uint32_t fdflags)
{
    const uint64_t rd = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR;
    const uint64_t wr = WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_WRITE |
                        WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE;
    int f = O_CLOEXEC | ((base & wr) ? ((base & rd) ? O_RDWR : O_WRONLY) : O_RDONLY);
    if (oflags & WASI_OFLAG_DIRECTORY) /* a directory opens read-only */
        f = O_CLOEXEC | O_RDONLY | O_DIRECTORY;
    f |= (oflags & WASI_OFLAG_CREAT) ? O_CREAT : 0;
    f |= (oflags & WASI_OFLAG_EXCL) ? O_EXCL : 0;
    f |= (oflags & WASI_OFLAG_TRUNC) ? O_TRUNC : 0;
    f |= (fdflags & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
    f |= (fdflags & WASI_FDFLAG_DSYNC) ? O_DSYNC : 0;
    f |= (fdflags & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
    f |= (fdflags & (WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC)) ? O_SYNC : 0;
    f |= (lookup & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW;
    return f;
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base,
 * rights_inheriting, fdflags, out_fd) */
static uint16_t wasi_path_open(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_fd_t *d;
    uint32_t slot, oflags = (uint32_t)a[4], fdflags = (uint32_t)a[7], out = (uint32_t)a[8];
    uint16_t err = wasi_dirfd(w, (uint32_t)a[0], &d);
    if (err == WASI_ESUCCESS)
        err = wasi_path_in(c, (uint32_t)a[2], (uint32_t)a[3], w->path[0]);
    if (err != WASI_ESUCCESS)
        return err;
    /* Undefined bits are refused rather than ignored. */
    if ((oflags & ~WASI_OFLAGS_ALL) || (fdflags & ~WASI_FDFLAGS_ALL))
        return WASI_EINVAL;
    if (!wasi_in(c, out, 4))
        return WASI_EFAULT;
    err = wasi_fd_slot(w, &slot); /* before the open: nothing to undo */
    if (err != WASI_ESUCCESS)
        return err;
    d = &w->fds[(uint32_t)a[0]]; /* the slot search may have moved the table */
    int host, flags = wasi_open_flags((uint32_t)a[1], oflags, a[5], fdflags);
    err = wasi_open_beneath(w, d->host, w->path[0], flags, 0666, &host);
    if (err != WASI_ESUCCESS)
        return err;
    w->fds[slot] = (wasi_fd_t){
        .host = host, .type = wasi_host_type(host),
        .base = a[5] & d->inh, .inh = a[6] & d->inh,
    };
    wasi_st32(c, out, slot);
    return WASI_ESUCCESS;
}

/* path_filestat_get(fd, lookupflags, path, path_len, out) */
static uint16_t wasi_path_filestat_get(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    struct stat st;
    int fd;
    uint32_t out = (uint32_t)a[4];
    if (!wasi_in(c, out, WASI_FILESTAT_SIZE))
        return WASI_EFAULT;
    uint16_t err = wasi_path_fd(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                                (uint32_t)a[3], &fd);
    if (err != WASI_ESUCCESS)
        return err;
    if (fstat(fd, &st) != 0)
        err = wasi_errno();
    else
        wasi_put_filestat(c, out, &st);
    close(fd);
    return err;
}

/* path_filestat_set_times(fd, lookupflags, path, path_len, atim, mtim,
 * fstflags): through an O_PATH fd of the object and AT_EMPTY_PATH, so no
 * name is looked up a second time. */
static uint16_t wasi_path_filestat_set_times(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    struct timespec ts[2];
    int fd;
    uint16_t err = wasi_times(a[4], a[5], (uint32_t)a[6], ts);
    if (err == WASI_ESUCCESS)
        err = wasi_path_fd(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                           (uint32_t)a[3], &fd);
    if (err != WASI_ESUCCESS)
        return err;
    if (utimensat(fd, "", ts, AT_EMPTY_PATH) != 0)
        err = wasi_errno();
    close(fd);
    return err;
}

typedef enum { WASI_MKDIR, WASI_RMDIR, WASI_UNLINK } wasi_name_op_t;

/* path_create_directory, path_remove_directory, path_unlink_file:
 * (fd, path, path_len). */
static uint16_t wasi_name_op(dr_wasi_t *w, dr_call_t *c, const uint64_t *a, wasi_name_op_t op)
{
    wasi_at_t at;
    uint16_t err = wasi_parent(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                               w->path[0], &at);
    if (err != WASI_ESUCCESS)
        return err;
    int r;
    switch (op) {
    case WASI_MKDIR: r = mkdirat(at.dir, at.name, 0777); break;
    case WASI_RMDIR: r = unlinkat(at.dir, at.name, AT_REMOVEDIR); break;
    default: r = unlinkat(at.dir, at.name, 0); break;
    }
    err = r == 0 ? WASI_ESUCCESS : wasi_errno();
    close(at.dir);
    return err;
}

static uint16_t wasi_path_create_directory(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_name_op(w, c, a, WASI_MKDIR);
}

static uint16_t wasi_path_remove_directory(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_name_op(w, c, a, WASI_RMDIR);
}

static uint16_t wasi_path_unlink_file(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    return wasi_name_op(w, c, a, WASI_UNLINK);
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len) */
static uint16_t wasi_path_rename(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_at_t from, to;
    uint16_t err = wasi_parent(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                               w->path[0], &from);
    if (err != WASI_ESUCCESS)
        return err;
    err = wasi_parent(w, c, (uint32_t)a[3], (uint32_t)a[4], (uint32_t)a[5], w->path[1], &to);
    if (err == WASI_ESUCCESS) {
        if (renameat(from.dir, from.name, to.dir, to.name) != 0)
            err = wasi_errno();
        close(to.dir);
    }
    close(from.dir);
    return err;
}

/* path_readlink(fd, path, path_len, buf, buf_len, out_used): the target,
 * cut to buf_len, without a NUL. */
static uint16_t wasi_path_readlink(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_at_t at;
    uint32_t buf = (uint32_t)a[3], len = (uint32_t)a[4], out = (uint32_t)a[5];
    if (!wasi_in(c, buf, len) || !wasi_in(c, out, 4))
        return WASI_EFAULT;
    uint16_t err = wasi_parent(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                               w->path[0], &at);
    if (err != WASI_ESUCCESS)
        return err;
    ssize_t n = readlinkat(at.dir, at.name, w->link, sizeof w->link);
    close(at.dir);
    if (n < 0)
        return wasi_errno();
    uint32_t used = (uint64_t)n < len ? (uint32_t)n : len;
    if (used)
        memcpy(wasi_at(c, buf), w->link, used);
    wasi_st32(c, out, used);
    return WASI_ESUCCESS;
}

/* path_symlink(old_path, old_len, fd, new_path, new_len). The target is
 * stored as text and may name anything, "/etc" included: this runtime
 * never follows a symlink out of a preopen, so it grants nothing. */
static uint16_t wasi_path_symlink(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_at_t at;
    uint32_t tptr = (uint32_t)a[0], tlen = (uint32_t)a[1];
    if (!wasi_in(c, tptr, tlen))
        return WASI_EFAULT;
    if (tlen >= PATH_MAX)
        return WASI_ENAMETOOLONG;
    memcpy(w->path[1], wasi_at(c, tptr), tlen);
    w->path[1][tlen] = '\0';
    if (tlen == 0 || strlen(w->path[1]) != tlen) /* empty, or a NUL inside */
        return tlen ? WASI_EINVAL : WASI_ENOENT;
    uint16_t err = wasi_parent(w, c, (uint32_t)a[2], (uint32_t)a[3], (uint32_t)a[4],
                               w->path[0], &at);
    if (err != WASI_ESUCCESS)
        return err;
    if (symlinkat(w->path[1], at.dir, at.name) != 0)
        err = wasi_errno();
    close(at.dir);
    return err;
}

/* The source of a following path_link: the file the symlink chain ends at,
 * resolved beneath fd, linked through its /proc/self/fd magic link
 * (linkat's AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH). A plain
 * linkat with AT_SYMLINK_FOLLOW would follow the last component anywhere. */
static int wasi_link_followed(int src, const wasi_at_t *to)
{
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", src);
    return linkat(AT_FDCWD, proc, to->dir, to->name, AT_SYMLINK_FOLLOW);
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len) */
static uint16_t wasi_path_link(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    wasi_at_t to;
    uint16_t err = wasi_parent(w, c, (uint32_t)a[4], (uint32_t)a[5], (uint32_t)a[6],
                               w->path[1], &to);
    if (err != WASI_ESUCCESS)
        return err;
    if ((uint32_t)a[1] & WASI_LOOKUP_SYMLINK_FOLLOW) {
        int src;
        err = wasi_path_fd(w, c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                           (uint32_t)a[3], &src);
        if (err == WASI_ESUCCESS) {
            if (wasi_link_followed(src, &to) != 0)
                err = wasi_errno();
            close(src);
        }
    } else {
        wasi_at_t from;
        err = wasi_parent(w, c, (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3],
                          w->path[0], &from);
        if (err == WASI_ESUCCESS) {
            if (linkat(from.dir, from.name, to.dir, to.name, 0) != 0)
                err = wasi_errno();
            close(from.dir);
        }
    }
    close(to.dir);
    return err;
}

/* ---- poll_oneoff ------------------------------------------------------------------------ */

/* One subscription, decoded. */
typedef struct wasi_sub {
    uint64_t userdata;
    uint8_t type;    /* WASI_EVENT_* */
    uint16_t error;  /* set: reported at once with this errno */
    uint64_t remain; /* clock: ns left when the poll began */
    int pfd;         /* fd: index into the pollfd array */
} wasi_sub_t;

/* Decodes the subscription at in into *s, adding a pollfd for an fd
 * event. A bad clock or fd is that event's error; an undefined tag makes
 * the whole call fail (false). */
static bool wasi_sub_decode(dr_wasi_t *w, dr_call_t *c, uint64_t in, wasi_sub_t *s,
                            struct pollfd *pfds, int *npfd)
{
    s->userdata = wasi_ld64(c, in + WASI_SUB_USERDATA);
    s->type = wasi_at(c, in)[WASI_SUB_TAG];
    if (s->type == WASI_EVENT_CLOCK) {
        clockid_t id;
        uint64_t t = wasi_ld64(c, in + WASI_SUB_CLOCK_TIMEOUT);
        uint16_t flags = wasi_ld16(c, in + WASI_SUB_CLOCK_FLAGS);
        if (!wasi_clockid(wasi_ld32(c, in + WASI_SUB_CLOCK_ID), &id)) {
            s->error = WASI_EINVAL;
            return true;
        }
        if (flags & WASI_SUBCLOCK_ABSTIME) {
            uint64_t now = wasi_now(id);
            t = t > now ? t - now : 0;
        }
        s->remain = t;
        return true;
    }
    wasi_fd_t *e;
    if (s->type != WASI_EVENT_FD_READ && s->type != WASI_EVENT_FD_WRITE)
        return false;
    s->error = wasi_fd(w, wasi_ld32(c, in + WASI_SUB_FD), &e);
    if (s->error != WASI_ESUCCESS)
        return true;
    s->pfd = (*npfd)++;
    pfds[s->pfd] = (struct pollfd){
        .fd = e->host, .events = s->type == WASI_EVENT_FD_READ ? POLLIN : POLLOUT,
    };
    return true;
}

/* Writes the event for s at out if it is ready after `elapsed` ns. */
static bool wasi_sub_event(dr_call_t *c, const wasi_sub_t *s, const struct pollfd *pfds,
                           uint64_t elapsed, uint64_t out)
{
    uint16_t error = s->error, flags = 0;
    uint64_t nbytes = 0;
    if (error == WASI_ESUCCESS && s->type == WASI_EVENT_CLOCK) {
        if (s->remain > elapsed)
            return false;
    } else if (error == WASI_ESUCCESS) {
        const struct pollfd *p = &pfds[s->pfd];
        if (!p->revents)
            return false;
        int avail;
        if (p->revents & POLLNVAL)
            error = WASI_EBADF;
        if (s->type == WASI_EVENT_FD_READ && ioctl(p->fd, FIONREAD, &avail) == 0 && avail > 0)
            nbytes = (uint64_t)avail;
        flags = (p->revents & POLLHUP) ? WASI_EVENTRW_HANGUP : 0;
    }
    memset(wasi_at(c, out), 0, WASI_EVENT_SIZE);
    wasi_st64(c, out + WASI_EVENT_USERDATA, s->userdata);
    wasi_st16(c, out + WASI_EVENT_ERROR, error);
    wasi_at(c, out)[WASI_EVENT_TYPE] = s->type;
    wasi_st64(c, out + WASI_EVENT_NBYTES, nbytes);
    wasi_st16(c, out + WASI_EVENT_FLAGS, flags);
    return true;
}

/* Waits until the earliest clock subscription is due or a polled fd is
 * ready. Timeouts on any clock are waited for on the monotonic clock:
 * a CPU-time deadline is approximated by wall time. */
static void wasi_poll_wait(const wasi_sub_t *subs, uint32_t n, struct pollfd *pfds,
                           int npfd, uint64_t elapsed)
{
    uint64_t wait = UINT64_MAX; /* none: until an fd is ready */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t left = subs[i].remain > elapsed ? subs[i].remain - elapsed : 0;
        if (subs[i].error)
            wait = 0; /* an event to report now */
        else if (subs[i].type == WASI_EVENT_CLOCK && left < wait)
            wait = left;
    }
    struct timespec ts = { (time_t)(wait / 1000000000u), (long)(wait % 1000000000u) };
    if (npfd)
        ppoll(pfds, (nfds_t)npfd, wait == UINT64_MAX ? NULL : &ts, NULL);
    else if (wait != UINT64_MAX)
        nanosleep(&ts, NULL); /* EINTR: the caller loops */
}

/* poll_oneoff(in, out, nsubscriptions, out_nevents) */
static uint16_t wasi_poll_oneoff(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    uint32_t in = (uint32_t)a[0], out = (uint32_t)a[1], n = (uint32_t)a[2];
    uint32_t pout = (uint32_t)a[3], nev = 0;
    if (n == 0) /* the spec: nothing to wait for is an error */
        return WASI_EINVAL;
    if (!wasi_in(c, in, (uint64_t)n * WASI_SUB_SIZE) ||
        !wasi_in(c, out, (uint64_t)n * WASI_EVENT_SIZE) || !wasi_in(c, pout, 4))
        return WASI_EFAULT;
    if (n > WASI_MAX_SUBS) /* bounds the host memory a module can ask for */
        return WASI_EINVAL;
    wasi_sub_t *subs = calloc(n, sizeof *subs);
    struct pollfd *pfds = calloc(n, sizeof *pfds);
    if (!subs || !pfds) {
        free(subs);
        free(pfds);
        return WASI_ENOMEM;
    }
    int npfd = 0;
    bool ok = true;
    for (uint32_t i = 0; i < n && ok; i++)
        ok = wasi_sub_decode(w, c, in + (uint64_t)i * WASI_SUB_SIZE, &subs[i], pfds, &npfd);
    uint64_t start = wasi_now(CLOCK_MONOTONIC), elapsed = 0;
    while (ok && nev == 0) {
        wasi_poll_wait(subs, n, pfds, npfd, elapsed);
        elapsed = wasi_now(CLOCK_MONOTONIC) - start;
        for (uint32_t i = 0; i < n; i++)
            nev += wasi_sub_event(c, &subs[i], pfds, elapsed,
                                  out + (uint64_t)nev * WASI_EVENT_SIZE);
    }
    if (ok)
        wasi_st32(c, pout, nev);
    free(subs);
    free(pfds);
    return ok ? WASI_ESUCCESS : WASI_EINVAL; /* an undefined event type */
}

/* ---- processes, scheduling, sockets -------------------------------------------------------- */

static uint16_t wasi_sched_yield(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)w, (void)c, (void)a;
    sched_yield();
    return WASI_ESUCCESS;
}

/* proc_raise and the socket calls: this runtime has neither signals for
 * modules nor sockets to hand them. */
static uint16_t wasi_nosys(dr_wasi_t *w, dr_call_t *c, const uint64_t *a)
{
    (void)w, (void)c, (void)a;
    return WASI_ENOSYS;
}

#define wasi_proc_raise wasi_nosys
#define wasi_sock_accept wasi_nosys
#define wasi_sock_recv wasi_nosys
#define wasi_sock_send wasi_nosys
#define wasi_sock_shutdown wasi_nosys

static int wasi_proc_exit(dr_call_t *c, const uint64_t *args, uint64_t *res)
{
    (void)res;
    c->exit_code = (int)(uint32_t)args[0];
    return DR_EXIT;
}

/* ---- the module -------------------------------------------------------------------------- */

/* Every function returning an errno: name, params, results, exactly as
 * wasi-libc imports them (its libc.a's import section is the authority). */
#define WASI_FUNCS(X)                                                               \
    X(args_get, "ii") X(args_sizes_get, "ii") X(environ_get, "ii")                  \
    X(environ_sizes_get, "ii") X(clock_res_get, "ii") X(clock_time_get, "iIi")      \
    X(fd_advise, "iIIi") X(fd_allocate, "iII") X(fd_close, "i")                      \
    X(fd_datasync, "i") X(fd_fdstat_get, "ii") X(fd_fdstat_set_flags, "ii")          \
    X(fd_fdstat_set_rights, "iII") X(fd_filestat_get, "ii")                          \
    X(fd_filestat_set_size, "iI") X(fd_filestat_set_times, "iIIi")                   \
    X(fd_pread, "iiiIi") X(fd_prestat_get, "ii") X(fd_prestat_dir_name, "iii")       \
    X(fd_pwrite, "iiiIi") X(fd_read, "iiii") X(fd_readdir, "iiiIi")                  \
    X(fd_renumber, "ii") X(fd_seek, "iIii") X(fd_sync, "i") X(fd_tell, "ii")         \
    X(fd_write, "iiii") X(path_create_directory, "iii")                              \
    X(path_filestat_get, "iiiii") X(path_filestat_set_times, "iiiiIIi")              \
    X(path_link, "iiiiiii") X(path_open, "iiiiiIIii") X(path_readlink, "iiiiii")     \
    X(path_remove_directory, "iii") X(path_rename, "iiiiii")                         \
    X(path_symlink, "iiiii") X(path_unlink_file, "iii") X(poll_oneoff, "iiii")       \
    X(proc_raise, "i") X(sched_yield, "") X(random_get, "ii")                        \
    X(sock_accept, "iii") X(sock_recv, "iiiiii") X(sock_send, "iiiii")               \
    X(sock_shutdown, "ii")

#define WASI_THUNK(name, params)                                                    \
    static int wasi_h_##name(dr_call_t *c, const uint64_t *args, uint64_t *res)     \
    {                                                                               \
        res[0] = wasi_##name(c->state, c, args);                                    \
        return DR_OK;                                                               \
    }
WASI_FUNCS(WASI_THUNK)
#undef WASI_THUNK

#define WASI_ENTRY(name, params) { #name, params, "i", wasi_h_##name },
static const dr_hostfn_t wasi_funcs[] = {
    WASI_FUNCS(WASI_ENTRY)
    { "proc_exit", "i", "", wasi_proc_exit },
};
#undef WASI_ENTRY

/* Adds host fd as the next guest fd; takes ownership unless stdio. */
static bool wasi_add_fd(dr_wasi_t *w, int host, bool stdio, const char *guest)
{
    uint32_t slot;
    if (wasi_fd_slot(w, &slot) != WASI_ESUCCESS)
        return false;
    wasi_fd_t *e = &w->fds[slot];
    *e = (wasi_fd_t){ .host = host, .stdio = stdio, .type = wasi_host_type(host),
                      .base = WASI_RIGHTS_ALL, .inh = WASI_RIGHTS_ALL };
    /* wasi-libc's isatty() is "a character device without seek rights":
     * a terminal must not have them, or stdout would not be line-buffered. */
    if (isatty(host))
        e->base &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
    if (guest && !(e->guest = strdup(guest)))
        return false;
    return true;
}

static bool wasi_add_preopen(dr_wasi_t *w, const dr_preopen_t *p)
{
    int fd = open(p->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "dogma-run: preopened directory %s: %s\n", p->host, strerror(errno));
        return false;
    }
    if (!wasi_add_fd(w, fd, false, p->guest)) {
        close(fd);
        fprintf(stderr, "dogma-run: out of memory\n");
        return false;
    }
    return true;
}

dr_wasi_t *dr_wasi_new(int argc, char **argv, int envc, char **envp,
                       int npreopens, const dr_preopen_t *preopens)
{
    dr_wasi_t *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(stderr, "dogma-run: out of memory\n");
        return NULL;
    }
    w->argc = argc;
    w->argv = argv;
    w->envc = envc;
    w->envp = envp;
    for (int fd = 0; fd < 3; fd++)
        w->stdio_fl[fd] = fcntl(fd, F_GETFL); /* -1 if closed: nothing to restore */
    for (int fd = 0; fd < 3; fd++) {
        if (!wasi_add_fd(w, fd, true, NULL)) {
            fprintf(stderr, "dogma-run: out of memory\n");
            dr_wasi_free(w);
            return NULL;
        }
    }
    for (int i = 0; i < npreopens; i++) {
        if (!wasi_add_preopen(w, &preopens[i])) {
            dr_wasi_free(w);
            return NULL;
        }
    }
    return w;
}

/* The host's stdio outlives the module, which may have set O_NONBLOCK or
 * O_APPEND on it (shared with the shell that started us): undo that. */
void dr_wasi_free(dr_wasi_t *w)
{
    if (!w)
        return;
    for (int fd = 0; fd < 3; fd++) {
        if (w->stdio_fl[fd] >= 0)
            fcntl(fd, F_SETFL, w->stdio_fl[fd]);
    }
    for (uint32_t i = 0; i < w->nfds; i++) {
        if (w->fds[i].host >= 0)
            wasi_fd_drop(&w->fds[i]);
    }
    free(w->fds);
    free(w);
}

dr_hostmod_t dr_wasi_module(dr_wasi_t *w)
{
    return (dr_hostmod_t){
        .name = "wasi_snapshot_preview1",
        .funcs = wasi_funcs,
        .nfuncs = sizeof wasi_funcs / sizeof wasi_funcs[0],
        .state = w,
    };
}

void dr_wasi_force_walk(dr_wasi_t *w, bool walk)
{
    w->walk = walk;
}
