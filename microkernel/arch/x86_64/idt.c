/*
 * The IDT: 256 interrupt gates, all to the stubs of isr.S, all DPL 0 (no
 * vector may be raised from user mode with INT n; #BP from user mode will
 * get DPL 3 when user processes exist). Double fault, NMI and machine check
 * run on their own IST stacks (gdt.c).
 */
#include <kern/log.h>

#include "cpu.h"
#include "x86.h"

typedef struct PACKED {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} idt_gate_t;

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

/* isr.S: 256 stubs, 16 bytes apart. */
extern const char isr_stubs[], isr_stubs_end[];
#define ISR_STUB(v) ((uint64_t)(isr_stubs + 16 * (v)))
static idt_gate_t idt[256];

static void idt_set(unsigned vec, uint64_t handler, unsigned ist)
{
    idt[vec] = (idt_gate_t){
        .offset_lo = handler & 0xffff,
        .selector = SEL_KCODE,
        .ist = (uint8_t)ist,
        .type_attr = GATE_INTERRUPT,
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    /* The assembler cannot check the stride for us (relaxation). */
    KASSERT(isr_stubs_end - isr_stubs == 256 * 16);
    for (unsigned v = 0; v < 256; v++)
        idt_set(v, ISR_STUB(v), 0);
    idt_set(2, ISR_STUB(2), IST_NMI);
    idt_set(8, ISR_STUB(8), IST_DOUBLE_FAULT);
    idt_set(18, ISR_STUB(18), IST_MACHINE_CHECK);

    struct PACKED {
        uint16_t limit;
        uint64_t base;
    } idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}
