/*
 * The WASI adapter's answers where programs go wrong or ask for what
 * Dogma lacks (spec/sdk.md): each check prints "ok NAME" or "FAIL NAME"
 * with the errno it got, and the status is 1 if any failed. Run with the
 * test initrd (greeting.txt, dir/a.txt, dir/b.txt) granted.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dogma.h>

/* (lseek): wasi-libc's lseek macro is a GNU statement expression, which
 * -pedantic refuses. */

static int failed;

static void check(const char *name, int ok, int err)
{
    printf("%s %s", ok ? "ok" : "FAIL", name);
    if (!ok)
        printf(" (errno %d: %s)", err, strerror(err));
    printf("\n");
    failed |= !ok;
}

/* A call that must fail with errno want. */
static void expect_errno(const char *name, int result, int want)
{
    int e = errno;
    check(name, result == -1 && e == want, result == -1 ? e : 0);
}

static void files(void)
{
    errno = 0;
    expect_errno("open for writing is EROFS", open("greeting.txt", O_WRONLY), EROFS);
    expect_errno("O_CREAT is EROFS", open("new.txt", O_RDONLY | O_CREAT, 0644), EROFS);
    FILE *f = fopen("greeting.txt", "a");
    check("fopen append is EROFS", !f && errno == EROFS, errno);
    expect_errno("missing file is ENOENT", open("missing.txt", O_RDONLY), ENOENT);
    expect_errno("\"..\" is ENOTCAPABLE", open("dir/../greeting.txt", O_RDONLY), ENOTCAPABLE);
    expect_errno("file/ is ENOTDIR", open("greeting.txt/", O_RDONLY), ENOTDIR);
    expect_errno("mkdir is ENOSYS", mkdir("newdir", 0755), ENOSYS);
    expect_errno("unlink is ENOSYS", unlink("greeting.txt"), ENOSYS);

    int fd = open("./dir//a.txt", O_RDONLY);
    char buf[64] = { 0 };
    check("open ./dir//a.txt", fd >= 0, errno);
    check("pread at 6", pread(fd, buf, 4, 6) == 4 && !memcmp(buf, "file", 4), errno);
    check("lseek to the end", (lseek)(fd, 0, SEEK_END) == 18, errno);
    expect_errno("lseek before 0 is EINVAL", (int)(lseek)(fd, -100, SEEK_CUR), EINVAL);
    check("read at the end is 0", read(fd, buf, sizeof buf) == 0, errno);
    expect_errno("write to a file is EBADF", (int)write(fd, "x", 1), EBADF);
    check("close", close(fd) == 0, errno);
    expect_errno("close again is EBADF", close(fd), EBADF);

    struct stat st;
    check("stat greeting.txt", stat("greeting.txt", &st) == 0 && S_ISREG(st.st_mode) &&
                               st.st_size == 79, errno);
    check("stat dir", stat("dir", &st) == 0 && S_ISDIR(st.st_mode), errno);
    expect_errno("read a directory is EISDIR", (int)read(open("dir", O_RDONLY), buf, 1),
                 EISDIR);

    DIR *d = opendir("dir");
    check("opendir dir", d != NULL, errno);
    struct dirent *e;
    while (d && (e = readdir(d)))
        printf("  dir entry %s\n", e->d_name);
    if (d)
        closedir(d);
}

static void streams(void)
{
    char c;
    check("stdin without a grant is at its end", read(0, &c, 1) == 0, errno);
    expect_errno("write to fd 9 is EBADF", (int)write(9, "x", 1), EBADF);
    expect_errno("lseek on stdout is ESPIPE", (int)(lseek)(1, 0, SEEK_SET), ESPIPE);
    check("stdout is a terminal", isatty(1), errno);
    struct timespec ts = { 0, 1000 };
    /* poll_oneoff is ENOSYS; wasi-libc's clock_nanosleep reports any
     * failure of it as ENOTSUP. */
    expect_errno("nanosleep is ENOTSUP", nanosleep(&ts, NULL), ENOTSUP);
    check("the clock runs", clock_gettime(CLOCK_MONOTONIC, &ts) == 0, errno);
}

/* The dogma imports' own errors, with the error record. */
static void imports(void)
{
    dogma_error_record_t rec;
    int64_t r = dogma_channel_send(99, "x", 1, NULL, 0);
    check("channel_send on handle 99 is BAD_HANDLE",
          r == -DOGMA_E_BAD_HANDLE && dogma_error_record(&rec) == 0 &&
          rec.code == DOGMA_E_BAD_HANDLE && rec.arg == 0 && rec.value == 99, (int)-r);
    uint32_t initrd = dogma_grant_by_role("initrd");
    r = dogma_region_read(initrd, 0, (void *)(uintptr_t)0xFFFFFFF0u, 64);
    check("region_read beyond memory is BAD_ADDRESS", r == -DOGMA_E_BAD_ADDRESS, (int)-r);
    r = dogma_region_read(initrd, UINT64_MAX - 1, &rec, 8);
    check("region_read beyond the view is BAD_ARG", r == -DOGMA_E_BAD_ARG, (int)-r);
    check("no grant has role \"names\"", dogma_grant_by_role("names") == 0, 0);
    r = dogma_debug_log("wasi-errors: a line in the log", 30);
    check("debug_log", r == 0, (int)-r);
    printf("%s\n", dogma_strerror(-DOGMA_E_PEER_CLOSED));
}

int main(void)
{
    files();
    streams();
    imports();
    return failed;
}
