/* libxl.c: contexts and version information. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "libxl_internal.h"

/* Images are small; anything bigger than this is not one of ours. */
#define IMAGE_MAX       (1 << 20)
#define VERSION_MARKER  "XEN_FULLVERSION="

int libxl_ctx_alloc(libxl_ctx **pctx)
{
    libxl_ctx *ctx = calloc(1, sizeof(*ctx));
    libxl_dominfo *dom0;

    if ( ctx == NULL )
        return ERROR_NOMEM;

    ctx->version.xen_version_major = LIBXL_XEN_MAJOR;
    ctx->version.xen_version_minor = LIBXL_XEN_MINOR;
    snprintf(ctx->version.xen_version_extra,
             sizeof(ctx->version.xen_version_extra), "%s", LIBXL_XEN_EXTRA);
    snprintf(ctx->version.xen_version, sizeof(ctx->version.xen_version),
             "%d.%d%s", LIBXL_XEN_MAJOR, LIBXL_XEN_MINOR, LIBXL_XEN_EXTRA);

    /* Domain-0 always exists; its UUID is all zeroes, as in Xen. */
    ctx->domains = dom0 = calloc(1, sizeof(*dom0));
    if ( dom0 == NULL )
    {
        free(ctx);
        return ERROR_NOMEM;
    }
    strcpy(dom0->name, "Domain-0");
    dom0->max_memkb = 1024 * 1024;
    dom0->vcpu_online = 2;
    dom0->running = 1;
    ctx->nr_domains = 1;

    *pctx = ctx;
    return 0;
}

void libxl_ctx_free(libxl_ctx *ctx)
{
    if ( ctx == NULL )
        return;
    free(ctx->domains);
    free(ctx);
}

const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx)
{
    return &ctx->version;
}

/* Split "4.19.3-pre" into 4, 19 and ".3-pre". */
static int parse_version(const char *s, libxl_version_info *info)
{
    int len;

    memset(info, 0, sizeof(*info));
    if ( sscanf(s, "%d.%d%n", &info->xen_version_major,
                &info->xen_version_minor, &len) != 2 ||
         strlen(s) >= sizeof(info->xen_version) ||
         strlen(s + len) >= sizeof(info->xen_version_extra) )
        return ERROR_INVAL;

    strcpy(info->xen_version, s);
    strcpy(info->xen_version_extra, s + len);
    return 0;
}

int libxl_image_version_info(libxl_ctx *ctx, const char *path,
                             libxl_version_info *info)
{
    const char *marker;
    char *buf;
    gzFile f;
    int len, rc = ERROR_FAIL;

    (void)ctx;

    /* gzread() passes uncompressed files through unchanged. */
    f = gzopen(path, "rb");
    if ( f == NULL )
        return ERROR_FAIL;

    buf = malloc(IMAGE_MAX + 1);
    len = buf ? gzread(f, buf, IMAGE_MAX) : -1;
    gzclose(f);
    if ( len < 0 )
        goto out;

    buf[len] = '\0';
    marker = memmem(buf, len, VERSION_MARKER, strlen(VERSION_MARKER));
    if ( marker != NULL )
        rc = parse_version(marker + strlen(VERSION_MARKER), info);

 out:
    free(buf);
    return rc;
}
