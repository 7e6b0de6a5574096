/*
 * changelog.h: CHANGELOG.md entries in Keep a Changelog form, as xen.git
 * writes them:
 *
 *	## [4.19.5](https://xenbits.xenproject.org/gitweb/?p=xen.git;a=shortlog;h=RELEASE-4.19.5) - 2026-12-01
 *
 *	### Security
 *	 - XSA-488 (CVE-2026-23557): Xenstored DoS via XS_RESET_WATCHES command
 *
 *	### Fixed
 *	 - toolstack/xl: print usage errors on stderr
 */
#ifndef XS_CHANGELOG_H
#define XS_CHANGELOG_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

struct changelog_entry {
	const char *version;	/* "4.19.5" */
	const char *tag;	/* "RELEASE-4.19.5" */
	const char *date;	/* "2026-12-01" */
	struct strvec security;	/* "XSA-488 (CVE-...): title" */
	struct strvec fixed;	/* one line per other commit */
};

#define CHANGELOG_LINK_FMT "https://xenbits.xenproject.org/gitweb/?p=xen.git;a=shortlog;h=%s"

void changelog_entry_init(struct changelog_entry *e);
void changelog_entry_release(struct changelog_entry *e);
void changelog_format_entry(const struct changelog_entry *e, struct strbuf *out);
/*
 * Insert the entry before the first "## [" heading (after the preamble).
 * An entry for the same version that is already there is an error unless it
 * is identical (then nothing changes and 1 is returned).
 */
int changelog_insert(struct strbuf *text, const char *origin,
		     const struct changelog_entry *e);

#endif
