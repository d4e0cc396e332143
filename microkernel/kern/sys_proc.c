/*
 * System calls on processes: spawning isolated ones, mapping approved
 * code as verified ones, teardown, suspend and resume, and accounting.
 */
#include <kern/heap.h>
#include <kern/loader.h>
#include <kern/log.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>

#include <kern/system.h>

#include "sys.h"

#define PROC_RIGHTS (DOGMA_R_WAKE | DOGMA_R_SUSPEND | DOGMA_R_TEARDOWN | DOGMA_R_MONITOR | \
                     DOGMA_R_DEBUG | DOGMA_R_DUP | DOGMA_R_TRANSFER)

/* Decodes a grant list: count handles at argument i's address, each live,
 * transferable, distinct and not `not`. */
static int64_t decode_grants(sys_call_t *c, unsigned i, uint64_t addr, uint64_t count,
                             const kobj_t *not, uint32_t *out)
{
    if (count > DOGMA_MAX_GRANTS)
        return sys_fail(c, DOGMA_E_BAD_ARG, i, 0, DOGMA_MAX_GRANTS);
    dogma_err_t e = uaccess_copy_in(c->p, out, uptr(addr), count * sizeof *out);
    if (e)
        return sys_uerr(c, e, i);
    for (uint64_t k = 0; k < count; k++) {
        cap_slot_t *s = cap_lookup(c->p, out[k]);
        bool dup = false;
        for (uint64_t j = 0; j < k; j++)
            dup |= out[j] == out[k];
        if (!s || dup)
            return sys_fail(c, DOGMA_E_BAD_HANDLE, i, k, k);
        if (!(s->rights & DOGMA_R_TRANSFER) || s->obj == not)
            return sys_fail(c, DOGMA_E_RIGHTS, i, DOGMA_R_TRANSFER, s->rights);
    }
    return 0;
}

static int64_t decode_name(sys_call_t *c, unsigned i, char out[32])
{
    memset(out, 0, 32);
    if (!c->a[i])
        return 0;
    /* Up to 31 bytes, stopping at a NUL: read byte by byte so that a name
     * at the very end of a region is fine. */
    for (unsigned k = 0; k < 31; k++) {
        dogma_err_t e = uaccess_copy_in(c->p, &out[k], uptr(c->a[i] + k), 1);
        if (e)
            return sys_uerr(c, e, i);
        if (!out[k])
            break;
        if ((uint8_t)out[k] < 0x21 || (uint8_t)out[k] > 0x7e)
            out[k] = '?';
    }
    return 0;
}

/* Moves the grants into p (which has room: a fresh table). */
static void move_grants(sys_call_t *c, proc_t *p, const uint32_t *hs, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++) {
        uint32_t rights;
        kobj_t *o = cap_take(c->p, hs[k], &rights);
        if (!loader_grant(p, o, rights))
            kobj_release(o); /* cannot happen: at most 16 into a new table */
    }
}

/* The caller's handle to a new child; 0 when its table is full. */
static int64_t child_handle(sys_call_t *c, proc_t *p)
{
    kobj_retain(&p->obj);
    uint32_t h = cap_insert(c->p, &p->obj, PROC_RIGHTS);
    if (!h) {
        kobj_release(&p->obj);
        return 0;
    }
    c->r1 = p->pid;
    return h;
}

int64_t sys_proc_spawn(sys_call_t *c)
{
    region_t *rg = (region_t *)c->h0->obj;
    uint32_t hs[DOGMA_MAX_GRANTS];
    char name[32];
    int64_t r;
    uint64_t size = rg->npages * PAGE_SIZE;
    if ((r = sys_range(c, 1, 0, size - 1)) < 0 || (r = sys_range(c, 2, 1, size - c->a[1])) < 0 ||
        (r = sys_range(c, 4, 0, DOGMA_MAX_GRANTS)) < 0 || /* the count is argument 4's */
        (r = decode_grants(c, 3, c->a[3], c->a[4], NULL, hs)) < 0 ||
        (r = decode_name(c, 5, name)) < 0)
        return r;
    if (c->p->caps.used >= CAP_TABLE_MAX - 1)
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    region_reader_t rr = {rg, c->a[1]};
    vaddr_t entry;
    dogma_err_t err;
    elf_error_t ee;
    proc_t *p = loader_spawn_elf(loader_region_read, &rr, c->a[2], name[0] ? name : "isolated",
                                 c->p->pid, &entry, &err, &ee);
    if (!p) {
        if (err == DOGMA_E_BAD_ELF)
            log_info("loader", "pid %lu: spawn refused: ELF +0x%lx: %s", c->p->pid, ee.offset,
                     ee.rule);
        return sys_fail(c, err, err == DOGMA_E_BAD_ELF ? 0 : ARG_NONE, ee.offset, ee.offset);
    }
    int64_t h = child_handle(c, p);
    if (!h) {
        proc_end(p, PROC_TORN_DOWN, -1, 0);
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    }
    move_grants(c, p, hs, c->a[4]);
    proc_start(p, entry, proc_pb_va(p), 0, proc_pb_va(p));
    return h;
}

/* The translation block must be 16 bytes on one page of a granted,
 * exclusive, writable region. */
static int64_t decode_xblock(sys_call_t *c, const dogma_map_code_t *d, const uint32_t *hs,
                             region_t **out)
{
    region_t *r = region_find(d->xblock);
    bool granted = false;
    for (uint32_t k = 0; r && k < d->ngrants; k++)
        granted |= cap_lookup(c->p, hs[k])->obj == &r->obj;
    if (!granted || (d->xblock & 7) || (d->xblock & (PAGE_SIZE - 1)) > PAGE_SIZE - 16 ||
        (r->flags & (REGION_SHARED | REGION_CODE | REGION_FIXED)))
        return sys_fail(c, DOGMA_E_BAD_ARG, 3, 0, 0);
    *out = r;
    return 0;
}

int64_t sys_proc_map_code(sys_call_t *c)
{
    cap_slot_t *cs;
    int64_t r;
    if ((r = sys_handle(c, 1, DOGMA_CAP_REGION, DOGMA_R_WRITE, &cs)) < 0)
        return r;
    region_t *code = (region_t *)cs->obj;
    if (code->flags & (REGION_FIXED | REGION_STACK | REGION_PB | REGION_SHARED_RW))
        return sys_fail(c, DOGMA_E_STATE, 1, 0, 0);
    if ((r = sys_range(c, 2, 0, code->npages * PAGE_SIZE - 1)) < 0)
        return r;
    if (c->p->caps.used >= CAP_TABLE_MAX - 1) /* no room for the new handle */
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    dogma_map_code_t *d = kmalloc(sizeof *d);
    if (!d)
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    uint32_t hs[DOGMA_MAX_GRANTS];
    dogma_err_t e = uaccess_copy_in(c->p, d, uptr(c->a[3]), sizeof *d);
    if (e) {
        kfree(d);
        return sys_uerr(c, e, 3);
    }
    d->name[31] = 0;
    region_t *xb = NULL;
    bool one = d->flags & DOGMA_MAP_INIT;
    bool bad_flags = d->flags & ~(uint32_t)DOGMA_MAP_INIT;
    if (bad_flags || (one && !proc_one_reserved())) {
        kfree(d);
        return sys_fail(c, bad_flags ? DOGMA_E_BAD_ARG : DOGMA_E_STATE, 3, 0, DOGMA_MAP_INIT);
    }
    if ((r = decode_grants(c, 3, d->grants, d->ngrants, &code->obj, hs)) < 0 ||
        (d->stack_bytes > STACKLET_MAX && (r = sys_fail(c, DOGMA_E_BAD_ARG, 3, 0, STACKLET_MAX))) ||
        (d->xblock && (r = decode_xblock(c, d, hs, &xb)) < 0)) {
        kfree(d);
        return r;
    }
    /* Invoke. */
    proc_t *p = proc_create_pid(DOGMA_PROC_VERIFIED, d->name[0] ? d->name : "verified",
                                c->p->pid, d->stack_bytes, one);
    int64_t h = p ? child_handle(c, p) : 0;
    if (!h) {
        if (p)
            proc_end(p, PROC_TORN_DOWN, -1, 0);
        kfree(d);
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    }
    kobj_t *o = cap_take(c->p, (uint32_t)c->a[1], NULL);
    region_make_code(code);
    region_set_owner(code, p);
    uint32_t ch = cap_insert(p, o, DOGMA_R_READ);
    if (!ch)
        kobj_release(o); /* out of memory: it will fault at its entry and end */
    proc_pb_write32(p, DOGMA_PB_IMAGE, ch);
    for (unsigned k = 0; k < 30; k++)
        proc_pb_write64(p, DOGMA_PB_ENV_FIRST + 8 * k, d->env[k]);
    move_grants(c, p, hs, d->ngrants);
    uint64_t r15 = proc_pb_va(p);
    if (xb) {
        kobj_retain(&xb->obj);
        p->xb = xb;
        p->xb_addr = d->xblock;
        r15 = d->xblock;
        stk_publish(p); /* the limit into the block too */
    }
    if (one)
        system_note_one_started();
    log_info("loader", "pid %lu: verified process %lu (%s): %lu KiB of approved code at %lx",
             c->p->pid, p->pid, p->name, code->npages * PAGE_SIZE / KB, code->base);
    proc_start(p, code->base + c->a[2], d->arg, proc_pb_va(p), r15);
    kfree(d);
    return h;
}

int64_t sys_proc_teardown(sys_call_t *c)
{
    int64_t r;
    proc_t *p = sys_live_process(c, &r);
    if (!p)
        return r;
    log_info("proc", "pid %lu tears down pid %lu (%s)", c->p->pid, p->pid, p->name);
    proc_end(p, PROC_TORN_DOWN, -1, 0);
    return 0;
}

int64_t sys_proc_suspend(sys_call_t *c)
{
    int64_t r;
    proc_t *p = sys_live_process(c, &r);
    if (!p)
        return r;
    sched_suspend(p);
    return 0;
}

int64_t sys_proc_resume(sys_call_t *c)
{
    int64_t r;
    proc_t *p = sys_live_process(c, &r);
    if (!p)
        return r;
    sched_resume(p);
    return 0;
}

int64_t sys_proc_priority(sys_call_t *c)
{
    int64_t r;
    /* Nobody but process 1 raises a process above its own priority:
     * priority 0 would let anyone who started a process starve everything
     * below it, verifierd's loads included. */
    unsigned lowest = c->p == proc_one ? 0 : c->p->prio;
    if ((r = sys_range(c, 1, lowest, PROC_NPRIO - 1)) < 0)
        return r;
    proc_t *p = sys_live_process(c, &r);
    if (!p)
        return r;
    sched_set_priority(p, (unsigned)c->a[1]);
    return 0;
}

int64_t sys_proc_info(sys_call_t *c)
{
    dogma_proc_info_t info;
    proc_info((proc_t *)c->h0->obj, &info);
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[1]), &info, sizeof info);
    return e ? sys_uerr(c, e, 1) : 0;
}

int64_t sys_self_info(sys_call_t *c)
{
    dogma_proc_info_t info;
    proc_info(c->p, &info);
    dogma_err_t e = uaccess_copy_out(c->p, uptr(c->a[0]), &info, sizeof info);
    return e ? sys_uerr(c, e, 0) : 0;
}
