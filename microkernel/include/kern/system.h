/*
 * The system boot (spec/boot.md, "The system"): with no test= on the
 * command line, the kernel starts verifierd, the trusted loader, from the
 * boot module of that name, as a hardware-isolated process holding LOADER
 * and a read-only view of the initrd. verifierd starts process 1. What
 * process 1 may ask for as device capabilities is decided here.
 */
#ifndef KERN_SYSTEM_H
#define KERN_SYSTEM_H

#include <kern/mb2.h>
#include <kern/types.h>

/* Starts verifierd and runs processes for good. Panics when the boot
 * modules are missing or verifierd cannot start: there is no system
 * without it. quiet: once process 1 runs, only warnings and errors reach
 * the console (the rest stays in the log ring). */
_Noreturn void system_run(const mb2_info_t *boot, bool quiet);

/* Uptime in ns when process 1 started, 0 before. */
uint64_t system_one_started_ns(void);
void system_note_one_started(void);

/* Device capabilities process 1 may not have: the lines and ports the
 * kernel drives itself (the timer, the interrupt controllers), physical
 * memory that is the kernel's RAM (anything but device memory and the
 * boot modules). */
bool system_irq_kept(unsigned line);
bool system_ports_kept(uint16_t first, uint32_t count);
bool system_phys_allowed(uint64_t base, uint64_t size, bool *out_boot_module);

#endif
