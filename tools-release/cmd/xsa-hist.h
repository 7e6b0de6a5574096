/*
 * cmd/xsa-hist.h: what "xsa history", "xsa fixed", "xsa open" and
 * "xsa vulns" share: the maintained branches, MAINTAINERS, the XSA store,
 * the source repository with its verified RELEASE tags, and the history
 * read from it (domain/xsa-history.h).
 */
#ifndef XS_CMD_XSA_HIST_H
#define XS_CMD_XSA_HIST_H

#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/maintainers.h"
#include "../domain/upstream-tags.h"
#include "../domain/xsa-history.h"
#include "../domain/xsa-store.h"
#include "../lib/gpg.h"

struct xh_session {
	struct branch_set bs;
	struct maintainers m;
	struct xsa_store store;
	struct git_repo src;
	struct gpg_ctx g;
	struct strvec pinned;		/* --keyring's keys */
	int keyring;
	struct upstream_tags tags;
	struct xh_opts opts;
	struct xsa_history h;
	char *source;			/* its path, for people */
	int open_parts;
};

/* Open everything; keyring may be NULL.  Says once why tags do not verify. */
int xh_session_open(struct xs_ctx *ctx, struct xh_session *s, const char *keyring);
void xh_session_close(struct xh_session *s);

/*
 * A revision as a commit of the history: a RELEASE tag, "X.Y.Z", a commit
 * id (abbreviated too), "4.17.2+55-g0b56bed864", or anything git rev-parse
 * takes.  Commits outside the maintained branches are read in.  Sets *c
 * and the full id; errors name the revision.
 */
int xh_resolve_rev(struct xh_session *s, const char *rev, uint32_t *c,
		   char oid[GIT_MAX_HEXSZ + 1]);

/* "RELEASE-4.19.1" of line li's tag k. */
const char *xh_tag_name(const struct xsa_history *h, size_t li, int k);

#endif
