/*
 * Tests of dogma-run's WASI preview 1 host module (libabi/tools/run/wasi.c).
 *
 * The module is driven the way the runtime drives it: through the
 * dr_hostmod_t table, by name, with arguments in 8-byte slots, against a
 * fake linear memory of WT_MEM bytes. Each case starts from a fresh state
 * whose fd 3 preopens a new temporary directory under the guest name
 * "/sandbox"; a sibling directory holds what the sandbox must never reach.
 * The sandbox cases run twice, once with openat2 and once with the
 * component-by-component walk that stands in for it on old kernels.
 */
#define _GNU_SOURCE /* nftw, mkdtemp */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "ut.h"
#include "wasi-abi.h"

#define WT_MEM 65536u
#define WT_OUT 0x80u  /* result words */
#define WT_STR 0x100u /* a path */
#define WT_STR2 0x300u /* a second path */
#define WT_IOV 0x500u /* iovec arrays */
#define WT_BUF 0x1000u /* data */

static struct {
    char root[64];     /* the test's temporary directory */
    char sandbox[80];  /* root/sandbox, preopened as fd 3 */
    char outside[80];  /* root/outside, holding "secret" */
    dr_wasi_t *w;
    dr_hostmod_t mod;
    dr_call_t c;
    uint8_t *mem;
} wt;

static char *wt_argv[] = { "prog", "a b", "" };
static char *wt_envp[] = { "X=1", "HOME=/home/guest" };

static int wt_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void wt_cleanup(void)
{
    if (wt.w)
        dr_wasi_free(wt.w);
    if (wt.root[0])
        nftw(wt.root, wt_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(wt.mem);
    memset(&wt, 0, sizeof wt);
}

/* A fresh state. A failed check abandons a case midway, so the previous
 * case's leftovers are cleaned here, and the last one's at exit. */
static void wt_setup(void)
{
    static bool registered;
    if (!registered)
        atexit(wt_cleanup);
    registered = true;
    wt_cleanup();
    strcpy(wt.root, "/tmp/dogma-wasi-XXXXXX");
    UT_CHECK(mkdtemp(wt.root));
    snprintf(wt.sandbox, sizeof wt.sandbox, "%s/sandbox", wt.root);
    snprintf(wt.outside, sizeof wt.outside, "%s/outside", wt.root);
    UT_EQ(mkdir(wt.sandbox, 0777), 0);
    UT_EQ(mkdir(wt.outside, 0777), 0);
    char secret[128];
    snprintf(secret, sizeof secret, "%s/secret", wt.outside);
    int fd = open(secret, O_CREAT | O_WRONLY, 0644);
    UT_CHECK(fd >= 0);
    UT_EQ(write(fd, "s3cr3t", 6), 6);
    close(fd);
    dr_preopen_t pre = { wt.sandbox, "/sandbox" };
    wt.w = dr_wasi_new(3, wt_argv, 2, wt_envp, 1, &pre);
    UT_CHECK(wt.w);
    wt.mod = dr_wasi_module(wt.w);
    wt.mem = calloc(1, WT_MEM);
    wt.c = (dr_call_t){ .mem = wt.mem, .mem_size = WT_MEM, .state = wt.mod.state };
}

static const dr_hostfn_t *wt_fn(const char *name)
{
    for (size_t i = 0; i < wt.mod.nfuncs; i++) {
        if (strcmp(wt.mod.funcs[i].name, name) == 0)
            return &wt.mod.funcs[i];
    }
    ut_fail(__FILE__, __LINE__, "no function %s", name);
}

static uint64_t wt_callv(const char *name, const uint64_t *args, size_t n)
{
    const dr_hostfn_t *f = wt_fn(name);
    uint64_t res[1] = { 0xdeadbeef };
    if (strlen(f->params) != n)
        ut_fail(__FILE__, __LINE__, "%s takes %zu arguments, not %zu", name,
                strlen(f->params), n);
    UT_EQ(f->fn(&wt.c, args, res), DR_OK);
    UT_CHECK(res[0] <= 0xffff); /* an errno, zero-extended */
    return res[0];
}

#define WT_ARGS(...) (const uint64_t[]){ __VA_ARGS__ }
#define WT_CALL(name, ...)                                                     \
    wt_callv(name, WT_ARGS(__VA_ARGS__), sizeof WT_ARGS(__VA_ARGS__) / sizeof(uint64_t))

static uint32_t wt_ld32(uint32_t at)
{
    uint32_t v;
    memcpy(&v, wt.mem + at, 4);
    return v;
}

static uint64_t wt_ld64(uint32_t at)
{
    uint64_t v;
    memcpy(&v, wt.mem + at, 8);
    return v;
}

static void wt_st32(uint32_t at, uint32_t v)
{
    memcpy(wt.mem + at, &v, 4);
}

static void wt_st64(uint32_t at, uint64_t v)
{
    memcpy(wt.mem + at, &v, 8);
}

/* Puts s into memory at `at` (no NUL) and returns its length. */
static uint32_t wt_str(uint32_t at, const char *s)
{
    size_t n = strlen(s);
    memcpy(wt.mem + at, s, n);
    return (uint32_t)n;
}

#define WT_RW (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK | \
               WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_READDIR)

/* path_open beneath fd 3; the errno, and the new fd in *out_fd. */
static uint64_t wt_open(const char *path, uint32_t lookup, uint32_t oflags, uint64_t rights,
                        uint32_t *out_fd)
{
    uint32_t n = wt_str(WT_STR, path);
    uint64_t e = WT_CALL("path_open", 3, lookup, WT_STR, n, oflags, rights, rights, 0, WT_OUT);
    *out_fd = e ? UINT32_MAX : wt_ld32(WT_OUT);
    return e;
}

/* One iovec of [buf, buf + len) at WT_IOV. */
static void wt_iov(uint32_t buf, uint32_t len)
{
    wt_st32(WT_IOV, buf);
    wt_st32(WT_IOV + 4, len);
}

static bool wt_host_exists(const char *dir, const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

/* ---- the table ------------------------------------------------------------------ */

/* Every import of wasi-libc (its libc.a), with its exact type. */
static const struct { const char *name, *params, *results; } wt_sigs[] = {
    { "args_get", "ii", "i" }, { "args_sizes_get", "ii", "i" },
    { "environ_get", "ii", "i" }, { "environ_sizes_get", "ii", "i" },
    { "clock_res_get", "ii", "i" }, { "clock_time_get", "iIi", "i" },
    { "fd_advise", "iIIi", "i" }, { "fd_allocate", "iII", "i" },
    { "fd_close", "i", "i" }, { "fd_datasync", "i", "i" },
    { "fd_fdstat_get", "ii", "i" }, { "fd_fdstat_set_flags", "ii", "i" },
    { "fd_fdstat_set_rights", "iII", "i" }, { "fd_filestat_get", "ii", "i" },
    { "fd_filestat_set_size", "iI", "i" }, { "fd_filestat_set_times", "iIIi", "i" },
    { "fd_pread", "iiiIi", "i" }, { "fd_prestat_get", "ii", "i" },
    { "fd_prestat_dir_name", "iii", "i" }, { "fd_pwrite", "iiiIi", "i" },
    { "fd_read", "iiii", "i" }, { "fd_readdir", "iiiIi", "i" },
    { "fd_renumber", "ii", "i" }, { "fd_seek", "iIii", "i" },
    { "fd_sync", "i", "i" }, { "fd_tell", "ii", "i" }, { "fd_write", "iiii", "i" },
    { "path_create_directory", "iii", "i" }, { "path_filestat_get", "iiiii", "i" },
    { "path_filestat_set_times", "iiiiIIi", "i" }, { "path_link", "iiiiiii", "i" },
    { "path_open", "iiiiiIIii", "i" }, { "path_readlink", "iiiiii", "i" },
    { "path_remove_directory", "iii", "i" }, { "path_rename", "iiiiii", "i" },
    { "path_symlink", "iiiii", "i" }, { "path_unlink_file", "iii", "i" },
    { "poll_oneoff", "iiii", "i" }, { "proc_exit", "i", "" },
    { "proc_raise", "i", "i" }, { "sched_yield", "", "i" }, { "random_get", "ii", "i" },
    { "sock_accept", "iii", "i" }, { "sock_recv", "iiiiii", "i" },
    { "sock_send", "iiiii", "i" }, { "sock_shutdown", "ii", "i" },
};

UT_TEST(wasi_signatures)
{
    wt_setup();
    UT_STREQ(wt.mod.name, "wasi_snapshot_preview1");
    UT_EQ(wt.mod.nfuncs, sizeof wt_sigs / sizeof wt_sigs[0]);
    for (size_t i = 0; i < sizeof wt_sigs / sizeof wt_sigs[0]; i++) {
        const dr_hostfn_t *f = wt_fn(wt_sigs[i].name);
        UT_STREQ(f->params, wt_sigs[i].params);
        UT_STREQ(f->results, wt_sigs[i].results);
    }
}

/* ---- args, environ, clocks, randomness, exit ---------------------------------------- */

UT_TEST(wasi_args_environ)
{
    wt_setup();
    UT_EQ(WT_CALL("args_sizes_get", WT_OUT, WT_OUT + 4), 0);
    UT_EQ(wt_ld32(WT_OUT), 3);
    UT_EQ(wt_ld32(WT_OUT + 4), 5 + 4 + 1);
    UT_EQ(WT_CALL("args_get", WT_IOV, WT_BUF), 0);
    UT_EQ(wt_ld32(WT_IOV), WT_BUF);
    UT_EQ(wt_ld32(WT_IOV + 4), WT_BUF + 5);
    UT_EQ(wt_ld32(WT_IOV + 8), WT_BUF + 9);
    UT_EQ(memcmp(wt.mem + WT_BUF, "prog\0a b\0\0", 10), 0);

    UT_EQ(WT_CALL("environ_sizes_get", WT_OUT, WT_OUT + 4), 0);
    UT_EQ(wt_ld32(WT_OUT), 2);
    UT_EQ(wt_ld32(WT_OUT + 4), 4 + 17);
    UT_EQ(WT_CALL("environ_get", WT_IOV, WT_BUF), 0);
    UT_EQ(wt_ld32(WT_IOV + 4), WT_BUF + 4);
    UT_STREQ((char *)wt.mem + wt_ld32(WT_IOV + 4), "HOME=/home/guest");
}

UT_TEST(wasi_clocks_random_exit)
{
    wt_setup();
    UT_EQ(WT_CALL("clock_time_get", WASI_CLOCK_MONOTONIC, 1, WT_OUT), 0);
    uint64_t t0 = wt_ld64(WT_OUT);
    UT_EQ(WT_CALL("clock_time_get", WASI_CLOCK_MONOTONIC, 1, WT_OUT), 0);
    UT_CHECK(wt_ld64(WT_OUT) >= t0);
    UT_EQ(WT_CALL("clock_time_get", WASI_CLOCK_REALTIME, 1, WT_OUT), 0);
    UT_CHECK(wt_ld64(WT_OUT) > 1500000000ull * 1000000000ull); /* after 2017 */
    UT_EQ(WT_CALL("clock_time_get", WASI_CLOCK_PROCESS_CPUTIME, 1, WT_OUT), 0);
    UT_EQ(WT_CALL("clock_time_get", WASI_CLOCK_THREAD_CPUTIME, 1, WT_OUT), 0);
    UT_EQ(WT_CALL("clock_res_get", WASI_CLOCK_MONOTONIC, WT_OUT), 0);
    UT_CHECK(wt_ld64(WT_OUT) > 0);
    UT_EQ(WT_CALL("clock_time_get", 4, 1, WT_OUT), WASI_EINVAL);
    UT_EQ(WT_CALL("clock_res_get", 0xffffffff, WT_OUT), WASI_EINVAL);

    UT_EQ(WT_CALL("random_get", WT_BUF, 64), 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++)
        nonzero += wt.mem[WT_BUF + i] != 0;
    UT_CHECK(nonzero > 32);
    UT_EQ(WT_CALL("sched_yield"), 0);
    UT_EQ(WT_CALL("proc_raise", 2), WASI_ENOSYS);
    UT_EQ(WT_CALL("sock_accept", 3, 0, WT_OUT), WASI_ENOSYS);

    const dr_hostfn_t *f = wt_fn("proc_exit");
    uint64_t code = 42, res = 0x1234;
    UT_EQ(f->fn(&wt.c, &code, &res), DR_EXIT);
    UT_EQ(wt.c.exit_code, 42);
    UT_EQ(res, 0x1234); /* no result written */
}

/* ---- hostile memory -------------------------------------------------------------- */

UT_TEST(wasi_hostile_pointers)
{
    wt_setup();
    const uint32_t end = WT_MEM;
    /* Results that would straddle or pass the end of memory. */
    UT_EQ(WT_CALL("args_sizes_get", end - 2, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("args_sizes_get", WT_OUT, 0xffffffff), WASI_EFAULT);
    UT_EQ(WT_CALL("args_get", end - 8, WT_BUF), WASI_EFAULT); /* 3 pointers */
    UT_EQ(WT_CALL("args_get", WT_IOV, end - 9), WASI_EFAULT); /* 10 bytes */
    UT_EQ(WT_CALL("environ_get", 0xfffffffc, WT_BUF), WASI_EFAULT);
    UT_EQ(WT_CALL("clock_time_get", 0, 0, end - 7), WASI_EFAULT);
    UT_EQ(WT_CALL("random_get", end - 1, 2), WASI_EFAULT);
    UT_EQ(WT_CALL("random_get", 0xffffffff, 0xffffffff), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_fdstat_get", 1, end - 23), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_filestat_get", 3, end - 63), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_prestat_get", 3, end - 7), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_prestat_dir_name", 3, end - 4, 8), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_seek", 3, 0, 0, end - 4), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_readdir", 3, end - 16, 32, 0, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_readdir", 3, WT_BUF, 32, 0, end), WASI_EFAULT);

    /* iovec arrays: the array itself, its count (n * 8 wraps 32 bits at
     * 2^29), and each buffer, including one whose end wraps. */
    wt_iov(WT_BUF, 4);
    UT_EQ(WT_CALL("fd_write", 1, end - 4, 1, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_write", 1, WT_IOV, 0x20000000, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_write", 1, WT_IOV, 0xffffffff, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_write", 1, WT_IOV, 1, end - 3), WASI_EFAULT);
    wt_iov(end - 1, 2);
    UT_EQ(WT_CALL("fd_write", 1, WT_IOV, 1, WT_OUT), WASI_EFAULT);
    wt_iov(0xffffffff, 0xffffffff);
    UT_EQ(WT_CALL("fd_read", 0, WT_IOV, 1, WT_OUT), WASI_EFAULT);
    wt_iov(16, 0xfffffff0);
    UT_EQ(WT_CALL("fd_pwrite", 1, WT_IOV, 1, 0, WT_OUT), WASI_EFAULT);
    /* The second iovec is the bad one: nothing may have been written. */
    wt_iov(WT_BUF, 4);
    wt_st32(WT_IOV + 8, end);
    wt_st32(WT_IOV + 12, 1);
    UT_EQ(WT_CALL("fd_write", 1, WT_IOV, 2, WT_OUT), WASI_EFAULT);

    /* Paths and poll. */
    UT_EQ(WT_CALL("path_open", 3, 0, end - 2, 4, 0, 0, 0, 0, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("path_open", 3, 0, WT_STR, wt_str(WT_STR, "f"), WASI_OFLAG_CREAT,
                  WT_RW, WT_RW, 0, end - 1), WASI_EFAULT);
    UT_CHECK(!wt_host_exists(wt.sandbox, "f")); /* checked before acting */
    UT_EQ(WT_CALL("path_create_directory", 3, 0xfffffff0, 0x20), WASI_EFAULT);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, 1, end - 8), WASI_EFAULT);
    UT_EQ(WT_CALL("path_readlink", 3, WT_STR, 1, WT_BUF, 16, end - 2), WASI_EFAULT);
    UT_EQ(WT_CALL("path_symlink", end - 1, 5, 3, WT_STR, 1), WASI_EFAULT);
    UT_EQ(WT_CALL("poll_oneoff", end - 40, WT_BUF, 1, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("poll_oneoff", WT_BUF, WT_BUF, 0x10000000, WT_OUT), WASI_EFAULT);
    UT_EQ(WT_CALL("poll_oneoff", WT_BUF, end - 16, 1, WT_OUT), WASI_EFAULT);
}

UT_TEST(wasi_no_memory)
{
    wt_setup();
    wt.c.mem = NULL;
    wt.c.mem_size = 0;
    UT_EQ(WT_CALL("random_get", 0, 0), 0); /* an empty range is in any memory */
    UT_EQ(WT_CALL("random_get", 0, 1), WASI_EFAULT);
    UT_EQ(WT_CALL("fd_write", 1, 0, 0, 0), WASI_EFAULT);
    UT_EQ(WT_CALL("args_sizes_get", 0, 0), WASI_EFAULT);
}

UT_TEST(wasi_hostile_paths)
{
    wt_setup();
    uint32_t fd;
    char longpath[PATH_MAX + 8];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    UT_EQ(wt_open(longpath, 0, 0, WT_RW, &fd), WASI_ENAMETOOLONG);
    memcpy(wt.mem + WT_STR, "f\0x", 3); /* a NUL inside: the host would see "f" */
    UT_EQ(WT_CALL("path_open", 3, 0, WT_STR, 3, WASI_OFLAG_CREAT, WT_RW, WT_RW, 0, WT_OUT),
          WASI_EINVAL);
    UT_EQ(WT_CALL("path_open", 3, 0, WT_STR, 0, 0, WT_RW, WT_RW, 0, WT_OUT), WASI_ENOENT);
    UT_EQ(wt_open("f", 0, 0x10, WT_RW, &fd), WASI_EINVAL); /* undefined oflag */
    UT_EQ(WT_CALL("path_open", 3, 0, WT_STR, 1, 0, WT_RW, WT_RW, 0x20, WT_OUT), WASI_EINVAL);
    UT_EQ(wt_open("f", 0, 0, WT_RW, &fd), WASI_ENOENT);
    UT_EQ(WT_CALL("path_open", 1, 0, WT_STR, 1, 0, WT_RW, WT_RW, 0, WT_OUT), WASI_ENOTDIR);
    UT_EQ(WT_CALL("path_open", 77, 0, WT_STR, 1, 0, WT_RW, WT_RW, 0, WT_OUT), WASI_EBADF);
    UT_EQ(WT_CALL("path_open", 0xffffffff, 0, WT_STR, 1, 0, WT_RW, WT_RW, 0, WT_OUT),
          WASI_EBADF);
}

/* ---- the sandbox ------------------------------------------------------------------ */

/* Symlinks in the sandbox: out -> outside (absolute), up -> .., rel ->
 * ../outside/secret, in -> sub (stays inside), abs -> the sandbox's own
 * absolute path (refused though it stays inside: absolute targets are). */
static void wt_sandbox_links(void)
{
    char p[256], t[256];
    snprintf(p, sizeof p, "%s/sub", wt.sandbox);
    UT_EQ(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/out", wt.sandbox);
    UT_EQ(symlink(wt.outside, p), 0);
    snprintf(p, sizeof p, "%s/up", wt.sandbox);
    UT_EQ(symlink("..", p), 0);
    snprintf(p, sizeof p, "%s/rel", wt.sandbox);
    UT_EQ(symlink("../outside/secret", p), 0);
    snprintf(p, sizeof p, "%s/in", wt.sandbox);
    UT_EQ(symlink("sub", p), 0);
    snprintf(p, sizeof p, "%s/abs", wt.sandbox);
    snprintf(t, sizeof t, "%s/sub", wt.sandbox);
    UT_EQ(symlink(t, p), 0);
    snprintf(p, sizeof p, "%s/sub/file", wt.sandbox);
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    UT_CHECK(fd >= 0);
    close(fd);
}

static const char *const wt_escapes[] = {
    "../outside/secret", "/etc/passwd", "sub/../../outside/secret", "..", "sub/../..",
    "out/secret", "up/outside/secret", "rel", "in/../../outside/secret", "abs/file",
    "./sub/./../../outside", "out", "up",
};

static void wt_escape_cases(bool walk)
{
    wt_setup();
    dr_wasi_force_walk(wt.w, walk);
    wt_sandbox_links();
    uint32_t fd;
    const uint32_t follow = WASI_LOOKUP_SYMLINK_FOLLOW;
    for (size_t i = 0; i < sizeof wt_escapes / sizeof wt_escapes[0]; i++) {
        const char *p = wt_escapes[i];
        uint64_t e = wt_open(p, follow, 0, WASI_RIGHT_FD_READ, &fd);
        if (e != WASI_ENOTCAPABLE)
            ut_fail(__FILE__, __LINE__, "walk %d: open %s: errno %llu", walk, p,
                    (unsigned long long)e);
        uint32_t n = wt_str(WT_STR, p);
        e = WT_CALL("path_filestat_get", 3, follow, WT_STR, n, WT_BUF);
        if (e != WASI_ENOTCAPABLE)
            ut_fail(__FILE__, __LINE__, "walk %d: stat %s: errno %llu", walk, p,
                    (unsigned long long)e);
    }
    /* Writes must not land outside either. */
    UT_EQ(wt_open("up/outside/new", follow, WASI_OFLAG_CREAT, WT_RW, &fd), WASI_ENOTCAPABLE);
    UT_EQ(wt_open("out/new", follow, WASI_OFLAG_CREAT, WT_RW, &fd), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_create_directory", 3, WT_STR, wt_str(WT_STR, "up/evil")),
          WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_create_directory", 3, WT_STR, wt_str(WT_STR, "../evil")),
          WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_unlink_file", 3, WT_STR, wt_str(WT_STR, "out/secret")),
          WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_symlink", WT_STR2, wt_str(WT_STR2, "x"), 3, WT_STR,
                  wt_str(WT_STR, "out/evil")), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_rename", 3, WT_STR, wt_str(WT_STR, "sub/file"), 3, WT_STR2,
                  wt_str(WT_STR2, "up/evil")), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_link", 3, follow, WT_STR, wt_str(WT_STR, "rel"), 3, WT_STR2,
                  wt_str(WT_STR2, "stolen")), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_filestat_set_times", 3, follow, WT_STR, wt_str(WT_STR, "up"),
                  0, 0, WASI_FST_MTIM), WASI_ENOTCAPABLE);
    UT_CHECK(wt_host_exists(wt.outside, "secret"));
    UT_CHECK(!wt_host_exists(wt.outside, "new"));
    UT_CHECK(!wt_host_exists(wt.outside, "evil"));
    UT_CHECK(!wt_host_exists(wt.root, "evil"));
    UT_CHECK(!wt_host_exists(wt.sandbox, "stolen"));

    /* Without following, a final symlink is refused by the open and seen
     * as itself by stat; ".." that stays inside is fine. */
    UT_EQ(wt_open("out", 0, 0, WASI_RIGHT_FD_READ, &fd), WASI_ELOOP);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, wt_str(WT_STR, "out"), WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FILESTAT_FILETYPE], WASI_FILETYPE_SYMBOLIC_LINK);
    UT_EQ(wt_open("in/../sub/file", follow, 0, WASI_RIGHT_FD_READ, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(wt_open("sub/..", follow, WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READDIR, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(wt_open("in/", follow, 0, WASI_RIGHT_FD_READ, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(wt_open("sub/file/", follow, 0, WASI_RIGHT_FD_READ, &fd), WASI_ENOTDIR);
    /* Creation through an inside symlink lands inside. */
    UT_EQ(wt_open("in/made", follow, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_CHECK(wt_host_exists(wt.sandbox, "sub/made"));
}

UT_TEST(wasi_escapes_openat2)
{
    wt_escape_cases(false);
}

UT_TEST(wasi_escapes_walk)
{
    wt_escape_cases(true);
}

/* ---- files ------------------------------------------------------------------------ */

static void wt_file_roundtrip(bool walk)
{
    wt_setup();
    dr_wasi_force_walk(wt.w, walk);
    uint32_t fd;
    UT_EQ(wt_open("f.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC, WT_RW, &fd), 0);
    UT_EQ(fd, 4);
    wt_str(WT_BUF, "hello world");
    wt_st32(WT_IOV, WT_BUF);
    wt_st32(WT_IOV + 4, 6);
    wt_st32(WT_IOV + 8, WT_BUF + 6);
    wt_st32(WT_IOV + 12, 5);
    UT_EQ(WT_CALL("fd_write", fd, WT_IOV, 2, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 11);
    UT_EQ(WT_CALL("fd_tell", fd, WT_OUT), 0);
    UT_EQ(wt_ld64(WT_OUT), 11);
    UT_EQ(WT_CALL("fd_seek", fd, (uint64_t)-5, WASI_WHENCE_CUR, WT_OUT), 0);
    UT_EQ(wt_ld64(WT_OUT), 6);
    UT_EQ(WT_CALL("fd_seek", fd, 0, WASI_WHENCE_SET, WT_OUT), 0);
    UT_EQ(WT_CALL("fd_seek", fd, 0, 3, WT_OUT), WASI_EINVAL);
    memset(wt.mem + WT_BUF, 0, 64);
    wt_iov(WT_BUF, 64);
    UT_EQ(WT_CALL("fd_read", fd, WT_IOV, 1, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 11);
    UT_EQ(memcmp(wt.mem + WT_BUF, "hello world", 11), 0);
    UT_EQ(WT_CALL("fd_read", fd, WT_IOV, 1, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 0); /* end of file */

    wt_iov(WT_BUF + 100, 5);
    UT_EQ(WT_CALL("fd_pread", fd, WT_IOV, 1, 6, WT_OUT), 0);
    UT_EQ(memcmp(wt.mem + WT_BUF + 100, "world", 5), 0);
    wt_iov(WT_BUF + 200, wt_str(WT_BUF + 200, "HELLO"));
    UT_EQ(WT_CALL("fd_pwrite", fd, WT_IOV, 1, 0, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 5);
    UT_EQ(WT_CALL("fd_pread", fd, WT_IOV, 1, (uint64_t)1 << 63, WT_OUT), WASI_EINVAL);

    UT_EQ(WT_CALL("fd_filestat_get", fd, WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FILESTAT_FILETYPE], WASI_FILETYPE_REGULAR_FILE);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_FSIZE), 11);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_NLINK), 1);
    UT_EQ(WT_CALL("fd_fdstat_get", fd, WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FDSTAT_FILETYPE], WASI_FILETYPE_REGULAR_FILE);
    UT_EQ(wt_ld64(WT_BUF + WASI_FDSTAT_RIGHTS_BASE), WT_RW);
    UT_EQ(WT_CALL("fd_filestat_set_size", fd, 5), 0);
    UT_EQ(WT_CALL("fd_filestat_set_times", fd, 1000000000ull * 1234, 0, WASI_FST_ATIM), 0);
    UT_EQ(WT_CALL("fd_filestat_set_times", fd, 0, 0, WASI_FST_ATIM | WASI_FST_ATIM_NOW),
          WASI_EINVAL);
    UT_EQ(WT_CALL("fd_filestat_get", fd, WT_BUF), 0);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_ATIM), 1000000000ull * 1234);
    UT_EQ(WT_CALL("fd_sync", fd), 0);
    UT_EQ(WT_CALL("fd_datasync", fd), 0);
    UT_EQ(WT_CALL("fd_advise", fd, 0, 5, WASI_ADVICE_SEQUENTIAL), 0);
    UT_EQ(WT_CALL("fd_advise", fd, 0, 5, 6), WASI_EINVAL);
    UT_EQ(WT_CALL("fd_allocate", fd, 0, 4096), 0);
    UT_EQ(WT_CALL("fd_filestat_set_size", fd, 5), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), WASI_EBADF);
    UT_EQ(WT_CALL("fd_read", fd, WT_IOV, 1, WT_OUT), WASI_EBADF);

    char p[128], got[16] = { 0 };
    snprintf(p, sizeof p, "%s/f.txt", wt.sandbox);
    int h = open(p, O_RDONLY);
    UT_CHECK(h >= 0);
    UT_EQ(read(h, got, sizeof got), 5);
    close(h);
    UT_STREQ(got, "HELLO");
    /* EXCL on an existing file; a directory opened as one. */
    UT_EQ(wt_open("f.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, WT_RW, &fd), WASI_EEXIST);
    UT_EQ(wt_open("f.txt", 0, WASI_OFLAG_DIRECTORY, WT_RW, &fd), WASI_ENOTDIR);
}

UT_TEST(wasi_file_roundtrip)
{
    wt_file_roundtrip(false);
}

UT_TEST(wasi_file_roundtrip_walk)
{
    wt_file_roundtrip(true);
}

UT_TEST(wasi_write_pipe)
{
    wt_setup();
    int p[2];
    UT_EQ(pipe(p), 0);
    fflush(stdout);
    int saved = dup(1);
    UT_EQ(dup2(p[1], 1), 1);
    wt_iov(WT_BUF, wt_str(WT_BUF, "to stdout\n"));
    uint64_t e = WT_CALL("fd_write", 1, WT_IOV, 1, WT_OUT);
    uint64_t e2 = WT_CALL("fd_seek", 1, 0, WASI_WHENCE_CUR, WT_OUT);
    dup2(saved, 1);
    close(saved);
    close(p[1]);
    char got[32] = { 0 };
    UT_EQ(read(p[0], got, sizeof got), 10);
    close(p[0]);
    UT_EQ(e, 0);
    UT_EQ(wt_ld32(WT_OUT), 10);
    UT_EQ(e2, WASI_ESPIPE);
    UT_STREQ(got, "to stdout\n");
}

/* ---- the fd table ---------------------------------------------------------------- */

UT_TEST(wasi_prestat_and_table)
{
    wt_setup();
    UT_EQ(WT_CALL("fd_prestat_get", 3, WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_PRESTAT_TAG], WASI_PREOPEN_DIR);
    UT_EQ(wt_ld32(WT_BUF + WASI_PRESTAT_NAME_LEN), 8);
    UT_EQ(WT_CALL("fd_prestat_dir_name", 3, WT_BUF, 8), 0);
    UT_EQ(memcmp(wt.mem + WT_BUF, "/sandbox", 8), 0);
    UT_EQ(WT_CALL("fd_prestat_dir_name", 3, WT_BUF, 7), WASI_ENAMETOOLONG);
    UT_EQ(WT_CALL("fd_prestat_get", 0, WT_BUF), WASI_EBADF);
    UT_EQ(WT_CALL("fd_prestat_get", 4, WT_BUF), WASI_EBADF);
    UT_EQ(WT_CALL("fd_prestat_get", 0xffffffff, WT_BUF), WASI_EBADF);

    UT_EQ(WT_CALL("fd_fdstat_get", 3, WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FDSTAT_FILETYPE], WASI_FILETYPE_DIRECTORY);
    UT_EQ(wt_ld64(WT_BUF + WASI_FDSTAT_RIGHTS_INHERITING), WASI_RIGHTS_ALL);

    /* Rights narrow, never widen. */
    uint32_t fd;
    UT_EQ(wt_open("g", 0, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
    UT_EQ(WT_CALL("fd_fdstat_set_rights", fd, WASI_RIGHT_FD_READ, 0), 0);
    UT_EQ(WT_CALL("fd_fdstat_set_rights", fd, WT_RW, 0), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("fd_fdstat_set_flags", fd, WASI_FDFLAG_APPEND), 0);
    UT_EQ(WT_CALL("fd_fdstat_get", fd, WT_BUF), 0);
    UT_EQ(wt_ld32(WT_BUF + WASI_FDSTAT_FLAGS) & 0xffff, WASI_FDFLAG_APPEND);
    UT_EQ(WT_CALL("fd_fdstat_set_flags", fd, 0x40), WASI_EINVAL);

    /* Renumber onto an open fd, then close a preopen. */
    uint32_t fd2;
    UT_EQ(wt_open("h", 0, WASI_OFLAG_CREAT, WT_RW, &fd2), 0);
    UT_EQ(fd2, fd + 1);
    UT_EQ(WT_CALL("fd_renumber", fd2, fd), 0);
    UT_EQ(WT_CALL("fd_fdstat_get", fd2, WT_BUF), WASI_EBADF);
    UT_EQ(WT_CALL("fd_fdstat_get", fd, WT_BUF), 0);
    UT_EQ(wt_ld32(WT_BUF + WASI_FDSTAT_FLAGS) & 0xffff, 0); /* h's, not g's */
    UT_EQ(WT_CALL("fd_renumber", fd, 99), WASI_EBADF);
    UT_EQ(WT_CALL("fd_close", 3), 0);
    UT_EQ(wt_open("g", 0, 0, WT_RW, &fd), WASI_EBADF);
}

UT_TEST(wasi_many_fds)
{
    wt_setup();
    uint32_t fd, last = 0;
    UT_EQ(wt_open("x", 0, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    for (int i = 0; i < 100; i++) {
        UT_EQ(wt_open("x", 0, 0, WASI_RIGHT_FD_READ, &fd), 0);
        UT_EQ(fd, 4u + (uint32_t)i); /* the lowest free slot, the table growing */
        last = fd;
    }
    UT_EQ(WT_CALL("fd_close", 10), 0);
    UT_EQ(wt_open("x", 0, 0, WASI_RIGHT_FD_READ, &fd), 0);
    UT_EQ(fd, 10);
    UT_EQ(WT_CALL("fd_close", last), 0);
}

/* ---- directories -------------------------------------------------------------------- */

/* Parses WASI dirents in [WT_BUF, WT_BUF + used); appends whole entries'
 * names to names (separated by '|') and returns the last whole entry's
 * cookie, or `cookie` when there is none. */
static uint64_t wt_dirents(uint32_t used, uint64_t cookie, char *names, size_t cap, int *count)
{
    uint32_t off = 0;
    while (off + WASI_DIRENT_SIZE <= used) {
        uint32_t at = WT_BUF + off;
        uint32_t namlen = wt_ld32(at + WASI_DIRENT_NAMLEN);
        if (off + WASI_DIRENT_SIZE + namlen > used)
            break; /* cut short */
        size_t len = strlen(names);
        UT_CHECK(len + namlen + 2 < cap);
        memcpy(names + len, wt.mem + at + WASI_DIRENT_SIZE, namlen);
        names[len + namlen] = '|';
        names[len + namlen + 1] = '\0';
        if (namlen == 3 && memcmp(wt.mem + at + WASI_DIRENT_SIZE, "sub", 3) == 0)
            UT_EQ(wt.mem[at + WASI_DIRENT_TYPE], WASI_FILETYPE_DIRECTORY);
        if (namlen == 1 && wt.mem[at + WASI_DIRENT_SIZE] == 'a')
            UT_EQ(wt.mem[at + WASI_DIRENT_TYPE], WASI_FILETYPE_REGULAR_FILE);
        cookie = wt_ld64(at + WASI_DIRENT_NEXT);
        off += WASI_DIRENT_SIZE + namlen;
        (*count)++;
    }
    return cookie;
}

/* Reads directory fd with buffers of buflen bytes, resuming by cookie. */
static int wt_readdir(uint32_t fd, uint32_t buflen, char *names, size_t cap)
{
    uint64_t cookie = 0;
    int count = 0;
    names[0] = '\0';
    for (int calls = 0; calls < 100; calls++) {
        UT_EQ(WT_CALL("fd_readdir", fd, WT_BUF, buflen, cookie, WT_OUT), 0);
        uint32_t used = wt_ld32(WT_OUT);
        UT_CHECK(used <= buflen);
        int before = count;
        cookie = wt_dirents(used, cookie, names, cap, &count);
        if (used < buflen)
            return count;
        UT_CHECK(count > before); /* the buffer holds at least one entry */
    }
    ut_fail(__FILE__, __LINE__, "fd_readdir never finished");
}

UT_TEST(wasi_readdir)
{
    wt_setup();
    uint32_t fd;
    const char *files[] = { "a", "bb", "ccc" };
    for (int i = 0; i < 3; i++) {
        UT_EQ(wt_open(files[i], 0, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
        UT_EQ(WT_CALL("fd_close", fd), 0);
    }
    UT_EQ(WT_CALL("path_create_directory", 3, WT_STR, wt_str(WT_STR, "sub")), 0);
    char big[256], small[256];
    UT_EQ(wt_readdir(3, 4096, big, sizeof big), 6);
    UT_EQ(wt_readdir(3, 30, small, sizeof small), 6); /* one entry per call */
    UT_STREQ(small, big);
    const char *want[] = { "|.|", "|..|", "|a|", "|bb|", "|ccc|", "|sub|" };
    char framed[260];
    snprintf(framed, sizeof framed, "|%s", big);
    for (int i = 0; i < 6; i++)
        UT_CONTAINS(framed, want[i]);
    /* A full buffer is filled to the last byte, the last entry cut. */
    UT_EQ(WT_CALL("fd_readdir", 3, WT_BUF, 10, 0, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 10);
    /* Through a path_open'ed directory too; not on a file. */
    UT_EQ(wt_open("sub", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READDIR, &fd), 0);
    UT_EQ(wt_readdir(fd, 4096, big, sizeof big), 2);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(wt_open("a", 0, 0, WASI_RIGHT_FD_READ, &fd), 0);
    UT_EQ(WT_CALL("fd_readdir", fd, WT_BUF, 100, 0, WT_OUT), WASI_ENOTDIR);
}

static void wt_path_ops(bool walk)
{
    wt_setup();
    dr_wasi_force_walk(wt.w, walk);
    uint32_t fd;
#define WT_PATH(fn, p) WT_CALL(fn, 3, WT_STR, wt_str(WT_STR, p))
    UT_EQ(WT_PATH("path_create_directory", "d"), 0);
    UT_EQ(WT_PATH("path_create_directory", "d"), WASI_EEXIST);
    UT_EQ(WT_PATH("path_create_directory", "d/e/"), 0);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, wt_str(WT_STR, "d/e"), WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FILESTAT_FILETYPE], WASI_FILETYPE_DIRECTORY);
    UT_EQ(WT_PATH("path_remove_directory", "d/e"), 0);
    UT_EQ(WT_CALL("path_symlink", WT_STR2, wt_str(WT_STR2, "d"), 3, WT_STR,
                  wt_str(WT_STR, "lnk")), 0);
    UT_EQ(WT_CALL("path_readlink", 3, WT_STR, wt_str(WT_STR, "lnk"), WT_BUF, 16, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 1);
    UT_EQ(wt.mem[WT_BUF], 'd');
    UT_EQ(WT_CALL("path_readlink", 3, WT_STR, wt_str(WT_STR, "lnk"), WT_BUF, 0, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 0); /* cut to the buffer */
    UT_EQ(WT_CALL("path_filestat_get", 3, WASI_LOOKUP_SYMLINK_FOLLOW, WT_STR,
                  wt_str(WT_STR, "lnk"), WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FILESTAT_FILETYPE], WASI_FILETYPE_DIRECTORY);

    UT_EQ(wt_open("f", 0, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
    UT_EQ(WT_CALL("fd_close", fd), 0);
    UT_EQ(WT_CALL("path_rename", 3, WT_STR, wt_str(WT_STR, "f"), 3, WT_STR2,
                  wt_str(WT_STR2, "lnk/g")), 0);
    UT_CHECK(wt_host_exists(wt.sandbox, "d/g"));
    UT_EQ(WT_CALL("path_link", 3, 0, WT_STR, wt_str(WT_STR, "d/g"), 3, WT_STR2,
                  wt_str(WT_STR2, "h")), 0);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, wt_str(WT_STR, "h"), WT_BUF), 0);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_NLINK), 2);
    UT_EQ(WT_CALL("path_symlink", WT_STR2, wt_str(WT_STR2, "h"), 3, WT_STR,
                  wt_str(WT_STR, "hl")), 0);
    UT_EQ(WT_CALL("path_link", 3, WASI_LOOKUP_SYMLINK_FOLLOW, WT_STR, wt_str(WT_STR, "hl"),
                  3, WT_STR2, wt_str(WT_STR2, "i")), 0);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, wt_str(WT_STR, "i"), WT_BUF), 0);
    UT_EQ(wt.mem[WT_BUF + WASI_FILESTAT_FILETYPE], WASI_FILETYPE_REGULAR_FILE);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_NLINK), 3);
    UT_EQ(WT_CALL("path_filestat_set_times", 3, 0, WT_STR, wt_str(WT_STR, "i"),
                  0, 5000000000ull, WASI_FST_MTIM), 0);
    UT_EQ(WT_CALL("path_filestat_get", 3, 0, WT_STR, wt_str(WT_STR, "h"), WT_BUF), 0);
    UT_EQ(wt_ld64(WT_BUF + WASI_FILESTAT_MTIM), 5000000000ull);

    UT_EQ(WT_PATH("path_unlink_file", "d"), WASI_EISDIR);
    UT_EQ(WT_PATH("path_remove_directory", "d"), WASI_ENOTEMPTY);
    UT_EQ(WT_PATH("path_remove_directory", "lnk"), WASI_ENOTDIR);
    UT_EQ(WT_PATH("path_unlink_file", "d/g"), 0);
    UT_EQ(WT_PATH("path_unlink_file", "d/g"), WASI_ENOENT);
    UT_EQ(WT_PATH("path_remove_directory", "d"), 0);
    UT_EQ(WT_PATH("path_unlink_file", "lnk"), 0);
    UT_EQ(WT_PATH("path_remove_directory", "."), WASI_EINVAL);
    UT_EQ(WT_PATH("path_create_directory", ".."), WASI_ENOTCAPABLE);
    UT_EQ(WT_PATH("path_create_directory", "./../"), WASI_ENOTCAPABLE);
    UT_EQ(WT_PATH("path_create_directory", "."), WASI_EEXIST);
    UT_EQ(WT_PATH("path_unlink_file", ".."), WASI_ENOTCAPABLE);
    UT_EQ(WT_CALL("path_readlink", 3, WT_STR, wt_str(WT_STR, ".."), WT_BUF, 16, WT_OUT),
          WASI_ENOTCAPABLE);
#undef WT_PATH
}

UT_TEST(wasi_path_ops)
{
    wt_path_ops(false);
}

UT_TEST(wasi_path_ops_walk)
{
    wt_path_ops(true);
}

/* ---- poll_oneoff -------------------------------------------------------------------- */

static void wt_sub_clock(uint32_t at, uint64_t userdata, uint64_t timeout_ns)
{
    memset(wt.mem + at, 0, WASI_SUB_SIZE);
    wt_st64(at + WASI_SUB_USERDATA, userdata);
    wt.mem[at + WASI_SUB_TAG] = WASI_EVENT_CLOCK;
    wt_st32(at + WASI_SUB_CLOCK_ID, WASI_CLOCK_MONOTONIC);
    wt_st64(at + WASI_SUB_CLOCK_TIMEOUT, timeout_ns);
}

static void wt_sub_fd(uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd)
{
    memset(wt.mem + at, 0, WASI_SUB_SIZE);
    wt_st64(at + WASI_SUB_USERDATA, userdata);
    wt.mem[at + WASI_SUB_TAG] = type;
    wt_st32(at + WASI_SUB_FD, fd);
}

static uint64_t wt_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

UT_TEST(wasi_poll)
{
    wt_setup();
    const uint32_t in = WT_BUF, out = WT_BUF + 0x400;
    UT_EQ(WT_CALL("poll_oneoff", in, out, 0, WT_OUT), WASI_EINVAL);

    /* Two timers: only the earlier fires. */
    wt_sub_clock(in, 11, 10000000);
    wt_sub_clock(in + WASI_SUB_SIZE, 22, 10000000000ull);
    uint64_t t0 = wt_mono();
    UT_EQ(WT_CALL("poll_oneoff", in, out, 2, WT_OUT), 0);
    UT_CHECK(wt_mono() - t0 >= 10000000);
    UT_EQ(wt_ld32(WT_OUT), 1);
    UT_EQ(wt_ld64(out + WASI_EVENT_USERDATA), 11);
    UT_EQ(wt.mem[out + WASI_EVENT_TYPE], WASI_EVENT_CLOCK);
    UT_EQ(wt_ld32(out + WASI_EVENT_ERROR) & 0xffff, 0);

    /* An absolute deadline in the past fires at once. */
    wt_sub_clock(in, 33, 1);
    wt_st32(in + WASI_SUB_CLOCK_FLAGS, WASI_SUBCLOCK_ABSTIME);
    UT_EQ(WT_CALL("poll_oneoff", in, out, 1, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 1);
    UT_EQ(wt_ld64(out), 33);

    /* A readable file and a bad fd, with a long timer beside them: both
     * fd events come at once, in subscription order. */
    uint32_t fd;
    UT_EQ(wt_open("x", 0, WASI_OFLAG_CREAT, WT_RW, &fd), 0);
    wt_iov(WT_STR2, wt_str(WT_STR2, "xyz"));
    UT_EQ(WT_CALL("fd_write", fd, WT_IOV, 1, WT_OUT), 0);
    UT_EQ(WT_CALL("fd_seek", fd, 0, WASI_WHENCE_SET, WT_OUT), 0);
    wt_sub_clock(in, 1, 10000000000ull);
    wt_sub_fd(in + WASI_SUB_SIZE, 2, WASI_EVENT_FD_READ, 99);
    wt_sub_fd(in + 2 * WASI_SUB_SIZE, 3, WASI_EVENT_FD_READ, fd);
    UT_EQ(WT_CALL("poll_oneoff", in, out, 3, WT_OUT), 0);
    UT_EQ(wt_ld32(WT_OUT), 2);
    UT_EQ(wt_ld64(out), 2);
    UT_EQ(wt_ld32(out + WASI_EVENT_ERROR) & 0xffff, WASI_EBADF);
    UT_EQ(wt.mem[out + WASI_EVENT_TYPE], WASI_EVENT_FD_READ);
    UT_EQ(wt_ld64(out + WASI_EVENT_SIZE), 3);
    UT_EQ(wt_ld32(out + WASI_EVENT_SIZE + WASI_EVENT_ERROR) & 0xffff, 0);
    UT_EQ(wt_ld64(out + WASI_EVENT_SIZE + WASI_EVENT_NBYTES), 3);

    /* An undefined event type fails the call. */
    wt_sub_fd(in, 1, 7, 0);
    UT_EQ(WT_CALL("poll_oneoff", in, out, 1, WT_OUT), WASI_EINVAL);
}
