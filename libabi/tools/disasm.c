/*
 * Instruction text, formulas and the name section, for dogma-objdump.
 * Hosted only: it prints with stdio. The decoder gives each instruction's
 * immediates in a dx_insn_t (a formula's operations in dx_fop_t); this
 * file only spells them.
 */
#include "disasm.h"

#include <stdlib.h>
#include <string.h>

static void print_memarg(FILE *f, const dx_insn_t *in)
{
    unsigned natural = (unsigned)__builtin_ctz(dx_opinfo[in->op].width);
    if (in->u.memarg.offset)
        fprintf(f, " offset=%llu", (unsigned long long)in->u.memarg.offset);
    if (in->u.memarg.align != natural)
        fprintf(f, " align=%llu", in->u.memarg.align < 64
                                      ? 1ull << in->u.memarg.align : 0ull);
}

static void print_blocktype(FILE *f, int64_t t)
{
    if (t >= 0)
        fprintf(f, " (type %lld)", (long long)t);
    else if (t != -64)
        fprintf(f, " (result %s)", dx_valtype_name((dx_valtype_t)(t + 0x80)));
}

static void print_float(FILE *f, const dx_insn_t *in)
{
    if (in->op == DX_OP_F32_CONST) {
        float x;
        memcpy(&x, &in->u.f32, 4);
        fprintf(f, " %.9g (0x%08x)", (double)x, in->u.f32);
    } else {
        double x;
        memcpy(&x, &in->u.f64, 8);
        fprintf(f, " %.17g (0x%016llx)", x, (unsigned long long)in->u.f64);
    }
}

void dx_print_insn(FILE *f, const dx_module_t *m, const dx_insn_t *in)
{
    (void)m;
    const dx_opinfo_t *oi = &dx_opinfo[in->op];
    fputs(oi->text, f);
    switch ((dx_imm_t)oi->imm) {
    case DX_IMM_NONE:
    case DX_IMM_MEMORY:
    case DX_IMM_MEMORY_COPY: break;
    case DX_IMM_BLOCK: print_blocktype(f, in->u.block.type); break;
    case DX_IMM_LABEL:
    case DX_IMM_FUNC:
    case DX_IMM_LOCAL:
    case DX_IMM_GLOBAL:
    case DX_IMM_TABLE:
    case DX_IMM_ELEM:
    case DX_IMM_DATA:
    case DX_IMM_MEMORY_INIT: fprintf(f, " %u", in->u.index); break;
    case DX_IMM_BR_TABLE:
        for (uint32_t i = 0; i < in->u.br_table.count; i++)
            fprintf(f, " %u", in->u.br_table.targets[i]);
        fprintf(f, " (default %u)", in->u.br_table.deflt);
        break;
    case DX_IMM_CALL_INDIRECT:
        fprintf(f, " (type %u) (table %u)", in->u.index, in->index2);
        break;
    case DX_IMM_TABLE_INIT: fprintf(f, " %u %u", in->index2, in->u.index); break;
    case DX_IMM_TABLE_COPY: fprintf(f, " %u %u", in->u.index, in->index2); break;
    case DX_IMM_REFTYPE:
        fprintf(f, " %s", in->u.type == DX_T_FUNCREF ? "func" : "extern");
        break;
    case DX_IMM_SELECT_T:
        fprintf(f, " (result %s)", dx_valtype_name(in->u.type));
        break;
    case DX_IMM_MEMARG: print_memarg(f, in); break;
    case DX_IMM_I32: fprintf(f, " %d", in->u.i32); break;
    case DX_IMM_I64: fprintf(f, " %lld", (long long)in->u.i64); break;
    case DX_IMM_F32:
    case DX_IMM_F64: print_float(f, in); break;
    }
}

/* ---- the name section ------------------------------------------------------ */

typedef struct nrd {
    const uint8_t *p;
    size_t pos, end;
    bool bad;
} nrd_t;

static uint32_t n_u32(nrd_t *r)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (r->pos >= r->end) {
            r->bad = true;
            return 0;
        }
        uint8_t b = r->p[r->pos++];
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static void read_func_names(nrd_t *r, const dx_module_t *m, dx_name_t *names)
{
    uint32_t n = n_u32(r);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint32_t idx = n_u32(r);
        uint32_t len = n_u32(r);
        if (r->bad || len > r->end - r->pos)
            return;
        if (idx < m->nfuncs) {
            names[idx].ptr = (const char *)r->p + r->pos;
            names[idx].len = len;
        }
        r->pos += len;
    }
}

dx_name_t *dx_func_names(const dx_module_t *m)
{
    dx_name_t *names = calloc(m->nfuncs ? m->nfuncs : 1, sizeof *names);
    if (!names)
        return NULL;
    for (uint32_t s = 0; s < m->nsections; s++) {
        const dx_section_t *sec = &m->sections[s];
        if (sec->id != 0 || sec->name.len != 4 || memcmp(sec->name.ptr, "name", 4))
            continue;
        nrd_t r = {m->bytes, sec->payload.off, sec->payload.off + sec->payload.len, false};
        while (!r.bad && r.pos < r.end) {
            uint8_t id = m->bytes[r.pos++];
            uint32_t size = n_u32(&r);
            if (r.bad || size > r.end - r.pos)
                break;
            nrd_t sub = {m->bytes, r.pos, r.pos + size, false};
            if (id == 1)
                read_func_names(&sub, m, names);
            r.pos += size;
        }
    }
    return names;
}

/* ---- formulas ------------------------------------------------------------ */

/* A formula as a tree: each operation with the nodes of its operands. The
 * postfix code builds it with a stack no deeper than the decoder allowed. */
typedef struct fnode {
    dx_fop_t op;
    const dx_fopinfo_t *info;
    int a, b; /* operand nodes, -1 for none */
} fnode_t;

static void print_fnode(FILE *f, const fnode_t *n, int i, bool top)
{
    const fnode_t *x = &n[i];
    switch ((dx_fshape_t)x->info->shape) {
    case DX_FS_I32: fprintf(f, "%d", x->op.u.i32); break;
    case DX_FS_I64: fprintf(f, "%lld", (long long)x->op.u.i64); break;
    case DX_FS_LOCAL:
    case DX_FS_GLOBAL:
    case DX_FS_RESULT: fprintf(f, "%s%u", x->info->infix, x->op.u.index); break;
    case DX_FS_BOOL:
    case DX_FS_MEMSIZE: fputs(x->info->infix, f); break;
    case DX_FS_EXTEND:
    case DX_FS_WRAP:
        fprintf(f, "%s(", x->info->infix);
        print_fnode(f, n, x->a, true);
        fputc(')', f);
        break;
    case DX_FS_NOT:
        fputc('!', f);
        print_fnode(f, n, x->a, false);
        break;
    default: /* binary */
        fputs(top ? "" : "(", f);
        print_fnode(f, n, x->a, false);
        fprintf(f, " %s ", x->info->infix);
        print_fnode(f, n, x->b, false);
        fputs(top ? "" : ")", f);
        break;
    }
}

void dx_print_expr(FILE *f, const dx_expr_t *e)
{
    /* at most one operation per byte; one more for an empty formula */
    fnode_t *n = calloc(e->len + 1, sizeof *n);
    int st[DX_PROOF_MAX_STACK], depth = 0, count = 0;
    size_t pos = 0;
    bool ok = n != NULL;
    while (ok && pos < e->len) {
        fnode_t *x = &n[count];
        ok = dx_expr_next(e, &pos, &x->op);
        if (!ok)
            break;
        x->info = dx_fop_info(x->op.op);
        dx_fshape_t sh = (dx_fshape_t)x->info->shape;
        int k = sh == DX_FS_ARITH || sh == DX_FS_CMP || sh == DX_FS_LOGIC ? 2
                : sh == DX_FS_EXTEND || sh == DX_FS_WRAP || sh == DX_FS_NOT ? 1
                                                                             : 0;
        ok = depth >= k && depth - k < DX_PROOF_MAX_STACK;
        if (!ok)
            break;
        x->a = k ? st[depth - k] : -1;
        x->b = k == 2 ? st[depth - 1] : -1;
        depth -= k;
        st[depth++] = count++;
    }
    if (ok && depth == 1)
        print_fnode(f, n, st[0], true);
    else
        fputs("<bad formula>", f);
    free(n);
}
