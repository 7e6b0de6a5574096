/* GNTTABOP_* hypercall: map frames other domains granted to us. */
#include <xen/hypercall.h>
#include <xen/sched.h>

static void map_grant_ref(struct gnttab_map_grant_ref *op)
{
    struct domain *rd = get_domain_by_id(op->dom);
    struct grant_entry_v1 *sha;

    if ( rd == NULL )
    {
        op->status = GNTST_bad_domain;
        return;
    }

    if ( op->ref > rd->max_grant_entries )
    {
        op->status = GNTST_bad_gntref;
        return;
    }

    sha = &rd->grant_table[op->ref];
    if ( !(sha->flags & GTF_permit_access) ||
         sha->domid != current->domain_id )
    {
        op->status = GNTST_permission_denied;
        return;
    }

    sha->flags |= GTF_reading;
    op->frame = sha->frame;
    op->handle = op->ref;
    op->status = GNTST_okay;
}

long do_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    struct gnttab_map_grant_ref map, *guest_map = uop;
    unsigned int i;

    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        /* A batch: each element carries its own status. */
        for ( i = 0; i < count; i++ )
        {
            if ( copy_from_guest(&map, &guest_map[i], sizeof(map)) )
                return -EFAULT;
            map_grant_ref(&map);
            if ( copy_to_guest(&guest_map[i], &map, sizeof(map)) )
                return -EFAULT;
        }
        return 0;
    }

    return -ENOSYS;
}
