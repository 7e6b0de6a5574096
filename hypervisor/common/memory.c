/* XENMEM_* hypercall: page accounting only, no real memory behind it. */
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <public/memory.h>

static long increase_reservation(struct domain *d,
                                 const struct xen_memory_reservation *r)
{
    if ( d->tot_pages + r->nr_extents > d->max_pages )
        return -ENOMEM;

    d->tot_pages += r->nr_extents;
    return r->nr_extents;
}

static long decrease_reservation(struct domain *d,
                                 const struct xen_memory_reservation *r)
{
    if ( r->nr_extents > d->tot_pages )
        return -EINVAL;

    d->tot_pages -= r->nr_extents;
    return r->nr_extents;
}

long do_memory_op(unsigned int cmd, void *arg, unsigned int count)
{
    struct xen_memory_reservation reservation;
    struct domain *d;

    (void)count;

    switch ( cmd )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
        if ( copy_from_guest(&reservation, arg, sizeof(reservation)) )
            return -EFAULT;

        /* A domain may only change its own reservation. */
        d = get_domain_by_id(reservation.domid);
        if ( d == NULL )
            return -ESRCH;
        if ( d != current )
            return -EPERM;

        if ( cmd == XENMEM_increase_reservation )
            return increase_reservation(d, &reservation);
        return decrease_reservation(d, &reservation);
    }

    return -ENOSYS;
}
