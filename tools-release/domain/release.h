/*
 * release.h: cut a signed stable release of one branch, and check one.
 *
 * A release of branch X.Y is, in this order:
 *   1. preflight: every check below, all reported at once; any failure
 *      stops the release before anything changes;
 *   2. two commits made away from any checkout: "update Xen version to
 *      X.Y.Z" (the Makefile's XEN_EXTRAVERSION and, where present, the
 *      CHANGELOG.md entry) and "update Xen version to X.Y.(Z+1)-pre";
 *   3. the build, ABI and boot checks on the release commit;
 *   4. the artifacts, written to DIR/.X.Y.Z.partial, verified, then the
 *      directory renamed to DIR/X.Y.Z;
 *   5. the signed tag RELEASE-X.Y.Z (only now, after the artifacts);
 *   6. the branch moved from where it was to the -pre commit (compare and
 *      swap).
 * A state file in .xenstable/release/ remembers the commits of steps 2-6,
 * so a run that was killed is completed by running the same command again,
 * with the same bytes; a run after success says the release exists.
 * "The same bytes" holds for everything made: the checks' verdicts are
 * recorded without a word about reused builds, and every signature (files,
 * SHA256SUMS.asc, tag) is dated at the release's time (or the signing
 * key's creation when the key is younger), never at the clock's.
 * The preflight checks the output directory too: DIR/X.Y.Z must be free,
 * empty, or this release's own, so nothing occupied is found only after
 * the build, with commits held.
 */
#ifndef XS_RELEASE_H
#define XS_RELEASE_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "preflight.h"
#include "strvec.h"
#include "version.h"

struct branch;
struct branch_set;
struct maintainers;
struct xsa_store;

struct release_opts {
	const char *maint_root;
	const struct git_repo *src;
	const struct branch_set *branches;
	const struct branch *branch;
	const struct maintainers *maint;
	const struct xsa_store *store;
	struct gpg_ctx *gpg;
	const char *key;		/* normalised --key, or NULL to choose */
	int64_t now;			/* time of the commits, tag and files */
	int64_t date;			/* support and embargo decisions */
	const char *out_dir;		/* absolute */
	int jobs;
	unsigned dry_run:1;
	const struct strvec *skip;	/* checks the user skipped */
};

struct release_xsa {
	int number;
	char *cves;			/* "CVE-2026-1, CVE-2026-2" or "" */
	char *title;			/* "" when the store does not know it */
	char *state;			/* "fixed", "claimed", "partial" (release-history.h) */
	struct strvec commits;		/* fixing commits the release brings, full ids */
	char *osv;			/* its OSV record, or NULL */
};

struct release_plan {
	char *version;			/* "4.19.3" */
	char *tag;			/* "RELEASE-4.19.3" */
	char *last_tag;			/* "RELEASE-4.19.2", NULL if none */
	int point;
	int64_t last_time;
	char base[GIT_MAX_HEXSZ + 1];	/* the branch tip before the release */
	struct tree_layout layout;
	struct xen_version cur;		/* the Makefile at base */
	struct strvec commits;		/* "<oid> <subject>", oldest first */
	struct release_xsa *xsas;
	size_t nr_xsas;
	int *applied;			/* XSAs the XSA status has applied on the branch */
	size_t nr_applied;
	char key[GPG_FPR_LEN + 1];
	/* Publishing (xenstable never pushes; it says how):
	 * remote_push names a remote of the source repository to push to;
	 * with push_url set it is a remote to add first ([release] push-url
	 * of the branch's conf, which no remote has yet); NULL when no remote
	 * could be chosen: remotes then lists every remote there is. */
	char *remote_push;
	char *push_url;
	struct strvec remotes;
	struct check_result *checks;
	size_t nr_checks, alloc_checks;
	int64_t time;			/* of the commits, tag and release.json */
	/* The checks as release.json records them: name, status, reason; kept
	 * in the state file so a completed run records what the first run saw. */
	struct strvec recorded;		/* "name\tstatus\treason" */
	int tree_checked;		/* build/abi/boot ran (and are recorded) */
	/* Filled in by release_execute(). */
	char release_commit[GIT_MAX_HEXSZ + 1];
	char pre_commit[GIT_MAX_HEXSZ + 1];
	char *dist;			/* out_dir/X.Y.Z */
	int resumed;			/* an interrupted run was completed */
	int existed;			/* nothing to do: the release exists */
};

void release_plan_init(struct release_plan *p);
void release_plan_release(struct release_plan *p);

/*
 * Preflight: fill p and p->checks.  Returns 0 when every check passed,
 * XS_FAIL (positive) when some did not, <0 when xenstable could not run
 * them.  p->existed is set (and 0 returned) when this release was made
 * already and there is nothing new.
 */
int release_prepare(const struct release_opts *o, struct release_plan *p);
/* Steps 2-6.  Call after release_prepare() returned 0. */
int release_execute(const struct release_opts *o, struct release_plan *p);

/* What "release --due" says about a branch. */
struct release_due {
	const struct branch *b;
	int due;
	char *reason;
	char *last_tag;
	int64_t last_time;
	size_t commits, xsas;
};
int release_due(const struct release_opts *o, struct release_due *d);
void release_due_release(struct release_due *d);

/* The last RELEASE-X.Y.N tag reachable from rev: 0 found, 1 none. */
int release_last_tag(const struct git_repo *src, const struct branch *b, const char *rev,
		     char **tag, int *point, char commit[GIT_MAX_HEXSZ + 1],
		     int64_t *when);

#endif
