#ifndef __ASM_X86_IO_H__
#define __ASM_X86_IO_H__

#include <stdint.h>

static inline void outb(uint8_t value, uint16_t port)
{
    asm volatile ( "outb %0, %1" : : "a" (value), "Nd" (port) );
}

static inline void outl(uint32_t value, uint16_t port)
{
    asm volatile ( "outl %0, %1" : : "a" (value), "Nd" (port) );
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;

    asm volatile ( "inb %1, %0" : "=a" (value) : "Nd" (port) );
    return value;
}

#endif /* __ASM_X86_IO_H__ */
