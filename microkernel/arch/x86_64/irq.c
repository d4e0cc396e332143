/*
 * Legacy ISA interrupt lines for the holders of IRQ capabilities, through
 * the 8259 pair in virtual-wire mode (LINT0 as ExtINT). Every line starts
 * masked; a line is unmasked while a process holds it and has acknowledged
 * its last interrupt, and masked again as soon as it fires, so a device
 * cannot storm the kernel while its driver is busy. The IOAPIC replaces
 * this once the kernel reads ACPI's tables.
 */
#include <arch/arch.h>
#include <kern/log.h>

#include "cpu.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIC_READ_ISR 0x0b
#define CASCADE_LINE 2

static uint16_t masked = 0xffff; /* bit per line: 1 masked */

static void write_masks(void)
{
    /* The slave's requests need the cascade line open on the master. */
    uint16_t m = masked;
    if ((m & 0xff00) != 0xff00)
        m &= (uint16_t)~(1u << CASCADE_LINE);
    outb(PIC1_DATA, (uint8_t)m);
    outb(PIC2_DATA, (uint8_t)(m >> 8));
    lapic_lint0_extint(m != 0xffff);
}

bool arch_isa_irq_valid(unsigned line) { return line < 16 && line != CASCADE_LINE; }

void arch_isa_irq_unmask(unsigned line)
{
    KASSERT(arch_isa_irq_valid(line));
    masked &= (uint16_t)~(1u << line);
    write_masks();
}

void arch_isa_irq_mask(unsigned line)
{
    KASSERT(arch_isa_irq_valid(line));
    masked |= (uint16_t)(1u << line);
    write_masks();
}

static uint8_t isr(uint16_t cmd)
{
    outb(cmd, PIC_READ_ISR);
    return inb(cmd);
}

void pic_interrupt(unsigned vector)
{
    unsigned line = vector - VEC_PIC_BASE;
    /* Lines 7 and 15 are also where the 8259 reports a request that went
     * away: not in service means spurious (no EOI to that chip). */
    if (line == 7 && !(isr(PIC1_CMD) & 0x80))
        return;
    if (line == 15 && !(isr(PIC2_CMD) & 0x80)) {
        outb(PIC1_CMD, PIC_EOI); /* the master did see the cascade */
        return;
    }
    masked |= (uint16_t)(1u << line);
    write_masks();
    if (line >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
    kern_irq(line);
}
