/*
 * COM1, the kernel's console: 115200 baud, 8 data bits, no parity, 1 stop
 * bit, FIFOs on, interrupts off (the kernel only writes, polling the
 * transmit-holding-register-empty bit). "\n" goes out as "\r\n".
 *
 * If no UART answers at 0x3f8 (the scratch register does not hold a value),
 * output is dropped rather than spinning forever on a line-status register
 * that never reports ready.
 */
#include <arch/arch.h>

#include "cpu.h"
#include "x86.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_THRE 0x20
#define LCR_DLAB 0x80
#define BAUD_DIVISOR 1 /* 115200 / 115200 */

static bool serial_present;

void serial_init(void)
{
    outb(COM1 + UART_SCR, 0x5a);
    if (inb(COM1 + UART_SCR) != 0x5a)
        return;
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xff);
    outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + UART_LCR, 0x03);   /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xc7);   /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + UART_MCR, 0x03);   /* DTR, RTS */
    serial_present = true;
}

static void serial_putc(char c)
{
    /* Bounded: a UART that never drains must not hang a panic. */
    for (unsigned spin = 0; spin < 1000000; spin++) {
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
        cpu_pause();
    }
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
    if (!serial_present)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}
