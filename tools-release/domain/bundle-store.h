/*
 * bundle-store.h: what a maintenance repository knows about bundles.
 *
 *	backports/<branch>/<name>.tar.gz[.gpg]	bundles kept (created or accepted)
 *	backports/seen.json			every (id, revision) verified here
 *
 * seen.json is the replay guard: a bundle whose revision is lower than
 * the highest seen for its id is refused, as is the same revision with
 * another manifest, or a revision signed by another member than the one
 * who produced the bundle.  It is also the index that "bundle list" and
 * the XSA status matrix (xsa_backport_lookup) read, so neither needs to
 * decrypt anything.  Schema in backports/FORMAT.md.
 */
#ifndef XS_BUNDLE_STORE_H
#define XS_BUNDLE_STORE_H

#include "compat.h"
#include "bundle.h"
#include "strbuf.h"
#include "strvec.h"

struct xsa_store;

#define BUNDLE_SEEN_SCHEMA 1

struct bundle_record {
	char id[37];
	long revision;
	char manifest_sha256[SHA256_HEX_LEN + 1];
	char *branch;
	int *xsas;
	size_t nr_xsas;
	int64_t embargo_until;		/* 0: public */
	char *producer;
	char fingerprint[GPG_FPR_LEN + 1];
	char base_commit[65];
	char *file;			/* kept copy, relative to the repository, or NULL */
	char file_sha256[SHA256_HEX_LEN + 1];
	int encrypted;
	int64_t seen_at;
};

struct bundle_store {
	char *root;			/* the maintenance repository */
	char *path;			/* .../backports/seen.json */
	struct bundle_record *v;	/* sorted by id, then revision */
	size_t nr, alloc;
	int dirty;			/* changed since loaded or saved */
};

/* Load backports/seen.json (absent: empty).  Errors name the file. */
int bundle_store_load(struct bundle_store *s, const char *maint_root);
void bundle_store_release(struct bundle_store *s);
/* Write seen.json atomically; the caller holds the repository lock. */
int bundle_store_save(const struct bundle_store *s);
/* The record with the highest revision of id, or NULL. */
const struct bundle_record *bundle_store_highest(const struct bundle_store *s, const char *id);
const struct bundle_record *bundle_store_find(const struct bundle_store *s, const char *id,
					      long revision);

/*
 * Refuse (-XS_INPUT) a verified bundle that replays an older revision,
 * changes a revision already seen, or comes from another producer than
 * the bundle's earlier revisions.
 */
int bundle_store_check(const struct bundle_store *s, const struct bundle *b);
/* Record b (verified) as seen now, kept in file (relative path or NULL). */
void bundle_store_add(struct bundle_store *s, const struct bundle *b, const char *file,
		      int64_t now);
/*
 * Where b's bytes are (to be) kept, never over another file:
 * backports/<branch>/<bundle_file_name()>, or, when that name is taken
 * by other bytes or by another record of seen.json (two bundles whose
 * ids share their first 8 hex digits), the same with the full id, then
 * with the full id and the first 16 hex digits of the bytes' SHA-256.
 * *present: the file there holds these bytes already.
 */
int bundle_store_place(const struct bundle_store *s, const struct bundle *b, char **rel,
		       int *present);
/*
 * Keep a verified bundle: its bytes (as received, encrypted or not) at
 * bundle_store_place()'s name, then record it and save seen.json: both
 * or neither (a file written here is removed again when seen.json cannot
 * be saved).  A revision already kept intact is left as it is.  *kept
 * gets the relative path.
 */
int bundle_keep(struct bundle_store *s, const struct bundle *b, int64_t now, char **kept);
/* Is b's file the one seen.json records as kept for its id and revision? */
int bundle_is_kept_copy(const struct bundle_store *s, const struct bundle *b);
/*
 * Make seen.json agree with the files kept in backports/<branch>/: a
 * kept file it does not record as it is (seen.json lost, rolled back or
 * edited) is read, decrypted with user_gpg when it can be, and verified
 * against the members' keys; a good one is recorded (seen now), so the
 * replay guard does not rest on seen.json alone.  One that does not
 * verify is reported and not counted.  Marks s dirty when it changed
 * anything; saving is the caller's (bundle_keep() does).
 */
int bundle_store_reconcile(struct bundle_store *s, struct bundle_members *bm,
			   struct gpg_ctx *user_gpg);

/*
 * The embargo at date: 1 when the bundle is under embargo, 0 when it is
 * public, -XS_INPUT when its embargo contradicts the XSA store: it ended
 * (or the bundle is public) while the store says an XSA is still
 * embargoed, or it ended later than an XSA's public time.  XSAs the
 * store does not know are listed in unknown ("XSA-960").
 */
int bundle_embargo_state(const struct bundle *b, const struct xsa_store *xs, int64_t date,
			 struct strvec *unknown);

/*
 * Does a kept, current (highest revision) bundle cover XSA xsa on
 * branch?  1 with what described, 0 if not.  Reads seen.json once per
 * process (again when it changes).
 */
int bundle_backport_lookup(const char *maint_root, int xsa, const char *branch,
			   struct strbuf *what);

#endif
