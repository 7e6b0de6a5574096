#ifndef __XEN_HYPERCALL_H__
#define __XEN_HYPERCALL_H__

#include <xen/lib.h>

/*
 * Every handler takes a sub-command, a guest pointer to its argument and a
 * count (used by batched operations such as grant table maps).
 */
typedef long hypercall_fn_t(unsigned int cmd, void *arg, unsigned int count);

hypercall_fn_t do_memory_op;
hypercall_fn_t do_xen_version;
hypercall_fn_t do_grant_table_op;
hypercall_fn_t do_event_channel_op;

long hypercall(unsigned int op, unsigned int cmd, void *arg,
               unsigned int count);
unsigned int hypercall_selftest(void);

#endif /* __XEN_HYPERCALL_H__ */
