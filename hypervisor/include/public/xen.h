/* Guest-visible ABI of the reference hypervisor: a small subset of Xen's. */
#ifndef __XEN_PUBLIC_XEN_H__
#define __XEN_PUBLIC_XEN_H__

#include <stdint.h>

#define __HYPERVISOR_memory_op          12
#define __HYPERVISOR_xen_version        17
#define __HYPERVISOR_grant_table_op     20
#define __HYPERVISOR_event_channel_op   32
#define NR_hypercalls                   64

typedef uint16_t domid_t;

#define DOMID_SELF  0x7ff0U

#endif /* __XEN_PUBLIC_XEN_H__ */
