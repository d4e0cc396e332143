/*
 * rusage: run a command and report what it cost, so the benchmarks need no
 * GNU time.
 *
 *   rusage [-o FILE] CMD ARGS...
 *
 * Forks, execs CMD with its arguments, waits for it with wait4() and prints
 * one line to stderr (or to FILE, appended, with -o):
 *
 *   rusage: wall 0.012345 s, user 0.010000 s, sys 0.002000 s, maxrss 4096 KiB, status 0
 *
 * wall is CLOCK_MONOTONIC around fork and wait4; maxrss is the child's peak
 * resident set (ru_maxrss, in KiB on Linux). The exit status is the child's:
 * its exit code, or 128 + the signal that killed it; 127 if CMD could not be
 * run. The command's own output goes where it would have gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static int usage(void)
{
    fprintf(stderr, "usage: rusage [-o FILE] CMD ARGS...\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-o")) {
        out_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc)
        return usage();

    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("rusage: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        fprintf(stderr, "rusage: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("rusage: wait4");
            return 127;
        }
    }
    double wall = now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

    FILE *out = stderr;
    if (out_path && !(out = fopen(out_path, "a"))) {
        perror(out_path);
        return 127;
    }
    fprintf(out,
            "rusage: wall %.6f s, user %.6f s, sys %.6f s, maxrss %ld KiB, "
            "status %d\n",
            wall, seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss,
            code);
    if (out != stderr)
        fclose(out);
    return code;
}
