/*
 * The instruction decoder: opcode and immediates of one instruction
 * (WebAssembly 2.0, section 5.4), for the code reader, the validator and the
 * disassembler. It checks only the grammar; whether indices exist and types
 * agree is the validator's business (validate.c), so that one component
 * owns every validation rule.
 */
#include "code.h"

#include "opcode.h"

static inline bool dec_opcode(dx_reader_t *r, const dx_module_t *m,
                              dx_op_t *out_op)
{
    size_t at = r->pos;
    uint8_t b = dx_rd_u8(r);
    if (r->failed)
        return false;
    unsigned idx = b;
    if (b == 0xFC) {
        uint32_t code = dx_rd_u32(r);
        if (r->failed)
            return false;
        if (code >= DX_FC_CODES) {
            dx_rd_fail(r, DX_E_OPCODE, at, 0xFC, code);
            return false;
        }
        idx = 256 + code;
    } else if (b == 0xFD) {
        dx_rd_fail(r, DX_E_SIMD, at, 0, b);
        return false;
    }
    if (!dx_op_by_code[idx]) {
        dx_rd_fail(r, DX_E_OPCODE, at, 0, b);
        return false;
    }
    dx_op_t op = (dx_op_t)(dx_op_by_code[idx] - 1);
    if ((op == DX_OP_MEMORY_INIT || op == DX_OP_DATA_DROP) && m &&
        !m->has_datacount) {
        /* Section 5.5.15: the binary must announce data segments before
         * code that names them, so single-pass consumers know the count. */
        dx_rd_fail(r, DX_E_DATA_COUNT_NEEDED, at, 0, 0);
        return false;
    }
    *out_op = op;
    return true;
}

static bool is_valtype(uint8_t b)
{
    return (b >= DX_T_F64 && b <= DX_T_I32) || b == DX_T_FUNCREF ||
           b == DX_T_EXTERNREF;
}

/* A value type byte (5.3.4); v128 is rejected by name. */
static dx_valtype_t rd_valtype(dx_reader_t *r)
{
    size_t at = r->pos;
    uint8_t b = dx_rd_u8(r);
    if (r->failed)
        return 0;
    if (b == DX_T_V128) {
        dx_rd_fail(r, DX_E_SIMD, at, 0, b);
        return 0;
    }
    if (!is_valtype(b)) {
        dx_rd_fail(r, DX_E_VALTYPE, at, 0, b);
        return 0;
    }
    return b;
}

/* blocktype (5.4.1): 0x40, one value type byte, or a non-negative s33 type
 * index. A negative s33 that is not one of the single bytes is malformed. */
static void rd_blocktype(dx_reader_t *r, dx_insn_t *insn)
{
    size_t at = r->pos;
    if (r->pos < r->end) {
        uint8_t b = r->bytes[r->pos];
        if (b == 0x40 || is_valtype(b)) {
            r->pos++;
            insn->u.block.type = (int64_t)b - 0x80; /* -64 for 0x40 */
            return;
        }
        if (b == DX_T_V128) {
            dx_rd_fail(r, DX_E_SIMD, at, 0, b);
            return;
        }
    }
    int64_t t = dx_rd_s33(r);
    if (r->failed)
        return;
    if (t < 0) {
        dx_rd_fail(r, DX_E_BLOCKTYPE, at, 0, 0);
        return;
    }
    insn->u.block.type = t;
}

static void rd_zero(dx_reader_t *r)
{
    size_t at = r->pos;
    uint8_t b = dx_rd_u8(r);
    if (!r->failed && b != 0)
        dx_rd_fail(r, DX_E_ZERO_BYTE, at, 0, b);
}

static void rd_br_table(dx_reader_t *r, dx_code_t *c, dx_insn_t *insn)
{
    size_t at = r->pos;
    uint32_t n = dx_rd_count(r, 1);
    if (r->failed)
        return;
    if (n > DX_MAX_BR_TABLE) {
        dx_rd_fail(r, DX_E_LIMIT_BR_TABLE, at, DX_MAX_BR_TABLE, n);
        return;
    }
    if (n > c->targets_cap) {
        /* Grows with tables actually seen: n bytes of them are there. */
        uint32_t cap = c->targets_cap ? c->targets_cap : 64;
        while (cap < n)
            cap *= 2;
        uint32_t *t = dx_arena_alloc(c->ar, (size_t)cap * sizeof *t);
        if (!t) {
            dx_rd_fail(r, DX_E_TOO_LARGE, at, 0, n); /* out of memory */
            return;
        }
        c->targets = t;
        c->targets_cap = cap;
    }
    for (uint32_t i = 0; i < n; i++)
        c->targets[i] = dx_rd_u32(r);
    insn->u.br_table.count = n;
    insn->u.br_table.targets = c->targets;
    insn->u.br_table.deflt = dx_rd_u32(r);
}

static inline bool dec_imm(dx_reader_t *r, const dx_module_t *m, dx_code_t *c,
                           dx_insn_t *insn)
{
    (void)m;
    insn->imm = insn->imm2 = r->pos;
    switch ((dx_imm_t)dx_opinfo[insn->op].imm) {
    case DX_IMM_NONE: break;
    case DX_IMM_BLOCK: rd_blocktype(r, insn); break;
    case DX_IMM_LABEL:
    case DX_IMM_FUNC:
    case DX_IMM_LOCAL:
    case DX_IMM_GLOBAL:
    case DX_IMM_TABLE:
    case DX_IMM_ELEM:
    case DX_IMM_DATA: insn->u.index = dx_rd_u32(r); break;
    case DX_IMM_BR_TABLE: rd_br_table(r, c, insn); break;
    case DX_IMM_CALL_INDIRECT:
    case DX_IMM_TABLE_INIT:
    case DX_IMM_TABLE_COPY:
        insn->u.index = dx_rd_u32(r);
        insn->imm2 = r->pos;
        insn->index2 = dx_rd_u32(r);
        break;
    case DX_IMM_REFTYPE: {
        size_t at = r->pos;
        uint8_t b = dx_rd_u8(r);
        if (!r->failed && b != DX_T_FUNCREF && b != DX_T_EXTERNREF)
            dx_rd_fail(r, DX_E_REFTYPE, at, 0, b);
        insn->u.type = b;
        break;
    }
    case DX_IMM_SELECT_T: {
        size_t at = r->pos;
        uint32_t n = dx_rd_u32(r);
        if (!r->failed && n != 1)
            dx_rd_fail(r, DX_E_SELECT_ARITY, at, 1, n);
        insn->u.type = rd_valtype(r);
        break;
    }
    case DX_IMM_MEMARG:
        insn->u.memarg.align = dx_rd_u32(r);
        insn->imm2 = r->pos;
        insn->u.memarg.offset = dx_rd_u32(r);
        insn->u.memarg.mem = 0;
        break;
    case DX_IMM_MEMORY: rd_zero(r); break;
    case DX_IMM_MEMORY_INIT:
        insn->u.index = dx_rd_u32(r);
        insn->imm2 = r->pos;
        rd_zero(r);
        break;
    case DX_IMM_MEMORY_COPY:
        rd_zero(r);
        insn->imm2 = r->pos;
        rd_zero(r);
        break;
    case DX_IMM_I32:
        /* one byte covers -64..63, most constants in real code */
        if (r->pos < r->end && r->bytes[r->pos] < 0x80) {
            insn->u.i32 = (int32_t)((uint32_t)r->bytes[r->pos] << 25) >> 25;
            r->pos++;
        } else {
            insn->u.i32 = dx_rd_s32(r);
        }
        break;
    case DX_IMM_I64: insn->u.i64 = dx_rd_s64(r); break;
    case DX_IMM_F32:
        if (dx_rd_left(r) < 4) {
            dx_rd_skip(r, 4);
            break;
        }
        insn->u.f32 = (uint32_t)r->bytes[r->pos] |
                      (uint32_t)r->bytes[r->pos + 1] << 8 |
                      (uint32_t)r->bytes[r->pos + 2] << 16 |
                      (uint32_t)r->bytes[r->pos + 3] << 24;
        r->pos += 4;
        break;
    case DX_IMM_F64: {
        if (dx_rd_left(r) < 8) {
            dx_rd_skip(r, 8);
            break;
        }
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = v << 8 | r->bytes[r->pos + (size_t)i];
        insn->u.f64 = v;
        r->pos += 8;
        break;
    }
    }
    insn->end = r->pos;
    return !r->failed;
}

bool dx_dec_opcode(dx_reader_t *r, const dx_module_t *m, dx_op_t *out_op)
{
    return dec_opcode(r, m, out_op);
}

bool dx_dec_imm(dx_reader_t *r, const dx_module_t *m, dx_code_t *c,
                dx_insn_t *insn)
{
    return dec_imm(r, m, c, insn);
}

void dx_code_init(dx_code_t *c, const dx_module_t *m, uint32_t func,
                  dx_arena_t *ar)
{
    const dx_func_t *f = &m->funcs[func];
    c->m = m;
    c->bytes = m->bytes;
    c->pos = f->code;
    c->end = f->body.off + f->body.len;
    c->func = func;
    c->ar = ar;
    /* targets and targets_cap persist across functions: reuse the scratch */
}

bool dx_code_next(dx_code_t *c, dx_insn_t *out_insn, dx_error_t *out_err)
{
    dx_reader_t r;
    dx_rd_init(&r, c->bytes, c->pos, c->end, out_err);
    out_insn->offset = c->pos;
    out_insn->op = DX_OP_COUNT;
    if (!dec_opcode(&r, c->m, &out_insn->op) ||
        !dec_imm(&r, c->m, c, out_insn)) {
        out_err->func = c->func;
        out_err->insn = out_insn->offset;
        out_err->op = out_insn->op;
        c->pos = c->end;
        return false;
    }
    c->pos = r.pos;
    return true;
}
