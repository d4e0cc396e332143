/*
 * User addresses: a distinct type, reached only through these helpers.
 *
 * A user pointer is an allegation until checked: each helper walks the
 * range page by page through the regions the process holds, with the
 * access the copy needs (writes need an exclusive region, a read-write
 * page and no code), and copies through the frames' direct-map addresses.
 * The kernel never dereferences a user address itself, so a hostile
 * pointer can only ever earn a typed error.
 */
#ifndef KERN_UACCESS_H
#define KERN_UACCESS_H

#include <dogma/abi.h>
#include <kern/types.h>

struct proc;

typedef struct {
    uint64_t addr;
} uptr_t;

static inline uptr_t uptr(uint64_t a) { return (uptr_t){a}; }

/* DOGMA_E_OK, DOGMA_E_BAD_ADDRESS (wraps, kernel half, not held, not
 * readable or writable) or DOGMA_E_NO_MEMORY (a frame for a fresh page). */
dogma_err_t uaccess_copy_in(struct proc *p, void *dst, uptr_t src, size_t n);
dogma_err_t uaccess_copy_out(struct proc *p, uptr_t dst, const void *src, size_t n);
/* Checks a range without copying. */
dogma_err_t uaccess_check(struct proc *p, uptr_t a, size_t n, bool write);

#endif
