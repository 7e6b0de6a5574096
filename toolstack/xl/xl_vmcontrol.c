/* xl create and xl list. */
#include <stdio.h>
#include <uuid/uuid.h>

#include "xl.h"

int main_create(int argc, char **argv)
{
    libxl_dominfo info;
    char uuid[37];

    if ( argc != 2 )
        return help("create");

    if ( libxl_domain_create(ctx, argv[1], &info) )
    {
        fprintf(stderr, "xl: cannot create a domain from %s\n", argv[1]);
        return 1;
    }

    uuid_unparse(info.uuid, uuid);
    printf("Created domain %s (domid %u) with UUID %s\n",
           info.name, info.domid, uuid);
    return 0;
}

int main_list(int argc, char **argv)
{
    libxl_dominfo *list;
    char uuid[37];
    int i, nb;

    (void)argv;
    if ( argc != 1 )
        return help("list");

    list = libxl_list_domain(ctx, &nb);
    if ( list == NULL )
    {
        fprintf(stderr, "xl: cannot list domains\n");
        return 1;
    }

    printf("%-32s %5s %6s %5s %-5s %s\n",
           "Name", "ID", "Mem", "VCPUs", "State", "UUID");
    for ( i = 0; i < nb; i++ )
    {
        uuid_unparse(list[i].uuid, uuid);
        printf("%-32s %5u %6lu %5u %-5s %s\n", list[i].name, list[i].domid,
               (unsigned long)(list[i].max_memkb / 1024),
               list[i].vcpu_online, list[i].running ? "r" : "-", uuid);
    }

    libxl_dominfo_list_free(list, nb);
    return 0;
}
