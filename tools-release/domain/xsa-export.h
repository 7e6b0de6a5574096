/*
 * xsa-export.h: the XSA commits of a branch as a quilt series.
 *
 *	DIR/series
 *	DIR/0001-xen-xsa901-hypervisor-memory-check-the-reservation-4.19.patch
 *	...
 *
 * One file per commit that the XSA status (xsa-status.h) names as the
 * evidence for an XSA on the branch (it holds a stored patch of the XSA by
 * patch-id, or says "This is XSA-N" under a signed upstream release), in
 * branch order.  A commit that only claims an XSA ("This is XSA-N", "XSA:
 * N") is left out and listed as a claim: a packager must not ship it as
 * the fix.  Files are made by git format-patch with options fixed so the
 * bytes depend on the commits alone, not on git's or the user's
 * configuration: no signature line, no diffstat (its layout has changed
 * between git versions), full blob ids, a/ b/ prefixes, no rename
 * detection (any patch(1) applies the result), "[PATCH]" subjects.
 */
#ifndef XS_XSA_EXPORT_H
#define XS_XSA_EXPORT_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

struct branch;
struct xsa_matrix;

struct xsa_export_item {
	char oid[GIT_MAX_HEXSZ + 1];
	int xsa;		/* the lowest XSA the commit claims */
	char *subject;
	char *file;		/* "0001-xen-xsa901-...-4.19.patch" */
};

struct xsa_export {
	char *since;		/* the tag */
	char *ref;
	struct xsa_export_item *v;
	size_t nr, alloc;
	size_t skipped;		/* commits since the tag that are no XSA's evidence */
	struct strvec claims;	/* "<oid> XSA-N (<state> in the XSA status)": claims
				 * that are no evidence */
};

void xsa_export_init(struct xsa_export *x);
void xsa_export_release(struct xsa_export *x);

/* The newest release tag of b (its tag-format) that ref contains; 1 if none. */
int xsa_last_release_tag(const struct git_repo *r, const struct branch *b, const char *ref,
			 char **tag);
/*
 * Collect the XSA commits in since..ref (ref is b's full ref) and name
 * their files; column col of m is the status of b.
 */
int xsa_export_collect(struct xsa_export *x, const struct git_repo *r, const struct branch *b,
		       const char *since, const char *ref, const struct xsa_matrix *m,
		       size_t col);
/*
 * Write the series into dir, which must not exist or be empty; it is made
 * beside it under a temporary name and renamed into place whole.
 */
int xsa_export_write(const struct xsa_export *x, const struct git_repo *r, const char *dir);

/* "NNNN-xen-xsaNNN-description-X.Y.patch" (exposed for tests). */
void xsa_export_name(struct strbuf *out, size_t order, int xsa, const char *subject,
		     const char *branch);

#endif
