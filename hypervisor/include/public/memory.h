#ifndef __XEN_PUBLIC_MEMORY_H__
#define __XEN_PUBLIC_MEMORY_H__

#include "xen.h"

/* Take the argument as a struct xen_memory_reservation; return the count. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1

struct xen_memory_reservation {
    unsigned int nr_extents;    /* number of single pages */
    domid_t      domid;
};

#endif /* __XEN_PUBLIC_MEMORY_H__ */
