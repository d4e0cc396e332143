/*
 * Capabilities: per-process tables of handles to kernel objects.
 *
 * Every kernel object a process can name starts with a kobj_t: its kind
 * and a reference count. A handle is a slot in the holder's table plus
 * the slot's generation (dogma/abi.h): disposing a handle bumps the
 * generation, so an old handle number never reaches whatever the slot
 * holds next. Each handle holds one reference; an object dies when its
 * last reference goes, through its kind's destructor (cap.c's table).
 *
 * Exclusive regions are never duplicated, only moved; everything else may
 * be duplicated with a subset of the rights, given DOGMA_R_DUP.
 */
#ifndef KERN_CAP_H
#define KERN_CAP_H

#include <dogma/abi.h>
#include <kern/types.h>

typedef struct kobj {
    uint8_t kind;  /* DOGMA_CAP_*; regions say REGION even when shared */
    uint32_t refs; /* handles, queued messages and kernel users */
} kobj_t;

typedef struct {
    kobj_t *obj;     /* NULL: free */
    uint32_t rights; /* DOGMA_R_* */
    uint32_t gen;    /* bumped on every dispose */
} cap_slot_t;

#define CAP_TABLE_MAX 4096 /* DOGMA_HANDLE_SLOT's 12 bits */

typedef struct {
    cap_slot_t *slots; /* kernel heap; slot 0 unused (handle 0 is none) */
    uint32_t nslots;   /* allocated */
    uint32_t used;     /* live handles */
} cap_table_t;

struct proc;

void kobj_retain(kobj_t *o);
/* Drops a reference; the object's destructor runs at zero. */
void kobj_release(kobj_t *o);

/* The kind a handle to o shows: VIEW for a shared region. */
unsigned cap_kind_of(const kobj_t *o);

/* Adds a handle (taking over one reference the caller holds). 0 when the
 * table is full or the heap is out. */
uint32_t cap_insert(struct proc *p, kobj_t *o, uint32_t rights);
/* Puts o in slot index of p's table with the given generation, so that
 * p sees the same handle number (fork). false when out of memory. */
bool cap_put_slot(struct proc *p, uint32_t index, uint32_t gen, kobj_t *o, uint32_t rights);
/* The slot for a live handle, or NULL. */
cap_slot_t *cap_lookup(struct proc *p, uint32_t handle);
/* Takes a live handle out of the table; the reference goes to the caller
 * (who releases it or moves it elsewhere). */
kobj_t *cap_take(struct proc *p, uint32_t handle, uint32_t *out_rights);
/* cap_take and release. */
void cap_dispose(struct proc *p, uint32_t handle);
/* Disposes every handle (teardown); device capabilities whose last handle
 * this was go back to process 1 (cap_give_back). */
void cap_table_clear(struct proc *p);
/* Moves o (whose last reference the caller holds) to process 1's inbox,
 * if its kind goes back there and process 1 listens with room. */
bool cap_give_back(struct proc *from, kobj_t *o, uint32_t rights);
/* The union of the rights of p's handles to o, with CAP_HELD set when it
 * holds any (0: it holds none). */
#define CAP_HELD 0x80000000u
uint32_t cap_rights_of(struct proc *p, const kobj_t *o);
/* Frees the (cleared) table itself. */
void cap_table_free(struct proc *p);

/* The small objects with no module of their own. */
typedef struct {
    kobj_t obj;
    uint64_t tag, maker_pid;
} token_t;

typedef struct {
    kobj_t obj;
    uint16_t base, count; /* ports [base, base + count) */
} ioport_t;

typedef struct {
    kobj_t obj;
    paddr_t base;
    size_t size;
} physview_t;

typedef struct {
    kobj_t obj;
} loader_t;

kobj_t *cap_new_token(uint64_t tag, uint64_t maker_pid);
kobj_t *cap_new_ioport(uint16_t base, uint16_t count);
kobj_t *cap_new_phys(paddr_t base, size_t size);
kobj_t *cap_new_loader(void);
/* Live kernel objects, by kind (leak checks). */
extern size_t kobj_live[DOGMA_CAP_NKINDS];
/* A zeroed object of size bytes with one reference (the caller's). */
kobj_t *kobj_new(size_t size, unsigned kind);

#endif
