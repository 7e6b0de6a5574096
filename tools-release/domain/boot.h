/*
 * boot.h: boot the built hypervisor and read the version it reports.
 *
 * None of Xen's programs has a --version flag; the one way to know what a
 * build is, is to boot it.  The image is started under qemu's TCG with
 * the serial console written to a file:
 *
 *	qemu-system-x86_64 -accel tcg -kernel xen -nographic
 *	    -serial file:console.log -monitor none -no-reboot -nic none
 *	    (reference tree)  -device isa-debug-exit,iobase=0xf4,iosize=0x04
 *	    (xen.git)         -append console=com1 -m 512
 *
 * and the first "Xen version X.Y.Z" banner on the console must name
 * exactly the expected version.  The reference hypervisor then runs its
 * hypercall self-test and leaves through isa-debug-exit (qemu exits 1 when
 * it passed, 3 when it failed); real Xen panics for want of a dom0 and
 * qemu ends at the reboot.  qemu runs in its own process group, which is
 * killed when the time is up; it is never left running.
 *
 * $XENSTABLE_QEMU names another qemu program (for tests of the timeout).
 */
#ifndef XS_BOOT_H
#define XS_BOOT_H

#include "compat.h"
#include "preflight.h"
#include "strbuf.h"
#include "version.h"

struct git_repo;
struct branch_set;

#define BOOT_DEFAULT_TIMEOUT_S 120

struct boot_opts {
	const char *image;		/* xen (multiboot ELF) or xen.gz */
	enum tree_kind kind;
	const char *expect;		/* the exact version the banner must report */
	long timeout_ms;		/* 0: BOOT_DEFAULT_TIMEOUT_S */
	const char *log_dir;		/* console.log and qemu.log are kept here */
};

/*
 * Boot o->image once.  0 with the verdict in r (the console log in
 * r->logs, the version seen in *seen when not NULL, malloc()ed or NULL),
 * or a negative exit class when qemu could not be run.
 */
int boot_image(const struct boot_opts *o, struct check_result *r, char **seen);

/*
 * The version in the first "Xen version " banner of console text:
 * "(XEN) Xen version 4.19.3 (user@host) (gcc ...)" gives "4.19.3".
 * 1 found (*version malloc()ed), 0 not found.
 */
int boot_find_version(const char *console, size_t len, char **version);

struct boot_check_opts {
	const struct git_repo *src;
	const char *rev;
	const char *maint_root;
	const struct branch_set *branches;	/* for the build; may be NULL */
	const char *expect;		/* NULL: tag_version, else the tree's at rev */
	/* rev is a release tag naming this version (boot_tag_version()): the
	 * tree's Makefile must say the same, and the console too. */
	const char *tag_version;
	long timeout_ms;
	int jobs;
	unsigned force_build:1;
	/* When set, receives the build's verdict (initialised by the caller). */
	struct check_result *build;
};

/*
 * Build the hypervisor at rev (reusing an earlier build that passed) and
 * boot it; the console is kept in .xenstable/build/<commit>/boot/.
 * Returns as boot_image(); a failed build is a failed check.  r's duration
 * is the boot's alone; the build's is in o->build.
 */
int boot_check_run(const struct boot_check_opts *o, struct check_result *r);

/*
 * The version a release tag names, when ref is one ("RELEASE-4.19.8",
 * "tags/RELEASE-4.19.8" or "refs/tags/RELEASE-4.19.8" with that tag in
 * src, by the tag-format of the branches): malloc()ed, else NULL.  A
 * release tag's version is what its tree must be, whatever its Makefile
 * says.
 */
char *boot_tag_version(const struct git_repo *src, const struct branch_set *bs,
		       const char *ref);

#endif
