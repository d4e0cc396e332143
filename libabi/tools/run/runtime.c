/*
 * One instance of a translated module in this process: the environment
 * of translate.h (process block, memory reservation, tables, function
 * references, thunks), the way in (dr_call_func), and the way out by trap.
 *
 * Memory 0 is reserved once and never moves, so the base register never
 * changes: strategy guard reserves 8 GiB plus 64 KiB (every 33-bit
 * address + offset sum plus the widest access lands inside it, and only
 * [0, size) is accessible), strategy checked reserves what the memory may
 * grow to. memory.grow makes more of the reservation accessible.
 *
 * Traps: a trap stub's ud2 raises SIGILL and a guard-page access SIGSEGV;
 * the handler (on its own stack) checks the fault is in translated code
 * or in the memory reservation, records where, and jumps back to the
 * sigsetjmp in dr_call_func. A fault anywhere else is not a trap but a bug,
 * reported as one.
 */
#define _GNU_SOURCE /* REG_RIP, REG_RBP */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "../disasm.h"
#include "pb.h"
#include "runtime.h"

#define GUARD_RESERVE ((8ull << 30) + (64u << 10))

static dr_inst_t *current; /* the instance the signal handler serves */

/* ---- constant expressions ------------------------------------------------ */
/* The value of a constant instruction (dx_const_insn, dx_elem_entry). */
static uint64_t const_value(dr_inst_t *in, const dx_insn_t *k)
{
    switch (k->op) {
    case DX_OP_I32_CONST: return (uint32_t)k->u.i32;
    case DX_OP_I64_CONST: return (uint64_t)k->u.i64;
    case DX_OP_F32_CONST: return k->u.f32;
    case DX_OP_F64_CONST: return k->u.f64;
    case DX_OP_REF_FUNC: return (uint64_t)(uintptr_t)&in->funcs[k->u.index];
    case DX_OP_GLOBAL_GET: return *dr_pb64(in->pb, in->x->layout.globals + 8 * k->u.index);
    default: return 0; /* ref.null */
    }
}

static uint64_t const_expr(dr_inst_t *in, size_t off)
{
    dx_insn_t k;
    size_t end;
    return dx_const_insn(in->m, off, &k, &end) ? const_value(in, &k) : 0;
}

/* ---- instantiation --------------------------------------------------------- */
static bool fail(const dr_inst_t *in, const char *msg, const char *detail)
{
    fprintf(stderr, "dogma-run: %s: %s%s%s\n", in->file, msg, detail ? ": " : "",
            detail ? detail : "");
    return false;
}

static bool resolve(dr_inst_t *in, const dr_opts_t *o)
{
    const dx_module_t *m = in->m;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const dx_import_t *im = &m->imports[i];
        char what[512];
        snprintf(what, sizeof what, "%.*s.%.*s", (int)im->module.len, im->module.ptr,
                 (int)im->field.len, im->field.ptr);
        if (im->kind != DX_EXT_FUNC)
            return fail(in, "imports of memories, tables and globals are not supported", what);
        const dr_hostfn_t *h = NULL;
        void *state = NULL;
        for (int k = 0; k < o->nhostmods && !h; k++) {
            if (!dx_name_is(im->module, o->hostmods[k].name))
                continue;
            for (size_t j = 0; j < o->hostmods[k].nfuncs; j++)
                if (dx_name_is(im->field, o->hostmods[k].funcs[j].name))
                    h = &o->hostmods[k].funcs[j], state = o->hostmods[k].state;
        }
        if (!h)
            return fail(in, "import not provided", what);
        if (!dx_functype_is(dx_func_type(m, im->index), h->params, h->results))
            return fail(in, "import has the wrong type", what);
        in->imports[im->index] = (dr_import_t){ h->fn, state, h->name, h->name };
    }
    return true;
}

static bool map_memory(dr_inst_t *in, const dr_opts_t *o)
{
    const dx_module_t *m = in->m;
    if (m->nmemories == 0)
        return true;
    const dx_limits_t *l = &m->memories[0].limits;
    uint64_t max = (l->has_max ? l->max : 65536) << 16;
    if (max > o->max_memory)
        max = o->max_memory & ~0xFFFFull;
    if ((l->min << 16) > max)
        return fail(in, "the memory's initial size exceeds --max-memory", NULL);
    in->mem_max = max;
    in->mem_reserved = o->strategy == DX_STRATEGY_GUARD ? GUARD_RESERVE : (max ? max : 65536);
    void *p = mmap(NULL, in->mem_reserved, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return fail(in, "cannot reserve the memory", NULL);
    in->mem = p;
    uint64_t size = l->min << 16;
    if (size && mprotect(p, size, PROT_READ | PROT_WRITE) != 0)
        return fail(in, "cannot map the memory", NULL);
    *dr_pb64(in->pb, DX_PB_MEM_BASE) = (uint64_t)(uintptr_t)p;
    *dr_pb64(in->pb, DX_PB_MEM_SIZE) = size;
    in->call.mem = p;
    in->call.mem_size = size;
    return true;
}

static bool map_code(dr_inst_t *in)
{
    size_t size = (in->x->size + 4095) & ~(size_t)4095;
    void *p = mmap(NULL, size ? size : 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return fail(in, "cannot map the code", NULL);
    memcpy(p, in->x->code, in->x->size);
    if (mprotect(p, size ? size : 4096, PROT_READ | PROT_EXEC) != 0)
        return fail(in, "cannot make the code executable", NULL);
    in->code = p;
    return true;
}

static bool tables_globals(dr_inst_t *in)
{
    const dx_module_t *m = in->m;
    const dx_x64_t *x = in->x;
    for (uint32_t f = 0; f < m->nfuncs; f++)
        in->funcs[f] = (dx_x64_funcref_t){ dx_x64_type_tag(m, m->funcs[f].type),
                                           (uint64_t)(uintptr_t)(in->code + x->func_code[f]) };
    for (uint32_t t = 0; t < m->ntables; t++) {
        const dx_limits_t *l = &m->tables[t].limits;
        in->tables[t].size = l->min;
        in->tables[t].max = l->has_max && l->max < DX_MAX_TABLE_SIZE ? l->max : DX_MAX_TABLE_SIZE;
        in->tables[t].elems = calloc(l->min ? l->min : 1, 8);
        if (!in->tables[t].elems)
            return fail(in, "out of memory for a table", NULL);
        dx_x64_table_t *pt = (dx_x64_table_t *)(void *)(in->pb + x->layout.tables) + t;
        pt->base = (uint64_t)(uintptr_t)in->tables[t].elems;
        pt->size = l->min;
    }
    for (uint32_t g = 0; g < m->nglobals; g++)
        *dr_pb64(in->pb, x->layout.globals + 8 * g) =
            const_expr(in, m->globals[g].init.off);
    return true;
}

static bool segments(dr_inst_t *in)
{
    const dx_module_t *m = in->m;
    for (uint32_t i = 0; i < m->ndatas; i++)
        in->datas[i] = (dr_segment_t){ m->bytes + m->datas[i].bytes.off, NULL,
                                       m->datas[i].bytes.len };
    for (uint32_t i = 0; i < m->nelems; i++) {
        const dx_elem_t *e = &m->elems[i];
        uint64_t *refs = calloc(e->count ? e->count : 1, 8);
        if (!refs)
            return fail(in, "out of memory for an element segment", NULL);
        size_t pos = e->entries.off;
        dx_insn_t k;
        for (uint32_t j = 0; j < e->count && dx_elem_entry(m, e, &pos, &k); j++)
            refs[j] = const_value(in, &k);
        in->elems[i] = (dr_segment_t){ NULL, refs,
                                       e->mode == DX_SEG_DECLARATIVE ? 0 : e->count };
    }
    return true;
}

dr_inst_t *dr_instantiate(const dx_module_t *m, const dx_x64_t *x, const char *file,
                          const dr_opts_t *o)
{
    dr_inst_t *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->m = m, in->x = x, in->file = file;
    in->max_stack = o->max_stack;
    in->pb = mmap(NULL, x->layout.size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    in->funcs = calloc(m->nfuncs + 1, sizeof *in->funcs);
    in->tables = calloc(m->ntables + 1, sizeof *in->tables);
    in->datas = calloc(m->ndatas + 1, sizeof *in->datas);
    in->elems = calloc(m->nelems + 1, sizeof *in->elems);
    in->imports = calloc(m->nfunc_imports + 1, sizeof *in->imports);
    in->names = dx_func_names(m);
    if (in->pb == MAP_FAILED || !in->funcs || !in->tables || !in->datas || !in->elems ||
        !in->imports) {
        fail(in, "out of memory", NULL);
        dr_free(in);
        return NULL;
    }
    uint8_t *pb = in->pb;
    *dr_pb64(pb, DX_PB_HOSTCALL) = (uint64_t)(uintptr_t)&dr_hostcall_thunk;
    *dr_pb64(pb, DX_PB_MORESTACK) = (uint64_t)(uintptr_t)&dr_morestack_thunk;
    *dr_pb64(pb, DX_PB_YIELD) = (uint64_t)(uintptr_t)&dr_yield_thunk;
    *dr_pb64(pb, DX_PB_FUNCS) = (uint64_t)(uintptr_t)in->funcs;
    *dr_pb64(pb, PB_INST) = (uint64_t)(uintptr_t)in;
    if (!resolve(in, o) || !map_memory(in, o) || !map_code(in) || !tables_globals(in) ||
        !segments(in) || !dr_stack_init(in)) {
        dr_free(in);
        return NULL;
    }
    return in;
}

void dr_free(dr_inst_t *in)
{
    if (!in)
        return;
    dr_stack_free(in);
    for (uint32_t i = 0; in->tables && i < in->m->ntables; i++)
        free(in->tables[i].elems);
    for (uint32_t i = 0; in->elems && i < in->m->nelems; i++)
        free(in->elems[i].refs);
    free(in->tables), free(in->datas), free(in->elems), free(in->imports);
    free(in->funcs), free(in->names);
    if (in->mem)
        munmap(in->mem, in->mem_reserved);
    if (in->code)
        munmap(in->code, (in->x->size + 4095) & ~(size_t)4095);
    if (in->pb != MAP_FAILED && in->pb)
        munmap(in->pb, in->x->layout.size);
    free(in);
}

/* ---- traps ------------------------------------------------------------------ */
static bool in_code(const dr_inst_t *in, uint64_t pc)
{
    uint64_t c = (uint64_t)(uintptr_t)in->code;
    return in->code && pc >= c && pc < c + in->x->size;
}

static void on_fault(int sig, siginfo_t *si, void *uctx)
{
    ucontext_t *uc = uctx;
    dr_inst_t *in = current;
    uint64_t pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    int code = 0;
    if (in && in_code(in, pc)) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)pc;
        if (sig == SIGILL && p[0] == 0x0F && p[1] == 0x0B)
            code = p[2];
        else if ((sig == SIGSEGV || sig == SIGBUS) && in->mem && addr >= (uint64_t)(uintptr_t)in->mem &&
                 addr < (uint64_t)(uintptr_t)in->mem + in->mem_reserved)
            code = DX_TRAP_MEMORY;
    }
    if (!code) {
        char msg[160] = "dogma-run: fatal: signal NN at code+0x";
        static const char tail[] = " outside the module's memory (a bug in dogma-run "
                                   "or its translator)\n";
        msg[25] = (char)('0' + sig / 10), msg[26] = (char)('0' + sig % 10);
        size_t n = strlen(msg);
        uint64_t off = in && in_code(in, pc) ? pc - (uint64_t)(uintptr_t)in->code : pc;
        for (int sh = 28; sh >= 0; sh -= 4)
            msg[n++] = "0123456789abcdef"[(off >> sh) & 15];
        memcpy(msg + n, tail, sizeof tail);
        if (write(2, msg, n + sizeof tail - 1) < 0) {}
        signal(sig, SIG_DFL);
        return; /* re-executes and dies with the default action */
    }
    in->trap = code;
    in->trap_pc = pc - (uint64_t)(uintptr_t)in->code;
    in->trap_rbp = (uint64_t)uc->uc_mcontext.gregs[REG_RBP];
    in->trap_ret = 0;
    siglongjmp(*in->jb, 1);
}

static void install_handlers(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

const char *dr_func_name(dr_inst_t *in, uint32_t f, char *buf, size_t len)
{
    const dx_module_t *m = in->m;
    if (f < m->nfuncs && in->names && in->names[f].ptr) {
        snprintf(buf, len, "%.*s", (int)in->names[f].len, in->names[f].ptr);
        return buf;
    }
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == DX_EXT_FUNC && m->imports[i].index == f) {
            snprintf(buf, len, "%.*s.%.*s", (int)m->imports[i].module.len,
                     m->imports[i].module.ptr, (int)m->imports[i].field.len,
                     m->imports[i].field.ptr);
            return buf;
        }
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == DX_EXT_FUNC && m->exports[i].index == f) {
            snprintf(buf, len, "%.*s", (int)m->exports[i].name.len, m->exports[i].name.ptr);
            return buf;
        }
    snprintf(buf, len, "func[%u]", f);
    return buf;
}

/* "NAME+0xOFF", OFF from the start of the function's body */
static void where(dr_inst_t *in, uint64_t pc, char *buf, size_t len)
{
    const dx_x64_mapent_t *e = pc < in->x->size ? dx_x64_lookup(in->x, (uint32_t)pc) : NULL;
    char name[256];
    if (!e || e->func == DX_NO_FUNC) {
        snprintf(buf, len, "?");
        return;
    }
    const dx_func_t *f = &in->m->funcs[e->func];
    dr_func_name(in, e->func, name, sizeof name);
    if (f->imported)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%s+0x%x", name, (unsigned)(e->module - f->body.off));
}

static bool on_stack(const dr_inst_t *in, uint64_t p)
{
    for (const dr_stacklet_t *s = in->stack; s; s = s->prev)
        if (p >= (uint64_t)(uintptr_t)s->base && p + 16 <= (uint64_t)(uintptr_t)(s->base + s->size))
            return true;
    return false;
}

/* Walks the frames from the trap, while the stacklets still exist. */
static void capture_trace(dr_inst_t *in)
{
    uint64_t rbp = in->trap_rbp, code = (uint64_t)(uintptr_t)in->code;
    const dr_stacklet_t *s = in->stack;
    uint64_t ret = in->trap_ret;
    in->ntrace = 0;
    if (in->trap_pc == UINT64_MAX)
        return;
    for (;;) {
        if (!ret) {
            if (!rbp || !on_stack(in, rbp))
                break;
            ret = *(uint64_t *)(uintptr_t)(rbp + 8);
            rbp = *(uint64_t *)(uintptr_t)rbp;
        }
        if (ret == (uint64_t)(uintptr_t)&dr_unlink_thunk && s) {
            ret = s->ret;
            s = s->prev;
        }
        if (!in_code(in, ret))
            break;
        const dx_x64_mapent_t *e = dx_x64_lookup(in->x, (uint32_t)(ret - 1 - code));
        if (!e || e->func == DX_NO_FUNC)
            break; /* the entry adapter: the runtime called in here */
        if (in->ntrace < 32)
            in->trace[in->ntrace] = ret - 1 - code;
        in->ntrace++;
        ret = 0;
    }
}

void dr_report_trap(dr_inst_t *in, FILE *out, bool backtrace)
{
    char buf[512];
    if (in->trap_pc == UINT64_MAX) {
        fprintf(out, "trap: %s while instantiating (an active segment)\n",
                dx_trap_text((dx_trap_t)in->trap));
        return;
    }
    where(in, in->trap_pc, buf, sizeof buf);
    fprintf(out, "trap: %s in %s\n", dx_trap_text((dx_trap_t)in->trap), buf);
    if (!backtrace)
        return;
    for (uint32_t i = 0; i < in->ntrace && i < 32; i++) {
        where(in, in->trace[i], buf, sizeof buf);
        fprintf(out, "  called from %s\n", buf);
    }
    if (in->ntrace > 32)
        fprintf(out, "  ... %u more frames\n", in->ntrace - 32);
}

/* ---- calls in ------------------------------------------------------------- */
static bool enter(dr_inst_t *in, uint32_t adapter)
{
    sigjmp_buf jb;
    sigjmp_buf *outer = in->jb;
    dr_inst_t *prev = current;
    in->jb = &jb;
    current = in;
    install_handlers();
    in->trap = 0;
    volatile bool ok = true; /* set after a longjmp */
    if (sigsetjmp(jb, 1) == 0) {
        dr_enter(in->pb, (uint64_t)(uintptr_t)(in->code + adapter), dr_stack_top(in));
    } else {
        ok = false;
        if (!in->exited)
            capture_trace(in);
        dr_stack_reset(in);
    }
    in->jb = outer;
    current = prev;
    return ok;
}

bool dr_call_func(dr_inst_t *in, uint32_t f, const uint64_t *args, uint64_t *results)
{
    const dx_functype_t *t = dx_func_type(in->m, f);
    uint64_t *xfer = dr_pb64(in->pb, in->x->layout.xfer);
    if (in->x->func_adapter[f] == DX_X64_NONE)
        return fail(in, "function has no entry adapter (not exported)", NULL);
    if (t->nparams)
        memcpy(xfer, args, 8 * (size_t)t->nparams);
    if (!enter(in, in->x->func_adapter[f]))
        return false;
    if (t->nresults)
        memcpy(results, xfer, 8 * (size_t)t->nresults);
    return true;
}

bool dr_start(dr_inst_t *in)
{
    const dx_module_t *m = in->m;
    sigjmp_buf jb;
    in->jb = &jb;
    if (sigsetjmp(jb, 1) != 0) { /* a segment out of bounds */
        in->jb = NULL;
        return false;
    }
    for (uint32_t i = 0; i < m->nelems; i++) {
        const dx_elem_t *e = &m->elems[i];
        if (e->mode != DX_SEG_ACTIVE)
            continue;
        uint64_t at = (uint32_t)const_expr(in, e->offset_expr.off);
        dr_table_t *t = &in->tables[e->table];
        if (at > t->size || e->count > t->size - at) {
            in->trap = DX_TRAP_TABLE, in->trap_pc = UINT64_MAX;
            siglongjmp(jb, 1);
        }
        memcpy(t->elems + at, in->elems[i].refs, 8 * (size_t)e->count);
        in->elems[i].len = 0;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const dx_data_t *d = &m->datas[i];
        if (d->mode != DX_SEG_ACTIVE)
            continue;
        uint64_t at = (uint32_t)const_expr(in, d->offset_expr.off);
        uint64_t size = *dr_pb64(in->pb, DX_PB_MEM_SIZE);
        if (at > size || d->bytes.len > size - at) {
            in->trap = DX_TRAP_MEMORY, in->trap_pc = UINT64_MAX;
            siglongjmp(jb, 1);
        }
        memcpy(in->mem + at, m->bytes + d->bytes.off, d->bytes.len);
        in->datas[i].len = 0;
    }
    in->jb = NULL;
    if (m->has_start)
        return enter(in, in->x->func_adapter[m->start]);
    return true;
}
