/*
 * version.h: Xen's version as the hypervisor Makefile states it.
 *
 *	export XEN_VERSION       = 4
 *	export XEN_SUBVERSION    = 19
 *	export XEN_EXTRAVERSION ?= .6$(XEN_VENDORVERSION)
 *
 * The same three lines exist in xen.git's xen/Makefile and in the
 * reference tree's hypervisor/Makefile; tree_layout_detect() tells which
 * tree a revision holds.
 */
#ifndef XS_VERSION_H
#define XS_VERSION_H

#include "compat.h"
#include "strbuf.h"

struct git_repo;

struct xen_version {
	int major, minor;
	char *extra;		/* ".6", ".7-pre", "-rc", "-unstable" */
	int point;		/* 6 for ".6" and ".6-pre"; -1 otherwise */
	int pre;		/* ".6-pre" */
};

void xen_version_release(struct xen_version *v);
/* Read the version from Makefile text; origin names it in errors. */
int version_parse_makefile(const char *text, size_t len, const char *origin,
			   struct xen_version *v);
/* Rewrite the version lines of Makefile text in place. */
int version_set_makefile(struct strbuf *text, const char *origin, int major,
			 int minor, const char *extra);
/* "4.19.6", "4.19.7-pre", "4.23-unstable" (malloc()ed). */
char *xen_version_string(const struct xen_version *v);
/* Split ".6" / ".6-pre" into point and pre; -1 when it is neither. */
int version_parse_extra(const char *extra, int *point, int *pre);

enum tree_kind {
	TREE_XEN,		/* xen.git: xen/, tools/ */
	TREE_REFERENCE,		/* xenstable's reference tree: hypervisor/, toolstack/ */
};

struct tree_layout {
	enum tree_kind kind;
	const char *hypervisor;		/* "xen" or "hypervisor" */
	const char *toolstack;		/* "tools" or "toolstack" */
	const char *makefile;		/* "xen/Makefile" or "hypervisor/Makefile" */
};

/* Which tree is at rev in repo?  XS_INPUT error if neither. */
int tree_layout_detect(const struct git_repo *r, const char *rev, struct tree_layout *l);
/* Read the version of the tree at rev. */
int tree_read_version(const struct git_repo *r, const char *rev,
		      const struct tree_layout *l, struct xen_version *v);

#endif
