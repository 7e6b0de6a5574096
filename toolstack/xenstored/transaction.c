/*
 * Transactions.  The reference daemon only accounts for them: writes are
 * not isolated, but the per-connection quota is enforced.
 */
#include <errno.h>
#include <stdlib.h>

#include "core.h"

struct transaction {
    unsigned int id;
    struct transaction *next;
};

int transaction_start(struct connection *conn, unsigned int *id)
{
    struct transaction *trans;

    if ( conn->transaction_started >= TRANSACTION_QUOTA )
        return ENOSPC;

    trans = calloc(1, sizeof(*trans));
    if ( trans == NULL )
        return ENOMEM;

    /* Transaction id 0 means "no transaction" on the wire. */
    if ( ++conn->next_transaction_id == 0 )
        conn->next_transaction_id = 1;
    trans->id = conn->next_transaction_id;
    trans->next = conn->transactions;
    conn->transactions = trans;
    conn->transaction_started++;

    *id = trans->id;
    return 0;
}

int transaction_end(struct connection *conn, unsigned int id)
{
    struct transaction **pp, *trans;

    for ( pp = &conn->transactions; (trans = *pp) != NULL; pp = &trans->next )
    {
        if ( trans->id != id )
            continue;

        *pp = trans->next;
        free(trans);
        conn->transaction_started--;
        return 0;
    }

    return ENOENT;
}

void conn_delete_all_transactions(struct connection *conn)
{
    struct transaction *trans;

    while ( (trans = conn->transactions) != NULL )
    {
        conn->transactions = trans->next;
        free(trans);
    }
    conn->transaction_started = 0;
}
