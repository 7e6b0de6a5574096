/* printk(): a small formatter writing "(XEN) "-prefixed lines to COM1. */
#include <xen/lib.h>

static int at_line_start = 1;

static void console_putc(char c)
{
    if ( at_line_start )
    {
        const char *p;

        at_line_start = 0;
        for ( p = "(XEN) "; *p; p++ )
            ns16550_putc(*p);
    }

    if ( c == '\n' )
    {
        ns16550_putc('\r');
        at_line_start = 1;
    }
    ns16550_putc(c);
}

static void put_string(const char *s)
{
    while ( *s )
        console_putc(*s++);
}

static void put_number(unsigned int val, unsigned int base, int negative)
{
    char buf[12];
    unsigned int i = 0;

    if ( negative )
        console_putc('-');

    do {
        buf[i++] = "0123456789abcdef"[val % base];
        val /= base;
    } while ( val );

    while ( i )
        console_putc(buf[--i]);
}

/* Supports %s, %c, %d, %u and %x. */
void printk(const char *fmt, ...)
{
    va_list args;
    int val;

    va_start(args, fmt);
    for ( ; *fmt; fmt++ )
    {
        if ( *fmt != '%' )
        {
            console_putc(*fmt);
            continue;
        }

        switch ( *++fmt )
        {
        case 's':
            put_string(va_arg(args, const char *));
            break;
        case 'c':
            console_putc(va_arg(args, int));
            break;
        case 'd':
            val = va_arg(args, int);
            put_number(val < 0 ? -(unsigned int)val : (unsigned int)val,
                       10, val < 0);
            break;
        case 'u':
        case 'x':
            put_number(va_arg(args, unsigned int), *fmt == 'u' ? 10 : 16, 0);
            break;
        case '\0':
            fmt--;
            /* fall through */
        default:
            console_putc('%');
            break;
        }
    }
    va_end(args);
}

void console_init(void)
{
    ns16550_init();

    /* Start on a fresh line: the firmware may have left one unfinished. */
    ns16550_putc('\r');
    ns16550_putc('\n');
}

void console_flush(void)
{
    ns16550_flush();
}
