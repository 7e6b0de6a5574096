#ifndef __XEN_PUBLIC_VERSION_H__
#define __XEN_PUBLIC_VERSION_H__

/* Returns (major << 16) | minor. */
#define XENVER_version      0

/* Copies the extra version string, NUL-terminated, to a xen_extraversion_t. */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];

#endif /* __XEN_PUBLIC_VERSION_H__ */
