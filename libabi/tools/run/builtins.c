/*
 * Host calls (translate.h, "host calls"): the module's imports, served by
 * the host modules of host.h, and the instructions the translator leaves
 * to the runtime. Every index, length and range here comes from the
 * module and is checked, in 64-bit arithmetic that cannot wrap, before
 * memory or a table is touched; a bad one is the instruction's trap.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pb.h"
#include "runtime.h"

/* A trap raised by the runtime, in a thunk's C code: the thunk saved
 * translated code's rsp (-> the return into it) and rbp. In the stacklet
 * slow path the function has no frame yet, so its own return address, the
 * next word up, is the first caller. */
_Noreturn void dr_trap(dr_inst_t *in, int code)
{
    in->trap = code;
    uint64_t sp = *dr_pb64(in->pb, PB_SAVED_RSP);
    in->trap_pc = *(uint64_t *)(uintptr_t)sp - 1 - (uint64_t)(uintptr_t)in->code;
    in->trap_rbp = *dr_pb64(in->pb, PB_SAVED_RBP);
    in->trap_ret = code == DX_TRAP_STACK ? *(uint64_t *)(uintptr_t)(sp + 8) : 0;
    siglongjmp(*in->jb, 1);
}

static uint64_t *xfer(dr_inst_t *in)
{
    return dr_pb64(in->pb, in->x->layout.xfer);
}

static void mem_check(dr_inst_t *in, uint64_t at, uint64_t n)
{
    uint64_t size = *dr_pb64(in->pb, DX_PB_MEM_SIZE);
    if (at > size || n > size - at)
        dr_trap(in, DX_TRAP_MEMORY);
}

static uint32_t memory_grow(dr_inst_t *in, uint32_t delta)
{
    uint64_t size = *dr_pb64(in->pb, DX_PB_MEM_SIZE);
    uint64_t pages = size >> 16;
    if (delta == 0)
        return (uint32_t)pages;
    if (pages + delta > (in->mem_max >> 16))
        return UINT32_MAX;
    uint64_t grown = (pages + delta) << 16;
    if (mprotect(in->mem + size, grown - size, PROT_READ | PROT_WRITE) != 0)
        return UINT32_MAX;
    *dr_pb64(in->pb, DX_PB_MEM_SIZE) = grown;
    in->call.mem_size = grown;
    return (uint32_t)pages;
}

static void table_check(dr_inst_t *in, const dr_table_t *t, uint64_t at, uint64_t n)
{
    if (at > t->size || n > t->size - at)
        dr_trap(in, DX_TRAP_TABLE);
}

static void table_sync(dr_inst_t *in, uint32_t i)
{
    dx_x64_table_t *pt = (dx_x64_table_t *)(void *)(in->pb + in->x->layout.tables) + i;
    pt->base = (uint64_t)(uintptr_t)in->tables[i].elems;
    pt->size = in->tables[i].size;
}

static uint32_t table_grow(dr_inst_t *in, uint64_t init, uint32_t delta, uint32_t ti)
{
    dr_table_t *t = &in->tables[ti];
    uint64_t old = t->size;
    if (old + delta > t->max)
        return UINT32_MAX;
    if (delta == 0)
        return (uint32_t)old;
    uint64_t *e = realloc(t->elems, (size_t)(old + delta) * 8);
    if (!e)
        return UINT32_MAX;
    for (uint64_t i = old; i < old + delta; i++)
        e[i] = init;
    t->elems = e;
    t->size = old + delta;
    table_sync(in, ti);
    return (uint32_t)old;
}

static void builtin(dr_inst_t *in, uint32_t num, uint64_t *a)
{
    switch (num) {
    case DX_HC_MEMORY_GROW:
        a[0] = memory_grow(in, (uint32_t)a[0]);
        return;
    case DX_HC_MEMORY_FILL:
        mem_check(in, (uint32_t)a[0], (uint32_t)a[2]);
        memset(in->mem + (uint32_t)a[0], (int)(uint8_t)a[1], (uint32_t)a[2]);
        return;
    case DX_HC_MEMORY_COPY:
        mem_check(in, (uint32_t)a[0], (uint32_t)a[2]);
        mem_check(in, (uint32_t)a[1], (uint32_t)a[2]);
        memmove(in->mem + (uint32_t)a[0], in->mem + (uint32_t)a[1], (uint32_t)a[2]);
        return;
    case DX_HC_MEMORY_INIT: {
        dr_segment_t *d = &in->datas[a[3]];
        uint64_t s = (uint32_t)a[1], n = (uint32_t)a[2];
        if (s > d->len || n > d->len - s)
            dr_trap(in, DX_TRAP_MEMORY);
        mem_check(in, (uint32_t)a[0], n);
        memcpy(in->mem + (uint32_t)a[0], d->bytes + s, n);
        return;
    }
    case DX_HC_DATA_DROP:
        in->datas[a[0]].len = 0;
        return;
    case DX_HC_TABLE_GROW:
        a[0] = table_grow(in, a[0], (uint32_t)a[1], (uint32_t)a[2]);
        return;
    case DX_HC_TABLE_FILL: {
        dr_table_t *t = &in->tables[a[3]];
        uint64_t at = (uint32_t)a[0], n = (uint32_t)a[2];
        table_check(in, t, at, n);
        for (uint64_t i = 0; i < n; i++)
            t->elems[at + i] = a[1];
        return;
    }
    case DX_HC_TABLE_COPY: {
        dr_table_t *d = &in->tables[a[3]], *s = &in->tables[a[4]];
        uint64_t n = (uint32_t)a[2];
        table_check(in, d, (uint32_t)a[0], n);
        table_check(in, s, (uint32_t)a[1], n);
        memmove(d->elems + (uint32_t)a[0], s->elems + (uint32_t)a[1], n * 8);
        return;
    }
    case DX_HC_TABLE_INIT: {
        dr_segment_t *e = &in->elems[a[3]];
        dr_table_t *t = &in->tables[a[4]];
        uint64_t s = (uint32_t)a[1], n = (uint32_t)a[2];
        if (s > e->len || n > e->len - s)
            dr_trap(in, DX_TRAP_TABLE);
        table_check(in, t, (uint32_t)a[0], n);
        memcpy(t->elems + (uint32_t)a[0], e->refs + s, n * 8);
        return;
    }
    case DX_HC_ELEM_DROP:
        in->elems[a[0]].len = 0;
        return;
    default:
        dr_trap(in, DX_TRAP_HOST);
    }
}

static void import(dr_inst_t *in, uint32_t f, uint64_t *slots)
{
    const dx_functype_t *t = dx_func_type(in->m, f);
    uint64_t args[16], *a = args;
    if (t->nparams > 16 && !(a = malloc(8 * (size_t)t->nparams)))
        dr_trap(in, DX_TRAP_HOST);
    memcpy(a, slots, 8 * (size_t)t->nparams); /* results overwrite the slots */
    in->call.mem_size = *dr_pb64(in->pb, DX_PB_MEM_SIZE);
    in->call.state = in->imports[f].state;
    int rc = in->imports[f].fn(&in->call, a, slots);
    if (a != args)
        free(a);
    if (rc == DR_EXIT) {
        in->exited = true;
        in->exit_code = in->call.exit_code;
        siglongjmp(*in->jb, 1);
    }
    if (rc != DR_OK)
        dr_trap(in, rc);
}

void dr_hostcall(uint8_t *pb, uint32_t num)
{
    dr_inst_t *in = (dr_inst_t *)*dr_pb64(pb, PB_INST);
    in->stats.host_calls++;
    if (num < in->m->nfunc_imports)
        import(in, num, xfer(in));
    else if (num >= DX_HC_BUILTIN && num < DX_HC_END)
        builtin(in, num, xfer(in));
    else
        dr_trap(in, DX_TRAP_HOST);
}
