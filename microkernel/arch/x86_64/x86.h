/*
 * Declarations shared between the files of arch/x86_64 (private: generic
 * code uses <arch/arch.h>).
 */
#ifndef X86_X86_H
#define X86_X86_H

#include <kern/types.h>

/* The register state the trap entry (isr.S) saves, lowest address first. */
typedef struct {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
} trap_frame_t;

void serial_init(void);
void tsc_calibrate(void);
void gdt_init(void);
void gdt_ist_guards(vaddr_t out_guards[3]);
void tss_set_rsp0(uint64_t top);
void idt_init(void);
void trap_dispatch(trap_frame_t *tf);
void pic_disable(void);
void timer_interrupt(void);
void lapic_eoi(void);
void lapic_lint0_extint(bool on);
/* An 8259 vector (irq.c): true when it was a real request. */
void pic_interrupt(unsigned vector);

/* Interrupt stack table slots (gdt.c), as the IDT numbers them. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

/* Symbols from linker.ld. */
extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __stack_guard[], __stack_bottom[], kernel_stack_top[];

/* From boot.S. */
extern uint32_t boot_magic, boot_mbi_phys;
extern uint64_t boot_tsc;

/* An exception-table entry: a fault at insn resumes at fixup (probe.S). */
typedef struct {
    uint64_t insn;
    uint64_t fixup;
} extable_entry_t;

#endif
