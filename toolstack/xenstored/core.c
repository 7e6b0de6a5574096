/*
 * xenstored: a tiny key/value store.  One request per line on stdin:
 *   read PATH | write PATH VALUE | transaction_start | transaction_end ID |
 *   reset
 * Each answer is one line: a value, a transaction id, "OK" or an error name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct node {
    char *name;
    char *value;
    struct node *next;
};

static struct node *nodes;

static struct node *find_node(const char *name)
{
    struct node *node;

    for ( node = nodes; node != NULL; node = node->next )
        if ( !strcmp(node->name, name) )
            return node;

    return NULL;
}

static int write_node(const char *name, const char *value)
{
    struct node *node = find_node(name);
    char *copy = strdup(value);

    if ( copy == NULL )
        return ENOMEM;

    if ( node == NULL )
    {
        node = calloc(1, sizeof(*node));
        if ( node == NULL || (node->name = strdup(name)) == NULL )
        {
            free(node);
            free(copy);
            return ENOMEM;
        }
        node->next = nodes;
        nodes = node;
    }

    free(node->value);
    node->value = copy;
    return 0;
}

static const char *error_name(int err)
{
    return err == EINVAL ? "EINVAL" : err == ENOENT ? "ENOENT" :
           err == ENOMEM ? "ENOMEM" : err == ENOSPC ? "EQUOTA" : "EIO";
}

/* Handle one request; returns 0 once answered, or an errno value. */
static int handle_request(struct connection *conn, char *line)
{
    char *cmd = strtok(line, " \n"), *arg = strtok(NULL, " \n");
    char *value = strtok(NULL, "\n");
    char path[XENSTORE_ABS_PATH_MAX + 1];
    struct node *node;
    unsigned int id;
    int rc;

    if ( cmd == NULL )
        return 0;

    if ( !strcmp(cmd, "transaction_start") )
    {
        rc = transaction_start(conn, &id);
        if ( !rc )
            printf("%u\n", id);
        return rc;
    }
    if ( !strcmp(cmd, "reset") )
    {
        conn_delete_all_transactions(conn);
        rc = 0;
    }
    else if ( arg == NULL )
        rc = EINVAL;
    else if ( !strcmp(cmd, "transaction_end") )
        rc = transaction_end(conn, strtoul(arg, NULL, 10));
    else
    {
        strcpy(path, arg);

        if ( !strcmp(cmd, "read") )
        {
            node = find_node(path);
            if ( node == NULL )
                return ENOENT;
            printf("%s\n", node->value);
            return 0;
        }
        if ( strcmp(cmd, "write") )
            return EINVAL;
        rc = value ? write_node(path, value) : EINVAL;
    }

    if ( !rc )
        printf("OK\n");
    return rc;
}

int main(void)
{
    static char line[XENSTORE_PAYLOAD_MAX + 64];
    static struct connection conn;
    int rc;

    while ( fgets(line, sizeof(line), stdin) != NULL )
    {
        rc = handle_request(&conn, line);
        if ( rc )
            printf("%s\n", error_name(rc));
        fflush(stdout);
    }

    conn_delete_all_transactions(&conn);
    return 0;
}
