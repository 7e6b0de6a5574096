/*
 * embargo.h: embargo decided by content, never by what a message says.
 *
 * Before a public ref moves (xsa apply, bundle apply: any ref outside
 * refs/embargo/) and before a release is tagged, what would be published
 * is checked against every embargoed patch xenstable knows on the date:
 *
 *	the XSA store    every file of every version of an advisory whose
 *	                 public time is still to come
 *	kept bundles     every patch of every bundle recorded in
 *	                 backports/seen.json whose embargo has not ended (or
 *	                 that names an XSA the store still holds embargoed),
 *	                 whatever its role or label says
 *
 * Each patch is cut into hunks.  A hunk is present when
 *
 *	(a) a commit of the new history has a hunk with the same git patch-id
 *	    (line numbers and whitespace do not count): cherry-picks, merges
 *	    of the private ref, reworded or split commits; or
 *	(b) its post-image is in the tree: it reverse-applies there (git apply
 *	    --cached --check -R --ignore-whitespace in a private index holding
 *	    only the files concerned; with one line of context when full
 *	    context does not match) and does not in the reference tree: squash
 *	    merges, "git apply" with a message of one's own, combinations with
 *	    other changes, re-diffed or re-indented copies.
 *
 * One present hunk is enough: partial presence counts.  The reference is
 * what is public already (the branch's last release), so a hunk that was
 * in that tree (a line many files have, a file never there to delete) is
 * not taken for a leak.  Nothing about a finding names a line of the
 * embargoed change: findings say which patch of which XSA or bundle, and
 * how many of its hunks.
 *
 * Cost: the history part reads the diffs of the new commits only, and only
 * for the files an embargoed patch touches (one git log, one git
 * patch-id); the tree part reads those files' blobs once per tree (git
 * ls-tree, git cat-file) and asks git apply only about hunks whose every
 * post-image line is in the file; a private index is made only then.
 *
 * Kept bundles are encrypted as received.  When a bundle under embargo is
 * verified or applied here, its patches are also kept in clear in
 * .xenstable/embargo/<sha256 of the kept file>/ (per machine, never
 * committed, removed when the embargo ends), so that a check does not
 * need the member's secret key; without that copy the kept file is
 * decrypted with the user's keyring, and a bundle that cannot be read
 * stops the command (exit 4): what cannot be checked is not let through.
 */
#ifndef XS_EMBARGO_H
#define XS_EMBARGO_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

struct apply_run;
struct branch;
struct bundle;
struct gpg_ctx;
struct xsa_store;

struct embargo_hunk {
	char *path;			/* the file it changes */
	char *text;			/* a patch of this hunk alone, with its file's header
					 * (lines without whitespace: see embargo.c) */
	char pid[GIT_MAX_HEXSZ + 1];	/* git patch-id --stable of it, "" if none */
	char *pid_text;			/* what patch-id reads (until the set is indexed) */
	uint64_t *lines;		/* its post-image lines, hashed (embargo_line_hash), sorted */
	size_t nr_lines;
	uint64_t *core;			/* what must be in the file as one block, in order
					 * (embargo.c: add_hunk) */
	size_t nr_core;
	uint64_t change;		/* its path and changed lines, whitespace aside (no context) */
	unsigned adds:1;		/* it adds a line that is not blank */
	unsigned removes_file:1;	/* it deletes the file */
	struct embargo_hunk *win;	/* blocks of its added lines, checked on their own */
	size_t nr_win;
};

struct embargo_patch {
	char *source;			/* "XSA-960" or "bundle 1b4e28ba r1" */
	char *about;			/* a bundle's XSAs, "XSA-960, XSA-961"; or NULL */
	int64_t until;			/* when its embargo ends */
	unsigned index, count;		/* patch index (from 1) of count in its source */
	char sha256[65];		/* of the patch file */
	struct embargo_hunk *h;
	size_t nr, alloc;
};

struct embargo_pid {
	const char *pid;
	size_t patch, hunk;
};

struct embargo_set {
	int64_t date;
	struct embargo_patch *v;
	size_t nr, alloc;
	struct strvec paths;		/* every file a hunk changes, sorted, unique */
	struct embargo_pid *byid;	/* every hunk's patch-id, sorted */
	size_t nr_byid;
};

struct embargo_load_opts {
	const char *maint_root;
	const struct xsa_store *store;	/* NULL: read it from maint_root */
	const struct git_repo *src;	/* runs git patch-id */
	struct gpg_ctx *gpg;		/* the user's keyring, to decrypt kept bundles */
	int64_t date;
};

void embargo_set_init(struct embargo_set *es, int64_t date);
/* Every embargoed patch known on o->date (es is initialised here).  Errors are reported. */
int embargo_set_load(struct embargo_set *es, const struct embargo_load_opts *o);
void embargo_set_release(struct embargo_set *es);

struct embargo_check_opts {
	const struct git_repo *src;
	const struct strvec *env;	/* for every git run (a run's quarantine), or NULL */
	const char *reference;		/* what is public already (a commit) */
	const char *tip;		/* what would be published (a commit) */
};

struct embargo_finding {
	const struct embargo_patch *p;
	size_t in_tree;			/* hunks whose post-image is in the tip's tree */
	size_t in_part;			/* ... of which only a block of added lines */
	struct strvec commits;		/* new commits carrying one of its hunks */
};

struct embargo_report {
	struct embargo_finding *v;
	size_t nr, alloc;
	size_t commits_read;		/* new commits whose diffs were read */
	size_t applies;			/* git apply checks made */
};

void embargo_report_release(struct embargo_report *r);
/*
 * Check reference..tip (its commits and its tree).  0 nothing embargoed,
 * 1 something is (rep says what), <0 error.
 */
int embargo_check(const struct embargo_set *es, const struct embargo_check_opts *o,
		  struct embargo_report *rep);
/* "XSA-960 (embargoed until ...) patch 1/2 [sha256 1a2b3c4d5e6f]: ..." for people. */
void embargo_report_describe(const struct embargo_report *r, struct strbuf *out);

/* Is ref a private embargo ref (refs/embargo/...)?  Every other ref is public. */
int embargo_ref_is_private(const char *ref);

/*
 * The reference for a branch about to move from commit from: its last
 * release tag reachable from there, else from itself.
 */
int embargo_reference(const struct git_repo *src, const struct branch *b, const char *from,
		      char out[GIT_MAX_HEXSZ + 1]);

/* An apply_run guard (apply.h) for a run that moves a public ref. */
struct embargo_guard {
	const struct embargo_set *es;	/* NULL: the move is refused (nothing was checked) */
	const struct branch *branch;	/* for the reference, or NULL: the run's base */
	int refused;			/* set when embargoed content was found */
};
int embargo_apply_guard(struct apply_run *r, void *data);

/*
 * Keep a private copy of the patches of b (verified, under embargo) for
 * later checks: .xenstable/embargo/<sha256 of b's file>/NNNN.patch.
 */
int embargo_keep_copy(const char *maint_root, const struct bundle *b);

/* ---- the pieces (exposed for tests and the fuzz target) ---------------- */

/*
 * Add the hunks of one patch file (any text: a mail, a series, a plain
 * diff) to es; a text without a hunk adds nothing.  Returns its hunks.
 * embargo_set_index() then computes the patch-ids (one git patch-id in
 * src) and the indexes a check needs; embargo_set_load() does both.
 */
size_t embargo_set_add(struct embargo_set *es, const char *source, const char *about,
		       int64_t until, unsigned index, unsigned count, const char *text, size_t len);
int embargo_set_index(struct embargo_set *es, const struct git_repo *src);
/*
 * Drop from es every hunk whose change (its path and changed lines,
 * context and whitespace aside) is among the sorted changes given: what a
 * public advisory of the store publishes is not embargoed, whichever
 * embargoed patch or bundle repeats it.  Call before embargo_set_index().
 */
void embargo_set_drop(struct embargo_set *es, const uint64_t *changes, size_t nr);
/* The changes of a patch text's hunks, appended to *v (grown with ALLOC_GROW). */
void embargo_changes(const char *text, size_t len, uint64_t **v, size_t *nr, size_t *alloc);

/* One hunk of a diff text, as embargo_parse_diff() finds it. */
struct embargo_diff_hunk {
	const char *commit;		/* the last "commit <oid>" line's oid, or NULL */
	const char *old_path;		/* NULL for /dev/null */
	const char *new_path;		/* NULL for /dev/null */
	const char *header;		/* the file's header lines, "index" and similarity dropped */
	size_t header_len;
	const char *hunk;		/* the "@@" line and its lines */
	size_t hunk_len;
};
typedef int (*embargo_hunk_fn)(const struct embargo_diff_hunk *h, void *data);
/*
 * Every well-formed hunk of text (a patch mail, a series, git log -p
 * output), in order; text around diffs is skipped, a hunk whose lines do
 * not match its header is dropped.  Stops at fn's first non-zero return.
 */
int embargo_parse_diff(const char *text, size_t len, embargo_hunk_fn fn, void *data);
/* A line with its whitespace removed, hashed; 0 for a blank line. */
uint64_t embargo_line_hash(const char *line, size_t len);

#endif
