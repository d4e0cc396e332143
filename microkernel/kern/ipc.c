/*
 * IPC objects and their system calls (include/kern/ipc.h).
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/ipc.h>
#include <kern/log.h>
#include <kern/sched.h>
#include <kern/string.h>

#include "sys.h"

/* ---- objects ----------------------------------------------------------- */

bool ipc_channel_create(channel_t **out_a, channel_t **out_b)
{
    channel_t *a = (channel_t *)kobj_new(sizeof *a, DOGMA_CAP_CHANNEL);
    channel_t *b = a ? (channel_t *)kobj_new(sizeof *b, DOGMA_CAP_CHANNEL) : NULL;
    if (!b) {
        if (a)
            kobj_release(&a->obj);
        return false;
    }
    a->peer = b;
    b->peer = a;
    *out_a = a;
    *out_b = b;
    return true;
}

static void msg_free(ipc_msg_t *m)
{
    for (uint32_t i = 0; i < m->nh; i++)
        kobj_release(m->objs[i]);
    kfree(m);
}

/* Messages of destroyed endpoints not yet freed. Freeing a message can
 * destroy an endpoint it carries, whose messages can carry more: a chain
 * as long as the user makes it (the cycle rule does not stop chains). The
 * outermost destroy frees them in a loop, so the kernel stack never
 * holds more than one level of it. */
static ipc_msg_t *dying;
static bool draining;

void ipc_channel_destroy(kobj_t *o)
{
    channel_t *ch = (channel_t *)o;
    if (ch->peer) {
        ch->peer->peer = NULL;
        waitq_wake_all(&ch->peer->waiters);
    }
    if (ch->head) {
        ch->tail->next = dying;
        dying = ch->head;
    }
    kfree(ch);
    if (draining)
        return;
    draining = true;
    while (dying) {
        ipc_msg_t *m = dying;
        dying = m->next;
        msg_free(m);
    }
    draining = false;
}

notify_t *ipc_notify_create(void) { return (notify_t *)kobj_new(sizeof(notify_t), DOGMA_CAP_NOTIFY); }
void ipc_notify_destroy(kobj_t *o) { kfree(o); }
static irqobj_t *irq_lines[16];

irqobj_t *ipc_irq_create(unsigned line)
{
    if (!arch_isa_irq_valid(line) || irq_lines[line])
        return NULL;
    irqobj_t *q = (irqobj_t *)kobj_new(sizeof *q, DOGMA_CAP_IRQ);
    if (!q)
        return NULL;
    q->line = line;
    irq_lines[line] = q;
    arch_isa_irq_unmask(line);
    return q;
}

void ipc_irq_destroy(kobj_t *o)
{
    irqobj_t *q = (irqobj_t *)o;
    arch_isa_irq_mask(q->line);
    irq_lines[q->line] = NULL;
    kfree(o);
}

void kern_irq(unsigned line)
{
    irqobj_t *q = irq_lines[line];
    if (!q)
        return; /* released since it was unmasked: it stays masked */
    q->fired = true;
    waitq_wake_all(&q->waiters);
}

uint32_t ipc_signals(kobj_t *o)
{
    switch (o->kind) {
    case DOGMA_CAP_CHANNEL: {
        channel_t *ch = (channel_t *)o;
        return (ch->head ? DOGMA_SIG_READABLE : 0) | (ch->peer ? 0 : DOGMA_SIG_PEER_GONE);
    }
    case DOGMA_CAP_NOTIFY: return ((notify_t *)o)->word ? DOGMA_SIG_NOTIFIED : 0;
    case DOGMA_CAP_PROCESS: return proc_ended((proc_t *)o) ? DOGMA_SIG_EXITED : 0;
    case DOGMA_CAP_IRQ: return ((irqobj_t *)o)->fired ? DOGMA_SIG_IRQ : 0;
    default: return 0;
    }
}

waitq_t *ipc_waitq(kobj_t *o)
{
    switch (o->kind) {
    case DOGMA_CAP_CHANNEL: return &((channel_t *)o)->waiters;
    case DOGMA_CAP_NOTIFY: return &((notify_t *)o)->waiters;
    case DOGMA_CAP_PROCESS: return &((proc_t *)o)->exit_waiters;
    case DOGMA_CAP_IRQ: return &((irqobj_t *)o)->waiters;
    default: return NULL;
    }
}

_Static_assert(DOGMA_WAIT_MAX <= sizeof(((proc_t *)0)->waiters) / sizeof(waiter_t),
               "proc_t.waiters holds a whole wait");

/* ---- waiting ------------------------------------------------------------- */

void ipc_cancel_waits(proc_t *p)
{
    for (unsigned i = 0; i < p->nwaiters; i++)
        waitq_remove(&p->waiters[i]);
    p->nwaiters = 0;
    ipc_lock_dequeue(p);
}

static uint64_t deadline_of(uint64_t timeout_ns)
{
    if (timeout_ns == UINT64_MAX)
        return 0; /* forever */
    uint64_t now = arch_uptime_ns();
    return now + timeout_ns < now ? UINT64_MAX - 1 : now + timeout_ns;
}

/* The right a handle needs to be waited on: what reading its state is. */
static uint32_t wait_right(const kobj_t *o)
{
    switch (o->kind) {
    case DOGMA_CAP_CHANNEL: return DOGMA_R_READ;
    case DOGMA_CAP_PROCESS: return DOGMA_R_MONITOR;
    default: return DOGMA_R_WAIT; /* notifications, irqs */
    }
}

/* What item i shows now (objs[i] NULL: the inbox). */
static uint32_t item_signals(proc_t *p, const dogma_wait_item_t *it, kobj_t *o)
{
    if (it->handle == 0)
        return p->ninbox ? DOGMA_SIG_INBOX : 0;
    return ipc_signals(o);
}

int64_t sys_wait(sys_call_t *c)
{
    proc_t *p = c->p;
    int64_t r;
    if ((r = sys_range(c, 1, 1, DOGMA_WAIT_MAX)) < 0)
        return r;
    size_t n = c->a[1];
    dogma_wait_item_t items[DOGMA_WAIT_MAX];
    kobj_t *objs[DOGMA_WAIT_MAX];
    dogma_err_t e = uaccess_copy_in(p, items, uptr(c->a[0]), n * sizeof *items);
    if (e)
        return sys_uerr(c, e, 0);
    if ((e = uaccess_check(p, uptr(c->a[0]), n * sizeof *items, true)))
        return sys_uerr(c, e, 0);
    for (size_t i = 0; i < n; i++) {
        objs[i] = NULL;
        if (items[i].reserved || (items[i].want & ~(uint32_t)DOGMA_SIG_ALL))
            return sys_fail(c, DOGMA_E_BAD_ARG, 0, i, i);
        if (items[i].handle == 0)
            continue;
        cap_slot_t *s = cap_lookup(p, items[i].handle);
        if (!s)
            return sys_fail(c, DOGMA_E_BAD_HANDLE, 0, i, i);
        if (!ipc_waitq(s->obj))
            return sys_fail(c, DOGMA_E_WRONG_KIND, 0, i, i);
        if ((s->rights & wait_right(s->obj)) != wait_right(s->obj))
            return sys_fail(c, DOGMA_E_RIGHTS, 0, i, i);
        objs[i] = s->obj;
    }
    uint64_t deadline = deadline_of(c->a[2]);
    /* Invoke: the handles stay live while we sleep (only p can dispose
     * them, and p is asleep), so objs[] stays valid. */
    for (;;) {
        int64_t ready = -1;
        for (size_t i = 0; i < n; i++) {
            items[i].got = item_signals(p, &items[i], objs[i]);
            if (ready < 0 && (items[i].got & items[i].want))
                ready = (int64_t)i;
        }
        if (ready >= 0 || c->a[2] == 0) {
            uaccess_copy_out(p, uptr(c->a[0]), items, n * sizeof *items);
            return ready >= 0 ? ready : sys_fail(c, DOGMA_E_TIMED_OUT, 2, 0, 0);
        }
        /* The nodes live in the process: a wait allocates nothing. */
        p->nwaiters = (unsigned)n;
        for (size_t i = 0; i < n; i++)
            waitq_add(objs[i] ? ipc_waitq(objs[i]) : &p->inbox_waiters, &p->waiters[i], p);
        bool woke = sched_block(deadline);
        ipc_cancel_waits(p);
        if (!woke) {
            /* Something may have become true at the last moment: then it
             * is an answer, not a timeout. */
            int64_t late = -1;
            for (size_t i = 0; i < n; i++) {
                items[i].got = item_signals(p, &items[i], objs[i]);
                if (late < 0 && (items[i].got & items[i].want))
                    late = (int64_t)i;
            }
            uaccess_copy_out(p, uptr(c->a[0]), items, n * sizeof *items);
            return late >= 0 ? late : sys_fail(c, DOGMA_E_TIMED_OUT, 2, 0, 0);
        }
    }
}

/* ---- channels ------------------------------------------------------------ */

int64_t sys_channel_create(sys_call_t *c)
{
    channel_t *a, *b;
    if (c->p->caps.used + 2 >= CAP_TABLE_MAX)
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    if (!ipc_channel_create(&a, &b))
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t rights = DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER;
    uint32_t ha = cap_insert(c->p, &a->obj, rights);
    uint32_t hb = ha ? cap_insert(c->p, &b->obj, rights) : 0;
    if (!hb) {
        if (ha)
            cap_dispose(c->p, ha);
        else
            kobj_release(&a->obj);
        kobj_release(&b->obj);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    }
    c->r1 = hb;
    return ha;
}

/* Does a message queued on o (a channel endpoint) carry handles? Such an
 * endpoint may not be sent: every cycle of endpoints each queued on the
 * next is closed by sending one whose own queue already holds the one
 * before it, and a closed cycle could never be received from or freed. */
static bool queues_handles(const kobj_t *o)
{
    if (o->kind != DOGMA_CAP_CHANNEL)
        return false;
    for (const ipc_msg_t *m = ((const channel_t *)o)->head; m; m = m->next)
        if (m->nh)
            return true;
    return false;
}

int64_t sys_channel_send(sys_call_t *c)
{
    proc_t *p = c->p;
    channel_t *ch = (channel_t *)c->h0->obj;
    int64_t r;
    if ((r = sys_range(c, 2, 0, DOGMA_MSG_MAX_BYTES)) < 0 ||
        (r = sys_range(c, 4, 0, DOGMA_MSG_MAX_HANDLES)) < 0)
        return r;
    if (!ch->peer)
        return sys_fail(c, DOGMA_E_PEER_CLOSED, 0, 0, 0);
    if (ch->peer->depth >= DOGMA_CHANNEL_DEPTH)
        return sys_fail(c, DOGMA_E_FULL, 0, 0, DOGMA_CHANNEL_DEPTH);
    ipc_msg_t *m = kzalloc(sizeof *m);
    if (!m)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t hs[DOGMA_MSG_MAX_HANDLES];
    unsigned bad = 1; /* the argument whose copy failed */
    dogma_err_t e = uaccess_copy_in(p, m->data, uptr(c->a[1]), c->a[2]);
    if (!e) {
        e = uaccess_copy_in(p, hs, uptr(c->a[3]), c->a[4] * sizeof *hs);
        bad = 3;
    }
    if (e) {
        kfree(m);
        return sys_uerr(c, e, bad);
    }
    /* Every handle must be live, transferable, distinct, and not an
     * endpoint of this channel (a channel carrying itself would keep
     * itself alive forever). */
    for (uint32_t i = 0; i < c->a[4]; i++) {
        cap_slot_t *s = cap_lookup(p, hs[i]);
        bool dup = false;
        for (uint32_t k = 0; k < i; k++)
            dup |= hs[k] == hs[i];
        if (!s || dup) {
            kfree(m);
            return sys_fail(c, DOGMA_E_BAD_HANDLE, 3, i, i);
        }
        if (!(s->rights & DOGMA_R_TRANSFER) || s->obj == &ch->obj || s->obj == &ch->peer->obj) {
            kfree(m);
            return sys_fail(c, DOGMA_E_RIGHTS, 3, DOGMA_R_TRANSFER, s->rights);
        }
        if (queues_handles(s->obj)) {
            kfree(m);
            return sys_fail(c, DOGMA_E_STATE, 3, i, i);
        }
    }
    /* Invoke. */
    m->len = (uint32_t)c->a[2];
    m->nh = (uint32_t)c->a[4];
    m->sender = p->pid;
    for (uint32_t i = 0; i < m->nh; i++)
        m->objs[i] = cap_take(p, hs[i], &m->rights[i]);
    channel_t *to = ch->peer;
    if (to->tail)
        to->tail->next = m;
    else
        to->head = m;
    to->tail = m;
    to->depth++;
    waitq_wake_all(&to->waiters);
    return 0;
}

int64_t sys_channel_recv(sys_call_t *c)
{
    proc_t *p = c->p;
    channel_t *ch = (channel_t *)c->h0->obj;
    ipc_msg_t *m = ch->head;
    if (!m)
        return sys_fail(c, ch->peer ? DOGMA_E_EMPTY : DOGMA_E_PEER_CLOSED, 0, 0, 0);
    if (c->a[2] < m->len)
        return sys_fail(c, DOGMA_E_BAD_ARG, 2, m->len, DOGMA_MSG_MAX_BYTES);
    if (c->a[4] < m->nh)
        return sys_fail(c, DOGMA_E_BAD_ARG, 4, m->nh, DOGMA_MSG_MAX_HANDLES);
    dogma_err_t e = uaccess_check(p, uptr(c->a[1]), m->len, true);
    if (e)
        return sys_uerr(c, e, 1);
    if ((e = uaccess_check(p, uptr(c->a[3]), m->nh * sizeof(uint32_t), true)))
        return sys_uerr(c, e, 3);
    if (p->caps.used + m->nh >= CAP_TABLE_MAX)
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    /* Invoke: handles first (the only step that can run out), then the
     * copies, which were checked above. */
    uint32_t hs[DOGMA_MSG_MAX_HANDLES];
    for (uint32_t i = 0; i < m->nh; i++) {
        hs[i] = cap_insert(p, m->objs[i], m->rights[i]);
        if (!hs[i]) {
            while (i--)
                m->objs[i] = cap_take(p, hs[i], NULL);
            return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
        }
    }
    uaccess_copy_out(p, uptr(c->a[1]), m->data, m->len);
    uaccess_copy_out(p, uptr(c->a[3]), hs, m->nh * sizeof(uint32_t));
    ch->head = m->next;
    if (!ch->head)
        ch->tail = NULL;
    ch->depth--;
    int64_t len = m->len;
    c->r1 = m->nh;
    m->nh = 0; /* the handles are the receiver's now */
    msg_free(m);
    return len;
}

/* ---- notifications --------------------------------------------------------- */

int64_t sys_notify_create(sys_call_t *c)
{
    notify_t *n = ipc_notify_create();
    if (!n)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t h = cap_insert(c->p, &n->obj, DOGMA_R_SIGNAL | DOGMA_R_WAIT | DOGMA_R_DUP |
                                               DOGMA_R_TRANSFER);
    if (!h) {
        kobj_release(&n->obj);
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    }
    return h;
}

int64_t sys_notify_signal(sys_call_t *c)
{
    notify_t *n = (notify_t *)c->h0->obj;
    if (!c->a[1])
        return sys_fail(c, DOGMA_E_BAD_ARG, 1, 1, UINT64_MAX);
    n->word |= c->a[1];
    waitq_wake_all(&n->waiters);
    return 0;
}

int64_t sys_notify_take(sys_call_t *c)
{
    notify_t *n = (notify_t *)c->h0->obj;
    uint64_t w = n->word;
    n->word = 0;
    c->r1 = w;
    return (int64_t)(w & INT64_MAX);
}

/* ---- the capability inbox -------------------------------------------------- */

int64_t sys_cap_listen(sys_call_t *c)
{
    proc_t *p = c->p;
    int64_t r;
    if ((r = sys_range(c, 0, 0, 1)) < 0)
        return r;
    bool was = p->listening;
    p->listening = c->a[0];
    proc_pb_write32(p, DOGMA_PB_LISTENING, p->listening);
    return was;
}

int64_t sys_cap_send(sys_call_t *c)
{
    proc_t *p = c->p, *to = (proc_t *)c->h0->obj;
    cap_slot_t *s;
    int64_t r;
    if ((r = sys_handle(c, 1, DOGMA_CAP_ANY, DOGMA_R_TRANSFER, &s)) < 0)
        return r;
    if (proc_ended(to))
        return sys_fail(c, DOGMA_E_GONE, 0, 0, 0);
    if (to->listening && to->ninbox >= PROC_INBOX_MAX)
        return sys_fail(c, DOGMA_E_FULL, 0, 0, PROC_INBOX_MAX);
    uint32_t rights;
    kobj_t *o = cap_take(p, (uint32_t)c->a[1], &rights);
    if (!to->listening) {
        if (!cap_give_back(p, o, rights))
            kobj_release(o);
        return sys_fail(c, DOGMA_E_NOT_LISTENING, 0, 0, 0);
    }
    to->inbox[to->ninbox].obj = o;
    to->inbox[to->ninbox].rights = rights;
    to->inbox[to->ninbox].from = p->pid;
    to->ninbox++;
    waitq_wake_all(&to->inbox_waiters);
    return 0;
}

int64_t sys_cap_receive(sys_call_t *c)
{
    proc_t *p = c->p;
    if (!p->ninbox)
        return sys_fail(c, DOGMA_E_EMPTY, ARG_NONE, 0, 0);
    uint32_t h = cap_insert(p, p->inbox[0].obj, p->inbox[0].rights);
    if (!h)
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, 0);
    c->r1 = p->inbox[0].from;
    p->ninbox--;
    memmove(&p->inbox[0], &p->inbox[1], p->ninbox * sizeof p->inbox[0]);
    return h;
}

/* ---- locks on shared words --------------------------------------------------- */

static proc_t *lock_waiters;

void ipc_lock_enqueue(proc_t *p, uint64_t addr)
{
    p->lock_addr = addr;
    p->lock_next = lock_waiters;
    lock_waiters = p;
}

void ipc_lock_dequeue(proc_t *p)
{
    if (!p->lock_addr)
        return;
    for (proc_t **pp = &lock_waiters; *pp; pp = &(*pp)->lock_next) {
        if (*pp == p) {
            *pp = p->lock_next;
            break;
        }
    }
    p->lock_addr = 0;
    p->lock_next = NULL;
}

uint64_t ipc_lock_wake(uint64_t addr, uint64_t n)
{
    uint64_t woken = 0;
    for (proc_t **pp = &lock_waiters; *pp && woken < n;) {
        proc_t *w = *pp;
        if (w->lock_addr != addr) {
            pp = &w->lock_next;
            continue;
        }
        *pp = w->lock_next;
        w->lock_addr = 0;
        w->lock_next = NULL;
        sched_wake(w);
        woken++;
    }
    return woken;
}

int64_t sys_lock_wait(sys_call_t *c)
{
    proc_t *p = c->p;
    uint32_t word;
    int64_t r;
    if (c->a[0] & 3)
        return sys_fail(c, DOGMA_E_BAD_ARG, 0, 0, 0);
    if ((r = sys_range(c, 1, 0, UINT32_MAX)) < 0)
        return r;
    dogma_err_t e = uaccess_copy_in(p, &word, uptr(c->a[0]), sizeof word);
    if (e)
        return sys_uerr(c, e, 0);
    if (word != (uint32_t)c->a[1])
        return 1; /* it changed: do not sleep */
    if (c->a[2] == 0)
        return sys_fail(c, DOGMA_E_TIMED_OUT, 2, 0, 0); /* a poll, as in wait */
    ipc_lock_enqueue(p, c->a[0]);
    bool woke = sched_block(deadline_of(c->a[2]));
    /* A lock_wake that took us off the queue after the deadline passed,
     * but before we ran, counted us as woken: so we were, or its wake
     * would be lost. */
    woke |= !p->lock_addr;
    ipc_lock_dequeue(p);
    return woke ? 0 : sys_fail(c, DOGMA_E_TIMED_OUT, 2, 0, 0);
}

int64_t sys_lock_wake(sys_call_t *c)
{
    if (c->a[0] & 3)
        return sys_fail(c, DOGMA_E_BAD_ARG, 0, 0, 0);
    /* The word must be one the caller could wait on. */
    dogma_err_t e = uaccess_check(c->p, uptr(c->a[0]), 4, false);
    if (e)
        return sys_uerr(c, e, 0);
    return (int64_t)ipc_lock_wake(c->a[0], c->a[1]);
}
