/*
 * build.h: build the tree at a revision, away from every checkout.
 *
 * The tree at REF is exported with git archive into a private temporary
 * directory and built there with the environment's version and make
 * variables removed, so the result is what the commit says:
 *
 *	reference tree	make -C hypervisor, make -C toolstack
 *	xen.git		make -C xen; ./configure [build] configure=... and
 *			make -C tools (skipped, with configure's reason, when
 *			the toolstack's build dependencies are absent)
 *
 * Each component keeps its log, result and products under the
 * maintenance repository:
 *
 *	.xenstable/build/<commit>/hypervisor/	build.log result.json xen xen.gz
 *	.xenstable/build/<commit>/toolstack/	build.log result.json lib/ bin/xl
 *						include/ (the public headers)
 *
 * A component directory appears whole (built beside it, then renamed).
 * A component that passed before is reused unless forced.  One build of
 * a commit runs at a time (a lock in its directory).
 */
#ifndef XS_BUILD_H
#define XS_BUILD_H

#include "compat.h"
#include "git.h"
#include "preflight.h"
#include "strvec.h"
#include "version.h"

struct branch;
struct branch_set;

enum build_component {
	BUILD_HYPERVISOR = 1 << 0,
	BUILD_TOOLSTACK = 1 << 1,
};
#define BUILD_ALL (BUILD_HYPERVISOR | BUILD_TOOLSTACK)
#define BUILD_NR_COMPONENTS 2

/* "hypervisor,toolstack" -> mask.  XS_USAGE error naming a bad word. */
int build_parse_components(const char *list, unsigned *mask);
const char *build_component_name(int index);

/* The [build] section of branches/X.Y.conf. */
struct build_config {
	struct strvec configure;	/* ./configure options (xen.git) */
};
void build_config_init(struct build_config *bc);
void build_config_release(struct build_config *bc);
/* Validate and read b's [build] section (unknown keys: XS_INPUT, file:line). */
int build_config_load(struct build_config *bc, const struct branch *b);

struct build_opts {
	const struct git_repo *src;	/* the source repository */
	const char *rev;		/* what to build, as the user named it */
	const char *maint_root;		/* products go below .xenstable/build/ */
	const struct branch_set *branches;	/* for [build]; may be NULL */
	unsigned components;		/* BUILD_* mask; 0 means both */
	int jobs;			/* make -j; 0: CPUs online */
	unsigned keep:1;		/* keep the exported tree (path in tree) */
	unsigned force:1;		/* rebuild even what passed before */
};

struct build_result {
	char commit[GIT_MAX_HEXSZ + 1];
	struct tree_layout layout;
	struct xen_version version;	/* from the tree's Makefile at rev */
	char *version_string;		/* "4.19.3" */
	char *dir;			/* <maint>/.xenstable/build/<commit> */
	char *tree;			/* the kept exported tree (--keep), else NULL */
	/* One per component (index 0 hypervisor, 1 toolstack), name set;
	 * components not asked for stay skipped with a NULL reason. */
	struct check_result part[BUILD_NR_COMPONENTS];
	struct check_result check;	/* the whole build, "build" */
	/* Products, absolute paths (NULL / empty when not built). */
	char *hypervisor_image;		/* the multiboot image, .../hypervisor/xen */
	char *headers_dir;		/* .../toolstack/include */
	struct strvec libraries;	/* .../toolstack/lib/libxenlight.so.4.19.0 */
};

void build_result_init(struct build_result *res);
void build_result_release(struct build_result *res);

/*
 * Build o->rev.  Returns 0 with the verdict in res->check (and per
 * component in res->part), or a negative exit class when the build could
 * not be attempted (unknown revision, not a Xen tree, I/O error).
 */
int build_run(const struct build_opts *o, struct build_result *res);

/*
 * The line of a build log that best explains a failure (the first compiler
 * or linker error, a missing program, make's own complaint), without the
 * build directory prefix.  malloc()ed; never NULL.
 */
char *build_failure_reason(const char *log, size_t len, const char *tree);

#endif
