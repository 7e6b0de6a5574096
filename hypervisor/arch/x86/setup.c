/* C entry point: bring up the console, say hello, test hypercalls, stop. */
#include <xen/compile.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <asm/io.h>

#define MULTIBOOT_BOOTLOADER_MAGIC  0x2badb002

/*
 * qemu's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04) makes qemu exit with status (value << 1) | 1.  Without the
 * device the write is ignored and we halt for good.
 */
#define DEBUG_EXIT_PORT 0xf4

static void __attribute__((noreturn)) machine_halt(unsigned int failed)
{
    printk("Reference hypervisor halting.\n");
    console_flush();
    outl(failed ? 1 : 0, DEBUG_EXIT_PORT);

    for ( ;; )
        asm volatile ( "cli; hlt" );
}

void __attribute__((noreturn)) start_xen(uint32_t magic);

void start_xen(uint32_t magic)
{
    console_init();
    printk("Xen version %s (reference tree)\n", XEN_FULLVERSION);

    if ( magic != MULTIBOOT_BOOTLOADER_MAGIC )
        printk("Not started by a multiboot loader (magic 0x%x)\n", magic);

    machine_halt(hypercall_selftest());
}
