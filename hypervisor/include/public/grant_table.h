#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define __XEN_PUBLIC_GRANT_TABLE_H__

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One entry of a domain's grant table, written by the granting guest. */
struct grant_entry_v1 {
    uint16_t flags;             /* GTF_* */
    domid_t  domid;             /* domain allowed to map the frame */
    uint32_t frame;
};

#define GTF_permit_access   (1U << 0)
#define GTF_reading         (1U << 3)

#define GNTTABOP_map_grant_ref  0

struct gnttab_map_grant_ref {
    /* IN */
    domid_t        dom;
    grant_ref_t    ref;
    /* OUT */
    int16_t        status;      /* GNTST_* */
    grant_handle_t handle;
    uint32_t       frame;
};

#define GNTST_okay               0
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-4)
#define GNTST_permission_denied (-8)

#endif /* __XEN_PUBLIC_GRANT_TABLE_H__ */
