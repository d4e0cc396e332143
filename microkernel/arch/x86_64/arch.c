/*
 * Bring-up order and the few whole-machine operations: interrupts on and
 * off, waiting, and stopping the machine (through QEMU's isa-debug-exit
 * device under a test, with a halt otherwise).
 */
#include <arch/arch.h>
#include <kern/log.h>

#include "cpu.h"
#include "x86.h"

/* isa-debug-exit at iobase 0xf4: QEMU exits with (value << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10 /* exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* exit status 35 */

static bool test_mode;

void arch_early_init(void)
{
    serial_init();
    tsc_calibrate();
}

void arch_cpu_init(void)
{
    gdt_init();
    idt_init();
    arch_user_init();
}

void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
void arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

void arch_set_test_mode(bool on) { test_mode = on; }

void arch_stop(arch_stop_t how)
{
    arch_irq_disable();
    if (test_mode)
        outl(DEBUG_EXIT_PORT, how == ARCH_STOP_PASS ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_reset(void)
{
    arch_irq_disable();
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        cpu_pause(); /* the 8042's input buffer must be empty */
    outb(0x64, 0xfe);     /* pulse the reset line */
    outb(0xcf9, 0x06);    /* PCI reset control: hard reset */
    arch_triple_fault();
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_breakpoint(void) { __asm__ volatile("int3"); }
void arch_cpu_relax(void) { cpu_pause(); }

void arch_triple_fault(void)
{
    static const struct PACKED {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; ud2" ::"m"(empty));
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint32_t arch_port_in(uint16_t port, unsigned width)
{
    uint32_t v = 0;
    if (width == 1)
        v = inb(port);
    else if (width == 2)
        __asm__ volatile("inw %1, %w0" : "=a"(v) : "Nd"(port));
    else
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void arch_port_out(uint16_t port, unsigned width, uint32_t value)
{
    if (width == 1)
        outb(port, (uint8_t)value);
    else if (width == 2)
        outw(port, (uint16_t)value);
    else
        outl(port, value);
}
