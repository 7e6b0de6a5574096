/*
 * evtag.h: the Git-EVTag-v0-SHA512 checksum of a commit (git-evtag).
 *
 * A signed tag covers a commit id, which is a SHA-1 (in most repositories)
 * over the commit, whose tree id is a SHA-1 over the tree, and so on: the
 * signature is only as strong as SHA-1.  git-evtag (a Debian package)
 * adds a line
 *
 *	Git-EVTag-v0-SHA512: <128 hex digits>
 *
 * to the tag message: one SHA-512 over the raw bytes of every object the
 * commit reaches through its tree, each as git stores it ("<type> <size>"
 * NUL <content>), in this order: the commit, its tree, then each entry of
 * that tree in stored order, a subtree being followed by its own entries
 * before its next sibling (depth first), a blob by nothing.  A gitlink (a
 * submodule) adds the submodule's commit and its whole walk, from the
 * submodule's repository.  PROVENANCE.md says why xenstable
 * computes it itself and what it measured.
 *
 * Used by: release (the line in every RELEASE tag it signs), verify (the
 * line checked when present), provenance (recorded beside the commit).
 */
#ifndef XS_EVTAG_H
#define XS_EVTAG_H

#include "compat.h"
#include "git.h"
#include "hash.h"

#define EVTAG_PREFIX "Git-EVTag-v0-SHA512:"
#define EVTAG_HEX_LEN SHA512_HEX_LEN

/* What the walk hashed (the numbers of git-evtag's "comment" line). */
struct evtag_stats {
	size_t commits, trees, blobs;
	uint64_t commit_bytes, tree_bytes, blob_bytes;	/* headers included */
	char *submodule;	/* the first gitlink path, when the walk met one */
};
void evtag_stats_release(struct evtag_stats *st);

/*
 * The checksum of commit (a full object id) in r.  Returns 0 with hex
 * set; 1 when the tree holds a submodule (st->submodule names it), whose
 * objects live in another repository, so the checksum cannot be made
 * here; <0 when git failed or gave a malformed object (reported).
 */
int evtag_compute(const struct git_repo *r, const char *commit,
		  char hex[EVTAG_HEX_LEN + 1], struct evtag_stats *st);

/*
 * The same walk over objects handed in by get (for tests and the fuzzer:
 * get returns 0 with type and content set, 1 when the object is missing,
 * <0 on error).  hexsz is 40 (SHA-1) or 64 (SHA-256).
 */
typedef int (*evtag_get_fn)(void *data, const char *oid, struct strbuf *type,
			    struct strbuf *content);
int evtag_walk(evtag_get_fn get, void *data, const char *commit, size_t hexsz,
	       char hex[EVTAG_HEX_LEN + 1], struct evtag_stats *st);

/* The answer of evtag_find(). */
enum evtag_line {
	EVTAG_NONE = 0,		/* no line: the tag does not claim a checksum */
	EVTAG_FOUND,		/* one value (maybe on several identical lines) */
	EVTAG_MALFORMED,	/* a value that is not 128 lowercase hex digits */
	EVTAG_CONFLICT,		/* lines with different values */
};

/*
 * Find the Git-EVTag-v0-SHA512 line(s) in a tag message, as git-evtag
 * does: a line that starts with the prefix, then blanks, then the value,
 * trailing white space ignored.  git-evtag reads only the first such line;
 * xenstable refuses a message whose lines disagree.  line receives the
 * 1-based line number of the first one.
 */
enum evtag_line evtag_find(const char *msg, size_t len, char hex[EVTAG_HEX_LEN + 1],
			   int *line);

/* Append "\nGit-EVTag-v0-SHA512: <hex>\n" to a tag message. */
void evtag_append_line(struct strbuf *msg, const char *hex);

/*
 * Compute commit's checksum in r and append its line to msg (release);
 * a tree with a submodule is an error (XS_ENV) naming it.
 */
int evtag_tag_line(const struct git_repo *r, const char *commit, struct strbuf *msg);

#endif
