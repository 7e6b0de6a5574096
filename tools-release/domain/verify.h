/*
 * verify.h: what a distro maintainer runs before trusting a release.
 *
 *   - the tag is a signed annotated tag whose signature is good and made
 *     by a pinned key (MAINTAINERS' release keys for the branch, or every
 *     key of a keyring the user names);
 *   - for a release xenstable made (DIR/X.Y.Z/release.json): SHA256SUMS.asc
 *     is signed by that key and matches SHA256SUMS, every file matches its
 *     sum and its .sig, and the tag's tree rebuilds into the same tarballs;
 *   - for any tarball (an upstream xen-X.Y.Z.tar.gz, .xz or .lz): its tar
 *     stream equals the tag's git archive stream, or the paths that differ
 *     are listed;
 *   - the tag's Git-EVTag-v0-SHA512 line, when it has one (domain/evtag.h):
 *     the SHA-512 over every object of the commit's tree must match;
 *   - the release's SLSA provenance (domain/provenance.h): signed by a
 *     pinned key and agreeing with the tag, SHA256SUMS and the rebuild;
 *   - with --dist DIR, the files a distro fetched are checked against the
 *     tag alone: a tarball missing from DIR is rebuilt from the tag and its
 *     sha256 compared with the signed SHA256SUMS line; DIR's
 *     release-key.asc, when present, is the only key material needed
 *     (trusted through the fingerprints MAINTAINERS pins, no network);
 *   - a rebuilt tarball that differs from the file gets a diffoscope
 *     report saved beside it (FILE.diffoscope.txt) when diffoscope is
 *     installed;
 *   - the XSAs the release contains.
 */
#ifndef XS_VERIFY_H
#define XS_VERIFY_H

#include "compat.h"
#include "git.h"
#include "gpg.h"
#include "strvec.h"

struct branch_set;
struct maintainers;

struct verify_opts {
	const char *maint_root;
	const struct git_repo *src;
	const struct branch_set *branches;
	const struct maintainers *maint;
	struct gpg_ctx *gpg;
	const struct strvec *keyring_fprs;	/* pinned by --keyring, or NULL */
	const char *tag;
	const char *dist;			/* a directory of releases, or NULL */
	int dist_explicit;			/* --dist was given: it must hold the release */
	int rebuild;				/* --rebuild: --tarball's compressed bytes too */
	const char *tarball;			/* a tarball to prove, or NULL */
	int jobs;
	int json;			/* one JSON object on stdout */
};

/* 0 when everything checked passed; -XS_INPUT naming the first failure. */
int verify_release(const struct verify_opts *o);

#endif
