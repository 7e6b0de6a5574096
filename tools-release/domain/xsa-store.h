/*
 * xsa-store.h: the XSA store under xsa/ of the maintenance repository.
 *
 *	xsa/README.md            the layout and the meta.json schema
 *	xsa/xsa.json             index in xenbits' schema (xenstable xsa index)
 *	xsa/xenbits.json         xenbits' own xsa.json, as imported
 *	xsa/NNN/vK/advisory-NNN.txt   the clear-signed advisory as received
 *	xsa/NNN/vK/<patches>     its files, subdirectories kept
 *	xsa/NNN/vK/meta.json     what was verified (schema in xsa/README.md)
 *	xsa/NNN/marks.json       maintainers' judgements per branch
 *
 * A version directory appears whole or not at all (it is built under
 * xsa/.incoming-* and renamed into place); nothing in it changes later.
 */
#ifndef XS_XSA_STORE_H
#define XS_XSA_STORE_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"
#include "xsa.h"

#define XSA_META_SCHEMA 1

/* One stored version of an advisory, as its meta.json says. */
struct xsa_version {
	int number, version;
	char *dir;		/* "xsa/484/v2" */
	char *advisory;		/* file name in dir */
	char advisory_sha256[65];
	char *title;
	struct strvec cves;
	struct xsa_file *files;	/* ranges parsed again from the range text */
	size_t nr_files;
	char signer[41];	/* primary fingerprint, "" when unsigned */
	char *signer_uid;
	int unsigned_input;
	int64_t signed_at;	/* 0 when unsigned */
	int64_t imported_at;
	int64_t embargo_until;	/* stated by the advisory, 0 if none */
	int64_t public_time;	/* known at import, 0 if not */
	char *public_source;	/* who says: "embargo", "xenbits", "mail-date"; or NULL */
	int public_release;
	/* The security team's xsaNNN.meta read at intake (xsa-meta.h), or NULL:
	 * meta.json's "xsa_meta"; stores made before it list it in files only. */
	char *xsameta;
	char xsameta_sha256[65];
	int xsameta_listed;	/* in the sha256sum block (else --allow-unsigned) */
};

struct xsa_mark {
	char *branch;		/* "4.16" */
	char *state;		/* "not-affected", "needs-backport" or "adapted" */
	char *reason;
	char *commit;		/* adapted: the commit made by hand (xsa apply --continue) */
	int64_t time;
};

struct xsa_record {
	int number;
	struct xsa_version *v;	/* sorted by version */
	size_t nr, alloc;
	struct xsa_mark *marks;
	size_t nr_marks, alloc_marks;
};

/* An entry of xenbits' xsa.json (XSAs we may not hold). */
struct xsa_index_entry {
	int number;
	char *title;
	struct strvec cves;
	int64_t public_time;	/* 0 if not given */
	int version;
};

struct xsa_store {
	char *root;		/* the maintenance repository */
	struct xsa_record *x;	/* sorted by number */
	size_t nr, alloc;
	struct xsa_index_entry *idx;	/* from xsa/xenbits.json, sorted */
	size_t nr_idx, alloc_idx;
};

void xsa_version_release(struct xsa_version *v);
/* Load every xsa/NNN/ and xsa/xenbits.json; errors name the file. */
int xsa_store_load(struct xsa_store *s, const char *repo_root);
void xsa_store_release(struct xsa_store *s);
/* Read XSA number again from disk (after adding a version to it). */
int xsa_store_refresh(struct xsa_store *s, int number);
struct xsa_record *xsa_store_find(const struct xsa_store *s, int number);
const struct xsa_index_entry *xsa_index_find(const struct xsa_store *s, int number);
static inline const struct xsa_version *xsa_latest(const struct xsa_record *r)
{
	return r->nr ? &r->v[r->nr - 1] : NULL;
}

/*
 * When the XSA is (or was) made public: the time the newest held version
 * or xenbits' index states; 0 when nothing says.  Never earlier than the
 * embargo end the newest version stating one gives: only signed text
 * ends an embargo early.  The advisory's date (what xen-unstable refers
 * to) falls back to the first signature or import.
 */
int64_t xsa_public_time(const struct xsa_store *s, const struct xsa_record *r);
int64_t xsa_advisory_date(const struct xsa_store *s, const struct xsa_record *r);
/* Is it still embargoed at time t? */
int xsa_embargoed_at(const struct xsa_store *s, const struct xsa_record *r, int64_t t);

/* meta.json for a verified advisory (text appended to out). */
struct xsa_verified {
	const struct xsa_advisory *adv;
	const char *advisory_name;	/* "advisory-484.txt" */
	const char *advisory_sha256;
	const char *signer;		/* NULL when unsigned */
	const char *signer_uid;
	int64_t signed_at;
	int64_t imported_at;
	int64_t public_time;		/* 0 unknown */
	const char *public_source;	/* see struct xsa_version */
	const char *xsameta;		/* the xsaNNN.meta read, or NULL */
	const char *xsameta_sha256;
	int xsameta_listed;
};
void xsa_meta_write(const struct xsa_verified *v, struct strbuf *out);
/* Parse a meta.json (path names it in errors). */
int xsa_meta_parse(struct xsa_version *v, const char *path, const char *text, size_t len);

/* One file to store: its name (maybe with directories) and content. */
struct xsa_blob {
	const char *name;
	const void *data;
	size_t len;
};

/*
 * Add version dir xsa/NNN/vK holding the blobs and meta.json, atomically.
 * The caller holds the repository lock and has checked that the version
 * is not there yet.
 */
int xsa_store_add_version(const char *repo_root, int number, int version,
			  const struct xsa_blob *blobs, size_t nr, const struct strbuf *meta);

/* Record (replace) a maintainer's judgement; caller holds the lock. */
int xsa_store_set_mark(const char *repo_root, struct xsa_record *r, const char *branch,
		       const char *state, const char *reason, int64_t now);
/*
 * Record that the fix was adapted by hand on branch in commit (xsa apply
 * --continue): the release manager's judgement, shown with '*'.  Status
 * shows the XSA applied there while the branch holds that commit.
 */
int xsa_store_set_adapted(const char *repo_root, struct xsa_record *r, const char *branch,
			  const char *commit, const char *reason, int64_t now);

struct json_writer;
/* "marks": [{branch, state, reason, time}...] of r, as marks.json and
 * `xsa show --json` write them. */
void xsa_marks_json(struct json_writer *w, const struct xsa_record *r);

/* xsa/xsa.json in xenbits' schema, from the store. */
void xsa_index_write(const struct xsa_store *s, struct strbuf *out);
/* Read xenbits' xsa.json; entries are added to s (replacing). */
int xsa_index_parse(struct xsa_store *s, const char *origin, const char *text, size_t len);

/* "xsa/484/v2/xsa484.patch" joined below the repository. malloc()ed. */
char *xsa_store_path(const struct xsa_store *s, const struct xsa_version *v,
		     const char *name);

#endif
