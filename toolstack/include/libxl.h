/*
 * libxl.h: public interface of libxenlight, the reference toolstack library.
 * Functions return 0 or a negative ERROR_* code.
 */
#ifndef LIBXL_H
#define LIBXL_H

#include <stdint.h>

#define ERROR_FAIL      (-3)
#define ERROR_NOMEM     (-5)
#define ERROR_INVAL     (-6)

typedef struct libxl__ctx libxl_ctx;

typedef uint8_t libxl_uuid[16];

/* A Xen version, split the way XEN_FULLVERSION is put together. */
typedef struct {
    int  xen_version_major;
    int  xen_version_minor;
    char xen_version_extra[32];     /* "-unstable", "-rc", ".3-pre", ... */
    char xen_version[48];           /* e.g. "4.19.3-pre" */
} libxl_version_info;

typedef struct {
    uint32_t   domid;
    libxl_uuid uuid;
    char       name[64];
    uint64_t   max_memkb;
    uint32_t   vcpu_online;
    int        running;
} libxl_dominfo;

int libxl_ctx_alloc(libxl_ctx **pctx);
void libxl_ctx_free(libxl_ctx *ctx);

/* The toolstack's own version; owned by ctx. */
const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx);

/* Read the version stamped into a hypervisor image (xen or xen.gz). */
int libxl_image_version_info(libxl_ctx *ctx, const char *path,
                             libxl_version_info *info);

/*
 * Create a domain from a config file of "key = value" lines (name, memory
 * in MiB, vcpus).  Domains live only as long as ctx.
 */
int libxl_domain_create(libxl_ctx *ctx, const char *config_file,
                        libxl_dominfo *info);

/* A copy of the domain list, to be freed with libxl_dominfo_list_free(). */
libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain);
void libxl_dominfo_list_free(libxl_dominfo *list, int nb_domain);

#endif /* LIBXL_H */
