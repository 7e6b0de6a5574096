/*
 * git.h: a git repository seen through git's plumbing commands.
 *
 * Every call runs the git program with an argv vector, in the C locale, with
 * the caller's GIT_DIR/GIT_WORK_TREE/GIT_INDEX_FILE removed so nothing from
 * the user's environment redirects it (a caller that wants a private index
 * adds GIT_INDEX_FILE itself).  Object ids are handled as hex strings.
 */
#ifndef XS_GIT_H
#define XS_GIT_H

#include "compat.h"
#include "run-command.h"
#include "strbuf.h"
#include "strvec.h"

#define GIT_MAX_HEXSZ 64
#define GIT_NULL_OID "0000000000000000000000000000000000000000"

struct git_repo {
	char *git_dir;		/* absolute */
	char *common_dir;	/* absolute; differs from git_dir in a linked worktree */
	char *worktree;		/* absolute top level, NULL for a bare repository */
	int shallow;
};

/* Open the repository at path; XS_ENV error if it is not one. */
int git_open(struct git_repo *r, const char *path);
void git_close(struct git_repo *r);

/* Prepare c to run git against r (args start with "git" and "--git-dir"...). */
void git_child_init(struct child_process *c, const struct git_repo *r);

/*
 * Run git with the NULL-terminated arguments.  stdout is appended to out
 * (if not NULL).  A non-zero exit is reported with git's own message and
 * gives -XS_ENV; use git_try() when failure is an answer, not an error.
 */
int git_cmd(const struct git_repo *r, struct strbuf *out, ...);
int git_cmdv(const struct git_repo *r, struct strbuf *out, const char *const *argv);
/* Run silently; returns git's exit status (or -XS_ENV); stderr to err if set. */
int git_try(const struct git_repo *r, struct strbuf *out, struct strbuf *err, ...);
int git_tryv(const struct git_repo *r, struct strbuf *out, struct strbuf *err,
	     const char *const *argv);

/*
 * The general form: extra environment (e.g. "GIT_INDEX_FILE=..."), stdin
 * from memory, stdout to out and stderr to err (either may be NULL).
 * Returns git's exit status or -XS_ENV; reports nothing.
 */
int git_run(const struct git_repo *r, const struct strvec *env, const char *in,
	    size_t in_len, struct strbuf *out, struct strbuf *err, const char *const *argv);

/* Resolve a revision to a commit (peeling tags).  0 found, 1 not found. */
int git_resolve_commit(const struct git_repo *r, const char *rev, char oid[GIT_MAX_HEXSZ + 1]);
/* Resolve any object name without peeling.  0 found, 1 not found. */
int git_resolve(const struct git_repo *r, const char *rev, char oid[GIT_MAX_HEXSZ + 1]);
int git_ref_exists(const struct git_repo *r, const char *ref);
/* Compare-and-swap a ref: old NULL means "must not exist yet". */
int git_update_ref(const struct git_repo *r, const char *ref, const char *new_oid,
		   const char *old_oid, const char *msg);
/* Refs matching a for-each-ref pattern, sorted by name. */
int git_list_refs(const struct git_repo *r, const char *pattern, struct strvec *refs);
/* 1 if a is an ancestor of (or equal to) b, 0 if not, <0 on error. */
int git_is_ancestor(const struct git_repo *r, const char *a, const char *b);
int is_oid_hex(const char *s);

/* Parsed commit object. */
struct git_commit {
	char tree[GIT_MAX_HEXSZ + 1];
	struct strvec parents;
	char *author;		/* "Name <mail> 1700000000 +0000" */
	char *committer;
	char *message;		/* everything after the header */
};
void git_commit_init(struct git_commit *c);
void git_commit_release(struct git_commit *c);
int git_commit_parse(struct git_commit *c, const char *buf, size_t len);

/* A long-running "git cat-file --batch" for reading many objects. */
struct git_batch {
	struct child_process c;
	struct strbuf rbuf;	/* bytes read but not consumed */
	int running;
};
int git_batch_start(struct git_batch *b, const struct git_repo *r);
/* 0 found (type and content set), 1 missing, <0 error. */
int git_batch_get(struct git_batch *b, const char *name, struct strbuf *type,
		  struct strbuf *content);
void git_batch_stop(struct git_batch *b);

/* One entry of "git ls-tree -z". */
struct git_tree_entry {
	unsigned mode;
	const char *type;	/* "blob", "tree", "commit" */
	const char *oid;
	const char *path;
};
typedef int (*git_tree_fn)(const struct git_tree_entry *e, void *data);
int git_ls_tree(const struct git_repo *r, const char *treeish, int recursive,
		git_tree_fn fn, void *data);

/* Read a blob at "rev:path" into out.  1 if there is no such file. */
int git_read_blob(const struct git_repo *r, const char *rev, const char *path,
		  struct strbuf *out);

/* Is the worktree clean (no staged or unstaged changes to tracked files)? */
int git_worktree_clean(const struct git_repo *r, const char *worktree);
/* The worktrees that have ref checked out (linked ones included). */
int git_worktrees_with_branch(const struct git_repo *r, const char *ref,
			      struct strvec *paths);

#endif
