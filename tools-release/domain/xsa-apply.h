/*
 * xsa-apply.h: which XSA patches go onto a branch, and applying them.
 *
 * A plan is made from one column of the status matrix (xsa-status.h):
 *
 *	pending      the patches the advisory maps to the branch, in the
 *	             order the advisory lists them (a directory series in
 *	             name order); those the matrix found already are marked
 *	applied      reported as already in, never touched (the matrix has
 *	             evidence: patch-id, post-image or signed upstream history)
 *	claimed      like pending: a commit message saying so is no evidence
 *	embargoed    never applied to a maintained branch; with a private
 *	             target ref (--to) it is applied like a pending one
 *	other states only when named, and only with an explicit variant
 *
 * The plan then runs through domain/apply.h in one private index: every
 * commit keeps the patch's author and message and gets the trailers
 *
 *	XSA: 903
 *	CVE: CVE-2026-99903
 *	XSA-Patch: xsa903-4.19.patch <sha256 of the file>
 *
 * and the target ref moves once, by compare-and-swap, when every patch
 * applied or was found in already.  On a conflict nothing moves; the plan
 * says which other variants of that advisory would apply cleanly where
 * it failed.  With keep_worktree the conflict is left in a detached
 * worktree for a person, and the plan is saved in
 * <common-dir>/xenstable/apply-state.json until xa_continue() or
 * xa_abort().
 */
#ifndef XS_XSA_APPLY_H
#define XS_XSA_APPLY_H

#include "compat.h"
#include "apply.h"
#include "git.h"
#include "json.h"
#include "strbuf.h"
#include "strvec.h"
#include "xsa-status.h"

struct branch;
struct branch_set;
struct embargo_set;
struct xsa_store;
struct xsa_version;

enum xa_outcome {
	XA_PENDING = 0,		/* not run yet */
	XA_APPLIED,		/* applied now (in a dry run: would be) */
	XA_ALREADY,		/* in the branch already; left alone */
	XA_CONFLICT,		/* a patch did not apply; nothing moved */
	XA_REJECTED,		/* a patch is unsafe; nothing moved */
	XA_EMBARGOED,		/* not applied to a maintained branch before its date */
	XA_NOT_TRIED,		/* an earlier XSA of the run failed */
	XA_ADAPTED,		/* applied, one patch adapted by hand (--continue) */
	XA_HELD,		/* applied cleanly in the trial, not kept: a later XSA failed */
};

const char *xa_outcome_name(enum xa_outcome o);

struct xa_patch {
	char *path;			/* in the store */
	char *name;			/* as the advisory lists it */
	char sha256[65];
	char known[GIT_MAX_HEXSZ + 1];	/* commit that holds it already, or "" */
	enum apply_outcome outcome;
	char commit[GIT_MAX_HEXSZ + 1];	/* applied: the new commit; already: where */
	int adapted;			/* committed from a person's worktree */
};

/* A prerequisite its xsaNNN.meta names for the branch (xsa-meta.h). */
struct xa_prereq {
	int xsa;
	int stored;			/* in the store (else state means nothing) */
	enum xsa_state state;		/* on the branch */
};

struct xa_entry {
	int xsa;
	int version;
	enum xsa_state state;		/* in the status matrix */
	char *state_detail;
	struct strvec cves;
	char *variant;			/* the advisory's name or glob for the files */
	int forced;			/* chosen with --variant */
	char stale[GIT_MAX_HEXSZ + 1];	/* an older version's patch is on the branch */
	int stale_version;
	struct xa_patch *p;
	size_t nr, alloc;
	enum xa_outcome outcome;
	char commit[GIT_MAX_HEXSZ + 1];	/* already: where; applied: the last new commit */
	char *detail;			/* one line for people */
	/* conflict or rejection: */
	size_t failed;			/* index into p */
	struct apply_conflict conflict;
	struct strvec clean_variants;	/* other variants that apply where it failed */
	/* what the advisory's xsaNNN.meta says for the branch (xsa-meta.h): */
	char *meta_file;		/* "xsa490.meta", NULL if it has none */
	char made_against[GIT_MAX_HEXSZ + 1];	/* StableRef, "" if none */
	struct xa_prereq *prereqs;
	size_t nr_prereqs;
	struct strvec meta_hints;	/* on a conflict: missing prerequisites, base */
};

struct xa_plan {
	char *branch;			/* "4.19" */
	char *branch_ref;		/* "refs/heads/stable-4.19" */
	char *target;			/* the ref to move: branch_ref or the --to ref */
	int private_target;
	int dry_run;
	int64_t date;
	char base[GIT_MAX_HEXSZ + 1];	/* target before ("" when it is created) */
	char tip[GIT_MAX_HEXSZ + 1];	/* after (or where a dry run would leave it) */
	int moved;
	int embargo_refused;		/* the result would carry embargoed content */
	size_t applied_before;		/* XSAs the matrix shows in the branch already */
	struct strvec checkouts;	/* clean checkouts of the target that followed it */
	struct xa_entry *e;
	size_t nr, alloc;
	/* --keep-worktree */
	char *worktree;
	char *method;			/* "3way" or "reject" */
	struct strvec kept_files;
	int kept_clean;
};

void xa_plan_init(struct xa_plan *p);
void xa_plan_release(struct xa_plan *p);

/* Commit messages made once for a patch that goes to several branches. */
struct xa_msg {
	char *key;		/* the patch's path and trailers */
	char *msg;
	char *author;
};

struct xa_msgs {
	struct xa_msg *v;
	size_t nr, alloc;
};

void xa_msgs_release(struct xa_msgs *m);
/* Make the message of every pending patch of the plans (once each). */
int xa_msgs_prepare(struct xa_msgs *m, const struct git_repo *src, const struct xa_plan *plans,
		    size_t nr);

struct xa_opts {
	const struct xsa_store *store;
	const struct git_repo *src;
	int64_t date;
	const int *numbers;		/* the XSAs named, or NULL: every pending one */
	size_t nr_numbers;
	const char *variant;		/* --variant: needs exactly one number */
	const char *to;			/* --to: a private ref */
	int dry_run;
	int keep_worktree;
	const struct xa_msgs *msgs;	/* messages made beforehand, or NULL */
	/*
	 * A target outside refs/embargo/ moves only if no embargoed content
	 * would be on it (embargo.h); branches give each branch's last release.
	 */
	const struct embargo_set *embargo;
	const struct branch_set *branches;
};

/*
 * Make the plan for branch column bi of matrix m.  Named XSAs that are
 * not in the store, embargoed ones for a maintained branch, ones the
 * advisory maps no patch to (without a variant) and unknown variants are
 * refused with -XS_INPUT before anything runs.
 */
int xa_plan_branch(const struct xa_opts *o, const struct xsa_matrix *m, size_t bi,
		   struct xa_plan *plan);

/*
 * Run the plan.  Returns 0 when everything is applied or in already,
 * XS_FAIL on a conflict, -XS_INPUT for an unsafe patch or when the
 * result would carry embargoed content (plan->embargo_refused; nothing
 * moved), <0 on errors.
 */
int xa_run(const struct xa_opts *o, struct xa_plan *plan);
/*
 * Run several plans (for different targets) at once, one thread each:
 * every git command a run starts is a process of its own, so branches
 * go on in parallel.  rcs[i] gets xa_run()'s result for plans[i].
 */
void xa_run_parallel(const struct xa_opts *o, struct xa_plan *plans, size_t nr, int *rcs);

/* The state file of a run a person is finishing, and its worktree dir. */
char *xa_state_path(const struct git_repo *src);
char *xa_worktree_path(const struct git_repo *src, const char *branch);
/* Is a run waiting for --continue?  1 yes (plan loaded), 0 no, <0 error. */
int xa_state_load(const struct git_repo *src, struct xa_plan *plan);
/* Parse a plan written by xa_plan_json() (origin names it in errors). */
int xa_plan_parse(struct xa_plan *plan, const char *origin, const char *text, size_t len);

/*
 * Commit what the person made in the worktree, apply the rest of the
 * plan and move the target from the original base.  Same results as
 * xa_run(); on a new conflict the worktree is made again for it.
 */
int xa_continue(const struct xa_opts *o, struct xa_plan *plan);
/* Give up: remove the worktree and the state; the branch never moved. */
int xa_abort(const struct git_repo *src, struct xa_plan *plan);

/* The plan as JSON (the report of --json, and the state file). */
void xa_plan_json(const struct xa_plan *p, struct json_writer *w);

#endif
