/* Polled driver for the 16550 UART on COM1: enough for boot messages. */
#include <xen/lib.h>
#include <asm/io.h>

#define COM1_BASE       0x3f8

#define UART_THR        0       /* transmit holding register */
#define UART_DLL        0       /* divisor latch, low byte (DLAB=1) */
#define UART_IER        1       /* interrupt enable */
#define UART_DLM        1       /* divisor latch, high byte (DLAB=1) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */

#define UART_LCR_DLAB   0x80
#define UART_LCR_8N1    0x03
#define UART_LSR_THRE   0x20    /* room in the transmit FIFO */
#define UART_LSR_TEMT   0x40    /* transmitter completely idle */

void ns16550_init(void)
{
    outb(0x00, COM1_BASE + UART_IER);               /* polled: no IRQs */
    outb(UART_LCR_DLAB, COM1_BASE + UART_LCR);
    outb(0x01, COM1_BASE + UART_DLL);               /* 115200 baud */
    outb(0x00, COM1_BASE + UART_DLM);
    outb(UART_LCR_8N1, COM1_BASE + UART_LCR);
    outb(0x07, COM1_BASE + UART_FCR);               /* enable, clear FIFOs */
    outb(0x03, COM1_BASE + UART_MCR);               /* DTR | RTS */
}

void ns16550_putc(char c)
{
    while ( !(inb(COM1_BASE + UART_LSR) & UART_LSR_THRE) )
        ;
    outb(c, COM1_BASE + UART_THR);
}

/* Wait until every byte has left, so nothing is lost when we stop. */
void ns16550_flush(void)
{
    while ( !(inb(COM1_BASE + UART_LSR) & UART_LSR_TEMT) )
        ;
}
