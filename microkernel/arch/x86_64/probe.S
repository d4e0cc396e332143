/*
 * Probes: memory accesses that may fault, and survive it.
 *
 * Each faulting instruction is listed in the exception table (.extable,
 * pairs of instruction and fixup address); trap.c resumes a fault there at
 * the fixup, which returns -1 and copies the recorded fault to the caller.
 * The kernel uses these to test its own page protections now, and the same
 * table will carry the checked copies to and from user memory.
 */
    .text

.macro EXTABLE insn, fixup
    .pushsection .extable, "a"
    .balign 8
    .quad \insn
    .quad \fixup
    .popsection
.endm

/* int arch_probe_read8(const volatile void *addr, uint8_t *out_val, arch_fault_t *out_fault) */
    .global arch_probe_read8
arch_probe_read8:
1:  movb (%rdi), %al
    movb %al, (%rsi)
    xorl %eax, %eax
    ret
2:  movq %rdx, %rdi
    jmp probe_report_fault
    EXTABLE 1b, 2b

/* int arch_probe_write8(volatile void *addr, uint8_t val, arch_fault_t *out_fault) */
    .global arch_probe_write8
arch_probe_write8:
1:  movb %sil, (%rdi)
    xorl %eax, %eax
    ret
2:  movq %rdx, %rdi
    jmp probe_report_fault
    EXTABLE 1b, 2b

/* int arch_probe_ud2(arch_fault_t *out_fault): always faults. */
    .global arch_probe_ud2
arch_probe_ud2:
1:  ud2
2:  jmp probe_report_fault
    EXTABLE 1b, 2b

/* int arch_probe_exec(const void *addr, arch_fault_t *out_fault): calls addr,
 * which should hold a ret. An instruction-fetch fault at addr returns here
 * with RAX = -1 (trap.c, try_fixup). */
    .global arch_probe_exec
arch_probe_exec:
    pushq %rbx
    movq %rsi, %rbx
    movq %rdi, probe_exec_active(%rip)
    xorl %eax, %eax
    call *%rdi
    movq $0, probe_exec_active(%rip)
    cmpq $-1, %rax
    je 1f
    xorl %eax, %eax
    popq %rbx
    ret
1:  movq %rbx, %rdi
    call probe_report_fault
    popq %rbx
    ret
