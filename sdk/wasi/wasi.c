/*
 * WASI preview 1 over Dogma: the process, clocks, randomness, the fd
 * table and the standard streams (spec/sdk.md, "The WASI adapter").
 *
 * Arguments and environment come from the start block (dogma_start).
 * The fd table is fixed and small (WASI_MAX_FDS), built at the first call
 * that needs it from the grants, found by role:
 *
 *   0  "stdin": a stream read (dogma/stream.h); without that grant,
 *      always at end of file
 *   1  "stdout", 2 "stderr": stream writes; without the grant the fd is
 *      closed, so writes fail with EBADF (a program may see that its
 *      output goes nowhere, rather than lose it silently)
 *   3  "/", the preopened root of the "initrd" grant (files.c), only when
 *      the grant exists
 *   4+ files and directories opened by path_open
 *
 * The streams report themselves as character devices without seek
 * rights, which wasi-libc's isatty() takes for a terminal: stdout is then
 * line-buffered, as on a console, which is where it usually ends up.
 *
 * Dogma errors become WASI errnos in wasi_errno_of; a reader that went
 * away is EPIPE.
 */
#include <string.h>

#include "adapter.h"

static wfd_t fds[WASI_MAX_FDS];
static dogma_stream_t stdio_streams[3];
static int fds_ready;
static uint32_t initrd_handle;

static const char *const stdio_roles[3] = { "stdin", "stdout", "stderr" };

#define STREAM_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |            \
                       __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_FILESTAT_GET | \
                       __WASI_RIGHTS_POLL_FD_READWRITE)

static void fds_init(void)
{
    fds_ready = 1;
    for (int fd = 0; fd < 3; fd++) {
        uint32_t h = dogma_grant_by_role(stdio_roles[fd]);
        if (!h) {
            if (fd == 0)
                fds[0] = (wfd_t){ .kind = WFD_EMPTY_IN, .rights = STREAM_RIGHTS };
            continue;
        }
        dogma_stream_init(&stdio_streams[fd], h);
        fds[fd] = (wfd_t){ .kind = fd ? WFD_STREAM_OUT : WFD_STREAM_IN,
                           .rights = STREAM_RIGHTS, .stream = &stdio_streams[fd] };
    }
    initrd_handle = dogma_grant_by_role("initrd");
    if (initrd_handle) {
        /* Every right, inherited too: wasi-libc asks for rights out of the
         * directory's inheriting set, and path_open must see a request for
         * FD_WRITE to answer it with EROFS. */
        fds[WASI_PREOPEN_FD] = (wfd_t){ .kind = WFD_DIR, .node = 0,
                                        .rights = ~(uint64_t)0 >> 34,
                                        .inherit = ~(uint64_t)0 >> 34 };
    }
}

wfd_t *wasi_fd(int32_t fd)
{
    if (!fds_ready)
        fds_init();
    if (fd < 0 || fd >= WASI_MAX_FDS || fds[fd].kind == WFD_FREE)
        return NULL;
    return &fds[fd];
}

wfd_t *wasi_fd_alloc(int32_t *out_fd)
{
    if (!fds_ready)
        fds_init();
    for (int32_t fd = WASI_PREOPEN_FD + 1; fd < WASI_MAX_FDS; fd++) {
        if (fds[fd].kind == WFD_FREE) {
            *out_fd = fd;
            return &fds[fd];
        }
    }
    return NULL;
}

uint32_t wasi_initrd(void)
{
    if (!fds_ready)
        fds_init();
    return initrd_handle;
}

__wasi_errno_t wasi_errno_of(int64_t r)
{
    switch (r >= 0 ? 0 : -r) {
    case DOGMA_E_OK: return __WASI_ERRNO_SUCCESS;
    case DOGMA_E_BAD_HANDLE: case DOGMA_E_WRONG_KIND: return __WASI_ERRNO_BADF;
    case DOGMA_E_RIGHTS: return __WASI_ERRNO_ACCES;
    case DOGMA_E_BAD_ADDRESS: return __WASI_ERRNO_FAULT;
    case DOGMA_E_BAD_ARG: return __WASI_ERRNO_INVAL;
    case DOGMA_E_NO_MEMORY: return __WASI_ERRNO_NOMEM;
    case DOGMA_E_FULL: case DOGMA_E_EMPTY: return __WASI_ERRNO_AGAIN;
    case DOGMA_E_PEER_CLOSED: return __WASI_ERRNO_PIPE;
    case DOGMA_E_TIMED_OUT: return __WASI_ERRNO_TIMEDOUT;
    case DOGMA_E_NOT_IMPLEMENTED: return __WASI_ERRNO_NOSYS;
    default: return __WASI_ERRNO_IO;
    }
}

/* ---- arguments and environment -------------------------------------------- */

/* Sizes of a string vector: the count and the bytes with their NULs. */
static int32_t vec_sizes(int env, int32_t out_count, int32_t out_size)
{
    const dogma_start_t *s = dogma_start();
    uint32_t n = s ? (env ? s->envc : s->argc) : 0, bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += (uint32_t)strlen((env ? s->envp : s->argv)[i]) + 1;
    *WASI_PTR(__wasi_size_t, out_count) = n;
    *WASI_PTR(__wasi_size_t, out_size) = bytes;
    return __WASI_ERRNO_SUCCESS;
}

static int32_t vec_get(int env, int32_t vec, int32_t buf)
{
    const dogma_start_t *s = dogma_start();
    uint32_t n = s ? (env ? s->envc : s->argc) : 0;
    char **v = WASI_PTR(char *, vec), *b = WASI_PTR(char, buf);
    for (uint32_t i = 0; i < n; i++) {
        const char *str = (env ? s->envp : s->argv)[i];
        size_t len = strlen(str) + 1;
        memcpy(b, str, len);
        v[i] = b;
        b += len;
    }
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(args_sizes_get)(int32_t out_argc, int32_t out_size)
{
    return vec_sizes(0, out_argc, out_size);
}

int32_t WASI_FN(args_get)(int32_t argv, int32_t buf)
{
    return vec_get(0, argv, buf);
}

int32_t WASI_FN(environ_sizes_get)(int32_t out_count, int32_t out_size)
{
    return vec_sizes(1, out_count, out_size);
}

int32_t WASI_FN(environ_get)(int32_t envp, int32_t buf)
{
    return vec_get(1, envp, buf);
}

/* ---- clocks, randomness, the process ---------------------------------------- */

/* Dogma has one clock, nanoseconds since boot. REALTIME is that clock too
 * until the system has a wall clock: times and dates start at 1970. The
 * CPU-time clocks have no source: EINVAL, as for an unknown clock. */
int32_t WASI_FN(clock_res_get)(int32_t id, int32_t out)
{
    if (id != __WASI_CLOCKID_REALTIME && id != __WASI_CLOCKID_MONOTONIC)
        return __WASI_ERRNO_INVAL;
    *WASI_PTR(__wasi_timestamp_t, out) = 1;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(clock_time_get)(int32_t id, int64_t precision, int32_t out)
{
    (void)precision;
    if (id != __WASI_CLOCKID_REALTIME && id != __WASI_CLOCKID_MONOTONIC)
        return __WASI_ERRNO_INVAL;
    int64_t t = dogma_clock();
    if (t < 0)
        return wasi_errno_of(t);
    *WASI_PTR(__wasi_timestamp_t, out) = (uint64_t)t;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(random_get)(int32_t buf, int32_t len)
{
    return wasi_errno_of(dogma_random(WASI_PTR(void, buf), (uint32_t)len));
}

void WASI_FN(proc_exit)(int32_t status)
{
    dogma_exit(status);
}

int32_t WASI_FN(sched_yield)(void)
{
    return wasi_errno_of(dogma_yield());
}

/* ---- streams ------------------------------------------------------------------ */

int32_t WASI_FN(fd_write)(int32_t fd, int32_t iovs, int32_t n, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    if (!f || f->kind != WFD_STREAM_OUT)
        return __WASI_ERRNO_BADF; /* files and directories are read-only fds */
    const __wasi_ciovec_t *v = WASI_PTR(const __wasi_ciovec_t, iovs);
    __wasi_size_t done = 0;
    for (int32_t i = 0; i < n; i++) {
        int64_t r = dogma_stream_write(f->stream, v[i].buf, v[i].buf_len);
        if (r < 0) {
            if (done)
                break; /* report what was written; the error comes next time */
            return wasi_errno_of(r);
        }
        done += (__wasi_size_t)r;
        if ((size_t)r < v[i].buf_len)
            break;
    }
    *WASI_PTR(__wasi_size_t, out) = done;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_pwrite)(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out)
{
    (void)iovs, (void)n, (void)off, (void)out;
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    return f->kind == WFD_STREAM_OUT ? __WASI_ERRNO_SPIPE : __WASI_ERRNO_BADF;
}

int32_t WASI_FN(fd_read)(int32_t fd, int32_t iovs, int32_t n, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    __wasi_size_t *nread = WASI_PTR(__wasi_size_t, out);
    const __wasi_iovec_t *v = WASI_PTR(const __wasi_iovec_t, iovs);
    if (!f)
        return __WASI_ERRNO_BADF;
    switch (f->kind) {
    case WFD_EMPTY_IN:
        *nread = 0;
        return __WASI_ERRNO_SUCCESS;
    case WFD_STREAM_IN:
        /* One message at most: a read returns what has arrived, as a
         * terminal or pipe read does, rather than waiting to fill iovs. */
        for (int32_t i = 0; i < n; i++) {
            if (v[i].buf_len == 0)
                continue;
            int64_t r = dogma_stream_read(f->stream, v[i].buf, v[i].buf_len);
            if (r < 0)
                return wasi_errno_of(r);
            *nread = (__wasi_size_t)r;
            return __WASI_ERRNO_SUCCESS;
        }
        *nread = 0;
        return __WASI_ERRNO_SUCCESS;
    case WFD_FILE:
        return wasi_file_read(f, v, (size_t)n, &f->pos, nread);
    case WFD_DIR:
        return __WASI_ERRNO_ISDIR;
    default:
        return __WASI_ERRNO_BADF; /* stdout, stderr: not open for reading */
    }
}

int32_t WASI_FN(fd_close)(int32_t fd)
{
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    /* A granted handle stays the process's: closing fd 1 only ends the
     * program's use of it through WASI. */
    *f = (wfd_t){ .kind = WFD_FREE };
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_fdstat_get)(int32_t fd, int32_t out)
{
    wfd_t *f = wasi_fd(fd);
    if (!f)
        return __WASI_ERRNO_BADF;
    __wasi_fdstat_t st = { .fs_rights_base = f->rights, .fs_rights_inheriting = f->inherit };
    switch (f->kind) {
    case WFD_DIR: st.fs_filetype = __WASI_FILETYPE_DIRECTORY; break;
    case WFD_FILE: st.fs_filetype = __WASI_FILETYPE_REGULAR_FILE; break;
    default: st.fs_filetype = __WASI_FILETYPE_CHARACTER_DEVICE; break;
    }
    *WASI_PTR(__wasi_fdstat_t, out) = st;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_prestat_get)(int32_t fd, int32_t out)
{
    /* EBADF ends wasi-libc's scan for preopens, which starts at fd 3. */
    if (fd != WASI_PREOPEN_FD || !wasi_fd(fd) || !wasi_initrd())
        return __WASI_ERRNO_BADF;
    __wasi_prestat_t p = { .tag = __WASI_PREOPENTYPE_DIR };
    p.u.dir.pr_name_len = sizeof WASI_PREOPEN_NAME - 1;
    *WASI_PTR(__wasi_prestat_t, out) = p;
    return __WASI_ERRNO_SUCCESS;
}

int32_t WASI_FN(fd_prestat_dir_name)(int32_t fd, int32_t path, int32_t len)
{
    if (fd != WASI_PREOPEN_FD || !wasi_fd(fd) || !wasi_initrd())
        return __WASI_ERRNO_BADF;
    if ((uint32_t)len < sizeof WASI_PREOPEN_NAME - 1)
        return __WASI_ERRNO_NAMETOOLONG;
    memcpy(WASI_PTR(char, path), WASI_PREOPEN_NAME, sizeof WASI_PREOPEN_NAME - 1);
    return __WASI_ERRNO_SUCCESS;
}
