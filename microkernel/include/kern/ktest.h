/*
 * In-kernel test scenarios, chosen with test=NAME on the kernel command
 * line. Each runs on the fully booted kernel and ends the run through
 * arch_stop: PASS when every check held, FAIL (with the failed check
 * logged) otherwise. tests/qemu/ runs each under BIOS and UEFI.
 */
#ifndef KERN_KTEST_H
#define KERN_KTEST_H

#include <kern/mb2.h>

/* Runs the named scenario; never returns. An unknown name panics with the
 * list of known ones. */
_Noreturn void ktest_run(const char *name, const mb2_info_t *boot);
/* test=user:NAME (kern/ktest_user.c): true when tests/NAME passed and
 * left nothing behind. */
bool ktest_user_run(const char *name, const mb2_info_t *boot);

#endif
