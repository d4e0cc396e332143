/*
 * x86-64 instructions the arch code needs, as inline functions. Private to
 * arch/x86_64: generic code goes through <arch/arch.h>.
 */
#ifndef X86_CPU_H
#define X86_CPU_H

#include <kern/types.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

typedef struct {
    uint32_t eax, ebx, ecx, edx;
} cpuid_t;

static inline cpuid_t cpuid(uint32_t leaf, uint32_t sub)
{
    cpuid_t r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(sub));
    return r;
}

#define DEFINE_CR(n)                                                           \
    static inline uint64_t read_cr##n(void)                                    \
    {                                                                          \
        uint64_t v;                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                      \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline void invlpg(vaddr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

#define MSR_APIC_BASE 0x1b
#define MSR_EFER 0xc0000080
#define EFER_NXE (1u << 11)
#define CR0_WP (1u << 16)
#define CR4_PGE (1u << 7)
#define RFLAGS_IF (1u << 9)

/* Kernel segment selectors (gdt.c). The order suits SYSRET later: user
 * data directly below user code. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x23
#define SEL_UCODE 0x2b
#define SEL_TSS 0x30

/* Interrupt vectors. 0-31 exceptions; the legacy PICs are remapped to
 * 0x20-0x2f (and masked, but a masked PIC can still raise a spurious IRQ
 * 7 or 15); the LAPIC timer and spurious vectors sit above them. */
#define VEC_PIC_BASE 0x20
#define VEC_TIMER 0x40
#define VEC_SPURIOUS 0xff

#endif
