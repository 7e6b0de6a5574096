/*
 * xsa-vuln.h: which Xen versions an advisory's VULNERABLE SYSTEMS section
 * says are vulnerable.
 *
 * The security team writes it in prose, and the phrasing varies:
 *
 *	All versions of Xen are vulnerable.
 *	All Xen versions from at least 3.2 onwards are vulnerable.
 *	Xen versions 4.17 and later are vulnerable.  Xen versions 4.16 and
 *	earlier are not vulnerable.
 *	Xen 4.17 and onwards are vulnerable.  Xen 4.16 and older are not
 *	vulnerable.
 *	Xen versions 4.11 through 4.16 are vulnerable.
 *	Only Xen version 4.17 is vulnerable.
 *
 * Sentences that say nothing about Xen versions ("Only x86 systems are
 * vulnerable.", "Linux ... is vulnerable") are left aside.  Every sentence
 * that does speak of Xen versions and being vulnerable or affected must be
 * one of the forms above; if one is not ("All versions of Xen containing
 * the XSA-407 fixes are vulnerable", "For stable Xen releases: 4.13.4 ...
 * are vulnerable"), the section is not understood and nothing is concluded
 * from it: xenstable does not guess.  A branch is excluded only when a
 * sentence says so (explicitly, or by bounding the vulnerable versions)
 * and no sentence includes it.
 */
#ifndef XS_XSA_VULN_H
#define XS_XSA_VULN_H

#include "compat.h"
#include "strbuf.h"

enum xsa_vuln_answer {
	XSA_VULN_UNKNOWN = 0,	/* the section does not say, or is not understood */
	XSA_VULN_YES,
	XSA_VULN_NO,
};

struct xsa_vuln_stmt {
	int neg;		/* "... are not vulnerable" */
	int bounds;		/* positive, and says which versions are not */
	int lo_major, lo_minor;	/* lo_major < 0: no lower bound */
	int hi_major, hi_minor;	/* hi_major < 0: no upper bound */
	char *text;		/* the sentence as written (blanks collapsed, no control chars) */
	int line;		/* where it starts */
};

struct xsa_vuln {
	int understood;		/* every sentence about Xen versions was read */
	char *why;		/* when not understood: what was not */
	int why_line;
	struct xsa_vuln_stmt *v;
	size_t nr, alloc;
};

void xsa_vuln_init(struct xsa_vuln *x);
void xsa_vuln_release(struct xsa_vuln *x);

/*
 * Read a VULNERABLE SYSTEMS section body; first_line is the line of its
 * first character (for the statements' line numbers).  Never fails: what
 * it cannot read leaves x->understood 0.
 */
void xsa_vuln_parse(struct xsa_vuln *x, const char *text, size_t len, int first_line);

/*
 * What the section says of Xen major.minor.  For XSA_VULN_NO and
 * XSA_VULN_YES, *because (if not NULL) is the deciding sentence.
 */
enum xsa_vuln_answer xsa_vuln_branch(const struct xsa_vuln *x, int major, int minor,
				     const struct xsa_vuln_stmt **because);

/*
 * The VULNERABLE SYSTEMS body of an advisory file as stored (clear-signed
 * or plain text): 0 and body/first_line set, 1 when it has no such
 * section.
 */
int xsa_vuln_section(const char *text, size_t len, struct strbuf *body, int *first_line);

#endif
