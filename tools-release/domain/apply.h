/*
 * apply.h: apply patches to a branch safely, away from any checkout.
 *
 * Patches go through git's own machinery into a private index
 * (GIT_INDEX_FILE, git apply --cached, write-tree, commit-tree): no fuzz,
 * no checkout touched, and nothing moves until every patch of the run has
 * applied.  Even the objects the run writes wait in a quarantine
 * directory (<objects>/xenstable-incoming-*, as git's own receive-pack
 * does); apply_finish() moves them into the repository, then moves the
 * ref with a compare-and-swap against the value it had when the run
 * started.  A run that fails or is a dry run leaves no trace.
 *
 * For each patch the run tells apart:
 *	applied    it applied; a commit now carries it
 *	already    the caller knew it was in (message or patch-id), or the
 *	           patch reverse-applies cleanly and does not apply forward:
 *	           it is in already and is left alone, never reverted
 *	conflict   it does not apply: the failing file and hunk, and the
 *	           commits that last touched those lines, are reported
 *	rejected   it is not a safe patch (path outside the tree, binary,
 *	           symlink, not a patch at all)
 *
 * A conflict can be handed to a person: apply_keep_worktree() checks out
 * the run's tip in a detached worktree and applies the patch there as far
 * as it goes; apply_commit_worktree() later commits what the person made
 * with the patch's author and message, and the run goes on from there.
 */
#ifndef XS_APPLY_H
#define XS_APPLY_H

#include "compat.h"
#include "git.h"
#include "hash.h"
#include "strbuf.h"
#include "strvec.h"

enum apply_outcome {
	APPLY_PENDING = 0,
	APPLY_APPLIED,
	APPLY_ALREADY,
	APPLY_CONFLICT,
	APPLY_REJECTED,
	APPLY_SKIPPED,		/* not tried: an earlier patch of the run failed */
};

struct apply_item {
	char *path;		/* the patch file */
	char *name;		/* how people call it: "xsa488-4.20.patch" */
	char *group;		/* what it belongs to: "XSA-488" */
	struct strvec trailers;	/* added to the commit message: "XSA: 488" */
	int known_applied;	/* the caller found it on the branch already */
	char *known_commit;	/* ... in this commit */
	char *message;		/* its commit message, when made beforehand */
	char *author;		/* ... and its author, "Name <mail> 1791371100 +0000" */
};

struct apply_conflict {
	char *file;		/* the file that failed */
	int line;		/* where its hunk starts in the old file */
	char *hunk;		/* the hunk header, "@@ -431,17 +431,23 @@ ..." */
	char *reason;		/* git apply's own words, one line */
	struct strvec blame;	/* "<oid> <subject>" of commits that last touched it */
};

struct apply_result {
	enum apply_outcome outcome;
	char commit[GIT_MAX_HEXSZ + 1];	/* applied: the new commit; already: where */
	char *detail;			/* one line for people */
	struct apply_conflict conflict;
};

struct apply_run;

/*
 * Asked by apply_finish() before the ref moves (in a dry run too), with
 * the run's commits readable through apply_run_env(): 0 lets the ref
 * move; an error (reported by the guard) stops the run, nothing moved.
 */
typedef int (*apply_guard_fn)(struct apply_run *r, void *data);

struct apply_run {
	const struct git_repo *repo;
	char *ref;			/* full ref to move, "refs/heads/stable-4.19" */
	char base[GIT_MAX_HEXSZ + 1];	/* its value when the run started; "" to create */
	char tip[GIT_MAX_HEXSZ + 1];	/* the commit the next patch goes on */
	char start[GIT_MAX_HEXSZ + 1];	/* the tip when apply_all() began */
	struct apply_item *items;
	size_t nr, alloc;
	struct apply_result *res;
	char *index_path;
	struct strvec env;		/* added to every git the run starts */
	char *quarantine;		/* new objects land here until apply_finish() */
	struct strvec qenv;		/* ... through these variables */
	char *committer;		/* "Name <mail> time zone", from git var */
	char *object_format;		/* "sha1" or "sha256" */
	struct strvec unwritten;	/* commits made here, written by git in one go */
	struct strvec unwritten_ids;
	unsigned nr_made;
	unsigned dry_run:1;
	apply_guard_fn guard;		/* NULL: none */
	void *guard_data;
};

/* Start a run on ref (must exist unless create_from is given). */
int apply_run_init(struct apply_run *r, const struct git_repo *repo, const char *ref,
		   const char *create_from);
/*
 * Start a run that goes on from tip, where ref was base when the work
 * began (apply --continue); the ref still has to be base at the end.
 * base "" means the ref is to be created.
 */
int apply_run_resume(struct apply_run *r, const struct git_repo *repo, const char *ref,
		     const char *base, const char *tip);
/* Make the run a dry run: apply_finish() moves nothing, keeps no object. */
int apply_set_dry_run(struct apply_run *r);
void apply_run_release(struct apply_run *r);
/*
 * Remove what runs that were killed half-way left in the repository:
 * quarantine directories and index files.  Call with the repository lock
 * held, before any run of this process starts.
 */
void apply_clean_leftovers(const struct git_repo *repo);
/* Add a patch; the run owns the copies it makes. */
struct apply_item *apply_add(struct apply_run *r, const char *path, const char *name,
			     const char *group);

/*
 * Apply every item in order, stopping at the first conflict or rejection.
 * Returns 0 when all are applied or already in, XS_FAIL (positive) on a
 * conflict, -XS_INPUT for a rejected patch, <0 for other errors.  The ref
 * is not moved; see apply_finish().
 */
int apply_all(struct apply_run *r);
/*
 * Move the ref from base to tip (compare-and-swap), once the run's guard
 * (if any) agreed.  A worktree that has the branch checked out is updated
 * too; it must be clean (checked first with apply_check_worktrees()).  A
 * dry run only asks the guard.
 */
int apply_finish(struct apply_run *r);
/*
 * The environment under which git reads the run's new objects (the
 * quarantine), appended to env.  The commits made so far are written
 * first.
 */
int apply_run_env(struct apply_run *r, struct strvec *env);

/*
 * A private index of one's own, away from any run, holding given contents
 * (which need not be in the repository: their blobs go to a private object
 * directory under <objects>/xenstable-incoming-*, so nothing is added to
 * the repository and apply_clean_leftovers() removes what a killed
 * process left).
 */
struct apply_index_file {
	const char *path;
	unsigned mode;			/* 0100644, 0100755 or 0120000 */
	const char *data;
	size_t len;
};
struct apply_index {
	char *objects;			/* the private object directory */
	char *index;			/* the index file, inside it */
	struct strvec env;		/* how git sees both */
};
int apply_index_make(const struct git_repo *repo, const struct apply_index_file *files, size_t nr,
		     struct apply_index *ix);
void apply_index_release(struct apply_index *ix);

enum apply_check_flags {
	APPLY_CHECK_REVERSE = 1 << 0,	/* does it reverse-apply (is it in)? */
	APPLY_CHECK_IGNORE_WS = 1 << 1,	/* whitespace changes do not count */
	APPLY_CHECK_CONTEXT1 = 1 << 2,	/* one line of context is enough */
};
/*
 * git apply --cached --check of the patch text against the index: 0 it
 * applies, 1 it does not (err gets git's words), <0 git could not run.
 */
int apply_index_check(const struct git_repo *repo, const struct apply_index *ix,
		      const char *patch, size_t len, unsigned flags, struct strbuf *err);
/*
 * Refuse (XS_ENV) when the ref is checked out in a worktree that has
 * changes, is locked (git worktree lock, or a git command holds its
 * index.lock) or is in the middle of a rebase, merge or cherry-pick, or
 * when a rebase elsewhere will rewrite the ref.  The clean checkouts that
 * will follow the ref are added to checked_out.
 */
int apply_check_worktrees(const struct apply_run *r, struct strvec *checked_out);

/*
 * The commit message (the patch's subject and body, with the item's
 * trailers) and the author ("Name <mail> time zone", as git var gives it)
 * for an item, from its patch mail.  apply_all() calls it for items whose
 * message is not set; a caller applying one patch to several branches can
 * make it once.  -XS_INPUT when the patch names no author or subject.
 */
int apply_item_message(const struct git_repo *repo, const struct apply_item *it,
		       struct strbuf *msg, struct strbuf *author);

/* Does patch apply to the run's current tip (used to try other variants)? */
int apply_try(struct apply_run *r, const char *path, struct strbuf *why);
/*
 * Do these patches apply, in order, on top of commit from?  0 yes, 1 no
 * (why gets git's first complaint), <0 error.  The run is not disturbed.
 */
int apply_try_series(struct apply_run *r, const char *from, const char *const *paths,
		     size_t nr, struct strbuf *why);

/*
 * Is the post-image of these patches present in commit's tree: do they
 * reverse-apply cleanly there, last one first, hunk by hunk (git apply
 * --cached -R into a private index, no fuzz)?  0 yes, 1 no (why gets git's
 * first complaint), <0 error.  Nothing in the repository is touched.
 * This is the content evidence of TRUST.md: xsa status, and through it
 * every verdict, uses it; apply_all() tells "in already" by the same test.
 */
int apply_present(const struct git_repo *repo, const char *commit, const char *const *paths,
		  size_t nr, struct strbuf *why);

/* What apply_keep_worktree() left for a person. */
struct apply_kept {
	char *worktree;		/* absolute path */
	char *method;		/* "3way" (conflict markers) or "reject" (.rej files) */
	struct strvec files;	/* files left with conflicts or rejected hunks */
	int clean;		/* the patch applied there without trouble */
};
void apply_kept_release(struct apply_kept *k);

/*
 * Check out the run's tip (detached) in a new worktree at dir and apply
 * item i there as far as it goes: git apply --3way, or when git cannot
 * merge (the patch's preimage blobs are unknown) git apply --reject.
 */
int apply_keep_worktree(struct apply_run *r, size_t i, const char *dir,
			struct apply_kept *kept);
/*
 * Commit what a person made in worktree (everything tracked and new;
 * leftover .rej and .orig files must be gone) on top of the run's tip,
 * with the author and message of the patch it (the item) came from.  Refuses (XS_INPUT) conflict markers, unmerged paths, leftover
 * .rej files and an empty result.  Moves the run's tip to the new commit.
 */
int apply_commit_worktree(struct apply_run *r, const struct apply_item *it,
			  const char *worktree, char oid[GIT_MAX_HEXSZ + 1]);
/* Remove a worktree this module made (git worktree remove --force). */
int apply_remove_worktree(const struct git_repo *repo, const char *dir);

/*
 * Check that a patch is something we are willing to apply: a text diff
 * whose every path stays inside the tree, no binary data, no symlinks, no
 * mode changes to something executable-by-surprise.  -XS_INPUT with
 * "path:line: reason" when not.
 */
int apply_check_patch(const char *origin, const char *text, size_t len);

const char *apply_outcome_name(enum apply_outcome o);

#endif
