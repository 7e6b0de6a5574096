#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
#define __XEN_PUBLIC_EVENT_CHANNEL_H__

#include "xen.h"

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_close          3
#define EVTCHNOP_send           4
#define EVTCHNOP_status         5
#define EVTCHNOP_alloc_unbound  6

struct evtchn_alloc_unbound {
    domid_t       dom, remote_dom;  /* IN */
    evtchn_port_t port;             /* OUT */
};

struct evtchn_send {
    evtchn_port_t port;
};

struct evtchn_close {
    evtchn_port_t port;
};

struct evtchn_status {
    evtchn_port_t port;             /* IN: a port of the calling domain */
    uint32_t      status;           /* OUT: EVTCHNSTAT_* */
    domid_t       remote_dom;       /* OUT */
};

#define EVTCHNSTAT_closed   0
#define EVTCHNSTAT_unbound  1

#endif /* __XEN_PUBLIC_EVENT_CHANNEL_H__ */
