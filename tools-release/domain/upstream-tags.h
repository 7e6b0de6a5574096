/*
 * upstream-tags.h: the source repository's RELEASE tags, and which of
 * them are signed by a pinned key.
 *
 * One git for-each-ref lists the branch heads and the tags; a tag belongs
 * to a maintained branch when its name is the branch's tag format for a
 * point release ("RELEASE-4.19.5").  Verification is what `verify` does
 * for one tag, for all of them: the tag object is split as git does
 * (payload, armored signature), gpg runs (a few at a time) and only its
 * status lines decide; a tag counts as verified when the signature is
 * good and made by a key MAINTAINERS pins both for advisories and for the
 * branch's releases, the Xen project's key (or by a key of the --keyring
 * file, which then replaces MAINTAINERS).  A SHA-1 signature is good only
 * when made before GPG_SHA1_TRUSTED_UNTIL (lib/gpg.h); a tag of a tag is
 * no release tag here.
 *
 * Verdicts are cached by tag object id in <common-dir>/xenstable/
 * upstream-tags.v1: the same object always verifies the same way against
 * the same key.  A cached "no public key" is checked again when gpg knows
 * that key now.
 */
#ifndef XS_UPSTREAM_TAGS_H
#define XS_UPSTREAM_TAGS_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "strvec.h"

struct branch;
struct branch_set;
struct maintainers;

struct upstream_tag {
	char *name;			/* "RELEASE-4.19.5" */
	char object[GIT_MAX_HEXSZ + 1];	/* the tag object; "" for a lightweight tag */
	char commit[GIT_MAX_HEXSZ + 1];	/* what it points at, peeled */
	int64_t date;			/* tagger date */
	const struct branch *b;
	int point;
	enum gpg_verdict verdict;
	char fpr[GPG_FPR_LEN + 1];	/* primary key of a good signature */
	char keyid[17];
	int verified;			/* good, and by a pinned key */
	int pinned_fpr_mismatch;	/* good, but by another key */
	int checked;			/* verdict known (cache or gpg) */
	int renamed;			/* its signed text names another tag: */
	char self[64];			/* that name (cut short) */
};

struct upstream_head {
	char *ref;			/* "refs/heads/stable-4.19" */
	char oid[GIT_MAX_HEXSZ + 1];
};

struct upstream_tags {
	struct upstream_tag *v;		/* by branch, then point */
	size_t nr, alloc;
	struct upstream_head *heads;	/* every refs/heads/ ref, by name */
	size_t nr_heads, alloc_heads;
	size_t verified, no_key, bad, not_signed, other_key, renamed;
	char missing_keyid[17];		/* a key the keyring lacks */
	/* RELEASE tags of Xen versions no branch file names (the lines
	 * upstream no longer maintains, "RELEASE-4.7.2"), by version and
	 * point.  Each points at a branch entry made from its version alone
	 * (name "4.7", ref stable-4.7, the branch files' tag format); they are
	 * verified only when asked for (upstream_tags_verify_old()). */
	struct upstream_tag *old;
	size_t nr_old;
	struct branch *old_b;		/* allocated once: tags point into it */
	size_t nr_old_b;
	char *cache_path;
	int dirty;
};

void upstream_tags_init(struct upstream_tags *t);
void upstream_tags_release(struct upstream_tags *t);

/* List heads and the RELEASE tags of the branches of bs (one git process). */
int upstream_tags_list(struct upstream_tags *t, const struct git_repo *r,
		       const struct branch_set *bs);
/* The head with this full ref name, or NULL. */
const struct upstream_head *upstream_head(const struct upstream_tags *t, const char *ref);
/* A tag of a maintained branch, else of an older line, by name; NULL if none. */
const struct upstream_tag *upstream_tag_find(const struct upstream_tags *t, const char *name);
/* The made-up branch entry of an older line ("4.7"), or NULL. */
const struct branch *upstream_old_branch(const struct upstream_tags *t, const char *version);

/*
 * Verify every listed tag.  pinned_override: when not NULL, exactly these
 * fingerprints are trusted (--keyring); else MAINTAINERS' release keys
 * for the tag's branch.  use_cache 0 neither reads nor writes the cache.
 * Returns 0, or <0 when gpg could not run at all.
 */
int upstream_tags_verify(struct upstream_tags *t, const struct git_repo *r, struct gpg_ctx *g,
			 const struct maintainers *m, const struct strvec *pinned_override,
			 int use_cache);

/*
 * Verify the tags of one older line (b from upstream_old_branch()), as
 * upstream_tags_verify() does, against the keys pinned for release with a
 * scope that takes b's version ("*", or the version named), or --keyring's.
 * The counts behind upstream_tags_explain() stay those of the maintained
 * branches' tags.
 */
int upstream_tags_verify_old(struct upstream_tags *t, const struct git_repo *r, struct gpg_ctx *g,
			     const struct maintainers *m, const struct strvec *pinned_override,
			     int use_cache, const struct branch *b);

/*
 * One plain sentence about tags that could not be verified (the missing
 * key and the command that fixes it), or nothing when all verified.
 */
void upstream_tags_explain(const struct upstream_tags *t, const struct maintainers *m,
			   const struct strvec *pinned_override, struct strbuf *out);

/* Primary fingerprints of every key in g's keyring (for --keyring FILE). */
int upstream_keyring_fprs(struct gpg_ctx *g, struct strvec *fprs);

#endif
