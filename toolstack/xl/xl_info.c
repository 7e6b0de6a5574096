/* xl info: report the Xen version stamped into a hypervisor image. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "xl.h"

/* By default, the image built next to this xl: ../../hypervisor/xen.gz. */
static const char *default_image(void)
{
    static char path[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if ( len < 0 )
        return "/boot/xen.gz";
    exe[len] = '\0';
    snprintf(path, sizeof(path), "%.*s/../../hypervisor/xen.gz",
             PATH_MAX - 32, dirname(exe));
    return path;
}

static void json_string(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static int print_json(const libxl_version_info *info, const char *image)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;

    if ( g == NULL )
        return 1;

    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_map_open(g);
    json_string(g, "xen_major");
    yajl_gen_integer(g, info->xen_version_major);
    json_string(g, "xen_minor");
    yajl_gen_integer(g, info->xen_version_minor);
    json_string(g, "xen_extra");
    json_string(g, info->xen_version_extra);
    json_string(g, "xen_version");
    json_string(g, info->xen_version);
    json_string(g, "image");
    json_string(g, image);
    yajl_gen_map_close(g);

    yajl_gen_get_buf(g, &buf, &len);
    fwrite(buf, 1, len, stdout);
    yajl_gen_free(g);
    return 0;
}

int main_info(int argc, char **argv)
{
    const char *image = NULL;
    libxl_version_info info;
    int i, json = 0;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--json") || !strcmp(argv[i], "-j") )
            json = 1;
        else if ( !strcmp(argv[i], "--image") && i + 1 < argc )
            image = argv[++i];
        else
            return help("info");
    }
    if ( image == NULL )
        image = default_image();

    if ( libxl_image_version_info(ctx, image, &info) )
    {
        fprintf(stderr, "xl: no Xen version found in %s\n", image);
        return 1;
    }

    if ( json )
        return print_json(&info, image);

    printf("xen_major              : %d\n", info.xen_version_major);
    printf("xen_minor              : %d\n", info.xen_version_minor);
    printf("xen_extra              : %s\n", info.xen_version_extra);
    printf("xen_version            : %s\n", info.xen_version);
    printf("xen_image              : %s\n", image);
    return 0;
}
