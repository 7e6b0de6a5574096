/*
 * mime.h: read Internet mail (RFC 5322 headers, MIME multipart bodies,
 * base64 and quoted-printable) and split mbox files.
 *
 * The reader is strict about structure: a header line that is neither a
 * field nor a continuation, a multipart body without its closing
 * boundary (a truncated mail), base64 that does not decode and an unknown
 * transfer encoding are errors naming origin and line.  It is lenient
 * about what mail transport does to text: CRLF line ends, folded header
 * lines, case of names and parameter quoting.
 *
 * Every leaf part of the message (multiparts are walked recursively) is
 * returned decoded, in order, with the line where it starts.
 */
#ifndef XS_MIME_H
#define XS_MIME_H

#include "compat.h"
#include "strbuf.h"

struct mime_header {
	char *name;		/* as written */
	char *value;		/* unfolded, trimmed */
	int line;
};

struct mime_part {
	char *content_type;	/* lowercase "type/subtype"; "text/plain" by default */
	char *charset;		/* lowercase, or NULL */
	char *disposition;	/* lowercase "inline" / "attachment", or NULL */
	char *filename;		/* Content-Disposition filename, else Content-Type name */
	char *encoding;		/* lowercase Content-Transfer-Encoding; "7bit" by default */
	struct strbuf body;	/* decoded content */
	int line;		/* first line of the part's header */
	int body_line;		/* first line of its (encoded) body */
};

struct mime_message {
	char *origin;
	struct mime_header *hdr;	/* the top-level header fields */
	size_t hdr_nr, hdr_alloc;
	struct mime_part *parts;	/* the leaf parts */
	size_t nr, alloc;
};

/*
 * Parse one message.  first_line is the line number of text[0] in origin
 * (1 for a file, more for a message inside an mbox).  Returns 0 or
 * -XS_INPUT after an error "origin:line: ...".
 */
int mime_parse(struct mime_message *m, const char *text, size_t len,
	       const char *origin, int first_line);
void mime_release(struct mime_message *m);
/* The first top-level header field with this name (case-insensitive). */
const char *mime_get_header(const struct mime_message *m, const char *name);

/*
 * Decode base64, ignoring line breaks and blanks.  Anything else that is
 * not in the alphabet, padding in the middle, or a length that is not a
 * whole number of quanta is an error: returns -1 with *bad set to the
 * offset of the offending byte (len for a truncated end).
 */
int base64_decode(struct strbuf *out, const char *in, size_t len, size_t *bad);
void base64_encode(struct strbuf *out, const void *data, size_t len, size_t line_width);
/* Quoted-printable, as in RFC 2045 section 6.7.  Same error convention. */
int qp_decode(struct strbuf *out, const char *in, size_t len, size_t *bad);

/* One message of an mbox: [off, off + len) of the text, starting at line. */
struct mbox_msg {
	size_t off, len;
	int line;
};

/*
 * Is this an mbox (it starts with a "From " separator line)?  Then split
 * it at separator lines that follow an empty line.  The separator lines
 * themselves are not part of the messages.  Returns the count (0 when the
 * text is not an mbox); *msgs is malloc()ed.
 */
size_t mbox_split(const char *text, size_t len, struct mbox_msg **msgs);
/* Undo mboxrd quoting (">From " -> "From ", ">>From " -> ">From "). */
void mbox_unquote(struct strbuf *out, const char *text, size_t len);

#endif
