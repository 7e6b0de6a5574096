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
	const char *tarball;			/* a tarball to prove, or NULL */
	int jobs;
	int json;			/* one JSON object on stdout */
};

/* 0 when everything checked passed; -XS_INPUT naming the first failure. */
int verify_release(const struct verify_opts *o);

#endif
