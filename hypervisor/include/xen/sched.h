#ifndef __XEN_SCHED_H__
#define __XEN_SCHED_H__

#include <xen/lib.h>
#include <public/event_channel.h>
#include <public/grant_table.h>

#define MAX_DOMAINS         4
#define NR_GRANT_ENTRIES    32
#define NR_EVTCHNS          64

struct evtchn {
    uint8_t state;              /* EVTCHNSTAT_* */
    uint8_t pending;
    domid_t remote_domid;
};

struct domain {
    domid_t      domain_id;
    unsigned int tot_pages;             /* pages the domain holds */
    unsigned int max_pages;             /* limit on tot_pages */
    unsigned int max_grant_entries;     /* usable part of grant_table[] */

    struct grant_entry_v1 grant_table[NR_GRANT_ENTRIES];
    struct evtchn evtchn[NR_EVTCHNS];
};

/* The domain whose hypercall is being handled. */
extern struct domain *current;

struct domain *domain_create(domid_t domid, unsigned int max_pages,
                             unsigned int max_grant_entries);
struct domain *get_domain_by_id(domid_t domid);

#endif /* __XEN_SCHED_H__ */
