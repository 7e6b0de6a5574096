/*
 * release-history.h: the XSAs a release brings, from the source history
 * (xsa-history.h), and their OSV records for the release directory.
 *
 * The list is what xsa_history_fixed_since() finds at the branch tip the
 * release is cut from, new since the branch's previous RELEASE tag: every
 * XSA wholly fixed there ("fixed": each fixing commit is evidence, i.e.
 * under a verified RELEASE tag or the patch-id of a verified stored
 * advisory patch, or the XSA status says applied by content), complete
 * but only claimed ("claimed"), or partly fixed ("partial"), with the
 * fixing commits the release adds.  XSAs the store says are applied and
 * that a commit since the last release names are kept, as before.
 *
 * The OSV record of each is xsa_vulns_osv() on that history with the
 * release's own tag added to its line, as verified (it is signed, with
 * the artifacts, by a key MAINTAINERS pins for the branch's releases) but
 * adding no evidence: the record names this release as the fixed version
 * of a fixed XSA, and gives a claimed one no "fixed" event.
 */
#ifndef XS_RELEASE_HISTORY_H
#define XS_RELEASE_HISTORY_H

#include "release.h"

/* The name of XSA n's OSV file in the release directory. */
#define RELEASE_OSV_FMT "XSA-%d.osv.json"

/*
 * Replace p->xsas (claims the store showed applied) by the history's list,
 * merged as above; applied lists the XSAs the store's status has applied
 * on the branch.  Returns 0, or <0 when the history could not be read.
 */
int release_history_xsas(const struct release_opts *o, struct release_plan *p,
			 const int *applied, size_t nr_applied);

#endif
