/* Unit tests for the boot module: finding the version banner on a serial
 * console, and the refusals that need no qemu. */
#include "unit.h"
#include "boot.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

TEST(banner)
{
	const char *ref = "\033c\033[?7lSeaBIOS (version 1.16.2)\nBooting from ROM..\n"
			  "(XEN) Xen version 4.19.3-pre (reference tree)\n"
			  "(XEN) selftest: xen_version: 4.19.3-pre\n";
	const char *real = "(XEN) Xen version 4.19.6 (@) (gcc (Debian 12.2.0-14) 12.2.0) "
			   "debug=n Sat Nov 21 21:49:02 UTC 2026\r\n"
			   "(XEN) Latest ChangeSet: \r\n";
	const char *two = "Xen version 4.19.2\nXen version 4.19.3\n";
	char *v;

	CHECK_INT(boot_find_version(ref, strlen(ref), &v), 1);
	CHECK_STR(v, "4.19.3-pre");
	free(v);
	CHECK_INT(boot_find_version(real, strlen(real), &v), 1);
	CHECK_STR(v, "4.19.6");
	free(v);
	/* The first banner is the one that counts. */
	CHECK_INT(boot_find_version(two, strlen(two), &v), 1);
	CHECK_STR(v, "4.19.2");
	free(v);
	/* "xen_version:" of the self-test is not a banner; nor is a bare mark. */
	CHECK_INT(boot_find_version("(XEN) selftest: xen_version: 4.19.2\nXen version \n", 49, &v), 0);
	CHECK(v == NULL);
	CHECK_INT(boot_find_version("", 0, &v), 0);
}

TEST(no_image)
{
	char *dir = make_temp_dir("unit-boot");
	char *img = path_join(dir, "xen");
	struct boot_opts o;
	struct check_result r;

	memset(&o, 0, sizeof(o));
	o.image = img;
	o.kind = TREE_REFERENCE;
	o.expect = "4.19.3";
	o.log_dir = dir;
	check_result_init(&r, "boot");
	CHECK_INT(boot_image(&o, &r, NULL), -XS_INPUT);
	CHECK_INT(r.status, CHECK_ERROR);
	CHECK(r.reason && strstr(r.reason, "no hypervisor image"));
	check_result_release(&r);
	/* A file that claims gzip but is not: an input error, no qemu started. */
	CHECK_INT(write_file_atomic(img, "\037\213junk", 6, 0644), 0);
	check_result_init(&r, "boot");
	CHECK_INT(boot_image(&o, &r, NULL), -XS_INPUT);
	check_result_release(&r);
	remove_tree(dir);
	free(img);
	free(dir);
}

int main(void)
{
	xs_quiet = 1;
	RUN(banner);
	RUN(no_image);
	return unit_done();
}
