/*
 * WASI preview 1's path resolution (wasi-impl.h): the sandbox. A path_*
 * call names a directory fd and a relative path and must never reach
 * outside that directory. openat2(RESOLVE_BENEATH) resolves it in the
 * kernel; without openat2, wasi_walk resolves one component at a time with
 * O_NOFOLLOW, following symlinks by hand under the same rules. Calls that
 * act on a name open its parent beneath the fd and act on the last
 * component relative to it (wasi_parent). wasi.c's opening comment says
 * more.
 */
#include "wasi-impl.h"

/* ---- path resolution ------------------------------------------------------------------- */

/* The path wasi_walk has left to resolve, and its directory stack. */
typedef struct wasi_walk {
    int root;      /* the guest's directory fd (not owned) */
    int *dirs;     /* owned O_PATH fds of the directories below root */
    size_t depth, cap;
    unsigned links; /* symlinks followed so far */
} wasi_walk_t;

static int wasi_walk_cur(const wasi_walk_t *k)
{
    return k->depth ? k->dirs[k->depth - 1] : k->root;
}

static uint16_t wasi_walk_push(wasi_walk_t *k, int fd)
{
    if (k->depth == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        int *d = realloc(k->dirs, cap * sizeof *d);
        if (!d) {
            close(fd);
            return WASI_ENOMEM;
        }
        k->dirs = d;
        k->cap = cap;
    }
    k->dirs[k->depth++] = fd;
    return WASI_ESUCCESS;
}

/* Replaces the path left (rest) by the symlink cur/name's target followed
 * by rest, in buf; the walk then continues at the target. */
static uint16_t wasi_walk_splice(dr_wasi_t *w, wasi_walk_t *k, const char *name,
                                 const char *rest, bool slash, char *buf)
{
    if (++k->links > WASI_MAX_LINKS)
        return WASI_ELOOP;
    ssize_t n = readlinkat(wasi_walk_cur(k), name, w->link, sizeof w->link - 1);
    if (n < 0)
        return wasi_errno();
    w->link[n] = '\0';
    /* An absolute target would restart the walk at the host's root. */
    if (w->link[0] == '/')
        return WASI_ENOTCAPABLE;
    /* A separator only if something follows, or the link had a trailing
     * slash (which asks for a directory). */
    size_t rl = strlen(rest), sep = (*rest || slash) ? 1 : 0;
    if ((size_t)n + sep + rl + 1 > 2 * PATH_MAX)
        return WASI_ENAMETOOLONG;
    memcpy(buf, w->link, (size_t)n);
    if (sep)
        buf[n] = '/';
    memcpy(buf + n + sep, rest, rl + 1);
    return WASI_ESUCCESS;
}

/* One step of the walk at component `name`, with more components to come
 * (`last` false) or a trailing slash: follow it if it is a symlink,
 * descend if it is a directory. *out_spliced says the path was rewritten. */
static uint16_t wasi_walk_step(dr_wasi_t *w, wasi_walk_t *k, const char *name,
                               const char *rest, bool slash, char *buf, bool *out_spliced)
{
    struct stat st;
    int fd = openat(wasi_walk_cur(k), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return wasi_errno();
    if (fstat(fd, &st) != 0) {
        close(fd);
        return wasi_errno();
    }
    if (S_ISLNK(st.st_mode)) {
        close(fd);
        *out_spliced = true;
        return wasi_walk_splice(w, k, name, rest, slash, buf);
    }
    *out_spliced = false;
    if (!S_ISDIR(st.st_mode)) {
        close(fd);
        return WASI_ENOTDIR;
    }
    return wasi_walk_push(k, fd);
}

/* The resolver for kernels without openat2: path is taken apart one
 * component at a time. ".." pops the directory stack and may never pop
 * root; a symlink (always for inner components, for the last one unless
 * O_NOFOLLOW) is read and its target spliced in front of the rest of the
 * path, absolute targets refused; the last component is opened with
 * O_NOFOLLOW, so a symlink swapped in after the check fails with ELOOP
 * instead of being followed. */
static uint16_t wasi_walk(dr_wasi_t *w, int root, const char *path, int flags,
                          mode_t mode, int *out_fd)
{
    wasi_walk_t k = { .root = root };
    char *buf = w->walkbuf[0];
    uint16_t err = WASI_ESUCCESS;
    const char *name = ".";
    bool slash = false;
    strcpy(buf, path); /* the caller checked: shorter than PATH_MAX */
    for (char *p = buf; err == WASI_ESUCCESS;) {
        while (*p == '/')
            p++;
        if (!*p) {
            name = ".";
            break;
        }
        char *end = p + strcspn(p, "/");
        slash = *end == '/';
        char *rest = end + strspn(end, "/");
        bool last = !*rest;
        *end = '\0';
        name = p;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            if (name[1] == '.') {
                if (k.depth == 0) { /* ".." above the directory the guest named */
                    err = WASI_ENOTCAPABLE;
                    break;
                }
                close(k.dirs[--k.depth]);
            }
            name = ".";
            p = rest;
            continue;
        }
        if (last && !slash && (flags & O_NOFOLLOW))
            break; /* the last component itself, not followed */
        bool spliced = false;
        /* Copy rest aside: the splice rewrites buf, which holds it. */
        strcpy(w->walkbuf[1], rest);
        err = wasi_walk_step(w, &k, name, w->walkbuf[1], slash, buf, &spliced);
        if (err == WASI_ENOENT && last) {
            err = WASI_ESUCCESS; /* may be created by the final open */
            break;
        }
        if (err == WASI_ENOTDIR && last && !slash) {
            err = WASI_ESUCCESS; /* the final open takes it as it is */
            break;
        }
        if (err == WASI_ESUCCESS && !spliced && last) {
            /* Was a directory, now pushed: open it as ".". */
            name = ".";
            break;
        }
        p = buf;
        if (!spliced)
            strcpy(buf, w->walkbuf[1]);
    }
    if (err == WASI_ESUCCESS) {
        int fd = openat(wasi_walk_cur(&k), name,
                        flags | O_NOFOLLOW | (slash ? O_DIRECTORY : 0), mode);
        if (fd < 0)
            err = wasi_errno();
        else
            *out_fd = fd;
    }
    while (k.depth)
        close(k.dirs[--k.depth]);
    free(k.dirs);
    return err;
}

/* Opens path beneath the directory dirfd, never outside it: openat2 with
 * RESOLVE_BENEATH (Linux 5.6), which checks every step of the lookup,
 * ".." and symlinks included, atomically against concurrent renames. Its
 * EXDEV means "would escape" and becomes NOTCAPABLE. Magic links
 * (/proc/self/fd/...) are refused too: they are jumps, not paths. */
uint16_t wasi_open_beneath(dr_wasi_t *w, int dirfd, const char *path, int flags,
                           mode_t mode, int *out_fd)
{
    if (!w->walk) {
        struct open_how how = {
            .flags = (uint64_t)(unsigned)flags,
            .mode = (flags & O_CREAT) ? mode : 0, /* openat2 wants 0 otherwise */
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0) {
            *out_fd = (int)fd;
            return WASI_ESUCCESS;
        }
        if (errno != ENOSYS)
            return errno == EXDEV ? WASI_ENOTCAPABLE : wasi_errno();
        w->walk = true; /* an old kernel: walk from now on */
    }
    return wasi_walk(w, dirfd, path, flags, mode, out_fd);
}


/* Whether a last component is "." or "..", trailing slashes aside. */
static bool wasi_dots(const char *name)
{
    size_t n = strcspn(name, "/");
    return (n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.');
}

/* Resolves guest path (fd, ptr, len) into buf, for calls that act on a
 * name (mkdir, unlink, rename, link, symlink, readlink). Only the parent
 * is resolved, beneath fd; the last component is then looked up by the
 * plain *at call relative to it. That lookup is safe because none of
 * these calls follows the last component when it is a symlink, and "."
 * or ".." as the last component are refused by each of them (EEXIST,
 * EBUSY, EISDIR, ...); such a path is still resolved whole first, so that
 * one that climbs out is NOTCAPABLE like any other. A trailing slash does make the kernel follow a
 * final symlink, but then only to fail (ENOTDIR, EEXIST, EPERM for a
 * directory hard link); it never creates or changes anything through it. */
uint16_t wasi_parent(dr_wasi_t *w, dr_call_t *c, uint32_t fd, uint32_t ptr,
                     uint32_t len, char *buf, wasi_at_t *out)
{
    wasi_fd_t *e;
    uint16_t err = wasi_dirfd(w, fd, &e);
    if (err == WASI_ESUCCESS)
        err = wasi_path_in(c, ptr, len, buf);
    if (err != WASI_ESUCCESS)
        return err;
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        n--; /* the last component ends before its trailing slashes */
    char *slash = memrchr(buf, '/', n);
    const char *parent = ".";
    out->name = buf;
    if (wasi_dots(slash ? slash + 1 : buf)) {
        int whole;
        err = wasi_open_beneath(w, e->host, buf, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, &whole);
        if (err != WASI_ESUCCESS)
            return err;
        close(whole);
    }
    if (slash) {
        *slash = '\0'; /* buf does not start with '/', so parent is not "" */
        parent = buf;
        out->name = slash + 1;
    }
    return wasi_open_beneath(w, e->host, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                             &out->dir);
}

/* Opens guest path (fd, ptr, len) as an O_PATH fd beneath fd, following a
 * final symlink if lookup flags say so, for calls that act on the object
 * itself (filestat, set_times). */
uint16_t wasi_path_fd(dr_wasi_t *w, dr_call_t *c, uint32_t fd, uint32_t lookup,
                      uint32_t ptr, uint32_t len, int *out_fd)
{
    wasi_fd_t *e;
    uint16_t err = wasi_dirfd(w, fd, &e);
    if (err == WASI_ESUCCESS)
        err = wasi_path_in(c, ptr, len, w->path[0]);
    if (err != WASI_ESUCCESS)
        return err;
    int flags = O_PATH | O_CLOEXEC;
    if (!(lookup & WASI_LOOKUP_SYMLINK_FOLLOW))
        flags |= O_NOFOLLOW;
    return wasi_open_beneath(w, e->host, w->path[0], flags, 0, out_fd);
}

