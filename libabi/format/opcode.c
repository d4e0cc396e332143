/*
 * The opcode tables, expanded from include/dogma/opcode.def: the static
 * facts of each opcode and signature, and the map from encodings to
 * opcodes that the instruction reader uses.
 */
#include "opcode.h"

#define X 0
#define I DX_T_I32
#define L DX_T_I64
#define F DX_T_F32
#define D DX_T_F64

const dx_siginfo_t dx_siginfo[DX_SIG_COUNT] = {
#define DX_SIG(id, np, p0, p1, p2, nr, r0) [DX_SIG_##id] = {np, nr, {p0, p1, p2}, r0},
#include <dogma/opcode.def>
#undef DX_SIG
};

const dx_opinfo_t dx_opinfo[DX_OP_COUNT] = {
#define DX_OP(id, txt, pfx, cd, im, sg, wd)                                    \
    [DX_OP_##id] = {txt, pfx, DX_IMM_##im, DX_SIG_##sg, wd, cd},
#include <dogma/opcode.def>
#undef DX_OP
};

_Static_assert(DX_OP_COUNT < 255, "dx_op_by_code stores opcode + 1 in a byte");

const uint8_t dx_op_by_code[256 + DX_FC_CODES] = {
#define DX_OP(id, txt, pfx, cd, im, sg, wd)                                    \
    [(pfx) ? 256 + (cd) : (cd)] = DX_OP_##id + 1,
#include <dogma/opcode.def>
#undef DX_OP
};

#define SIMPLE(pfx, im, sg, wd)                                                \
    ((pfx) == 0 && DX_IMM_##im == DX_IMM_NONE && DX_SIG_##sg != DX_SIG_SPECIAL && \
     (wd) == 0)
const uint8_t dx_simple_by_byte[256 + DX_FC_CODES] = {
#define DX_OP(id, txt, pfx, cd, im, sg, wd)                                    \
    [(pfx) ? 256 + (cd) : (cd)] = SIMPLE(pfx, im, sg, wd) ? DX_OP_##id + 1 : 0,
#include <dogma/opcode.def>
#undef DX_OP
};

const char *dx_valtype_name(dx_valtype_t t)
{
    switch (t) {
    case DX_T_I32: return "i32";
    case DX_T_I64: return "i64";
    case DX_T_F32: return "f32";
    case DX_T_F64: return "f64";
    case DX_T_V128: return "v128";
    case DX_T_FUNCREF: return "funcref";
    case DX_T_EXTERNREF: return "externref";
    case DX_T_BOOL: return "bool";
    default: return "?";
    }
}
