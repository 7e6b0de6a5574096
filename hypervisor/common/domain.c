/* Domains of the reference hypervisor: a fixed array filled at boot. */
#include <xen/sched.h>

static struct domain domain_array[MAX_DOMAINS];
static unsigned int nr_domains;

struct domain *current;

struct domain *domain_create(domid_t domid, unsigned int max_pages,
                             unsigned int max_grant_entries)
{
    struct domain *d;

    if ( nr_domains == MAX_DOMAINS || domid >= DOMID_SELF ||
         max_grant_entries > NR_GRANT_ENTRIES || get_domain_by_id(domid) )
        return NULL;

    d = &domain_array[nr_domains++];
    memset(d, 0, sizeof(*d));
    d->domain_id = domid;
    d->max_pages = max_pages;
    d->max_grant_entries = max_grant_entries;

    return d;
}

struct domain *get_domain_by_id(domid_t domid)
{
    unsigned int i;

    if ( domid == DOMID_SELF )
        return current;

    for ( i = 0; i < nr_domains; i++ )
        if ( domain_array[i].domain_id == domid )
            return &domain_array[i];

    return NULL;
}
