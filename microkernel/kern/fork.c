/*
 * Copy-on-write fork (DESIGN.md section 4).
 *
 * The child gets a copy of every exclusive region and stacklet at a new
 * global address, sharing the frames copy-on-write; everything else the
 * parent holds (views, shared regions, code, channels, processes, ...) it
 * holds too, at the same handle numbers, so handle values in the copied
 * memory stay right. Memory contents are never rewritten: code addresses
 * its data through base registers, as translated code does. What the
 * kernel rewrites, by the map from each parent range to its copy, is:
 *   - the child's rip and rsp;
 *   - the frame-pointer chain on the child's stacklets (each saved frame
 *     pointer, and each return address, that lies in a moved range);
 *   - the stacklet links it keeps itself (the rsp each stack_grow saw);
 *   - the environment words of the process block and the fault handler.
 * The system-call ABI already zeroes every other register, and the child
 * learns its own process block from the call's second result, from which
 * it reloads its base registers.
 */
#include <arch/arch.h>
#include <kern/heap.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/stacklet.h>
#include <kern/string.h>

#include "sys.h"

#define FRAME_CHAIN_MAX 100000

typedef struct {
    vaddr_t lo, hi;
    int64_t delta;
    region_t *to;
} move_t;

typedef struct {
    move_t *m;
    size_t n, cap;
} moves_t;

static bool add_move(moves_t *mv, region_t *from, region_t *to)
{
    if (mv->n == mv->cap) {
        size_t n = mv->cap ? mv->cap * 2 : 16;
        move_t *a = kmalloc(n * sizeof *a);
        if (!a)
            return false;
        if (mv->m)
            memcpy(a, mv->m, mv->n * sizeof *a);
        kfree(mv->m);
        mv->m = a;
        mv->cap = n;
    }
    mv->m[mv->n++] = (move_t){from->base, from->base + from->npages * PAGE_SIZE,
                              (int64_t)(to->base - from->base), to};
    return true;
}

static const move_t *move_of(const moves_t *mv, uint64_t v)
{
    for (size_t i = 0; i < mv->n; i++)
        if (v >= mv->m[i].lo && v < mv->m[i].hi)
            return &mv->m[i];
    return NULL;
}

static uint64_t reloc(const moves_t *mv, uint64_t v)
{
    const move_t *m = move_of(mv, v);
    return m ? v + (uint64_t)m->delta : v;
}

static bool is_exclusive(const region_t *r)
{
    return !(r->flags & (REGION_SHARED | REGION_SHARED_RW | REGION_CODE | REGION_FIXED |
                         REGION_STACK | REGION_PB));
}

static bool copy_stacklets(proc_t *p, proc_t *c, moves_t *mv)
{
    stacklet_t *chain[64];
    size_t n = 0;
    for (stacklet_t *s = p->stack; s; s = s->prev) {
        if (n == ARRAY_LEN(chain))
            return false;
        chain[n++] = s;
    }
    while (n--) { /* bottom first, so each links to its caller's copy */
        stacklet_t *s = chain[n], *t = kzalloc(sizeof *t);
        region_t *r = t ? region_cow_copy(s->region, c) : NULL;
        if (!r || !add_move(mv, s->region, r)) {
            if (r)
                kobj_release(&r->obj);
            kfree(t);
            return false;
        }
        t->region = r;
        t->usable = s->usable;
        t->saved_sp = s->saved_sp;
        t->prev = c->stack;
        c->stack = t;
        c->stack_total += t->usable;
    }
    for (stacklet_t *t = c->stack; t; t = t->prev)
        t->saved_sp = reloc(mv, t->saved_sp);
    return true;
}

static bool copy_handles(proc_t *p, proc_t *c, moves_t *mv)
{
    for (uint32_t i = 1; i < p->caps.nslots; i++) {
        cap_slot_t *s = &p->caps.slots[i];
        if (!s->obj)
            continue;
        kobj_t *o = s->obj;
        if (o->kind == DOGMA_CAP_REGION && is_exclusive((region_t *)o)) {
            region_t *r = region_cow_copy((region_t *)o, c);
            if (!r || !add_move(mv, (region_t *)o, r)) {
                if (r)
                    kobj_release(&r->obj);
                return false;
            }
            o = &r->obj;
        } else {
            kobj_retain(o);
        }
        if (!cap_put_slot(c, i, s->gen, o, s->rights)) {
            kobj_release(o);
            return false;
        }
    }
    return true;
}

/* Rewrites the child's frame-pointer chain: walks it from fp in the
 * parent's ranges, writing into the copies. Stops at the first frame that
 * is not on a moved stacklet, and never walks downwards (a chain is
 * user data: it may be garbage, never a loop). */
static void rewrite_chain(const moves_t *mv, uint64_t fp)
{
    for (int steps = 0; steps < FRAME_CHAIN_MAX; steps++) {
        const move_t *m = move_of(mv, fp);
        if (!m || !(m->to->flags & REGION_STACK) || (fp & 7) || fp + 16 > m->hi)
            return;
        vaddr_t at = fp + (uint64_t)m->delta;
        paddr_t f = region_frame_w(m->to, ALIGN_DOWN(at, PAGE_SIZE));
        if (!f)
            return;
        uint64_t *slot = (uint64_t *)((uint8_t *)arch_phys_to_virt(f) + (at & (PAGE_SIZE - 1)));
        uint64_t next = slot[0];
        /* fp + 16 <= hi and 8-alignment keep both words on one page only
         * when fp is not the page's last 8 bytes; fetch the return slot
         * separately in that case. */
        if ((at & (PAGE_SIZE - 1)) <= PAGE_SIZE - 16) {
            slot[0] = reloc(mv, next);
            slot[1] = reloc(mv, slot[1]);
        } else {
            slot[0] = reloc(mv, next);
            paddr_t g = region_frame_w(m->to, ALIGN_DOWN(at + 8, PAGE_SIZE));
            if (g) {
                uint64_t *ret = arch_phys_to_virt(g);
                *ret = reloc(mv, *ret);
            }
        }
        if (next <= fp)
            return;
        fp = next;
    }
}

int64_t sys_fork(sys_call_t *c)
{
    proc_t *p = c->p;
    arch_uctx_t *u = arch_kstack_uctx(&p->kstack);
    /* A translation block in a shared region would be one block for two
     * processes, each clobbering the other's flag and limit. */
    if (p->in_fault || (p->xb && (p->xb->flags & REGION_SHARED_RW)))
        return sys_fail(c, DOGMA_E_STATE, ARG_NONE, 0, 0);
    if (p->caps.used >= CAP_TABLE_MAX - 1)
        return sys_fail(c, DOGMA_E_FULL, ARG_NONE, 0, CAP_TABLE_MAX);
    proc_t *ch = proc_create(p->kind, p->name, p->pid, PROC_NO_STACK);
    moves_t mv = {0};
    bool ok = ch && add_move(&mv, p->pb, ch->pb) && copy_stacklets(p, ch, &mv) &&
              copy_handles(p, ch, &mv);
    int64_t h = 0;
    if (ok) {
        kobj_retain(&ch->obj);
        h = cap_insert(p, &ch->obj, DOGMA_R_WAKE | DOGMA_R_SUSPEND | DOGMA_R_TEARDOWN |
                                        DOGMA_R_MONITOR | DOGMA_R_DEBUG | DOGMA_R_DUP |
                                        DOGMA_R_TRANSFER);
        if (!h)
            kobj_release(&ch->obj);
        ok = h != 0;
    }
    if (!ok) {
        kfree(mv.m);
        if (ch)
            proc_end(ch, PROC_TORN_DOWN, -1, 0);
        return sys_fail(c, DOGMA_E_NO_MEMORY, ARG_NONE, 0, 0);
    }
    /* The rest cannot fail. */
    for (unsigned off = DOGMA_PB_ENV_FIRST; off < DOGMA_PB_ENV_END; off += 8)
        proc_pb_write64(ch, off, reloc(&mv, *(uint64_t *)(p->pbk + off)));
    stk_publish(ch);
    ch->listening = p->listening;
    proc_pb_write32(ch, DOGMA_PB_LISTENING, ch->listening);
    ch->fault_entry = reloc(&mv, p->fault_entry);
    ch->fault_stack = p->fault_stack;
    ch->fault_arg = reloc(&mv, p->fault_arg);
    if (p->fault_entry)
        ch->fault_fpu = kmalloc(ARCH_FPU_SIZE);
    if (!ch->fault_fpu)
        ch->fault_entry = 0;
    const move_t *xm = p->xb ? move_of(&mv, p->xb_addr) : NULL;
    if (p->xb) {
        ch->xb = xm ? xm->to : p->xb;
        ch->xb_addr = reloc(&mv, p->xb_addr);
        kobj_retain(&ch->xb->obj);
        stk_publish(ch);
    }
    rewrite_chain(&mv, arch_uctx_fp(u));
    arch_kstack_prepare(&ch->kstack);
    arch_uctx_t *cu = arch_kstack_uctx(&ch->kstack);
    arch_uctx_init(cu, reloc(&mv, arch_uctx_ip(u)), reloc(&mv, arch_uctx_sp(u)), 0, 0, 0);
    arch_uctx_set_result(cu, 0, proc_pb_va(ch));
    ch->full_return = true;
    log_info("proc", "pid %lu forked pid %lu: %zu ranges copied on write", p->pid, ch->pid, mv.n);
    kfree(mv.m);
    sched_make_runnable(ch);
    c->r1 = ch->pid;
    return h;
}
