/*
 * xsa-status.h: the XSA x branch matrix.
 *
 * For every stored advisory and every maintained branch that exists in
 * the source repository, one state (TRUST.md states the rule):
 *
 *	applied             there is evidence the fix is in the branch:
 *	                    every patch the advisory maps to it is there by
 *	                    content (see below), or a commit saying "This is
 *	                    XSA-N" is held by an upstream RELEASE tag whose
 *	                    signature verifies with a key MAINTAINERS pins for
 *	                    advisories and for releases of that branch
 *	claimed             a commit says it is the fix (message, trailer,
 *	                    subject), with no such evidence; the detail names
 *	                    the commit and why it does not count
 *	pending             a Xen patch maps to the branch and is not in it
 *	not-affected        the advisory maps no patch to the branch (it was
 *	                    security-supported then), its VULNERABLE SYSTEMS
 *	                    section excludes the branch (the detail quotes
 *	                    it), or a maintainer said so
 *	needs-backport      the branch was out of security support when the
 *	                    advisory came, and no patch or bundle exists
 *	embargoed           would be pending, but not public yet on the date
 *	backport-available  a backport bundle covers it (xsa_backport_lookup)
 *	unmapped            the advisory maps a Xen patch to a version that is
 *	                    no maintained branch (a typo, or a branch this
 *	                    repository does not know), and none to this one;
 *	                    or its VULNERABLE SYSTEMS section says this
 *	                    security-supported branch is vulnerable and no
 *	                    patch maps to it: nobody can tell what the branch
 *	                    needs until a maintainer says so with xsa mark
 *	unknown             (history rows only) no fix of this XSA on the
 *	                    branch, and no stored advisory says whether the
 *	                    branch is affected
 *
 * History rows (opts.history): XSAs the source history knows
 * (xsa-history.h) and the store holds no advisory for get a row too, its
 * cells from the history alone: complete with every fixing commit under a
 * verified RELEASE tag = applied (upstream); complete but only claimed =
 * claimed; partial = pending ("partial: N of M fixes"); nothing on the
 * branch (or a fix reverted) = unknown.  A stored advisory always decides
 * its own XSA; rows whose every cell was inherited from master before the
 * shown branches forked are left out.
 *
 * Content evidence for one mapped patch: a commit of the branch has the
 * same git patch-id, or the patch's post-image is at the branch tip (it
 * reverse-applies cleanly there: apply_present() in apply.h, the same
 * test xsa apply uses to leave a patch alone).  For a multi-patch XSA
 * every mapped patch needs its evidence; the whole series reverse-applied
 * last patch first counts for all of them.
 *
 * Where a commit is looked for.  Branch B forked from master at fork(B);
 * the branch before it (X.Y-1) at fork(prev).  B's own commits are
 * fork(B)..B, and master's commits fork(prev)..fork(B) reached B by
 * inheritance, as did master's commits of every older maintained branch
 * window.  When only an older version's patch matches and that patch has
 * changed since, the branch is pending with the stale commit named.
 *
 * Every verdict about an XSA on a branch comes from xsa_status_compute():
 * xsa status and --check, xsa apply, xsa export, the release preflight and
 * the status page all read this matrix.
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
	XSA_CLAIMED,
	XSA_UNMAPPED,
	XSA_UNKNOWN,
};
#define XSA_NR_STATES (XSA_UNKNOWN + 1)

const char *xsa_state_name(enum xsa_state s);
/* The state called name, or -1. */
int xsa_state_from_name(const char *name);
/*
 * Does a cell in this state make xsa status --check (and the release
 * preflight) fail: a public fix that is not shown to be in the branch?
 */
int xsa_state_fails_check(enum xsa_state s);

struct xsa_cell {
	enum xsa_state state;
	char commit[GIT_MAX_HEXSZ + 1];	/* applied: the commit (or ""); claimed: the
					 * claiming one; pending: a stale one */
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
	size_t by_content;		/* patches whose post-image is at the tip */
	int upstream;			/* applied on a signed upstream release's word */
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
	/* The last nr_hist rows come from the source history (no advisory
	 * stored): their records are placeholders owned by the matrix, with
	 * one version 0 that has no files and no advisory text. */
	size_t nr_hist;
	struct xsa_record *hist;
};

/* Is row i a history row (no stored advisory)? */
static inline int xsa_matrix_row_from_history(const struct xsa_matrix *m, size_t i)
{
	return i + m->nr_hist >= m->nr_xsa && i < m->nr_xsa;
}

struct xsa_status_opts {
	const struct xsa_store *store;
	const struct branch_set *branches;	/* every maintained branch */
	const struct strvec *only;		/* these branches, or NULL for all */
	const struct git_repo *src;
	int64_t date;
	int no_cache;				/* neither read nor write caches */
	int history;				/* add history rows (see above) */
};

int xsa_status_compute(const struct xsa_status_opts *o, struct xsa_matrix *m);
void xsa_matrix_release(struct xsa_matrix *m);

static inline struct xsa_cell *xsa_matrix_cell(const struct xsa_matrix *m, size_t xi, size_t bi)
{
	return &m->cells[xi * m->nr_br + bi];
}

/*
 * Does Xen patch f map to a version that is no maintained branch and not
 * older than all of them (RESOLUTION says "Xen 4.99.x")?  1 and what says
 * so (if not NULL), else 0.  Such an XSA is unmapped on every branch no
 * other patch maps to; xsa import warns about it.
 */
struct xsa_file;
int xsa_file_unmapped(const struct branch_set *bs, const struct xsa_file *f,
		      struct strbuf *what);

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
