/*
 * xsa-status.h: the XSA x branch matrix.
 *
 * For every stored advisory and every maintained branch that exists in
 * the source repository, one state:
 *
 *	applied             the fix is in the branch (with the commit)
 *	pending             a Xen patch maps to the branch and is not in it
 *	not-affected        the advisory maps no patch to the branch (it was
 *	                    security-supported then), or a maintainer said so
 *	needs-backport      the branch was out of security support when the
 *	                    advisory came, and no patch or bundle exists
 *	embargoed           would be pending, but not public yet on the date
 *	backport-available  a backport bundle covers it (xsa_backport_lookup)
 *
 * Where a commit is looked for.  Branch B forked from master at fork(B);
 * the branch before it (X.Y-1) at fork(prev).  B's own commits are
 * fork(B)..B, and master's commits fork(prev)..fork(B) reached B by
 * inheritance, as did master's commits of every older maintained branch
 * window.  A fix counts when a commit there says "This is XSA-N" (or has
 * an "XSA: N" trailer), or has the same git patch-id as the stored patch
 * (or the same subject and an XSA claim).  When only an older version's
 * patch matches and that patch has changed since, the branch is pending
 * with the stale commit named.
 *
 * xenstable xsa apply (issue 4) uses xsa_status_compute() and the
 * patches each cell lists.
 */
#ifndef XS_XSA_STATUS_H
#define XS_XSA_STATUS_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

struct branch;
struct branch_set;
struct xsa_store;
struct xsa_record;

enum xsa_state {
	XSA_APPLIED,
	XSA_PENDING,
	XSA_NOT_AFFECTED,
	XSA_NEEDS_BACKPORT,
	XSA_EMBARGOED,
	XSA_BACKPORT_AVAILABLE,
};

const char *xsa_state_name(enum xsa_state s);

struct xsa_cell {
	enum xsa_state state;
	char commit[GIT_MAX_HEXSZ + 1];	/* applied: the commit; pending: a stale one */
	char *detail;			/* for people, or NULL */
	int expected;			/* a Xen patch maps to this branch */
	int inherited;			/* ... through xen-unstable, from master */
	int marked;			/* state from "xsa mark" */
	int stale;			/* an older version's patch is applied */
	int stale_version;
	size_t found, total;		/* mapped patches found / mapped */
	struct strvec patches;		/* store paths of the mapped Xen patches */
	struct strvec names;		/* ... their names in the advisory */
	struct strvec found_in;		/* ... the commit holding each, "" if none */
};

struct xsa_status_branch {
	const struct branch *b;
	char tip[GIT_MAX_HEXSZ + 1];
	char fork[GIT_MAX_HEXSZ + 1];	/* merge-base with master, "" if none */
	size_t own, inherited;		/* commits in fork..B, and from master */
};

struct xsa_matrix {
	int64_t date;
	char master[64];		/* the ref used as master, "" if none */
	struct xsa_status_branch *br;
	size_t nr_br;
	const struct xsa_record **xsa;
	size_t nr_xsa;
	struct xsa_cell *cells;		/* nr_xsa rows of nr_br cells */
	size_t commits_scanned, commits_cached;
};

struct xsa_status_opts {
	const struct xsa_store *store;
	const struct branch_set *branches;	/* every maintained branch */
	const struct strvec *only;		/* these branches, or NULL for all */
	const struct git_repo *src;
	int64_t date;
	int no_cache;				/* neither read nor write caches */
};

int xsa_status_compute(const struct xsa_status_opts *o, struct xsa_matrix *m);
void xsa_matrix_release(struct xsa_matrix *m);

static inline struct xsa_cell *xsa_matrix_cell(const struct xsa_matrix *m, size_t xi, size_t bi)
{
	return &m->cells[xi * m->nr_br + bi];
}

/*
 * Hook for backport bundles (predisclosure members' backports for
 * branches out of security support): when a bundle in the maintenance
 * repository covers XSA xsa on branch b, describe it in what and return
 * 1: a bundle kept in backports/<branch>/ and recorded in
 * backports/seen.json as the highest revision of its id
 * (bundle_backport_lookup() in bundle-store.h).
 */
int xsa_backport_lookup(const char *repo_root, int xsa, const struct branch *b,
			struct strbuf *what);

#endif
