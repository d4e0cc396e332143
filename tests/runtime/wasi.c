/*
 * wasi.c: a wasi-libc program that uses what a real program asks of WASI
 * through dogma-run (wasi.sh runs it; README.md): its arguments and
 * environment, stdin, stdout and stderr, and a directory preopened as
 * /data (with in.txt and three symbolic links, link-in -> in.txt,
 * link-out -> ../outside.txt, link-abs -> the absolute host path of
 * outside.txt): reading, seeking, writing a new file and reading it back,
 * mkdir, rename, stat, listing; and escapes from /data that must be
 * refused. Everything it sees goes to stdout, for wasi.sh to compare.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int bad; /* a step that failed */

static void show_file(const char *what, const char *path, long at)
{
    char buf[128];
    FILE *f = fopen(path, "r");
    if (!f || fseek(f, at, SEEK_SET) != 0 || !fgets(buf, sizeof buf, f)) {
        printf("%s: cannot read (errno %d)\n", what, errno);
        bad++;
    } else {
        printf("%s: %s", what, buf);
    }
    if (f)
        fclose(f);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *kind(unsigned char t)
{
    return t == DT_REG ? "file" : t == DT_DIR ? "dir" : t == DT_LNK ? "link" : "other";
}

/* the entries of a directory but . and .., sorted, with their types */
static void list(const char *dir)
{
    char *names[32];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) {
        printf("list %s: cannot open (errno %d)\n", dir, errno);
        bad++;
        return;
    }
    while ((e = readdir(d)) && n < 32) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            names[n] = malloc(strlen(e->d_name) + 8);
            sprintf(names[n++], "%s (%s)", e->d_name, kind(e->d_type));
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    printf("list %s:", dir);
    for (int i = 0; i < n; i++) {
        printf("%s %s", i ? "," : "", names[i]);
        free(names[i]);
    }
    printf("\n");
}

/* an open that must fail: the path leaves the sandbox */
static void refused(const char *what, int fd)
{
    if (fd >= 0) {
        printf("%s: OPENED\n", what);
        close(fd);
        bad++;
    } else {
        printf("%s: refused\n", what);
    }
}

static void files(void)
{
    show_file("read /data/in.txt", "/data/in.txt", 0);
    show_file("read /data/link-in", "/data/link-in", 0);
    show_file("read /data/in.txt at 6", "/data/in.txt", 6);

    FILE *f = fopen("/data/out.txt", "w");
    int n = f ? fprintf(f, "written by the guest\n") : -1;
    if (!f || fclose(f) != 0)
        bad++;
    printf("write /data/out.txt: %d bytes\n", n);
    show_file("read /data/out.txt", "/data/out.txt", 0);

    printf("mkdir /data/sub: %s\n", mkdir("/data/sub", 0755) == 0 ? "ok" : "failed");
    printf("rename: %s\n",
           rename("/data/out.txt", "/data/sub/moved.txt") == 0 ? "ok" : "failed");
    struct stat st;
    if (stat("/data/sub/moved.txt", &st) == 0)
        printf("stat /data/sub/moved.txt: %lld bytes, %s\n", (long long)st.st_size,
               S_ISREG(st.st_mode) ? "regular" : "not regular");
    else
        printf("stat /data/sub/moved.txt: failed\n"), bad++;
    list("/data");
    list("/data/sub");
}

static void escapes(void)
{
    refused("open /data/../outside.txt", open("/data/../outside.txt", O_RDONLY));
    int dir = open("/data", O_RDONLY | O_DIRECTORY);
    refused("openat /data ../outside.txt", openat(dir, "../outside.txt", O_RDONLY));
    refused("openat /data sub/../../outside.txt",
            openat(dir, "sub/../../outside.txt", O_RDONLY));
    close(dir);
    refused("open /data/link-out", open("/data/link-out", O_RDONLY));
    refused("open /data/link-abs", open("/data/link-abs", O_RDONLY));
    const char *abs = getenv("OUTSIDE");
    refused("open $OUTSIDE", abs ? open(abs, O_RDONLY) : 0);
    refused("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    refused("create /data/../escaped.txt",
            open("/data/../escaped.txt", O_WRONLY | O_CREAT, 0644));
    printf("mkdir /data/../escaped: %s\n",
           mkdir("/data/../escaped", 0755) == 0 ? "MADE" : "refused");
}

int main(int argc, char **argv)
{
    char line[128];
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    const char *vars[] = { "GREETING", "EMPTY", "DOGMA_RUNTIME_UNSET" };
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        printf("%s=%s%s%s\n", vars[i], v ? "[" : "(unset)", v ? v : "", v ? "]" : "");
    }
    printf("stdin: %s", fgets(line, sizeof line, stdin) ? line : "(nothing)\n");
    fprintf(stderr, "to stderr\n");
    files();
    escapes();
    return bad;
}
