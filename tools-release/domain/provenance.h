/*
 * provenance.h: the SLSA provenance of a release, and its check.
 *
 * dist/X.Y.Z/provenance.intoto.json is an in-toto Statement v1 whose
 * predicate is SLSA Provenance v1: the subjects are the release's
 * tarballs with their sha256; the build definition names the tag, the
 * branch and the version (external parameters), the commit with its tree
 * and Git-EVTag checksum and each companion revision (resolved
 * dependencies), the tar stream's sha256 and prefix, xenstable's version
 * and the exact compression parameters (internal parameters); the builder
 * id is "openpgp4fpr:<fingerprint>" of the release key that MAINTAINERS
 * pins for the branch, the key that signs it.  It is signed by that key
 * (provenance.intoto.json.sig, a detached OpenPGP signature), listed in
 * SHA256SUMS, and the public release key is exported beside it
 * (release-key.asc) so it can be checked offline with stock gpg against
 * the fingerprint in MAINTAINERS.  tools-release/PROVENANCE.md is the
 * specification.
 */
#ifndef XS_PROVENANCE_H
#define XS_PROVENANCE_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "hash.h"
#include "strvec.h"

#define PROVENANCE_FILE "provenance.intoto.json"
#define PROVENANCE_KEY_FILE "release-key.asc"
#define PROVENANCE_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define PROVENANCE_PREDICATE_TYPE "https://slsa.dev/provenance/v1"
#define PROVENANCE_BUILD_TYPE "https://xenstable.example.org/buildtypes/release/v1"
#define PROVENANCE_BUILDER_PREFIX "openpgp4fpr:"

struct maintainers;

/*
 * Write dir/provenance.intoto.json (and its .sig, and release-key.asc)
 * from the release.json text of the same release; commit's Git-EVTag
 * checksum is computed from src.  key is the signing fingerprint, which
 * must be pinned in m for the branch.  sha256 receives the file's sum.
 */
int provenance_write(const struct git_repo *src, struct gpg_ctx *g,
		     const struct maintainers *m, const char *key, const char *dir,
		     const char *release_json, size_t len, char sha256[SHA256_HEX_LEN + 1]);

/* What a provenance file says (the fields verify checks). */
struct provenance {
	char *statement_type, *predicate_type, *build_type;
	struct strvec subjects;		/* "name\tsha256" */
	char *tag, *branch, *version;	/* externalParameters */
	struct strvec unknown_params;	/* other externalParameters keys */
	char *commit, *tree, *evtag;	/* the "xen" resolved dependency */
	struct strvec companions;	/* "name\tcommit" */
	char *tar_sha256, *prefix;
	char *xenstable_version;
	char *gzip, *xz;		/* "library version level/preset ..." */
	char *builder_id;
};
void provenance_init(struct provenance *p);
void provenance_release(struct provenance *p);

/*
 * Parse provenance text (untrusted).  Only the structure is checked here
 * (types of the fields read, hex digests, no duplicate keys in the
 * objects read); the values are for the caller to compare.  Returns 0,
 * or -XS_INPUT naming origin and what is wrong.
 */
int provenance_parse(const char *text, size_t len, const char *origin, struct provenance *p);

/* The gzip/xz parameters this xenstable writes, as provenance records them. */
void provenance_compression(struct strbuf *gzip, struct strbuf *xz);

#endif
