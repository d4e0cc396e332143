/*
 * Time: the TSC for timestamps, the local APIC timer for ticks, both
 * calibrated against the 8254 PIT, whose 1.193182 MHz input is the one
 * clock of known rate every PC has.
 *
 * Calibration gates PIT channel 2 (the speaker channel, whose output can be
 * read back through port 0x61 without an interrupt) for 5 ms and counts
 * TSC cycles and LAPIC timer decrements across that window; the shortest
 * of three runs wins (a run can only be lengthened by an interruption, as
 * under emulation). The 8259 PICs are remapped away from the exception
 * vectors and masked; the LAPIC timer runs periodically at the configured
 * rate on VEC_TIMER.
 */
#include <arch/arch.h>
#include <kern/log.h>

#include "cpu.h"
#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define CALIBRATE_MS 5 /* 5966 PIT ticks: resolution better than 0.02% */

#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3

static uint64_t tsc_start;   /* TSC at kernel entry (boot.S) */
static uint64_t tsc_hz;
static volatile uint32_t *lapic;
static uint64_t lapic_timer_hz; /* after the divide-by-16 */
static unsigned timer_hz;
static volatile uint64_t ticks;

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

/* Starts a CALIBRATE_MS one-shot countdown on PIT channel 2. */
static void pit_ch2_start(void)
{
    uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* speaker off, gate on */
    outb(PIT_CMD, 0xb0);                         /* ch2, lo/hi, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    /* In mode 0 the count starts on the write of its high byte, with the
     * gate high: the window opens here, a few port accesses before t0. */
}

static void pit_ch2_wait(void)
{
    /* Bounded, so a machine without a PIT panics instead of hanging. */
    for (uint64_t spin = 0; spin < 500000000ull; spin++)
        if (inb(PORT_B) & 0x20)
            return;
    kpanic("timer: PIT channel 2 never counted down; no 8254 to calibrate against");
}

void tsc_calibrate(void)
{
    tsc_start = boot_tsc;
    uint64_t best = ~0ull;
    for (int run = 0; run < 3; run++) {
        pit_ch2_start();
        uint64_t t0 = rdtsc();
        pit_ch2_wait();
        uint64_t dt = rdtsc() - t0;
        if (dt < best)
            best = dt;
    }
    tsc_hz = best * (1000 / CALIBRATE_MS);
    if (tsc_hz == 0)
        tsc_hz = 1; /* keep the clock monotonic; the log says what happened */
}

uint64_t arch_tsc_hz(void) { return tsc_hz; }

uint64_t arch_uptime_ns(void)
{
    if (tsc_hz <= 1)
        return 0;
    uint64_t d = rdtsc() - tsc_start;
    /* d * 1e9 / hz without overflowing: split into seconds and rest. */
    return (d / tsc_hz) * 1000000000ull + (d % tsc_hz) * 1000000000ull / tsc_hz;
}

void pic_disable(void)
{
    /* Remap (ICW1-4) so a spurious IRQ cannot look like an exception, then
     * mask every line: the LAPIC and, later, the IOAPIC deliver instead. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, VEC_PIC_BASE);
    outb(0xa1, VEC_PIC_BASE + 8);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static uint64_t lapic_calibrate(void)
{
    uint64_t best = ~0ull;
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    for (int run = 0; run < 3; run++) {
        pit_ch2_start();
        lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
        pit_ch2_wait();
        uint64_t elapsed = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
        if (elapsed < best)
            best = elapsed;
    }
    lapic_write(LAPIC_TIMER_INIT, 0);
    return best * (1000 / CALIBRATE_MS);
}

void arch_timer_init(unsigned hz)
{
    pic_disable();

    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (base & APIC_BASE_X2APIC) {
        /* Firmware left x2APIC on; the kernel drives the xAPIC's MMIO
         * registers. The only legal way back is through disabled. */
        wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE));
        log_info("timer", "firmware left the LAPIC in x2APIC mode; switched to xAPIC");
    }
    wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_X2APIC) | APIC_BASE_ENABLE);
    paddr_t lapic_phys = base & ~0xfffull & (arch_max_phys() - 1);
    lapic = arch_map_mmio(lapic_phys, PAGE_SIZE);
    lapic_write(LAPIC_TPR, 0);
    /* Nothing but the timer may interrupt: firmware may have left LINT0
     * as ExtINT and the others armed. */
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
    lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);

    lapic_timer_hz = lapic_calibrate();
    if (lapic_timer_hz < hz)
        kpanic("timer: LAPIC timer calibrated at %lu Hz, below the %u Hz tick rate", lapic_timer_hz, hz);
    timer_hz = hz;
    lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_timer_hz / hz));
    log_info("timer", "LAPIC at %lx, timer input %lu.%03lu MHz, ticking at %u Hz (PIC masked)",
             lapic_phys, lapic_timer_hz / 1000000, lapic_timer_hz / 1000 % 1000, hz);
}

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* LINT0 as ExtINT (virtual-wire mode): the 8259's requests reach the CPU. */
void lapic_lint0_extint(bool on) { lapic_write(LAPIC_LVT_LINT0, on ? 0x700 : LVT_MASKED); }
void timer_interrupt(void) { ticks++; }

uint64_t arch_timer_ticks(void) { return ticks; }
unsigned arch_timer_hz(void) { return timer_hz; }
uint64_t arch_timer_input_hz(void) { return lapic_timer_hz; }
