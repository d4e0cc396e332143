/*
 * GDT and TSS.
 *
 * Long mode ignores segment bases and limits, so the GDT only names the
 * privilege levels: kernel code and data, user data and 64-bit user code
 * (in the order SYSRET wants), and the TSS. The TSS holds RSP0 (set per
 * process later) and the interrupt stack table: double fault, NMI and
 * machine check each run on a stack of their own, so they work even when
 * the kernel stack is gone (a double fault from overflowing the kernel
 * stack into its guard page is exactly that case).
 */
#include <kern/string.h>

#include "cpu.h"
#include "x86.h"

#define IST_STACK_SIZE 16384

typedef struct PACKED {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} tss_t;

static tss_t tss;
static uint64_t gdt[8];
/* Each IST stack sits above a guard page that arch_paging_init leaves
 * unmapped, so running off one faults instead of corrupting .bss. */
static struct {
    uint8_t guard[PAGE_SIZE];
    uint8_t stack[IST_STACK_SIZE];
} ist_stacks[3] __attribute__((aligned(PAGE_SIZE)));

void gdt_ist_guards(vaddr_t out_guards[3])
{
    for (int i = 0; i < 3; i++)
        out_guards[i] = (vaddr_t)ist_stacks[i].guard;
}

static void gdt_set_tss(int index, const tss_t *t)
{
    uint64_t base = (uint64_t)t;
    uint64_t limit = sizeof(*t) - 1;
    gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                 ((uint64_t)0x89 << 40) | /* present, 64-bit TSS (available) */
                 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[index + 1] = base >> 32;
}

void tss_set_rsp0(uint64_t top) { tss.rsp[0] = top; }

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffff; /* 0x08 kernel code, 64-bit */
    gdt[2] = 0x00cf92000000ffff; /* 0x10 kernel data */
    gdt[3] = 0;                  /* 0x18 reserved (32-bit user code) */
    gdt[4] = 0x00cff2000000ffff; /* 0x20 user data, DPL 3 */
    gdt[5] = 0x00affa000000ffff; /* 0x28 user code, 64-bit, DPL 3 */

    memset(&tss, 0, sizeof tss);
    /* IST slots are 1-based in the IDT, 0-based here. */
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(ist_stacks[0].stack + IST_STACK_SIZE);
    tss.ist[IST_NMI - 1] = (uint64_t)(ist_stacks[1].stack + IST_STACK_SIZE);
    tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)(ist_stacks[2].stack + IST_STACK_SIZE);
    tss.rsp[0] = (uint64_t)kernel_stack_top;
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap */
    gdt_set_tss(6, &tss);        /* 0x30 */

    struct PACKED {
        uint16_t limit;
        uint64_t base;
    } gdtr = {sizeof gdt - 1, (uint64_t)gdt};

    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(gdtr), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
                     : "rax", "memory");
}

