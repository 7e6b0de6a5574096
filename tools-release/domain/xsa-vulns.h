/*
 * xsa-vulns.h: an XSA's history (xsa-history.h) as records others read.
 *
 *	osv    OSV schema 1.6: id XSA-N, aliases (CVEs), one GIT range per
 *	       line of history on xen.git (introduced at the branch's fork
 *	       from master, fixed at the commit that completes the fix, limit
 *	       the branch tip) with the affected RELEASE tags as versions,
 *	       references to the advisory and the fixing commits, and the
 *	       per-branch details under database_specific
 *	cve5   CVE JSON 5 (one record per CVE): semver ranges per branch
 *	       ("4.19.0" lessThan "4.19.5" affected, "4.19.5" onwards
 *	       unaffected), programFiles from the fixing commits, references
 *	dyad   one line per branch:
 *	       vulnerable-version:vulnerable-commit:fixed-version:fixed-commit
 *	       (0 where unknown: the commit that introduced an issue is not
 *	       in the history)
 *
 * Records are byte-stable: keys sorted, lists in a fixed order, and no
 * time but the history's own (commit dates).  A fix only claimed (not in
 * a verified release) is no "fixed" event or unaffected range: it is
 * shown in database_specific / left out.
 */
#ifndef XS_XSA_VULNS_H
#define XS_XSA_VULNS_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

struct xsa_history;

#define XEN_GIT_URL "https://xenbits.xen.org/git-http/xen.git"
/* A placeholder CNA organisation id until one is given (--org-id). */
#define XSA_VULNS_NO_ORG "00000000-0000-4000-8000-000000000000"

/* Does the history (or a stored advisory) say anything about XSA x? */
int xsa_vulns_known(const struct xsa_history *h, int x);
/* The CVE ids of x: its stored advisory's and its fixing commits' statements. */
void xsa_vulns_cves(const struct xsa_history *h, int x, struct strvec *out);
/* Commits whose changed paths cve5 needs (for xsa_history_files()). */
void xsa_vulns_fix_commits(const struct xsa_history *h, int x, uint32_t **out, size_t *nr);

void xsa_vulns_osv(const struct xsa_history *h, int x, struct strbuf *out);
void xsa_vulns_cve5(const struct xsa_history *h, int x, const char *cve, const char *org_id,
		    struct strbuf *out);
void xsa_vulns_dyad(const struct xsa_history *h, int x, struct strbuf *out);

#endif
