/* verify-internal.h: private to domain/verify*.c; nothing else includes it. */
#ifndef XS_VERIFY_INTERNAL_H
#define XS_VERIFY_INTERNAL_H

#include "verify.h"
#include "hash.h"
#include "strvec.h"

struct branch;
struct tag_info;
struct tarball_source;

/*
 * What verify found, printed as it goes (text) or gathered and printed at
 * the end as one JSON object (--json).
 */
struct vcheck {
	char *name;
	int ok;
	int info;		/* a fact, neither passed nor failed */
	char *detail;
	struct strvec notes;
};

struct tally {
	int failed;
	char *first;		/* the first thing that failed */
	int json;
	struct vcheck *v;
	size_t nr, alloc;
	struct strvec xsas;	/* "N\tstate\tcommits\tosv\ttitle" ("" unknown) */
	char *xsa_note;		/* why XSAs are not listed, or NULL */
	char fpr[GPG_FPR_LEN + 1];
};

/* What the dist check learnt about the tag's own tarballs. */
struct rebuilt {
	char tar_sha256[SHA256_HEX_LEN + 1];	/* of the tag's archive, once computed */
};

/* verify.c */
void verify_result(struct tally *t, int ok, const char *what, const char *fmt, ...)
	XS_PRINTF(4, 5);
/* Something a distro should know that is not a failure ("--" in text). */
void verify_info(struct tally *t, const char *what, const char *fmt, ...) XS_PRINTF(3, 4);
/* A detail under the last result. */
void verify_note(struct tally *t, const char *fmt, ...) XS_PRINTF(2, 3);
/*
 * Prove one tarball against the tag.  recompress: also rebuild the
 * compressed bytes (and run diffoscope when they differ).  The tag's tar
 * sha256 goes to rb when it was computed.
 */
void verify_check_tarball(const struct verify_opts *o, const struct tarball_source *ts,
			  const char *file, int recompress, const char *want_sha,
			  const char *want_tar, struct rebuilt *rb, struct tally *ty);

/* verify-dist.c */
/*
 * A release directory as xenstable writes it, or as a distro fetched it
 * (SHA256SUMS.asc at least).  Everything is checked against the signed
 * content of SHA256SUMS.asc and the tag alone.
 */
void verify_check_dist(const struct verify_opts *o, const char *dir, const struct tag_info *t,
		       const struct branch *b, const char *version,
		       const struct tarball_source *ts, const char *evtag, struct tally *ty);
/*
 * The release directory for version in o->dist: DIR/X.Y.Z, or DIR itself
 * when it holds SHA256SUMS.asc (the files as a distro fetched them) or
 * release.json.  NULL when there is none.
 */
char *verify_find_dist(const struct verify_opts *o, const char *version);
/*
 * With the release's own key file in dir and no --keyring: a private
 * keyring holding that file's keys, and the user's own copies of the
 * pinned keys when the user has them (their revocations win); trust stays
 * with the fingerprints MAINTAINERS pins.  1 when g was set up.
 */
int verify_dist_keyring(const struct verify_opts *o, const struct branch *b, const char *dir,
			struct gpg_ctx *g, struct tally *ty);

#endif
