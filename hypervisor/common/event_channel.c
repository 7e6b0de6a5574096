/* EVTCHNOP_* hypercall: allocate, signal, query and close event channels. */
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/sched.h>

static long evtchn_alloc_unbound(struct evtchn_alloc_unbound *alloc)
{
    struct domain *d = get_domain_by_id(alloc->dom);
    struct evtchn *chn;
    evtchn_port_t port;

    if ( d == NULL || get_domain_by_id(alloc->remote_dom) == NULL )
        return -ESRCH;
    if ( d != current )
        return -EPERM;

    /* Port 0 is never handed out, as in Xen. */
    for ( port = 1; port_is_valid(d, port); port++ )
    {
        chn = evtchn_from_port(d, port);
        if ( chn->state != EVTCHNSTAT_closed )
            continue;

        chn->state = EVTCHNSTAT_unbound;
        chn->remote_domid = alloc->remote_dom;
        alloc->port = port;
        return 0;
    }

    return -ENOSPC;
}

static long evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if ( !port_is_valid(d, port) )
        return -EINVAL;

    chn = evtchn_from_port(d, port);
    if ( chn->state == EVTCHNSTAT_closed )
        return -EINVAL;

    chn->pending = 1;
    return 0;
}

static long evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if ( !port_is_valid(d, port) )
        return -EINVAL;

    chn = evtchn_from_port(d, port);
    chn->state = EVTCHNSTAT_closed;
    chn->pending = 0;
    chn->remote_domid = 0;
    return 0;
}

static long evtchn_status(struct domain *d, struct evtchn_status *status)
{
    struct evtchn *chn;

    chn = evtchn_from_port(d, status->port);
    status->status = chn->state;
    status->remote_dom = chn->remote_domid;
    return 0;
}

long do_event_channel_op(unsigned int cmd, void *arg, unsigned int count)
{
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_send send;
        struct evtchn_close close;
        struct evtchn_status status;
    } op;
    long rc;

    (void)count;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
        if ( copy_from_guest(&op.alloc_unbound, arg, sizeof(op.alloc_unbound)) )
            return -EFAULT;
        rc = evtchn_alloc_unbound(&op.alloc_unbound);
        if ( !rc && copy_to_guest(arg, &op.alloc_unbound,
                                  sizeof(op.alloc_unbound)) )
            rc = -EFAULT;
        return rc;

    case EVTCHNOP_send:
        if ( copy_from_guest(&op.send, arg, sizeof(op.send)) )
            return -EFAULT;
        return evtchn_send(current, op.send.port);

    case EVTCHNOP_close:
        if ( copy_from_guest(&op.close, arg, sizeof(op.close)) )
            return -EFAULT;
        return evtchn_close(current, op.close.port);

    case EVTCHNOP_status:
        if ( copy_from_guest(&op.status, arg, sizeof(op.status)) )
            return -EFAULT;
        rc = evtchn_status(current, &op.status);
        if ( !rc && copy_to_guest(arg, &op.status, sizeof(op.status)) )
            rc = -EFAULT;
        return rc;
    }

    return -ENOSYS;
}
