/* Multiboot (v1) header and 32-bit entry point of the reference hypervisor. */

#define MULTIBOOT_HEADER_MAGIC  0x1badb002
#define MULTIBOOT_HEADER_FLAGS  0x00000003  /* align modules, want mem info */
#define STACK_SIZE              8192

        .section .text.head, "ax", @progbits
        .code32
        .align  4
multiboot_header:
        .long   MULTIBOOT_HEADER_MAGIC
        .long   MULTIBOOT_HEADER_FLAGS
        .long   -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

        .global start
start:
        /* Flat 32-bit segments, paging off: all we need is a stack. */
        cli
        cld
        mov     $cpu0_stack + STACK_SIZE, %esp
        push    %eax                    /* multiboot magic */
        call    start_xen
1:      cli
        hlt
        jmp     1b

        .section .bss.stack, "aw", @nobits
        .align  16
cpu0_stack:
        .space  STACK_SIZE

        .section .note.GNU-stack, "", @progbits
