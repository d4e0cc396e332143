/*
 * IPC: channels, notifications, interrupt lines, waiting on several
 * things at once, capability inboxes and locks on shared words.
 *
 * Channels are pairs of endpoints; each endpoint queues up to
 * DOGMA_CHANNEL_DEPTH messages of at most DOGMA_MSG_MAX_BYTES inline bytes
 * and DOGMA_MSG_MAX_HANDLES handles, which move out of the sender's table
 * when it sends and into the receiver's when it receives. Sending never
 * blocks: a full queue is an error the sender sees. A handle in flight
 * belongs to the message; disposing an endpoint disposes what is queued
 * on it.
 *
 * A wait names up to DOGMA_WAIT_MAX items (handle and signals) and a
 * timeout; the process sleeps on every item's queue at once and wakes for
 * the first that becomes true.
 *
 * Locks: the uncontended path is an atomic operation in user space; a
 * contended process sleeps in lock_wait on the word's global address (one
 * address space: the address is the key) until lock_wake.
 */
#ifndef KERN_IPC_H
#define KERN_IPC_H

#include <kern/cap.h>
#include <kern/proc.h>

#define DOGMA_WAIT_MAX 16

typedef struct ipc_msg {
    struct ipc_msg *next;
    uint32_t len, nh;
    uint64_t sender;
    kobj_t *objs[DOGMA_MSG_MAX_HANDLES];
    uint32_t rights[DOGMA_MSG_MAX_HANDLES];
    uint8_t data[DOGMA_MSG_MAX_BYTES];
} ipc_msg_t;

typedef struct channel {
    kobj_t obj;
    struct channel *peer; /* NULL once the other endpoint is gone */
    ipc_msg_t *head, *tail; /* messages waiting to be received here */
    uint32_t depth;
    waitq_t waiters;
} channel_t;

typedef struct {
    kobj_t obj;
    uint64_t word;
    waitq_t waiters;
} notify_t;

typedef struct {
    kobj_t obj;
    unsigned line;
    bool fired;
    waitq_t waiters;
} irqobj_t;

/* Makes a pair; false when out of memory. */
bool ipc_channel_create(channel_t **out_a, channel_t **out_b);
void ipc_channel_destroy(kobj_t *o);
notify_t *ipc_notify_create(void);
void ipc_notify_destroy(kobj_t *o);
/* The object for ISA line `line`; NULL if the line is invalid or already
 * has one, or out of memory. The line is unmasked. */
irqobj_t *ipc_irq_create(unsigned line);
void ipc_irq_destroy(kobj_t *o);

/* The signals now true of an object (DOGMA_SIG_*), and its wait queue. */
uint32_t ipc_signals(kobj_t *o);
waitq_t *ipc_waitq(kobj_t *o);

/* Drops every wait p has pending (it is ending). */
void ipc_cancel_waits(proc_t *p);
/* Wakes lock waiters on an address: up to n of them. */
uint64_t ipc_lock_wake(uint64_t addr, uint64_t n);
void ipc_lock_enqueue(proc_t *p, uint64_t addr);
void ipc_lock_dequeue(proc_t *p);

#endif
