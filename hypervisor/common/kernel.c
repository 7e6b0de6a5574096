/* XENVER_* hypercall and the version stamp the tools look for. */
#include <xen/compile.h>
#include <xen/hypercall.h>
#include <public/version.h>

/* "xl info --image" finds the version by searching the image for this. */
const char xen_build_info[] = "XEN_FULLVERSION=" XEN_FULLVERSION;

_Static_assert(sizeof(XEN_EXTRAVERSION) <= sizeof(xen_extraversion_t),
               "XEN_EXTRAVERSION does not fit in xen_extraversion_t");

long do_xen_version(unsigned int cmd, void *arg, unsigned int count)
{
    xen_extraversion_t extraversion;

    (void)count;

    switch ( cmd )
    {
    case XENVER_version:
        return (XEN_VERSION << 16) | XEN_SUBVERSION;

    case XENVER_extraversion:
        memset(extraversion, 0, sizeof(extraversion));
        memcpy(extraversion, XEN_EXTRAVERSION, sizeof(XEN_EXTRAVERSION));
        if ( copy_to_guest(arg, extraversion, sizeof(extraversion)) )
            return -EFAULT;
        return 0;
    }

    return -ENOSYS;
}
