/*
 * Process and file plumbing for the differential conformance test (run.h).
 *
 * Every call is synchronous: a worker runs one tool at a time, and
 * parallelism comes from several workers (differential.c). A tool killed
 * by a signal is reported with the signal, so that a crash of the
 * reference validator is told apart from a verdict.
 */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int spawn(char *const argv[], const char *err_path, pid_t *out_pid)
{
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc)
        return rc;
    rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
                                              0);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(
            &fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!rc)
        rc = posix_spawnp(out_pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int cf_run(char *const argv[], const char *err_path)
{
    pid_t pid;
    int rc = spawn(argv, err_path, &pid);
    if (rc) {
        errno = rc;
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(st))
        return 256 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

bool cf_write_file(const char *path, const uint8_t *b, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "differential: %s: %s\n", path, strerror(errno));
        return false;
    }
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fprintf(stderr, "differential: %s: %s\n", path, strerror(errno));
            close(fd);
            return false;
        }
        b += w;
        n -= (size_t)w;
    }
    return close(fd) == 0;
}

uint8_t *cf_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "differential: %s: %s\n", path,
                f ? "not a regular file" : strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *b = malloc(n ? n : 1);
    if (!b || fread(b, 1, n, f) != n) {
        fprintf(stderr, "differential: %s: read failed\n", path);
        free(b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *out_len = n;
    return b;
}

void cf_head(const char *path, unsigned max_lines, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t used = 0;
    char line[512];
    out[0] = 0;
    for (unsigned i = 0; f && i < max_lines && fgets(line, sizeof line, f);
         i++) {
        int n = snprintf(out + used, len - used, "    %s", line);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    if (f)
        fclose(f);
}
