/* The hypercall table, its dispatcher and a boot-time self-test. */
#include <xen/compile.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <public/memory.h>
#include <public/version.h>

static hypercall_fn_t *const hypercall_table[NR_hypercalls] = {
    [__HYPERVISOR_memory_op]        = do_memory_op,
    [__HYPERVISOR_xen_version]      = do_xen_version,
    [__HYPERVISOR_grant_table_op]   = do_grant_table_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
};

long hypercall(unsigned int op, unsigned int cmd, void *arg,
               unsigned int count)
{
    if ( op >= ARRAY_SIZE(hypercall_table) || hypercall_table[op] == NULL )
        return -ENOSYS;

    return hypercall_table[op](cmd, arg, count);
}

#define CHECK(cond) do { if ( !(cond) ) failed++; } while ( 0 )

/*
 * Exercise each handler once the way a guest would, as domain 1 talking to
 * domain 0.  Returns the number of failed checks.
 */
unsigned int hypercall_selftest(void)
{
    struct domain *d0 = domain_create(0, 1024, NR_GRANT_ENTRIES);
    struct domain *d1 = domain_create(1, 256, 16);
    struct xen_memory_reservation res = { .nr_extents = 16,
                                          .domid = DOMID_SELF };
    struct gnttab_map_grant_ref map = { .dom = 0, .ref = 3 };
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = 0 };
    struct evtchn_status status;
    xen_extraversion_t extra;
    unsigned int i, used = 0, failed = 0;
    long rc, ver;

    for ( i = 0; i < ARRAY_SIZE(hypercall_table); i++ )
        used += hypercall_table[i] != NULL;
    printk("Hypercall table: %u of %u entries in use\n", used, NR_hypercalls);

    if ( d0 == NULL || d1 == NULL )
        return 1;
    current = d1;

    ver = hypercall(__HYPERVISOR_xen_version, XENVER_version, NULL, 0);
    rc = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, extra, 0);
    CHECK(rc == 0 && ver == ((XEN_VERSION << 16) | XEN_SUBVERSION));
    printk("selftest: xen_version: %d.%d%s\n", (int)(ver >> 16),
           (int)(ver & 0xffff), rc ? "?" : extra);

    rc = hypercall(__HYPERVISOR_memory_op, XENMEM_increase_reservation,
                   &res, 0);
    CHECK(rc == 16 && d1->tot_pages == 16);
    printk("selftest: memory_op: increase_reservation %d, tot_pages %u\n",
           (int)rc, d1->tot_pages);

    /* Domain 0 grants domain 1 access to frame 0x1234 through ref 3. */
    d0->grant_table[3].domid = 1;
    d0->grant_table[3].frame = 0x1234;
    d0->grant_table[3].flags = GTF_permit_access;
    rc = hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
                   &map, 1);
    CHECK(rc == 0 && map.status == GNTST_okay && map.frame == 0x1234);
    printk("selftest: grant_table_op: map ref %u, status %d, frame 0x%x\n",
           map.ref, map.status, map.frame);

    rc = hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                   &alloc, 0);
    status.port = alloc.port;
    if ( rc == 0 )
        rc = hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_status,
                       &status, 0);
    CHECK(rc == 0 && status.status == EVTCHNSTAT_unbound);
    printk("selftest: event_channel_op: port %u, status %u, remote %u\n",
           alloc.port, status.status, status.remote_dom);

    CHECK(hypercall(NR_hypercalls, 0, NULL, 0) == -ENOSYS);

    if ( failed )
        printk("Hypercall self-test FAILED: %u checks\n", failed);
    else
        printk("Hypercall self-test passed\n");

    return failed;
}
