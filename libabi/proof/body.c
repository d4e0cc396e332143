/*
 * Function bodies for the verifier (body.h).
 */
#include "body.h"

#define MAX_LOOP_BITS (8u << 20) /* loops x locals bits for the write sets */
#define MAX_OPEN_LOOPS 64        /* nested loops followed; deeper: all written */
#define MAX_OPEN_BLOCKS 256

static bool oom(dx_error_t *err, uint32_t func)
{
    *err = (dx_error_t){.code = DX_E_TOO_LARGE, .func = func, .insn = DX_NO_INSN};
    return false;
}

static bool read_insns(const dx_module_t *m, uint32_t func, dx_arena_t *ar, dx_body_t *b,
                       dx_error_t *err)
{
    dx_code_t c;
    size_t cap = 0;
    __builtin_memset(&c, 0, sizeof c);
    dx_code_init(&c, m, func, ar);
    while (dx_code_more(&c)) {
        dx_insn_t *grown = dx_arena_grow(ar, b->insns, b->n, &cap, sizeof *b->insns, 64);
        if (!grown)
            return oom(err, func);
        b->insns = grown;
        dx_insn_t *in = &b->insns[b->n];
        if (!dx_code_next(&c, in, err))
            return false;
        if (in->op == DX_OP_BR_TABLE) { /* the reader's targets are scratch */
            size_t bytes = (in->u.br_table.count + 1) * sizeof(uint32_t);
            uint32_t *t = dx_arena_alloc_raw(ar, bytes);
            if (!t)
                return oom(err, func);
            __builtin_memcpy(t, in->u.br_table.targets,
                             in->u.br_table.count * sizeof(uint32_t));
            in->u.br_table.targets = t;
        }
        b->nloops += in->op == DX_OP_LOOP;
        b->n++;
    }
    return true;
}

/* What each loop writes: the loops open at each point on a stack
 * (innermost last). */
static void scan_loops(dx_body_t *b, uint8_t *bits, bool *wglobals, bool *wmem)
{
    uint32_t open[MAX_OPEN_LOOPS], nopen = 0, next = 0, blocks = 0;
    uint32_t loop_of_block[MAX_OPEN_BLOCKS];
    bool overflow = false;
    for (size_t at = 0; at < b->n; at++) {
        const dx_insn_t *in = &b->insns[at];
        switch (in->op) {
        case DX_OP_BLOCK: case DX_OP_IF: case DX_OP_LOOP:
            if (blocks < MAX_OPEN_BLOCKS)
                loop_of_block[blocks] = in->op == DX_OP_LOOP ? next : UINT32_MAX;
            else
                overflow = true;
            blocks++;
            if (in->op == DX_OP_LOOP) {
                if (nopen < MAX_OPEN_LOOPS)
                    open[nopen++] = next;
                else
                    overflow = true;
                next++;
            }
            break;
        case DX_OP_END:
            if (blocks && --blocks < MAX_OPEN_BLOCKS && loop_of_block[blocks] != UINT32_MAX &&
                nopen)
                nopen--;
            break;
        case DX_OP_LOCAL_SET: case DX_OP_LOCAL_TEE:
            for (uint32_t i = 0; bits && i < nopen; i++) {
                uint64_t k = (uint64_t)open[i] * b->nlocals + in->u.index;
                bits[k / 8] |= (uint8_t)(1u << (k % 8));
            }
            break;
        case DX_OP_GLOBAL_SET: case DX_OP_CALL: case DX_OP_CALL_INDIRECT: case DX_OP_MEMORY_GROW:
            for (uint32_t i = 0; i < nopen; i++) {
                if (in->op != DX_OP_GLOBAL_SET)
                    wmem[open[i]] = true;
                if (in->op != DX_OP_MEMORY_GROW)
                    wglobals[open[i]] = true;
            }
            break;
        default: break;
        }
    }
    if (overflow) { /* too deep to follow: every loop writes everything */
        for (uint32_t i = 0; i < b->nloops; i++)
            wglobals[i] = wmem[i] = true;
        b->bits = NULL;
    }
}

bool dx_body_read(const dx_module_t *m, uint32_t func, dx_arena_t *ar, dx_body_t *out,
                  dx_error_t *out_err)
{
    __builtin_memset(out, 0, sizeof *out);
    out->nlocals = dx_func_type(m, func)->nparams + m->funcs[func].nlocals;
    if (!read_insns(m, func, ar, out, out_err))
        return false;
    uint64_t nbits = (uint64_t)out->nloops * out->nlocals;
    uint8_t *bits = nbits <= MAX_LOOP_BITS ? dx_arena_alloc(ar, (size_t)(nbits + 7) / 8) : NULL;
    bool *wglobals = dx_arena_alloc(ar, out->nloops + 1), *wmem = dx_arena_alloc(ar, out->nloops + 1);
    if ((nbits <= MAX_LOOP_BITS && !bits) || !wglobals || !wmem)
        return oom(out_err, func);
    out->bits = bits, out->wglobals = wglobals, out->wmem = wmem;
    scan_loops(out, bits, wglobals, wmem);
    return true;
}

bool dx_body_writes(const dx_body_t *b, uint32_t loop, uint32_t local)
{
    if (!b->bits || loop >= b->nloops)
        return true;
    uint64_t k = (uint64_t)loop * b->nlocals + local;
    return b->bits[k / 8] >> (k % 8) & 1;
}
