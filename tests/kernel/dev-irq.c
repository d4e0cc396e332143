/*
 * dev-irq: an interrupt line held as a capability. The program holds the
 * RTC's line 8 and its ports 0x70-0x71 (boot grants 4 and 5 for dev-*
 * programs), turns on the RTC's periodic interrupt, and waits for it on
 * the IRQ handle: each interrupt wakes the wait with DOGMA_SIG_IRQ, the
 * line stays masked until irq_ack, and an acknowledgement with nothing
 * pending is refused. With the interrupt off again, a wait times out.
 */
#include "dogma_user.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define NMI_OFF 0x80

static uint32_t ports;

static uint8_t rtc_read(uint8_t reg)
{
    OK(DSYS4(DOGMA_SYS_ioport_out, ports, RTC_INDEX, 1, NMI_OFF | reg));
    return (uint8_t)OK(DSYS3(DOGMA_SYS_ioport_in, ports, RTC_DATA, 1));
}

static void rtc_write(uint8_t reg, uint8_t v)
{
    OK(DSYS4(DOGMA_SYS_ioport_out, ports, RTC_INDEX, 1, NMI_OFF | reg));
    OK(DSYS4(DOGMA_SYS_ioport_out, ports, RTC_DATA, 1, v));
}

int test_main(void)
{
    CHECK(t_ngrants() == 6);
    uint32_t irq = t_grant(4);
    ports = t_grant(5);
    CHECK(t_cap_info(irq).kind == DOGMA_CAP_IRQ);
    dogma_cap_info_t info = t_cap_info(ports);
    CHECK(info.kind == DOGMA_CAP_IOPORT && info.object == RTC_INDEX && info.extra == 2);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, ports, 0x72, 1), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, ports, RTC_DATA, 2), BAD_ARG, 1); /* 0x71-0x72 */

    /* Nothing has fired yet. */
    FAILS(DSYS1(DOGMA_SYS_irq_ack, irq), STATE, 0);

    /* Periodic interrupt at 32768 >> (13 - 1) = 8 Hz. */
    rtc_write(0x0a, (uint8_t)((rtc_read(0x0a) & 0xf0) | 0x0d));
    rtc_write(0x0b, (uint8_t)(rtc_read(0x0b) | 0x40));
    dogma_wait_item_t it = {.handle = irq, .want = DOGMA_SIG_IRQ};
    for (int i = 0; i < 3; i++) {
        CHECK(OK(DSYS3(DOGMA_SYS_wait, &it, 1, 2000000000ull)) == 0);
        CHECK(it.got & DOGMA_SIG_IRQ);
        (void)rtc_read(0x0c); /* the RTC's own acknowledgement */
        OK(DSYS1(DOGMA_SYS_irq_ack, irq));
    }
    t_printf("three RTC interrupts arrived through the IRQ capability");

    rtc_write(0x0b, (uint8_t)(rtc_read(0x0b) & ~0x40));
    (void)rtc_read(0x0c);
    dsys_t r = DSYS3(DOGMA_SYS_wait, &it, 1, 300000000ull);
    if (r.r == 0) { /* one may have been on its way: acknowledge it once */
        OK(DSYS1(DOGMA_SYS_irq_ack, irq));
        r = DSYS3(DOGMA_SYS_wait, &it, 1, 300000000ull);
    }
    FAILS(r, TIMED_OUT, 2);
    CHECK(!(it.got & DOGMA_SIG_IRQ));
    t_printf("with the interrupt off, the wait times out");

    /* The irq handle cannot do what other kinds do. */
    FAILS(DSYS2(DOGMA_SYS_notify_signal, irq, 1), WRONG_KIND, 0);
    uint32_t weak = t_dup(irq, DOGMA_R_DUP);
    FAILS(DSYS1(DOGMA_SYS_irq_ack, weak), RIGHTS, 0);
    t_dispose(weak);
    return 0;
}
