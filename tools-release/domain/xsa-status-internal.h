/*
 * xsa-status-internal.h: private to the xsa-status-*.c files (and
 * xsa-status.c), which share these; nothing else includes it.  The public
 * interface is xsa-status.h.
 */
#ifndef XS_XSA_STATUS_INTERNAL_H
#define XS_XSA_STATUS_INTERNAL_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "xsa-status.h"

struct lookup;
struct xsa_commits;
struct xsa_patch_ids;

/* --- signed upstream history (xsa-status-upstream.c) ------------------- */

/*
 * A RELEASE tag of a maintained branch whose signature verifies with a key
 * MAINTAINERS pins both for advisories (the security team speaks for the
 * Xen project) and for releases of that branch.  Its history is upstream's:
 * the "This is XSA-N" lines there are the Xen project's own statements.
 * A local release manager's key (pinned for releases only) does not make
 * claims true by signing what it released.
 */
struct trusted_tag {
	char name[128];
	char oid[GIT_MAX_HEXSZ + 1];	/* the tag object */
	char commit[GIT_MAX_HEXSZ + 1];
	char fpr[GPG_FPR_LEN + 1];
};

struct upstream {
	int loaded;
	struct trusted_tag *v;
	size_t nr, alloc;
	char set[65];		/* sha256 of the trusted tag objects: keys cached answers */
	char *why;		/* when there is none: why */
};

struct eval {
	const struct xsa_status_opts *o;
	struct xsa_commits *c;
	const struct xsa_patch_ids *p;
	const struct lookup *l;
	struct upstream up;
};

/* The trusted tag whose history holds commit, or NULL. */
int xsa_status_signed_upstream(struct eval *ev, const char *commit,
			       const struct trusted_tag **tag);
void xsa_status_upstream_release(struct upstream *up);

/* --- cells (xsa-status.c) ---------------------------------------------- */

void xsa_detail(struct xsa_cell *cell, const char *fmt, ...) XS_PRINTF(2, 3);

/* --- rows from the source history (xsa-status-history.c) --------------- */

/*
 * Rows for the XSAs the source history knows and the store does not hold
 * (after the store's rows, by number).
 */
int xsa_status_history_rows(const struct xsa_status_opts *o, struct xsa_matrix *m);

#endif
