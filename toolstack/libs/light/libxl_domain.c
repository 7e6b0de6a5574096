/* libxl_domain.c: creating and listing domains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "libxl_internal.h"

/* Apply one "key = value" setting of a domain config file. */
static int parse_setting(libxl_dominfo *info, const char *key,
                         const char *value)
{
    unsigned long n;
    char *end;

    if ( !strcmp(key, "name") )
    {
        if ( strlen(value) >= sizeof(info->name) )
            return ERROR_INVAL;
        strcpy(info->name, value);
        return 0;
    }

    /* Keys we do not know are for other tools. */
    if ( strcmp(key, "memory") && strcmp(key, "vcpus") )
        return 0;

    n = strtoul(value, &end, 10);
    if ( end == value || *end )
        return ERROR_INVAL;
    if ( key[0] == 'm' )
        info->max_memkb = (uint64_t)n * 1024;       /* memory is in MiB */
    else
        info->vcpu_online = n;

    return 0;
}

int libxl_domain_create(libxl_ctx *ctx, const char *config_file,
                        libxl_dominfo *info)
{
    char line[256], key[32], value[128];
    libxl_dominfo *domains;
    FILE *f;
    int rc = 0;

    f = fopen(config_file, "r");
    if ( f == NULL )
        return ERROR_FAIL;

    memset(info, 0, sizeof(*info));
    info->max_memkb = 128 * 1024;
    info->vcpu_online = 1;

    /* Blank lines, comments and anything else unparsable are skipped. */
    while ( !rc && fgets(line, sizeof(line), f) )
        if ( sscanf(line, " %31[a-z_] = \"%127[^\"]\"", key, value) == 2 ||
             sscanf(line, " %31[a-z_] = %127s", key, value) == 2 )
            rc = parse_setting(info, key, value);
    fclose(f);

    if ( !rc && info->name[0] == '\0' )
        rc = ERROR_INVAL;
    if ( rc )
        return rc;

    domains = realloc(ctx->domains, (ctx->nr_domains + 1) * sizeof(*domains));
    if ( domains == NULL )
        return ERROR_NOMEM;

    info->domid = domains[ctx->nr_domains - 1].domid + 1;
    uuid_generate(info->uuid);
    info->running = 1;
    domains[ctx->nr_domains++] = *info;
    ctx->domains = domains;

    return 0;
}

libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain)
{
    libxl_dominfo *list = malloc(ctx->nr_domains * sizeof(*list));

    if ( list == NULL )
        return NULL;

    memcpy(list, ctx->domains, ctx->nr_domains * sizeof(*list));
    *nb_domain = ctx->nr_domains;
    return list;
}

void libxl_dominfo_list_free(libxl_dominfo *list, int nb_domain)
{
    (void)nb_domain;
    free(list);
}
