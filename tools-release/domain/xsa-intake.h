/*
 * xsa-intake.h: from what the security team sends to the XSA store.
 *
 * Inputs are advisory files with their patches beside them (the xenbits
 * layout), announcement mails (.eml: the clear-signed advisory in the
 * text part, patches as attachments), mboxes of several mails, and
 * xenbits' xsa.json.  xsa_collect_inputs() turns a path into intakes;
 * xsa_intake_import() verifies one and stores it:
 *
 *  1. the clear signature frames the whole advisory (nothing outside it),
 *     gpg reports VALIDSIG and the primary key is pinned for the advisory
 *     role (unsigned text only with allow_unsigned, then marked so);
 *  2. only the signed text is parsed (xsa_parse_advisory);
 *  3. every file in the sha256sum block is present and has that sha256,
 *     and a mail carries nothing the advisory does not list;
 *  4. the version is stored (or found already stored, unchanged).
 *
 * Importing a mail gives exactly the store a xenbits directory gives, but
 * for the public time: the mail's Date field, which nothing signs, gives
 * a public advisory (no embargo stated) its public time, never earlier
 * than the signature or an embargo a signed version states, never later
 * than now.  An embargo the signed text states always decides alone.
 */
#ifndef XS_XSA_INTAKE_H
#define XS_XSA_INTAKE_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

struct gpg_ctx;
struct xsa_store;

struct xsa_attachment {
	char *name;
	struct strbuf data;
	int line;		/* where its part starts in the origin */
	int used;
};

struct xsa_intake {
	char *origin;		/* the file errors name */
	char *label;		/* "x.mbox, message 2" for people; NULL: origin */
	int rc;			/* <0 when collecting it already failed */
	struct strbuf text;	/* the advisory as received */
	int text_line;		/* line of text[0] in origin */
	int expect_number;	/* from "advisory-NNN.txt", 0 if none */
	char *dir;		/* patches beside the file; NULL for mail */
	struct xsa_attachment *att;
	size_t nr_att, alloc_att;
	int is_mail;
	char *mail_date;	/* the mail's Date field as written, or NULL */
	int mail_date_line;
	int mail_dates;		/* how many Date fields the mail has */
};

struct xsa_inputs {
	struct xsa_intake *v;
	size_t nr, alloc;
	struct strvec index_paths;	/* xenbits xsa.json files */
};

void xsa_inputs_init(struct xsa_inputs *in);
void xsa_inputs_release(struct xsa_inputs *in);
/*
 * Add what path holds: a file (advisory, mail, mbox, xsa.json) or a
 * directory of them.  Errors that concern the path as a whole are
 * returned; a broken message in an mbox becomes an intake with rc set.
 */
int xsa_collect_inputs(struct xsa_inputs *in, const char *path);

struct xsa_import_opts {
	const char *repo;		/* maintenance repository */
	struct gpg_ctx *gpg;
	const struct strvec *trusted;	/* pinned advisory fingerprints */
	int allow_unsigned;
	const struct xsa_store *store;	/* what is stored already */
	int64_t now;
};

enum xsa_import_result {
	XSA_IMPORT_STORED,
	XSA_IMPORT_UNCHANGED,
};

/*
 * Verify and store one intake.  The caller holds the repository lock.
 * Sets number, version and the result; a rejected intake changes
 * nothing and gives -XS_INPUT (or -XS_ENV) after an error message.
 */
int xsa_intake_import(const struct xsa_import_opts *o, struct xsa_intake *in,
		      enum xsa_import_result *result, int *number, int *version);

/*
 * Check the clear-signed frame of text: only blank lines may surround
 * it.  Sets the canonical framed text (LF line ends) and the number of
 * lines before the signed content.  Errors name origin and line.
 */
int xsa_clearsign_frame(const char *text, size_t len, const char *origin, int first_line,
			struct strbuf *framed, int *content_line);

#endif
