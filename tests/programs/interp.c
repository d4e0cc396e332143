/*
 * A stack-machine bytecode interpreter, with its assembler.
 *
 * A small assembly program (recursive Fibonacci, a sieve in VM memory,
 * Collatz chains, Euclid's gcd, a 64-bit hash mix and a 32-bit FNV loop)
 * is assembled from text in two passes (labels, then code), then run twice:
 * by a loop around one big switch, and by a loop that calls a handler
 * through a table of function pointers, whose arithmetic goes through a
 * separate switch. Both must print the same values and execute the same
 * number of instructions, and each value is checked against the same
 * computation written directly in C. It exercises br_table (the dispatch
 * and ALU switches), call_indirect (the handler table), string scanning
 * and strtoll in the assembler, and 64-bit and 32-bit arithmetic: signed
 * and unsigned division and remainder, shifts and rotates, compares.
 * SIZE scales the work. Output: the values and the instruction count.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog.h"

enum op_kind { K_NONE, K_NUM, K_NUM2, K_LABEL }; /* operands: none, 1 or 2 numbers, a label */

typedef struct vm vm_t;
typedef struct insn insn_t;
enum vm_status { VM_RUN, VM_HALT, VM_ERR };
typedef enum vm_status handler_fn(vm_t *vm, const insn_t *in);
static handler_fn h_halt, h_push, h_pop, h_stack, h_local, h_global, h_binary, h_unary, h_jump,
    h_call, h_enter, h_ret, h_out;

/* The one opcode table: name, operands, and the handler of the table-driven interpreter. */
#define OPS(X) \
    X(HALT, "halt", K_NONE, h_halt) X(PUSH, "push", K_NUM, h_push) \
    X(POP, "pop", K_NONE, h_pop) X(DUP, "dup", K_NONE, h_stack) \
    X(SWAP, "swap", K_NONE, h_stack) X(OVER, "over", K_NONE, h_stack) \
    X(LGET, "lget", K_NUM, h_local) X(LSET, "lset", K_NUM, h_local) \
    X(GGET, "gget", K_NONE, h_global) X(GSET, "gset", K_NONE, h_global) \
    X(ADD, "add", K_NONE, h_binary) X(SUB, "sub", K_NONE, h_binary) \
    X(MUL, "mul", K_NONE, h_binary) X(DIVS, "divs", K_NONE, h_binary) \
    X(DIVU, "divu", K_NONE, h_binary) X(REMS, "rems", K_NONE, h_binary) \
    X(REMU, "remu", K_NONE, h_binary) X(AND, "and", K_NONE, h_binary) \
    X(OR, "or", K_NONE, h_binary) X(XOR, "xor", K_NONE, h_binary) \
    X(SHL, "shl", K_NONE, h_binary) X(SHRS, "shrs", K_NONE, h_binary) \
    X(SHRU, "shru", K_NONE, h_binary) X(ROTL, "rotl", K_NONE, h_binary) \
    X(ROTR, "rotr", K_NONE, h_binary) X(EQ, "eq", K_NONE, h_binary) \
    X(NE, "ne", K_NONE, h_binary) X(LTS, "lts", K_NONE, h_binary) \
    X(LTU, "ltu", K_NONE, h_binary) X(GTS, "gts", K_NONE, h_binary) \
    X(GES, "ges", K_NONE, h_binary) X(ADD32, "add32", K_NONE, h_binary) \
    X(MUL32, "mul32", K_NONE, h_binary) X(XOR32, "xor32", K_NONE, h_binary) \
    X(ROTL32, "rotl32", K_NONE, h_binary) X(NEG, "neg", K_NONE, h_unary) \
    X(NOT, "not", K_NONE, h_unary) X(EQZ, "eqz", K_NONE, h_unary) \
    X(JMP, "jmp", K_LABEL, h_jump) X(JZ, "jz", K_LABEL, h_jump) \
    X(JNZ, "jnz", K_LABEL, h_jump) X(CALL, "call", K_LABEL, h_call) \
    X(ENTER, "enter", K_NUM2, h_enter) X(RET, "ret", K_NONE, h_ret) \
    X(OUT, "out", K_NONE, h_out)

#define X_ENUM(e, s, k, h) OP_##e,
enum { OPS(X_ENUM) OP_COUNT };
#define X_INFO(e, s, k, h) {s, k, h},
static const struct {
    const char *name;
    enum op_kind kind;
    handler_fn *handler;
} op_info[OP_COUNT] = {OPS(X_INFO)};

struct insn {
    uint32_t op;
    uint32_t a, b;  /* label target, local index, or enter's arguments and locals */
    uint64_t imm;   /* push's operand */
};

#define STACK_MAX 4096
#define FRAMES_MAX 256
#define MEM_WORDS (1u << 17)
#define CODE_MAX 512
#define LABELS_MAX 64
#define OUT_MAX 16

struct vm {
    const insn_t *code;
    uint32_t ncode, pc, sp, fp, nframes;
    uint64_t steps;
    uint64_t stack[STACK_MAX];
    struct {
        uint32_t ret, fp;
    } frames[FRAMES_MAX];
    uint64_t *mem;
    uint64_t out[OUT_MAX];
    uint32_t nout;
};

/* ';' ends a statement, '#' starts a comment; a routine's arguments are its first locals. */
static const char program[] =
    "main: enter 0 0; push 17; call fib; out\n"
    "  push 0; gget; push 10; mul; call sieve; out; push 0; gget; call collatz; out\n"
    "  push 0; gget; call gcdsum; out; push 0; gget; push 20; mul; call hash; out\n"
    "  push 0; gget; push 20; mul; call fnv32; out; halt\n"
    "fib: enter 1 0; lget 0; push 2; lts; jz fib_rec; lget 0; ret\n"
    "fib_rec: lget 0; push 1; sub; call fib; lget 0; push 2; sub; call fib; add; ret\n"
    "sieve: enter 1 2  # limit; i, count. mem[16+j] marks composites\n"
    "  push 2; lset 1\n"
    "s_outer: lget 1; lget 0; lts; jz s_done; lget 1; push 16; add; gget; jnz s_next\n"
    "  lget 2; push 1; add; lset 2; lget 1; dup; mul\n"
    "s_inner: dup; lget 0; lts; jz s_inner_done\n"
    "  dup; push 16; add; push 1; gset; lget 1; add; jmp s_inner\n"
    "s_inner_done: pop\n"
    "s_next: lget 1; push 1; add; lset 1; jmp s_outer\n"
    "s_done: lget 2; ret\n"
    "collatz: enter 1 4  # m; i, best, arg, steps\n"
    "  push 1; lset 1\n"
    "c_loop: lget 1; lget 0; gts; jnz c_done; push 0; lset 4; lget 1\n"
    "c_step: dup; push 1; ne; jz c_end; dup; push 1; and; jz c_even\n"
    "  push 3; mul; push 1; add; jmp c_count\n"
    "c_even: push 1; shru\n"
    "c_count: lget 4; push 1; add; lset 4; jmp c_step\n"
    "c_end: pop; lget 4; lget 2; gts; jz c_next; lget 4; lset 2; lget 1; lset 3\n"
    "c_next: lget 1; push 1; add; lset 1; jmp c_loop\n"
    "c_done: lget 2; push 1000000; mul; lget 3; add; ret\n"
    "gcd: enter 2 0\n"
    "g_loop: lget 1; eqz; jnz g_done; lget 0; lget 1; remu; lget 1; lset 0; lset 1; jmp g_loop\n"
    "g_done: lget 0; ret\n"
    "gcdsum: enter 1 3  # m; i, j, sum\n"
    "  push 1; lset 1\n"
    "d_outer: lget 1; lget 0; gts; jnz d_done; push 1; lset 2\n"
    "d_inner: lget 2; push 16; gts; jnz d_next\n"
    "  lget 1; lget 2; mul; push 7; add; lget 1; lget 2; add; call gcd\n"
    "  lget 3; add; lset 3; lget 2; push 1; add; lset 2; jmp d_inner\n"
    "d_next: lget 1; push 1; add; lset 1; jmp d_outer\n"
    "d_done: lget 3; ret\n"
    "hash: enter 1 3  # m; i, x, y\n"
    "  push 88172645463325252; lset 2\n"
    "h_loop: lget 1; lget 0; lts; jz h_done\n"
    "  lget 2; lget 1; xor; push 13; rotl; push -7046029254386353131; mul\n"
    "  lget 2; push 7; shrs; add; lset 2\n"
    "  lget 3; lget 2; push 12345; divs; push 1000; rems; add; lset 3\n"
    "  lget 2; lget 1; over; swap; rotr; swap; pop; push 61; shl; not; neg\n"
    "  lget 3; xor; lset 3; lget 1; push 1; add; lset 1; jmp h_loop\n"
    "h_done: lget 2; lget 3; xor; ret\n"
    "fnv32: enter 1 2  # m; i, h\n"
    "  push 2166136261; lset 2\n"
    "f_loop: lget 1; lget 0; ltu; jz f_done\n"
    "  lget 2; lget 1; push 255; and; xor32; push 16777619; mul32; lget 1; rotl32\n"
    "  push 1; add32; lset 2; lget 1; push 1; add; lset 1; jmp f_loop\n"
    "f_done: lget 2; lget 0; push 1; ges; add; ret\n";

/* ---- the assembler ---- */

typedef struct {
    char name[24];
    uint32_t addr;
} label_t;

/* Copies one word (letters, digits, '_', '-') into out; returns the text after it. */
static const char *word(const char *p, char *out, size_t size)
{
    size_t n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    for (; isalnum((unsigned char)*p) || *p == '_' || *p == '-'; p++)
        if (n + 1 < size)
            out[n++] = *p;
    out[n] = '\0';
    return p;
}

static int find_label(const label_t *labels, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(labels[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Assembles one statement; with resolve set, every label must be known. */
static int assemble_one(const char *p, insn_t *in, const label_t *labels, uint32_t nlabels,
                        int resolve)
{
    char mn[24], arg[24];
    int op = -1, l;

    p = word(p, mn, sizeof mn);
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(op_info[i].name, mn) == 0)
            op = i;
    if (op < 0)
        return -1;
    memset(in, 0, sizeof *in);
    in->op = (uint32_t)op;
    switch (op_info[op].kind) {
    case K_NONE:
        break;
    case K_NUM2:
        p = word(p, arg, sizeof arg);
        in->a = (uint32_t)strtoul(arg, NULL, 10);
        p = word(p, arg, sizeof arg);
        in->b = (uint32_t)strtoul(arg, NULL, 10);
        break;
    case K_NUM:
        p = word(p, arg, sizeof arg);
        in->imm = (uint64_t)strtoll(arg, NULL, 10);
        in->a = (uint32_t)in->imm;
        break;
    case K_LABEL:
        p = word(p, arg, sizeof arg);
        if ((l = find_label(labels, nlabels, arg)) < 0 && resolve)
            return -1;
        in->a = l < 0 ? 0 : labels[l].addr;
        break;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\0' || *p == ';' || *p == '#' || *p == '\n' ? 0 : -1;
}

/* Two passes over the text: the first records labels, the second resolves them. */
static uint32_t assemble(const char *src, insn_t *code, label_t *labels, uint32_t *nlabels)
{
    uint32_t n = 0;

    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (const char *p = src; *p != '\0'; p += *p != '\0') {
            char first[24];
            const char *after = word(p, first, sizeof first);
            if (*after == ':') {
                if (pass == 0 && *nlabels < LABELS_MAX) {
                    snprintf(labels[*nlabels].name, sizeof labels[0].name, "%s", first);
                    labels[(*nlabels)++].addr = n;
                }
                p = after + 1;
            }
            p += strspn(p, " \t");
            if (*p != ';' && *p != '#' && *p != '\n' && *p != '\0') {
                if (n == CODE_MAX || assemble_one(p, &code[n], labels, *nlabels, pass) != 0) {
                    fprintf(stderr, "asm: bad statement: %.*s\n", (int)strcspn(p, ";\n"), p);
                    exit(4);
                }
                n++;
            }
            p += strcspn(p, ";#\n");
            if (*p == '#')
                p += strcspn(p, "\n");
        }
    }
    return n;
}

/* ---- interpreter 1: one switch ---- */

static uint64_t rotl64(uint64_t x, uint64_t r)
{
    r &= 63;
    return r == 0 ? x : (x << r) | (x >> (64 - r));
}

static uint32_t rotl32(uint32_t x, uint64_t r)
{
    r &= 31;
    return r == 0 ? x : (x << r) | (x >> (32 - r));
}

static int div_ok(uint64_t a, uint64_t b, int is_signed)
{
    return b != 0 && !(is_signed && a == (uint64_t)INT64_MIN && b == UINT64_MAX);
}

#define POP() (vm->stack[--vm->sp])
#define TOP() (vm->stack[vm->sp - 1])
#define PUSH(v) (vm->stack[vm->sp++] = (v))
#define BINOP(expr) do { uint64_t b = POP(), a = POP(); PUSH(expr); } while (0)

static enum vm_status run_switch(vm_t *vm)
{
    for (;;) {
        const insn_t *in = &vm->code[vm->pc++];
        vm->steps++;
        if (vm->sp + 4 >= STACK_MAX || vm->pc > vm->ncode)
            return VM_ERR;
        switch (in->op) {
        case OP_HALT: return VM_HALT;
        case OP_PUSH: PUSH(in->imm); break;
        case OP_POP: vm->sp--; break;
        case OP_DUP: { uint64_t v = TOP(); PUSH(v); break; }
        case OP_SWAP: { uint64_t b = POP(), a = POP(); PUSH(b); PUSH(a); break; }
        case OP_OVER: { uint64_t v = vm->stack[vm->sp - 2]; PUSH(v); break; }
        case OP_LGET: { uint64_t v = vm->stack[vm->fp + in->a]; PUSH(v); break; }
        case OP_LSET: vm->stack[vm->fp + in->a] = POP(); break;
        case OP_GGET:
            if (TOP() >= MEM_WORDS)
                return VM_ERR;
            TOP() = vm->mem[TOP()];
            break;
        case OP_GSET: {
            uint64_t v = POP(), addr = POP();
            if (addr >= MEM_WORDS)
                return VM_ERR;
            vm->mem[addr] = v;
            break;
        }
        case OP_ADD: BINOP(a + b); break;
        case OP_SUB: BINOP(a - b); break;
        case OP_MUL: BINOP(a * b); break;
        case OP_DIVS: case OP_REMS: {
            uint64_t b = POP(), a = POP();
            if (!div_ok(a, b, 1))
                return VM_ERR;
            PUSH(in->op == OP_DIVS ? (uint64_t)((int64_t)a / (int64_t)b)
                                   : (uint64_t)((int64_t)a % (int64_t)b));
            break;
        }
        case OP_DIVU: case OP_REMU: {
            uint64_t b = POP(), a = POP();
            if (!div_ok(a, b, 0))
                return VM_ERR;
            PUSH(in->op == OP_DIVU ? a / b : a % b);
            break;
        }
        case OP_AND: BINOP(a & b); break;
        case OP_OR: BINOP(a | b); break;
        case OP_XOR: BINOP(a ^ b); break;
        case OP_SHL: BINOP(a << (b & 63)); break;
        case OP_SHRS: BINOP(a >> (b & 63) | (a >> 63 ? ~(UINT64_MAX >> (b & 63)) : 0)); break;
        case OP_SHRU: BINOP(a >> (b & 63)); break;
        case OP_ROTL: BINOP(rotl64(a, b)); break;
        case OP_ROTR: BINOP(rotl64(a, 64 - (b & 63))); break;
        case OP_EQ: BINOP(a == b); break;
        case OP_NE: BINOP(a != b); break;
        case OP_LTS: BINOP((int64_t)a < (int64_t)b); break;
        case OP_LTU: BINOP(a < b); break;
        case OP_GTS: BINOP((int64_t)a > (int64_t)b); break;
        case OP_GES: BINOP((int64_t)a >= (int64_t)b); break;
        case OP_ADD32: BINOP((uint32_t)(a + b)); break;
        case OP_MUL32: BINOP((uint32_t)((uint32_t)a * (uint32_t)b)); break;
        case OP_XOR32: BINOP((uint32_t)(a ^ b)); break;
        case OP_ROTL32: BINOP(rotl32((uint32_t)a, b)); break;
        case OP_NEG: TOP() = 0 - TOP(); break;
        case OP_NOT: TOP() = ~TOP(); break;
        case OP_EQZ: TOP() = TOP() == 0; break;
        case OP_JMP: vm->pc = in->a; break;
        case OP_JZ: if (POP() == 0) vm->pc = in->a; break;
        case OP_JNZ: if (POP() != 0) vm->pc = in->a; break;
        case OP_CALL:
            if (vm->nframes == FRAMES_MAX)
                return VM_ERR;
            vm->frames[vm->nframes].ret = vm->pc;
            vm->frames[vm->nframes++].fp = vm->fp;
            vm->pc = in->a;
            break;
        case OP_ENTER:
            if (vm->sp < in->a || vm->sp + in->b >= STACK_MAX - 8)
                return VM_ERR;
            vm->fp = vm->sp - in->a;
            for (uint32_t i = 0; i < in->b; i++)
                PUSH(0);
            break;
        case OP_RET: {
            uint64_t v = POP();
            if (vm->nframes == 0)
                return VM_ERR;
            vm->sp = vm->fp;
            PUSH(v);
            vm->pc = vm->frames[--vm->nframes].ret;
            vm->fp = vm->frames[vm->nframes].fp;
            break;
        }
        case OP_OUT:
            if (vm->nout == OUT_MAX)
                return VM_ERR;
            vm->out[vm->nout++] = POP();
            break;
        default:
            return VM_ERR;
        }
    }
}

/* ---- interpreter 2: a handler table; arithmetic in its own switch ---- */

static enum vm_status alu(uint32_t op, uint64_t a, uint64_t b, uint64_t *out)
{
    if (op >= OP_DIVS && op <= OP_REMU && !div_ok(a, b, op == OP_DIVS || op == OP_REMS))
        return VM_ERR;
    switch (op) {
    case OP_ADD: *out = a + b; break;
    case OP_SUB: *out = a - b; break;
    case OP_MUL: *out = a * b; break;
    case OP_DIVS: *out = (uint64_t)((int64_t)a / (int64_t)b); break;
    case OP_DIVU: *out = a / b; break;
    case OP_REMS: *out = (uint64_t)((int64_t)a % (int64_t)b); break;
    case OP_REMU: *out = a % b; break;
    case OP_AND: *out = a & b; break;
    case OP_OR: *out = a | b; break;
    case OP_XOR: *out = a ^ b; break;
    case OP_SHL: *out = a << (b & 63); break;
    case OP_SHRS: *out = (uint64_t)((int64_t)a >> (b & 63)); break; /* arithmetic on gcc, clang */
    case OP_SHRU: *out = a >> (b & 63); break;
    case OP_ROTL: *out = rotl64(a, b); break;
    case OP_ROTR: *out = (a >> (b & 63)) | (a << ((64 - (b & 63)) & 63)); break;
    case OP_EQ: *out = a == b; break;
    case OP_NE: *out = a != b; break;
    case OP_LTS: *out = (int64_t)a < (int64_t)b; break;
    case OP_LTU: *out = a < b; break;
    case OP_GTS: *out = (int64_t)b < (int64_t)a; break;
    case OP_GES: *out = !((int64_t)a < (int64_t)b); break;
    case OP_ADD32: *out = (uint32_t)a + (uint32_t)b; *out &= 0xffffffff; break;
    case OP_MUL32: *out = (uint32_t)((uint32_t)a * (uint32_t)b); break;
    case OP_XOR32: *out = (uint32_t)a ^ (uint32_t)b; break;
    case OP_ROTL32: *out = rotl32((uint32_t)a, b); break;
    default: return VM_ERR;
    }
    return VM_RUN;
}

static enum vm_status h_halt(vm_t *vm, const insn_t *in) { (void)vm, (void)in; return VM_HALT; }
static enum vm_status h_push(vm_t *vm, const insn_t *in) { PUSH(in->imm); return VM_RUN; }
static enum vm_status h_pop(vm_t *vm, const insn_t *in) { (void)in; vm->sp--; return VM_RUN; }

static enum vm_status h_stack(vm_t *vm, const insn_t *in)
{
    uint64_t t = TOP(), u = vm->stack[vm->sp - 2];
    switch (in->op) {
    case OP_DUP: PUSH(t); break;
    case OP_OVER: PUSH(u); break;
    default: vm->stack[vm->sp - 1] = u, vm->stack[vm->sp - 2] = t; break; /* swap */
    }
    return VM_RUN;
}

static enum vm_status h_local(vm_t *vm, const insn_t *in)
{
    if (in->op == OP_LGET)
        PUSH(vm->stack[vm->fp + in->a]);
    else
        vm->stack[vm->fp + in->a] = POP();
    return VM_RUN;
}

static enum vm_status h_global(vm_t *vm, const insn_t *in)
{
    uint64_t v = in->op == OP_GSET ? POP() : 0, addr = POP();
    if (addr >= MEM_WORDS)
        return VM_ERR;
    if (in->op == OP_GSET)
        vm->mem[addr] = v;
    else
        PUSH(vm->mem[addr]);
    return VM_RUN;
}

static enum vm_status h_binary(vm_t *vm, const insn_t *in)
{
    uint64_t b = POP(), a = POP(), r;
    if (alu(in->op, a, b, &r) != VM_RUN)
        return VM_ERR;
    PUSH(r);
    return VM_RUN;
}

static enum vm_status h_unary(vm_t *vm, const insn_t *in)
{
    uint64_t v = POP();
    PUSH(in->op == OP_NEG ? ~v + 1 : in->op == OP_NOT ? ~v : (uint64_t)!v);
    return VM_RUN;
}

static enum vm_status h_jump(vm_t *vm, const insn_t *in)
{
    int take = in->op == OP_JMP || (in->op == OP_JZ) == (POP() == 0);
    if (take)
        vm->pc = in->a;
    return VM_RUN;
}

static enum vm_status h_call(vm_t *vm, const insn_t *in)
{
    if (vm->nframes == FRAMES_MAX)
        return VM_ERR;
    vm->frames[vm->nframes].ret = vm->pc;
    vm->frames[vm->nframes++].fp = vm->fp;
    vm->pc = in->a;
    return VM_RUN;
}

static enum vm_status h_enter(vm_t *vm, const insn_t *in)
{
    if (vm->sp < in->a || vm->sp + in->b >= STACK_MAX - 8)
        return VM_ERR;
    vm->fp = vm->sp - in->a;
    memset(&vm->stack[vm->sp], 0, in->b * sizeof vm->stack[0]);
    vm->sp += in->b;
    return VM_RUN;
}

static enum vm_status h_ret(vm_t *vm, const insn_t *in)
{
    (void)in;
    if (vm->nframes == 0)
        return VM_ERR;
    vm->stack[vm->fp] = TOP();
    vm->sp = vm->fp + 1;
    vm->nframes--;
    vm->pc = vm->frames[vm->nframes].ret;
    vm->fp = vm->frames[vm->nframes].fp;
    return VM_RUN;
}

static enum vm_status h_out(vm_t *vm, const insn_t *in)
{
    (void)in;
    if (vm->nout == OUT_MAX)
        return VM_ERR;
    vm->out[vm->nout++] = POP();
    return VM_RUN;
}

static enum vm_status run_table(vm_t *vm)
{
    enum vm_status st = VM_RUN;
    while (st == VM_RUN) {
        if (vm->sp + 4 >= STACK_MAX || vm->pc >= vm->ncode)
            return VM_ERR;
        const insn_t *in = &vm->code[vm->pc++];
        vm->steps++;
        st = op_info[in->op].handler(vm, in);
    }
    return st;
}

/* ---- the same computations in C ---- */

static uint64_t c_fib(uint64_t n) { return n < 2 ? n : c_fib(n - 1) + c_fib(n - 2); }

static uint64_t c_gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

static void c_expected(uint64_t m, uint64_t *want)
{
    uint64_t limit = 10 * m, count = 0, best = 0, arg = 0, sum = 0, x = 88172645463325252u;
    uint64_t y = 0;
    uint32_t h = 2166136261u;
    char *comp = calloc(limit + 1, 1);

    if (comp == NULL)
        exit(3);
    for (uint64_t i = 2; i < limit; i++) {
        if (comp[i])
            continue;
        count++;
        for (uint64_t j = i * i; j < limit; j += i)
            comp[j] = 1;
    }
    free(comp);
    for (uint64_t i = 1; i <= m; i++) {
        uint64_t steps = 0;
        for (uint64_t v = i; v != 1; steps++)
            v = v & 1 ? 3 * v + 1 : v >> 1;
        if (steps > best)
            best = steps, arg = i;
    }
    for (uint64_t i = 1; i <= m; i++)
        for (uint64_t j = 1; j <= 16; j++)
            sum += c_gcd(i * j + 7, i + j);
    for (uint64_t i = 0; i < 20 * m; i++) {
        x = rotl64(x ^ i, 13) * 0x9e3779b97f4a7c15u + (uint64_t)((int64_t)x >> 7);
        y += (uint64_t)((int64_t)x / 12345 % 1000);
        y ^= 0 - ~(rotl64(x, 64 - (i & 63)) << 61);
    }
    for (uint32_t i = 0; i < 20 * m; i++)
        h = rotl32((h ^ (i & 255)) * 16777619u, i) + 1;
    want[0] = c_fib(17);
    want[1] = count;
    want[2] = best * 1000000 + arg;
    want[3] = sum;
    want[4] = x ^ y;
    want[5] = (uint64_t)h + 1;
}

static vm_t *vm_new(const insn_t *code, uint32_t ncode, uint32_t main_pc, uint64_t m)
{
    vm_t *vm = calloc(1, sizeof *vm);
    if (vm == NULL || (vm->mem = calloc(MEM_WORDS, sizeof *vm->mem)) == NULL)
        exit(3);
    vm->code = code;
    vm->ncode = ncode;
    vm->pc = main_pc;
    vm->mem[0] = m;
    return vm;
}

int main(int argc, char **argv)
{
    static const char *names[] = {"fib(17)", "primes", "collatz", "gcdsum", "hash64", "fnv32"};
    uint32_t m = parse_size(argc, argv, 600, (MEM_WORDS - 16) / 10);
    insn_t code[CODE_MAX];
    label_t labels[LABELS_MAX];
    uint32_t nlabels = 0, ncode = assemble(program, code, labels, &nlabels);
    uint32_t main_pc = labels[find_label(labels, nlabels, "main")].addr;
    vm_t *v1 = vm_new(code, ncode, main_pc, m), *v2 = vm_new(code, ncode, main_pc, m);
    enum vm_status s1 = run_switch(v1), s2 = run_table(v2);
    uint64_t want[6];
    int bad = 0;

    c_expected(m, want);
    printf("assembled %" PRIu32 " instructions, %" PRIu32 " labels\n", ncode, nlabels);
    if (s1 != VM_HALT || s2 != VM_HALT || v1->nout != 6 || v2->nout != 6) {
        fprintf(stderr, "vm failed: status %d %d, pc %" PRIu32 " %" PRIu32 "\n", (int)s1, (int)s2,
                v1->pc, v2->pc);
        return 1;
    }
    for (int i = 0; i < 6; i++) {
        printf("%-8s %20" PRIu64 "\n", names[i], v1->out[i]);
        if (v1->out[i] != want[i] || v2->out[i] != want[i]) {
            fprintf(stderr, "%s: switch %" PRIu64 " table %" PRIu64 " C %" PRIu64 "\n", names[i],
                    v1->out[i], v2->out[i], want[i]);
            bad = 1;
        }
    }
    printf("steps %" PRIu64 "\n", v1->steps);
    if (v1->steps != v2->steps)
        bad = 1;
    free(v1->mem), free(v2->mem), free(v1), free(v2);
    return bad;
}
