/*
 * WASI preview 1's private header: the state (the fd table and the
 * per-call scratch) and the helpers shared by wasi.c (the calls) and
 * wasi-path.c (path resolution beneath a directory fd, the sandbox).
 */
#ifndef DOGMA_RUN_WASI_IMPL_H
#define DOGMA_RUN_WASI_IMPL_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "wasi-abi.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "WASI's layouts are little-endian; wasi.c copies host words as they are");

#define WASI_MAX_FDS 4096   /* guest fd table limit: EMFILE beyond */
#define WASI_MAX_SUBS 4096  /* poll_oneoff: like poll's nfds limit, EINVAL beyond */
#define WASI_MAX_LINKS 40   /* symlinks followed by wasi_walk, as Linux's limit */
#define WASI_DENTS_BUF 8192 /* getdents64 buffer */

typedef struct wasi_fd {
    int host;          /* host fd, or -1 when the slot is free */
    uint8_t type;      /* WASI_FILETYPE_* when opened */
    bool stdio;        /* one of the host's 0, 1, 2: not closed on the host */
    char *guest;       /* a preopen's guest name (owned), else NULL */
    uint64_t base;     /* rights */
    uint64_t inh;      /* rights inherited by fds opened through this one */
} wasi_fd_t;

struct dr_wasi {
    int argc, envc;
    char **argv, **envp; /* the caller's, outliving the state */
    wasi_fd_t *fds;      /* the fd table, nfds slots */
    uint32_t nfds;
    bool walk;           /* resolve with wasi_walk: no openat2, or a test asks */
    int stdio_fl[3];     /* the host stdio's file status flags, restored at the end */
    /* Scratch for one call at a time (a preview 1 module is single-threaded);
     * kept here rather than on the stack, which the runtime may keep small. */
    char path[2][PATH_MAX];        /* guest paths, NUL-terminated */
    char walkbuf[2][2 * PATH_MAX]; /* wasi_walk: the path left to resolve */
    char link[PATH_MAX];           /* readlink targets */
    _Alignas(struct dirent64) char dents[WASI_DENTS_BUF]; /* getdents64 records */
    struct iovec iov[IOV_MAX];     /* fd_read and friends: checked iovecs */
};

/* A name to act on: the parent directory, opened beneath the guest's fd,
 * and the last component. */
typedef struct wasi_at {
    int dir;          /* owned O_PATH fd of the parent */
    const char *name; /* the last component, with any trailing slashes */
} wasi_at_t;

/* wasi.c */
uint16_t wasi_errno(void);
uint16_t wasi_dirfd(dr_wasi_t *w, uint32_t fd, wasi_fd_t **out_e);
uint16_t wasi_path_in(const dr_call_t *c, uint32_t ptr, uint32_t len, char *buf);

/* wasi-path.c */
uint16_t wasi_open_beneath(dr_wasi_t *w, int dirfd, const char *path, int flags,
                           mode_t mode, int *out_fd);
uint16_t wasi_parent(dr_wasi_t *w, dr_call_t *c, uint32_t fd, uint32_t ptr,
                     uint32_t len, char *buf, wasi_at_t *out);
uint16_t wasi_path_fd(dr_wasi_t *w, dr_call_t *c, uint32_t fd, uint32_t lookup,
                      uint32_t ptr, uint32_t len, int *out_fd);

#endif
