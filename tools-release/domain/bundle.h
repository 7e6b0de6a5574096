/*
 * bundle.h: predisclosure backport bundles (backports/FORMAT.md).
 *
 * A bundle is a deterministic tar.gz holding manifest.json,
 * manifest.json.asc (a detached signature over manifest.json by the
 * producer, a predisclosure member) and patches/NNNN-*.patch in apply
 * order; optionally the whole file is OpenPGP-encrypted (.tar.gz.gpg).
 *
 * Reading is strict and happens in memory in three pure steps, none of
 * which does any I/O (so each can be fuzzed on its own):
 *
 *	bundle_tgz_parse()	gzip -> tar, streamed, stopping at the limits
 *	bundle_tar_parse()	our own strict ustar reader: regular files
 *				only (and the one directory patches/), names
 *				checked, sizes bounded
 *	bundle_manifest_parse()	manifest.json, every field checked
 *
 * Then bundle_verify() (bundle.c) checks the signature against the
 * members' pinned keys and every file against the manifest, and the
 * store (bundle-store.c) refuses replays and embargo inconsistencies.
 */
#ifndef XS_BUNDLE_H
#define XS_BUNDLE_H

#include "compat.h"
#include "gpg.h"
#include "hash.h"
#include "maintainers.h"
#include "strbuf.h"
#include "strvec.h"

#define BUNDLE_FORMAT_NAME "xenstable-backport-bundle"
#define BUNDLE_FORMAT_VERSION 1

/* Limits of the receiving side (FORMAT.md, "Limits"). */
#define BUNDLE_MAX_ENTRY ((uint64_t)16 << 20)		/* one file in the tar */
#define BUNDLE_MAX_EXPANDED ((uint64_t)256 << 20)	/* the whole tar stream */
#define BUNDLE_MAX_FILE ((size_t)64 << 20)		/* the .tar.gz(.gpg) itself */
#define BUNDLE_MAX_MANIFEST ((size_t)1 << 20)
#define BUNDLE_MAX_SIGNATURE ((size_t)64 << 10)
#define BUNDLE_MAX_PATCHES 999
#define BUNDLE_MAX_NAME 100				/* fits ustar's name field */

/* ---- the tar ------------------------------------------------------------ */

struct bundle_entry {
	char *name;		/* "manifest.json", "patches/0001-x.patch" */
	struct strbuf data;
};

struct bundle_tar {
	struct bundle_entry *v;
	size_t nr, alloc;
	uint64_t expanded;	/* bytes of tar stream read */
};

void bundle_tar_init(struct bundle_tar *t);
void bundle_tar_release(struct bundle_tar *t);
/*
 * Read a plain tar from memory.  Refuses (-XS_INPUT, message naming
 * origin and the entry) anything but regular files named manifest.json,
 * manifest.json.asc or patches/NNNN-NAME.patch and the directory
 * patches/: links, devices, FIFOs, pax/GNU extension headers, absolute
 * names, ".." or empty components, names that are equal or equal after
 * ASCII case folding, files over BUNDLE_MAX_ENTRY, streams over
 * BUNDLE_MAX_EXPANDED, bad checksums, truncation and non-zero bytes
 * after the end-of-archive blocks.
 */
int bundle_tar_parse(struct bundle_tar *t, const void *tar, size_t len, const char *origin);
/* The same for a gzip-compressed tar, inflated in pieces: it stops as
 * soon as the stream passes BUNDLE_MAX_EXPANDED. */
int bundle_tgz_parse(struct bundle_tar *t, const void *gz, size_t len, const char *origin);
const struct bundle_entry *bundle_tar_find(const struct bundle_tar *t, const char *name);

/* One file to write into a bundle tar. */
struct bundle_blob {
	const char *name;
	const void *data;
	size_t len;
};
/*
 * A ustar stream with FORMAT.md's fixed rules: entries in the given
 * order, mode 0644, uid/gid 0 (root/root), mtime as given, no extended
 * headers, zero-padded to a 10240-byte record.  Appends to out.
 */
void bundle_tar_write(const struct bundle_blob *blobs, size_t nr, int64_t mtime,
		      struct strbuf *out);
/* Is name an acceptable patch name, "patches/NNNN-NAME.patch"? */
int bundle_patch_name_ok(const char *name);

/* ---- the manifest ---------------------------------------------------------- */

enum bundle_role {
	BUNDLE_PREREQUISITE,
	BUNDLE_FIX,
};
const char *bundle_role_name(enum bundle_role r);

struct bundle_file {
	char *name;			/* "patches/0001-....patch" */
	enum bundle_role role;
	int xsa;
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
	char *upstream;			/* upstream commit it was backported from, or NULL */
	char *subject;
};

struct bundle_manifest {
	int format_version;
	char id[37];			/* lowercase UUID */
	long revision;
	char *producer;			/* member name */
	char fingerprint[GPG_FPR_LEN + 1];
	int64_t created;
	char *branch;			/* "4.16" */
	char *base_ref;			/* "stable-4.16", "RELEASE-4.16.2" */
	char base_commit[65];
	int64_t embargo_until;		/* 0: public */
	int *xsas;
	size_t nr_xsas;
	struct strvec cves;
	struct bundle_file *files;
	size_t nr_files;
	int tested_applied, tested_built, tested_booted;
	struct strvec extensions;	/* "x-..." keys, ignored */
};

void bundle_manifest_init(struct bundle_manifest *m);
void bundle_manifest_release(struct bundle_manifest *m);
/*
 * Parse and check manifest.json from memory; errors are
 * "origin:LINE: field: reason" with -XS_INPUT.  A format_version other
 * than BUNDLE_FORMAT_VERSION, a missing field, or an unknown field whose
 * name does not start with "x-" is refused.
 */
int bundle_manifest_parse(struct bundle_manifest *m, const char *text, size_t len,
			  const char *origin);
/* The canonical text (two-space indentation, fixed key order). */
void bundle_manifest_write(const struct bundle_manifest *m, struct strbuf *out);
/* Does the manifest cover XSA x? */
int bundle_manifest_covers(const struct bundle_manifest *m, int x);

/*
 * The files of the tar against the manifest: each listed file present
 * with its size and sha256, no patch that is not listed, the signature
 * present.  -XS_INPUT naming the file.
 */
int bundle_check_files(const struct bundle_manifest *m, const struct bundle_tar *t,
		       const char *origin);

/* "xsa960-4.16-1b4e28ba-r2.tar.gz" (+ ".gpg" when encrypted).  malloc()ed. */
char *bundle_file_name(const struct bundle_manifest *m, int encrypted);
/* "refs/embargo/4.16/xsa-960" (several XSAs: "xsa-960-961").  malloc()ed. */
char *bundle_embargo_ref(const struct bundle_manifest *m);
/* A new random UUID, lowercase (libuuid). */
void bundle_new_id(char id[37]);
int bundle_id_ok(const char *s);

/* ---- members and verification (bundle.c) ---------------------------------- */

/*
 * The predisclosure members: MAINTAINERS G: lines with role backport,
 * scope = member name, and each member's key backports/members/NAME.asc
 * imported into a private keyring that holds nothing else.
 */
struct bundle_members {
	struct maintainers maint;
	struct gpg_ctx gpg;		/* the private keyring */
	struct strvec fprs;		/* pinned fingerprints */
	struct strvec names;		/* member names, same order */
};
int bundle_members_load(struct bundle_members *bm, const char *maint_root);
void bundle_members_release(struct bundle_members *bm);
/* The member name fpr is pinned for, or NULL. */
const char *bundle_member_name(const struct bundle_members *bm, const char *fpr);

/* A bundle read from a file and checked. */
struct bundle {
	char *origin;			/* the path as given, for messages */
	struct strbuf raw;		/* the file's bytes */
	char file_sha256[SHA256_HEX_LEN + 1];
	int encrypted;
	struct bundle_tar tar;
	struct bundle_manifest m;
	const struct bundle_entry *manifest, *signature;
	char manifest_sha256[SHA256_HEX_LEN + 1];
	char signer[GPG_FPR_LEN + 1];	/* primary fingerprint, after verify */
	char *signer_uid;
};

void bundle_init(struct bundle *b);
void bundle_release(struct bundle *b);
/*
 * Parse bundle bytes already in memory (raw holds them): decrypt with
 * user_gpg when they are an OpenPGP message (user_gpg may be NULL: then
 * an encrypted bundle is refused), then the tar and the manifest.
 */
int bundle_parse(struct bundle *b, struct gpg_ctx *user_gpg);
/* Read path (O_NOFOLLOW, at most BUNDLE_MAX_FILE) and bundle_parse(). */
int bundle_read(struct bundle *b, const char *path, struct gpg_ctx *user_gpg);
/*
 * The signature over manifest.json by a member, that member being the
 * manifest's producer (name and fingerprint), then every file's hash.
 */
int bundle_verify(struct bundle *b, struct bundle_members *bm);
/*
 * Every patch of the manifest is one bundle apply would take:
 * apply_check_patch() (a text diff whose paths stay inside the tree, no
 * .git in any spelling, no binary, symlink or submodule) and the mail
 * headers its commit is made from.  bundle_verify() calls it; -XS_INPUT
 * naming "origin: patches/NNNN-NAME.patch:LINE".
 */
int bundle_check_patches(const struct bundle *b);

#endif
