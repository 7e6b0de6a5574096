/*
 * upstream.h: build the reference upstream repository from its plan.
 *
 * tools-release/upstream/plan lists the steps (init, apply, version,
 * support, branch, tag; see tools-release/upstream/README.md) that turn
 * the reference tree into a git repository shaped like xen.git, with
 * stable-4.16 ... stable-4.22 and RELEASE tags.  Author, committer and
 * every date come from the plan, so the same plan and tree give the same
 * commit ids on any machine.
 */
#ifndef XS_UPSTREAM_H
#define XS_UPSTREAM_H

#include "compat.h"
#include "strvec.h"

struct gpg_ctx;

enum plan_kind {
	PLAN_INIT,
	PLAN_APPLY,
	PLAN_VERSION,
	PLAN_SUPPORT,
	PLAN_BRANCH,
	PLAN_TAG,
	PLAN_BACKPORT,		/* apply, naming master's commit ("master commit:") */
	PLAN_CHERRY_PICK,	/* apply, naming it "(cherry picked from commit ...)" */
	PLAN_REVERT,		/* git revert of a patch applied to the branch */
};

struct plan_step {
	enum plan_kind kind;
	int64_t date;
	struct strvec args;	/* the fields after the date */
	int line;
};

struct plan {
	char *path;
	struct plan_step *v;
	size_t nr, alloc;
};

int plan_parse(struct plan *p, const char *path, const char *text, size_t len);
void plan_release(struct plan *p);

struct upstream_opts {
	const char *maint_root;		/* maintenance repository (the tree) */
	/* When set, the reference tree is read from this plain directory
	 * (hypervisor/, toolstack/, the plan_dir inside it) instead of the
	 * files git tracks in maint_root: the data an installed xenstable
	 * keeps in PREFIX/share/xenstable. */
	const char *data_root;
	const char *plan_dir;		/* holds plan, patches/, top/ */
	const char *dir;		/* repository to create */
	const char *key;		/* sign tags with this key, or NULL */
	struct gpg_ctx *gpg;
};

/* Create opts->dir; it must not exist or be empty. */
int upstream_init(const struct upstream_opts *o);

#endif
