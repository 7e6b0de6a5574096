#ifndef __XEN_LIB_H__
#define __XEN_LIB_H__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *memcpy(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);

void console_init(void);
void console_flush(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void ns16550_init(void);
void ns16550_putc(char c);
void ns16550_flush(void);

/*
 * Guests share the hypervisor's flat address space in the reference tree, so
 * copying from or to a guest is a memcpy; only a NULL handle faults.  Both
 * return the number of bytes not copied, like Xen's.
 */
static inline unsigned long copy_from_guest(void *dest, const void *src,
                                            size_t n)
{
    if ( src == NULL )
        return n;
    memcpy(dest, src, n);
    return 0;
}

static inline unsigned long copy_to_guest(void *dest, const void *src, size_t n)
{
    if ( dest == NULL )
        return n;
    memcpy(dest, src, n);
    return 0;
}

#endif /* __XEN_LIB_H__ */
