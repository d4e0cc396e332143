/*
 * Capability tables and object lifetimes (include/kern/cap.h).
 *
 * A table grows by doubling up to CAP_TABLE_MAX slots. Free slots are
 * found by a scan from the last one freed; tables are small. Disposing the
 * last handle a hardware-isolated process has to a region takes the
 * region's pages out of its private page table, so what it no longer
 * holds it can no longer touch.
 */
#include <kern/cap.h>
#include <kern/heap.h>
#include <kern/ipc.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>

size_t kobj_live[DOGMA_CAP_NKINDS];

void kobj_retain(kobj_t *o)
{
    KASSERT(o->refs > 0);
    o->refs++;
}

static void kobj_destroy(kobj_t *o)
{
    KASSERT(o->kind < DOGMA_CAP_NKINDS);
    kobj_live[o->kind]--;
    switch (o->kind) {
    case DOGMA_CAP_REGION: region_destroy((region_t *)o); break;
    case DOGMA_CAP_PROCESS: proc_free((proc_t *)o); break;
    case DOGMA_CAP_CHANNEL: ipc_channel_destroy(o); break;
    case DOGMA_CAP_NOTIFY: ipc_notify_destroy(o); break;
    case DOGMA_CAP_IRQ: ipc_irq_destroy(o); break;
    default: kfree(o); break;
    }
}

void kobj_release(kobj_t *o)
{
    KASSERT(o->refs > 0);
    if (--o->refs == 0)
        kobj_destroy(o);
}

unsigned cap_kind_of(const kobj_t *o)
{
    if (o->kind == DOGMA_CAP_REGION && (((const region_t *)o)->flags & REGION_SHARED))
        return DOGMA_CAP_VIEW;
    return o->kind;
}

static bool table_grow(cap_table_t *t)
{
    uint32_t n = t->nslots ? t->nslots * 2 : 32;
    if (n > CAP_TABLE_MAX)
        n = CAP_TABLE_MAX;
    if (n <= t->nslots)
        return false;
    cap_slot_t *s = kzalloc(n * sizeof *s);
    if (!s)
        return false;
    if (t->slots)
        memcpy(s, t->slots, t->nslots * sizeof *s);
    kfree(t->slots);
    t->slots = s;
    t->nslots = n;
    return true;
}

/* An exclusive region has one holder, who is charged for its frames. */
static void follow_owner(proc_t *p, kobj_t *o)
{
    region_t *r = (region_t *)o;
    if (o->kind == DOGMA_CAP_REGION && r->owner != p &&
        !(r->flags & (REGION_SHARED | REGION_SHARED_RW | REGION_FIXED | REGION_STACK | REGION_PB)))
        region_set_owner(r, p);
}

uint32_t cap_insert(proc_t *p, kobj_t *o, uint32_t rights)
{
    cap_table_t *t = &p->caps;
    if (t->used + 1 >= t->nslots && !table_grow(t))
        return 0;
    if (o->kind == DOGMA_CAP_REGION && !region_hold((region_t *)o, p, rights))
        return 0;
    for (uint32_t i = 1; i < t->nslots; i++) {
        cap_slot_t *s = &t->slots[i];
        if (s->obj)
            continue;
        s->obj = o;
        s->rights = rights & DOGMA_R_ALL;
        t->used++;
        follow_owner(p, o);
        /* Generation 0 is skipped so that a handle is never a bare slot
         * number a careless caller might guess. */
        if (s->gen == 0)
            s->gen = 1;
        return i | (s->gen << 12);
    }
    kpanic("cap_insert: no free slot in a table with room");
}

bool cap_put_slot(proc_t *p, uint32_t index, uint32_t gen, kobj_t *o, uint32_t rights)
{
    cap_table_t *t = &p->caps;
    while (index >= t->nslots)
        if (!table_grow(t))
            return false;
    KASSERT(!t->slots[index].obj);
    if (o->kind == DOGMA_CAP_REGION && !region_hold((region_t *)o, p, rights))
        return false;
    t->slots[index] = (cap_slot_t){o, rights, gen};
    t->used++;
    return true;
}

cap_slot_t *cap_lookup(proc_t *p, uint32_t handle)
{
    uint32_t i = DOGMA_HANDLE_SLOT(handle);
    cap_table_t *t = &p->caps;
    if (i == 0 || i >= t->nslots)
        return NULL;
    cap_slot_t *s = &t->slots[i];
    if (!s->obj || s->gen != DOGMA_HANDLE_GEN(handle))
        return NULL;
    return s;
}

/* A region one of whose handles leaves an isolated process leaves its
 * private table: the pages it may still reach (through other handles)
 * come back on the next touch with the rights those handles give.
 * Verified processes share the global table, where a region's pages stay
 * until it dies: for them, verification is what keeps to the rights. */
static void after_take(proc_t *p, kobj_t *o)
{
    if (o->kind != DOGMA_CAP_REGION)
        return;
    region_unhold((region_t *)o, p, cap_rights_of(p, o));
    if (p->kind == DOGMA_PROC_ISOLATED)
        region_unmap_from((region_t *)o, p->vs);
}

kobj_t *cap_take(proc_t *p, uint32_t handle, uint32_t *out_rights)
{
    cap_slot_t *s = cap_lookup(p, handle);
    if (!s)
        return NULL;
    kobj_t *o = s->obj;
    if (out_rights)
        *out_rights = s->rights;
    s->obj = NULL;
    s->rights = 0;
    s->gen = (s->gen + 1) & 0xfffff;
    p->caps.used--;
    after_take(p, o);
    return o;
}

void cap_dispose(proc_t *p, uint32_t handle)
{
    kobj_t *o = cap_take(p, handle, NULL);
    if (o)
        kobj_release(o);
}

/* Device capabilities (an interrupt line, ports, physical memory) are
 * process 1's to hand out: when the last handle to one goes with its
 * holder, it goes back to process 1's inbox if process 1 listens and has
 * room, so that a restarted driver can get it again. */
static bool returns_to_one(const kobj_t *o)
{
    return o->kind == DOGMA_CAP_IRQ || o->kind == DOGMA_CAP_IOPORT || o->kind == DOGMA_CAP_PHYS;
}

bool cap_give_back(proc_t *from, kobj_t *o, uint32_t rights)
{
    proc_t *one = proc_one;
    if (!returns_to_one(o) || o->refs != 1 || !one || !one->listening ||
        one->ninbox >= PROC_INBOX_MAX || proc_ended(one))
        return false;
    one->inbox[one->ninbox].obj = o;
    one->inbox[one->ninbox].rights = rights;
    one->inbox[one->ninbox].from = from->pid;
    one->ninbox++;
    waitq_wake_all(&one->inbox_waiters);
    log_info("cap", "pid %lu ended holding a device capability (kind %u): back to process 1",
             from->pid, o->kind);
    return true;
}

void cap_table_clear(proc_t *p)
{
    cap_table_t *t = &p->caps;
    for (uint32_t i = 1; i < t->nslots; i++) {
        if (!t->slots[i].obj)
            continue;
        uint32_t rights;
        kobj_t *o = cap_take(p, i | (t->slots[i].gen << 12), &rights);
        if (!cap_give_back(p, o, rights))
            kobj_release(o);
    }
}

void cap_table_free(proc_t *p)
{
    KASSERT(p->caps.used == 0);
    kfree(p->caps.slots);
    p->caps.slots = NULL;
    p->caps.nslots = 0;
}

uint32_t cap_rights_of(proc_t *p, const kobj_t *o)
{
    uint32_t r = 0;
    for (uint32_t i = 1; i < p->caps.nslots; i++)
        if (p->caps.slots[i].obj == o)
            r |= p->caps.slots[i].rights | CAP_HELD;
    return r;
}

kobj_t *kobj_new(size_t size, unsigned kind)
{
    kobj_t *o = kzalloc(size);
    if (!o)
        return NULL;
    o->kind = (uint8_t)kind;
    o->refs = 1;
    kobj_live[kind]++;
    return o;
}

kobj_t *cap_new_token(uint64_t tag, uint64_t maker_pid)
{
    token_t *t = (token_t *)kobj_new(sizeof(token_t), DOGMA_CAP_TOKEN);
    if (t) {
        t->tag = tag;
        t->maker_pid = maker_pid;
    }
    return t ? &t->obj : NULL;
}

kobj_t *cap_new_ioport(uint16_t base, uint16_t count)
{
    ioport_t *io = (ioport_t *)kobj_new(sizeof(ioport_t), DOGMA_CAP_IOPORT);
    if (io) {
        io->base = base;
        io->count = count;
    }
    return io ? &io->obj : NULL;
}

kobj_t *cap_new_phys(paddr_t base, size_t size)
{
    physview_t *v = (physview_t *)kobj_new(sizeof(physview_t), DOGMA_CAP_PHYS);
    if (v) {
        v->base = base;
        v->size = size;
    }
    return v ? &v->obj : NULL;
}

kobj_t *cap_new_loader(void) { return kobj_new(sizeof(loader_t), DOGMA_CAP_LOADER); }

