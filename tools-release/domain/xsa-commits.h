/*
 * xsa-commits.h: what the status matrix needs to know about commits and
 * patches, computed once and cached in the source repository's git
 * common dir (<common-dir>/xenstable/):
 *
 *	xsa-commits.v1    per commit: its patch-id (git patch-id --stable) and
 *	                  the XSAs its message claims ("This is XSA-N",
 *	                  "XSA: N"), with the subject of those that claim one;
 *	                  merge-bases; and which branches held each commit for
 *	                  the last set of branch tips (so an unchanged
 *	                  repository needs no history walk at all)
 *	xsa-patches.v1    per stored patch (by sha256): the patch-id of each
 *	                  patch in it and its subject
 *
 * Both are keyed by content (commit id, sha256), so they never go stale;
 * they are rewritten atomically when something was added.
 *
 * Patches without a "diff --git" header (plain ---/+++, as some XSA
 * patches are) get one before hashing, so git patch-id can see them.
 */
#ifndef XS_XSA_COMMITS_H
#define XS_XSA_COMMITS_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

#define XSA_NO_PATCH_ID ""

struct xsa_commit {
	char oid[GIT_MAX_HEXSZ + 1];
	char pid[GIT_MAX_HEXSZ + 1];	/* "" when the commit has no diff */
	int *xsas;			/* XSAs it claims, sorted */
	unsigned nr_xsas;
	char *subject;			/* only for commits that claim an XSA */
	uint64_t mask;			/* status: branches whose history holds it */
	unsigned known:1;		/* pid/xsas computed */
};

/* A table keyed by hex strings (commit ids, sha256) into an array. */
struct hexmap {
	size_t *slot;	/* index + 1, 0 empty */
	size_t cap, nr;
};

/* A cached answer about two commits: merge-base, or is-ancestor. */
struct xsa_pair {
	char key[2 * GIT_MAX_HEXSZ + 8];	/* "mb <a> <b>" or "anc <a> <b>" */
	char result[GIT_MAX_HEXSZ + 1];		/* oid, "" (none), "0" or "1" */
};

struct xsa_commits {
	struct xsa_commit *v;
	size_t nr, alloc;
	struct hexmap map;
	struct xsa_pair *pairs;
	size_t nr_pairs, alloc_pairs;
	struct hexmap pair_map;
	char *cache_path;	/* NULL: no cache */
	size_t loaded;		/* entries that came from the cache */
	int dirty;
};

void xsa_commits_init(struct xsa_commits *c);
void xsa_commits_release(struct xsa_commits *c);
/* Read the cache of repository r (a missing or foreign cache is empty). */
int xsa_commits_load(struct xsa_commits *c, const struct git_repo *r);
/* Index of oid, adding an unknown entry if needed. */
size_t xsa_commits_add(struct xsa_commits *c, const char *oid);
/* Compute patch-id and claims of every unknown entry. */
int xsa_commits_fill(struct xsa_commits *c, const struct git_repo *r);
/*
 * git merge-base A B and git merge-base --is-ancestor A B, remembered in
 * the cache: the answer for two commit ids never changes, and without a
 * commit-graph each costs a walk of the history.
 */
int xsa_commits_merge_base(struct xsa_commits *c, const struct git_repo *r, const char *a,
			   const char *b, char out[GIT_MAX_HEXSZ + 1]);
int xsa_commits_is_ancestor(struct xsa_commits *c, const struct git_repo *r, const char *a,
			    const char *b);
/* Small named values kept in the same cache ("windows" -> signature). */
const char *xsa_commits_get(const struct xsa_commits *c, const char *key);
void xsa_commits_set(struct xsa_commits *c, const char *key, const char *value);
/* Write the cache back if it grew. */
int xsa_commits_save(struct xsa_commits *c);

/* One patch inside a patch file (a file may hold several). */
struct xsa_patch_id {
	char sha256[65];	/* of the file */
	int sub;		/* 0, 1, ... within the file */
	char pid[GIT_MAX_HEXSZ + 1];	/* "" when it has no diff */
	char *subject;		/* "[PATCH n/m]" removed, blanks collapsed */
};

struct xsa_patch_ids {
	struct xsa_patch_id *v;
	size_t nr, alloc;
	struct hexmap map;	/* sha256 -> first entry of that file */
	char *cache_path;
	int dirty;
};

void xsa_patch_ids_init(struct xsa_patch_ids *p);
void xsa_patch_ids_release(struct xsa_patch_ids *p);
int xsa_patch_ids_load(struct xsa_patch_ids *p, const struct git_repo *r);
/*
 * Make sure every (path, sha256) pair is known; paths are read only for
 * files not in the cache, all in one git patch-id run.
 */
int xsa_patch_ids_fill(struct xsa_patch_ids *p, const struct git_repo *r,
		       const struct strvec *paths, const struct strvec *sha256s);
/* Entries of one file: *first index and the count (0 if unknown). */
size_t xsa_patch_ids_of(const struct xsa_patch_ids *p, const char *sha256, size_t *first);
int xsa_patch_ids_save(struct xsa_patch_ids *p);

/*
 * Give plain ---/+++ diffs the "diff --git a/P b/P" header git patch-id
 * needs and the a/ b/ prefixes git uses (exposed for tests).
 */
void xsa_normalize_patch(const char *text, size_t len, struct strbuf *out);
/* Subject of a patch mail header, without "[PATCH ...]" (tests). */
void xsa_clean_subject(const char *s, size_t n, struct strbuf *out);

int hexmap_find(const struct hexmap *m, const char *key, const void *base, size_t stride,
		size_t key_off, size_t *index);

#endif
