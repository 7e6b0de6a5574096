/*
 * tag.h: signed annotated tags, made and checked with plumbing.
 *
 * A tag object is built here, signed through lib/gpg.h (which insists on
 * gpg's SIG_CREATED), checked by git mktag and stored with update-ref
 * against "must not exist", so a tag is never overwritten.  Verification
 * splits the object as git does (payload, then the armored signature) and
 * trusts only pinned fingerprints.
 */
#ifndef XS_TAG_H
#define XS_TAG_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "strbuf.h"
#include "strvec.h"

struct tag_info {
	char name[256];
	char object[GIT_MAX_HEXSZ + 1];	/* the tagged object */
	char type[16];
	char *self;			/* the name its own "tag" line gives (signed) */
	char *tagger;
	char *message;			/* without the signature */
	int signed_;
	struct gpg_sig sig;
};

void tag_info_release(struct tag_info *t);
/* Read refs/tags/name; 1 if there is no such tag, XS_INPUT if it is not annotated. */
int tag_read(const struct git_repo *r, const char *name, struct tag_info *t);
/* Verify the tag's signature (result in t->sig); does not judge trust. */
int tag_verify_signature(const struct git_repo *r, struct gpg_ctx *g, struct tag_info *t);

/*
 * Create refs/tags/name on commit with message, signed by key (or unsigned
 * when key is NULL).  tagger is "Name <mail>"; when is the time.  Fails if
 * the tag exists.
 */
int tag_create(const struct git_repo *r, struct gpg_ctx *g, const char *name,
	       const char *commit, const char *tagger, int64_t when,
	       const char *message, const char *key, char oid[GIT_MAX_HEXSZ + 1]);

/* The identity git would use as committer in r ("Name <mail>"). */
int git_ident(const struct git_repo *r, struct strbuf *ident);

#endif
