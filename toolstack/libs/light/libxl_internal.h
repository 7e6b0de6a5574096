#ifndef LIBXL_INTERNAL_H
#define LIBXL_INTERNAL_H

#include "libxl.h"

struct libxl__ctx {
    libxl_version_info version;
    libxl_dominfo *domains;         /* Domain-0 first */
    int nr_domains;
};

#endif /* LIBXL_INTERNAL_H */
