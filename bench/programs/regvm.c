/*
 * regvm: a register-machine bytecode interpreter, the branchy,
 * unpredictable dispatch loop of a scripting language's core.
 *
 * Instructions are 32-bit words (8-bit opcode, three 8-bit operands: two
 * registers and a register or a small constant) over 32 registers of 64
 * bits and a word-addressed data memory; one big switch dispatches them.
 * Three programs are built in C with a tiny emitter (no text assembler)
 * and run: a sieve of Eratosthenes in VM memory, an insertion sort of
 * pseudo-random words, and Collatz chain lengths with a multiply-xorshift
 * mix, each scaled by SIZE. Each result is checked against the same
 * computation written directly in C. It stresses br_table (the switch),
 * indirect-looking branches, loads and stores indexed by decoded fields,
 * and 64-bit arithmetic. Output: the results and instructions executed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/programs/prog.h"

enum {
    OP_HALT, OP_LI,   /* ra = imm16 (b:c) */
    OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR, OP_SHL,
    OP_ADDI,          /* ra = rb + c (c signed 8-bit) */
    OP_LD, OP_ST,     /* ra = mem[rb + c], mem[rb + c] = ra */
    OP_JMP,           /* pc += (int16) imm */
    OP_BLT, OP_BGE, OP_BEQ, OP_BNE, /* if (ra ? rb) pc += (int8) c */
    OP_ODD,           /* ra = rb & 1 */
    OP_REMU,          /* ra = rb % rc */
};

#define MEM_WORDS (1u << 20)

typedef struct vm {
    uint64_t r[32];
    uint64_t *mem;
    uint64_t steps;
} vm_t;

typedef struct prog {
    uint32_t code[256];
    uint32_t n;
} prog_t;

static uint32_t emit(prog_t *p, int op, int a, int b, int c)
{
    p->code[p->n] = (uint32_t)op | (uint32_t)a << 8 | (uint32_t)(b & 0xff) << 16 |
                    (uint32_t)(c & 0xff) << 24;
    return p->n++;
}

/* a conditional branch emitted before its target: fixed up by patch() */
static void patch(prog_t *p, uint32_t at, uint32_t target)
{
    int32_t off = (int32_t)target - (int32_t)at - 1;
    uint32_t op = p->code[at] & 0xff;
    if (op == OP_JMP)
        p->code[at] = (p->code[at] & 0xffff) | (uint32_t)(off & 0xffff) << 16;
    else
        p->code[at] = (p->code[at] & 0xffffff) | (uint32_t)(off & 0xff) << 24;
}

static void li(prog_t *p, int r, uint32_t v)
{
    emit(p, OP_LI, r, (int)(v & 0xff), (int)(v >> 8));
}

static void run(vm_t *vm, const prog_t *p)
{
    uint64_t *r = vm->r, *mem = vm->mem, steps = 0;
    uint32_t pc = 0;
    for (;;) {
        uint32_t w = p->code[pc++];
        uint32_t a = (w >> 8) & 0x1f, b = (w >> 16) & 0x1f, c = w >> 24;
        int32_t sc = (int8_t)(w >> 24);
        steps++;
        switch (w & 0xff) {
        case OP_HALT: vm->steps += steps; return;
        case OP_LI: r[a] = (w >> 16) & 0xffff; break;
        case OP_MOV: r[a] = r[b]; break;
        case OP_ADD: r[a] = r[b] + r[c & 0x1f]; break;
        case OP_SUB: r[a] = r[b] - r[c & 0x1f]; break;
        case OP_MUL: r[a] = r[b] * r[c & 0x1f]; break;
        case OP_AND: r[a] = r[b] & r[c & 0x1f]; break;
        case OP_XOR: r[a] = r[b] ^ r[c & 0x1f]; break;
        case OP_SHR: r[a] = r[b] >> (c & 63); break;
        case OP_SHL: r[a] = r[b] << (c & 63); break;
        case OP_ADDI: r[a] = r[b] + (uint64_t)(int64_t)sc; break;
        case OP_LD: r[a] = mem[(r[b] + (uint64_t)(int64_t)sc) & (MEM_WORDS - 1)]; break;
        case OP_ST: mem[(r[b] + (uint64_t)(int64_t)sc) & (MEM_WORDS - 1)] = r[a]; break;
        case OP_JMP: pc += (uint32_t)(int32_t)(int16_t)(w >> 16); break;
        case OP_BLT: if (r[a] < r[b]) pc += (uint32_t)sc; break;
        case OP_BGE: if (r[a] >= r[b]) pc += (uint32_t)sc; break;
        case OP_BEQ: if (r[a] == r[b]) pc += (uint32_t)sc; break;
        case OP_BNE: if (r[a] != r[b]) pc += (uint32_t)sc; break;
        case OP_ODD: r[a] = r[b] & 1; break;
        case OP_REMU: r[a] = r[c & 0x1f] ? r[b] % r[c & 0x1f] : 0; break;
        default: printf("bad opcode at %" PRIu32 "\n", pc - 1); exit(1);
        }
    }
}

/* r1 = n; mem[0..n) = 1; for i in 2..n: if mem[i]: for j = i*i; j < n; j += i: mem[j] = 0
 * r2 = count of primes below n */
static void build_sieve(prog_t *p)
{
    /* r0 = 0 by convention, r3 = 1 */
    li(p, 3, 1);
    li(p, 4, 0); /* i */
    uint32_t fill = emit(p, OP_ST, 3, 4, 0);
    emit(p, OP_ADDI, 4, 4, 1);
    uint32_t bf = emit(p, OP_BLT, 4, 1, 0);
    patch(p, bf, fill);
    li(p, 4, 2);
    li(p, 2, 0);
    uint32_t outer = emit(p, OP_BGE, 4, 1, 0);    /* -> done */
    emit(p, OP_LD, 5, 4, 0);
    uint32_t skip = emit(p, OP_BEQ, 5, 0, 0);     /* -> next */
    emit(p, OP_ADDI, 2, 2, 1);
    emit(p, OP_MUL, 6, 4, 4);                     /* j = i*i */
    uint32_t inner = emit(p, OP_BGE, 6, 1, 0);    /* -> next */
    emit(p, OP_ST, 0, 6, 0);
    emit(p, OP_ADD, 6, 6, 4);
    uint32_t back = emit(p, OP_JMP, 0, 0, 0);
    patch(p, back, inner);
    uint32_t next = emit(p, OP_ADDI, 4, 4, 1);
    patch(p, skip, next);
    patch(p, inner, next);
    uint32_t loop = emit(p, OP_JMP, 0, 0, 0);
    patch(p, loop, outer);
    uint32_t done = emit(p, OP_HALT, 0, 0, 0);
    patch(p, outer, done);
}

/* r1 = n words at mem[0..n) (filled by the host); insertion sort them;
 * r2 = a position-weighted checksum of the result */
static void build_isort(prog_t *p)
{
    li(p, 3, 1);
    li(p, 4, 1); /* i */
    uint32_t outer = emit(p, OP_BGE, 4, 1, 0);    /* -> sum */
    emit(p, OP_LD, 5, 4, 0);                      /* key */
    emit(p, OP_MOV, 6, 4, 0);                     /* j = i */
    uint32_t inner = emit(p, OP_BEQ, 6, 0, 0);    /* j == 0 -> place */
    emit(p, OP_LD, 7, 6, -1);
    uint32_t ok = emit(p, OP_BGE, 5, 7, 0);       /* key >= mem[j-1] -> place */
    emit(p, OP_ST, 7, 6, 0);
    emit(p, OP_ADDI, 6, 6, -1);
    uint32_t back = emit(p, OP_JMP, 0, 0, 0);
    patch(p, back, inner);
    uint32_t place = emit(p, OP_ST, 5, 6, 0);
    patch(p, inner, place);
    patch(p, ok, place);
    emit(p, OP_ADDI, 4, 4, 1);
    uint32_t loop = emit(p, OP_JMP, 0, 0, 0);
    patch(p, loop, outer);
    uint32_t sum = emit(p, OP_ADDI, 4, 0, 0);     /* i = 0 */
    patch(p, outer, sum);
    li(p, 2, 0);
    uint32_t sl = emit(p, OP_BGE, 4, 1, 0);
    emit(p, OP_LD, 5, 4, 0);
    emit(p, OP_MUL, 5, 5, 4);
    emit(p, OP_ADD, 2, 2, 5);
    emit(p, OP_ADDI, 4, 4, 1);
    uint32_t sb = emit(p, OP_JMP, 0, 0, 0);
    patch(p, sb, sl);
    uint32_t done = emit(p, OP_HALT, 0, 0, 0);
    patch(p, sl, done);
}

/* r1 = n: for k in 1..n: steps of k's Collatz chain; r2 = sum of steps,
 * r8 = a multiply-xorshift mix of (k, steps) */
static void build_collatz(prog_t *p)
{
    li(p, 3, 1);
    li(p, 9, 3);
    li(p, 10, 0x9e37);
    emit(p, OP_SHL, 10, 10, 16);
    li(p, 11, 0x79b9);
    emit(p, OP_XOR, 10, 10, 11);                  /* r10 = 0x9e3779b9 */
    li(p, 4, 1);
    li(p, 2, 0);
    li(p, 8, 0);
    uint32_t outer = emit(p, OP_BLT, 1, 4, 0);    /* n < k -> done */
    emit(p, OP_MOV, 5, 4, 0);
    li(p, 6, 0);
    uint32_t chain = emit(p, OP_BEQ, 5, 3, 0);    /* x == 1 -> end */
    emit(p, OP_ODD, 7, 5, 0);
    uint32_t even = emit(p, OP_BEQ, 7, 0, 0);
    emit(p, OP_MUL, 5, 5, 9);
    emit(p, OP_ADDI, 5, 5, 1);
    uint32_t j = emit(p, OP_JMP, 0, 0, 0);
    uint32_t half = emit(p, OP_SHR, 5, 5, 1);
    patch(p, even, half);
    uint32_t step = emit(p, OP_ADDI, 6, 6, 1);
    patch(p, j, step);
    uint32_t back = emit(p, OP_JMP, 0, 0, 0);
    patch(p, back, chain);
    uint32_t end = emit(p, OP_ADD, 2, 2, 6);
    patch(p, chain, end);
    emit(p, OP_XOR, 8, 8, 6);
    emit(p, OP_MUL, 8, 8, 10);
    emit(p, OP_SHR, 11, 8, 29);
    emit(p, OP_XOR, 8, 8, 11);
    emit(p, OP_ADD, 8, 8, 4);
    emit(p, OP_ADDI, 4, 4, 1);
    uint32_t loop = emit(p, OP_JMP, 0, 0, 0);
    patch(p, loop, outer);
    uint32_t done = emit(p, OP_HALT, 0, 0, 0);
    patch(p, outer, done);
}

int main(int argc, char **argv)
{
    uint32_t size = parse_size(argc, argv, 20, 100000);
    vm_t vm;
    memset(&vm, 0, sizeof vm);
    vm.mem = calloc(MEM_WORDS, sizeof *vm.mem);
    if (!vm.mem)
        return 1;
    prog_t sieve = {{0}, 0}, isort = {{0}, 0}, collatz = {{0}, 0};
    build_sieve(&sieve);
    build_isort(&isort);
    build_collatz(&collatz);

    uint64_t primes = 0, sorted = 0, csteps = 0, cmix = 0;
    uint32_t sieve_n = 1000000, sort_n = 3000, collatz_n = 20000;
    for (uint32_t r = 0; r < size; r++) {
        vm.r[1] = sieve_n;
        run(&vm, &sieve);
        primes += vm.r[2];

        uint32_t s = 12345 + r;
        for (uint32_t i = 0; i < sort_n; i++) {
            s ^= s << 13, s ^= s >> 17, s ^= s << 5;
            vm.mem[i] = s % 100000;
        }
        vm.r[1] = sort_n;
        run(&vm, &isort);
        for (uint32_t i = 1; i < sort_n; i++) {
            if (vm.mem[i - 1] > vm.mem[i]) {
                printf("isort: out of order at %" PRIu32 "\n", i);
                return 1;
            }
        }
        sorted += vm.r[2];

        vm.r[1] = collatz_n + r;
        run(&vm, &collatz);
        csteps += vm.r[2];
        cmix ^= vm.r[8];
    }

    /* the last Collatz run again, in C */
    uint64_t c_steps = 0, c_mix = 0;
    for (uint64_t k = 1; k <= collatz_n + size - 1; k++) {
        uint64_t x = k, n = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            n++;
        }
        c_steps += n;
        c_mix ^= n;
        c_mix *= 0x9e3779b9u;
        c_mix ^= c_mix >> 29;
        c_mix += k;
    }
    if (primes != 78498ull * size || c_steps != vm.r[2] || c_mix != vm.r[8]) {
        printf("regvm: wrong result: primes %" PRIu64 ", mix %016" PRIx64 " vs %016" PRIx64 "\n",
               primes, vm.r[8], c_mix);
        return 1;
    }
    printf("regvm: %" PRIu32 " rounds, %" PRIu64 " instructions\n", size, vm.steps);
    printf("primes %" PRIu64 " sorted %016" PRIx64 " collatz %" PRIu64 " %016" PRIx64 "\n",
           primes, sorted, csteps, cmix);
    free(vm.mem);
    return 0;
}
