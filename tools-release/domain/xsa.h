/*
 * xsa.h: a Xen Security Advisory as the security team writes it.
 *
 *	            Xen Security Advisory CVE-2026-23557 / XSA-484
 *	                               version 2
 *
 *	              Xenstored DoS via XS_RESET_WATCHES command
 *
 *	ISSUE DESCRIPTION
 *	=================
 *	...
 *	RESOLUTION
 *	==========
 *	...
 *	xsa484.patch           xen-unstable - Xen 4.18.x
 *	xsa484-4.17.patch      Xen 4.17.x
 *
 *	$ sha256sum xsa484*
 *	77c4...aacf  xsa484.patch
 *	6c8d...6b19  xsa484-4.17.patch
 *	$
 *
 * xsa_parse_advisory() reads the text that gpg reported as signed.  It is
 * tolerant of spacing and of section order, strict about content: every
 * problem is an error "file:line: what is wrong" (exit 3).
 *
 * Branch ranges: "xen-unstable - Xen 4.18.x", "Xen 4.20.x - Xen 4.19.x",
 * "xen-unstable, Xen 4.16.x - 4.13.x" for Xen; other projects ("Linux
 * 6.7-rc - 6.5", "XAPI master") are kept as text.  xen-unstable is the
 * branch first released after the advisory's date (it was master then);
 * branches forked from master later inherit a fix made there.
 */
#ifndef XS_XSA_H
#define XS_XSA_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

struct branch_set;

enum xsa_ep_kind {
	XSA_EP_UNSTABLE,	/* xen-unstable */
	XSA_EP_VERSION,		/* Xen X.Y.x */
};

struct xsa_endpoint {
	enum xsa_ep_kind kind;
	int major, minor;
};

/* One comma-separated item of a Xen range: "A - B" or "A". */
struct xsa_range {
	struct xsa_endpoint a, b;	/* b == a for a single endpoint */
};

struct xsa_file {
	char *name;		/* relative path, e.g. "xsa452-4.17/0001-x.patch" */
	char sha256[65];
	char *project;		/* "xen", "linux", "xapi", "qemu", ...; "meta" for .meta */
	char *range_text;	/* the range as written, or NULL (.meta) */
	char *pattern;		/* the RESOLUTION name or glob that mapped it */
	struct xsa_range *ranges;	/* parsed, for xen files */
	size_t nr_ranges;
	int line;		/* its sha256 line (in the origin) */
	int map_line;		/* its RESOLUTION line, 0 if none */
};

struct xsa_section {
	char *title;		/* "ISSUE DESCRIPTION" */
	int line;		/* the title's line */
	size_t start, end;	/* body offsets into the parsed text */
};

struct xsa_advisory {
	char *origin;
	int number;
	int version;		/* 1 when the header has no "version N" */
	struct strvec cves;
	char *title;
	struct xsa_section *sections;
	size_t nr_sections, alloc_sections;
	struct xsa_file *files;
	size_t nr_files, alloc_files;
	int64_t embargo_until;	/* end of embargo the text states, 0 if none */
	int embargo_line;
	int public_release;	/* "Public release." or a lack-of-embargo note */
	int line_offset;	/* origin line of the text's first line, minus 1 */
};

void xsa_advisory_init(struct xsa_advisory *a);
void xsa_advisory_release(struct xsa_advisory *a);

/*
 * Parse text (the signed content).  origin names it in errors and
 * line_offset is added to line numbers (the lines before the signed part
 * in the file).  Returns 0 or -XS_INPUT.
 */
int xsa_parse_advisory(struct xsa_advisory *a, const char *text, size_t len,
		       const char *origin, int line_offset);

/* A section by title (exact, upper case), or NULL. */
const struct xsa_section *xsa_find_section(const struct xsa_advisory *a, const char *title);

/* Is name a safe relative file name for the store (no "..", no "/" lead)? */
int xsa_name_is_safe(const char *name);

/*
 * Parse a range text for a file called name (its suffix hints the project
 * when the text names none).  Sets *project (malloc()ed) and, for Xen,
 * the ranges.  Returns 0, or -1 with *why set.
 */
int xsa_parse_range(const char *text, const char *name, char **project,
		    struct xsa_range **ranges, size_t *nr, struct strbuf *why);
/* One Xen endpoint: "xen-unstable", "Xen 4.18.x", "4.18.x", "4.18". */
int xsa_parse_endpoint(const char *s, struct xsa_endpoint *e);
/* "4.18", "xen-unstable" */
void xsa_endpoint_str(const struct xsa_endpoint *e, struct strbuf *out);

/*
 * Which Xen release xen-unstable meant on a date: the first maintained
 * branch released after it.  major and minor are set and 0 returned when
 * that is known; 1 when the date lies before every branch we know (the
 * fix then predates all maintained branches); hint_major/minor is the
 * newest version the advisory names (or -1), used to confirm the oldest.
 */
int xsa_unstable_branch(const struct branch_set *bs, int64_t when, int hint_major,
			int hint_minor, int *major, int *minor);

/* Newest Xen X.Y an advisory's ranges name explicitly; 0 if none. */
int xsa_newest_named(const struct xsa_advisory *a, int *major, int *minor);

/*
 * Does file f cover Xen branch major.minor?  u_major/u_minor is the
 * xen-unstable branch (u_major < 0: unknown).  *inherited is set when the
 * branch is newer than xen-unstable and gets the fix from master.
 */
int xsa_file_covers(const struct xsa_range *r, size_t nr, int major, int minor,
		    int u_major, int u_minor, int *inherited);

/*
 * XSA numbers a commit message names as its own: "This is XSA-N" (also
 * "This is part of XSA-N", "This is CVE-... / XSA-N") lines and "XSA: N"
 * trailers.  Up to max numbers, sorted and unique, go to out; returns the
 * count.
 */
size_t xsa_mentions(const char *msg, size_t len, int *out, size_t max);

/*
 * Insert XSA number v (1..99999) into out[0..*nr), kept sorted and unique;
 * ignored when out already holds max numbers.
 */
void xsa_number_add(int *out, size_t max, size_t *nr, long v);

#endif
