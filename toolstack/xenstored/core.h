#ifndef XENSTORED_CORE_H
#define XENSTORED_CORE_H

#define XENSTORE_ABS_PATH_MAX   3072
#define XENSTORE_PAYLOAD_MAX    4096

/* Open transactions a connection may hold, like quota-max-transaction. */
#define TRANSACTION_QUOTA       10

struct transaction;

/* A client of the store.  The reference daemon serves one, on stdin. */
struct connection {
    struct transaction *transactions;
    unsigned int transaction_started;   /* entries in transactions */
    unsigned int next_transaction_id;
};

/* transaction.c */
int transaction_start(struct connection *conn, unsigned int *id);
int transaction_end(struct connection *conn, unsigned int id);
void conn_delete_all_transactions(struct connection *conn);

#endif /* XENSTORED_CORE_H */
