#ifndef __XEN_EVENT_H__
#define __XEN_EVENT_H__

#include <xen/sched.h>

/* Every port number must pass this before evtchn_from_port() is used. */
static inline int port_is_valid(const struct domain *d, evtchn_port_t port)
{
    (void)d;
    return port < NR_EVTCHNS;
}

static inline struct evtchn *evtchn_from_port(struct domain *d,
                                              evtchn_port_t port)
{
    return &d->evtchn[port];
}

#endif /* __XEN_EVENT_H__ */
