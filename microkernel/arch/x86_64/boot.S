/*
 * The boot stub: from GRUB's 32-bit protected mode to the kernel in long mode.
 *
 * GRUB (multiboot2, BIOS or UEFI) loads the image at its physical addresses
 * and enters _start in 32-bit protected mode, paging off, with the magic in
 * EAX and the physical address of the boot information in EBX. This stub
 * lives in .boot at the load address (1 MiB), linked at its physical
 * address; the rest of the kernel is linked at -2 GiB.
 *
 * It checks that the CPU has long mode and NX (and says so on COM1 if not),
 * builds boot page tables mapping the first 4 GiB three times (identity, at
 * the direct-map base, and the first GiB again at -2 GiB), turns on PAE,
 * EFER.LME, EFER.NXE, paging and CR0.WP, and jumps to kmain in the higher
 * half on the kernel's own stack. kmain replaces these tables with the real
 * global page table once it knows the memory map.
 */
#define KERNEL_BASE 0xffffffff80000000

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* end tag */
    .balign 8
    .short 0
    .short 0
    .long 8
mb2_header_end:

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4  /* 4 GiB of 2 MiB pages */
boot_stack:     .skip 4096
boot_stack_top:

    .section .boot.data, "aw"
    .balign 8
    .global boot_magic, boot_mbi_phys, boot_tsc
boot_magic:     .long 0
boot_mbi_phys:  .long 0
boot_tsc:       .quad 0

boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff  /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff  /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

msg_no_cpuid:   .asciz "dogma: boot: this CPU has no CPUID; Dogma needs an x86-64 CPU\r\n"
msg_no_lm:      .asciz "dogma: boot: this CPU has no long mode; Dogma needs an x86-64 CPU\r\n"
msg_no_nx:      .asciz "dogma: boot: this CPU has no NX bit; Dogma needs it for W^X\r\n"

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    movl %eax, boot_magic
    movl %ebx, boot_mbi_phys
    rdtsc
    movl %eax, boot_tsc
    movl %edx, boot_tsc + 4
    movl $boot_stack_top, %esp

    /* CPUID present: EFLAGS.ID (bit 21) can be toggled. */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $(1 << 21), %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    pushl %ecx
    popfl
    xorl %ecx, %eax
    jz no_cpuid

    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx  /* LM */
    jz no_long_mode
    testl $(1 << 20), %edx  /* NX */
    jz no_nx

    /* Zero the boot tables; the loader zero-fills .bss, but a stub that
     * depends on that for page tables is a stub waiting to break. */
    movl $boot_pml4, %edi
    movl $((boot_stack - boot_pml4) / 4), %ecx
    xorl %eax, %eax
    rep stosl

    /* boot_pd: 2048 entries of 2 MiB: present | write | page size. */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, (%edi, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax          /* high dword: bits 32+ of ecx << 21 */
    movl %eax, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    /* boot_pdpt_low: 4 entries -> the 4 PDs */
    movl $boot_pd + 0x003, %eax
    movl %eax, boot_pdpt_low
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 8
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 16
    addl $4096, %eax
    movl %eax, boot_pdpt_low + 24

    /* boot_pdpt_high[510] -> the first PD: -2 GiB maps physical 0..1 GiB */
    movl $boot_pd + 0x003, %eax
    movl %eax, boot_pdpt_high + 510 * 8

    /* PML4[0] identity, PML4[256] direct map, PML4[511] kernel */
    movl $boot_pdpt_low + 0x003, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $boot_pdpt_high + 0x003, %eax
    movl %eax, boot_pml4 + 511 * 8

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax /* LME | NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax /* PG | WP | PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode_entry

/* Print the NUL-terminated string at %esi on COM1 and halt. COM1 may not be
 * initialised by the firmware; the message may be lost, but the machine
 * stops either way instead of running on into code that would fault. */
boot_fail:
1:  lodsb
    testb %al, %al
    jz 3f
    movb %al, %bl
    movw $0x3fd, %dx
2:  inb %dx, %al
    testb $0x20, %al
    jz 2b
    movw $0x3f8, %dx
    movb %bl, %al
    outb %al, %dx
    jmp 1b
3:  cli
    hlt
    jmp 3b

no_cpuid:
    movl $msg_no_cpuid, %esi
    jmp boot_fail
no_long_mode:
    movl $msg_no_lm, %esi
    jmp boot_fail
no_nx:
    movl $msg_no_nx, %esi
    jmp boot_fail

    .code64
    .cfi_sections .debug_frame
    .type long_mode_entry, @function
long_mode_entry:
    /* The outermost frame: debuggers stop unwinding here. */
    .cfi_startproc
    .cfi_undefined rip
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs

    movabsq $kernel_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_magic, %edi
    movl boot_mbi_phys, %esi
    movabsq $kmain, %rax
    callq *%rax
1:  cli
    hlt
    jmp 1b
    .cfi_endproc
    .size long_mode_entry, . - long_mode_entry
