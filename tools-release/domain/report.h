/*
 * report.h: a static status page people would rather look at than read.
 *
 * One self-contained index.html (inline CSS, SVG and one small inline
 * script for the filter; no external assets; all of it readable without
 * the script) with: a timeline of every branch's general and security
 * support windows with the day marked; one line per branch (XSAs fixed
 * since X.Y.0, open cells); the XSA x branch matrix coloured by state,
 * open work first and settled advisories collapsed per year, each row
 * linking to the advisory on xenbits and its stored copy beside the page,
 * each cell with a commit to that commit; the latest release of each
 * branch with relative links to its files in dist/, the signer's name and
 * fingerprint, the tar stream and the XSAs it fixed; the backport bundles.
 */
#ifndef XS_REPORT_H
#define XS_REPORT_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"

struct branch_set;
struct xsa_store;

struct report_opts {
	const char *maint_root;
	const struct git_repo *src;	/* NULL: no XSA matrix, no tags */
	const struct branch_set *branches;
	const struct xsa_store *store;	/* may be NULL */
	const char *dist;		/* release directories */
	const char *commit_url;		/* "...;h=%H" or NULL: link the advisory */
	int64_t date;
	const char *out_dir;
};

/* Write out_dir/index.html and the advisories it links to. */
int report_write(const struct report_opts *o);

/* Append s to out with &, <, >, " and ' escaped. */
void html_escape(struct strbuf *out, const char *s);

#endif
