/*
 * bundle-apply.h: applying a bundle, and making one (bundle-create.c).
 */
#ifndef XS_BUNDLE_APPLY_H
#define XS_BUNDLE_APPLY_H

#include "compat.h"
#include "apply.h"
#include "bundle.h"
#include "build.h"
#include "git.h"
#include "strvec.h"

struct branch;
struct xsa_store;
struct bundle_store;
struct embargo_set;

struct bundle_apply_opts {
	const struct git_repo *src;
	const struct bundle *b;		/* verified */
	const char *ref;		/* full ref to move; created at the base if missing */
	int embargoed;			/* commits carry Embargo-Until: */
	/* A public ref moves only if no embargoed content would be on it (embargo.h). */
	const struct embargo_set *embargo;
	const struct branch *branch;	/* the bundle's branch: its last release is public */
	/*
	 * Asked once the result passed the embargo check, right before the
	 * ref moves (the bundle is kept and recorded there); NULL: nothing.
	 */
	int (*before_move)(void *data);
	void *before_move_data;
	int embargo_refused;		/* out: the embargo check refused the move */
};

/*
 * Apply b's patches in order on ref.  Every commit gets a
 * "Backport-Bundle: <id> revision <n> (<producer>)" trailer and, under
 * embargo, "Embargo-Until: YYYY-MM-DD HH:MM UTC" (for people: the
 * release preflight decides by content, embargo.h).  A ref outside
 * refs/embargo/ moves only if o->embargo finds no embargoed content on
 * the result (-XS_INPUT otherwise).  Returns as apply_all(); run holds
 * the outcome of every patch (release it with apply_run_release()).
 */
int bundle_apply(struct bundle_apply_opts *o, struct apply_run *run);
/* "Embargo-Until: 2026-12-15 12:00 UTC" appended to out. */
void bundle_embargo_trailer(int64_t until, struct strbuf *out);

struct bundle_create_opts {
	const char *maint_root;
	const struct git_repo *src;
	const struct branch *branch;
	const int *xsas;
	size_t nr_xsas;
	const char *commits;		/* "A..B", or NULL */
	const char *patches_dir;	/* or a directory of *.patch */
	const char *base;		/* default: A, or the branch's ref */
	int64_t embargo_until;		/* 0: public */
	const char *key;		/* producer's fingerprint */
	const char *producer;		/* member name, or NULL: from MAINTAINERS */
	const struct strvec *encrypt_to;
	const char *revise;		/* bundle id to revise, or NULL */
	const char *out;		/* output file, or NULL: backports/<branch>/ */
	int build;			/* build the result (when it is a Xen tree) */
	int boot;			/* and boot it */
	int64_t now;
	const struct xsa_store *xsa_store;
	struct bundle_members *members;
	struct gpg_ctx *gpg;		/* the producer's keyring */
	struct bundle_store *store;
};

struct bundle_created {
	char *path;			/* the bundle written */
	char *kept;			/* relative path recorded in seen.json, or NULL */
	struct bundle_manifest m;
	struct apply_run run;		/* the trial application */
	struct build_result build;
	int built_ran;
	struct strvec notes;		/* for people: build skipped, ... */
};
void bundle_created_init(struct bundle_created *c);
void bundle_created_release(struct bundle_created *c);

/*
 * Make a bundle: collect the patches, check that they apply to the base
 * (private index), build (and boot) the result when asked and possible,
 * sign, check the bundle as a receiver would, encrypt to members, write
 * it atomically, record it in seen.json.  Nothing is written unless all
 * of that passed.  XS_FAIL when a patch does not apply or the build
 * fails.
 */
int bundle_create(const struct bundle_create_opts *o, struct bundle_created *res);

#endif
