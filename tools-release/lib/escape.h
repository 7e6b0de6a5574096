/*
 * escape.h: untrusted text on its way to a terminal, a log or a page.
 *
 * Titles, CVE ids, file names, subjects and user ids come from advisories,
 * mails, xenbits' index, bundles and keys: anyone may have written them.
 * A control character in them (ESC starts a terminal escape sequence, CR
 * overwrites a line, U+202E reverses what follows) must never reach a
 * terminal raw.  Readers refuse such text where a format forbids it
 * (text_find_ctrl()); everything that prints untrusted text escapes it
 * anyway (text_escape(), text_safe()), and lib/usage.c does the same for
 * every message.
 *
 * What counts: C0 controls (0x00-0x1f), DEL (0x7f), the C1 controls
 * U+0080-U+009F, and the bidirectional embeddings, overrides and
 * isolates U+202A-U+202E and U+2066-U+2069.  Bytes that are not UTF-8
 * become U+FFFD when escaped (a lone 0x9b is CSI to some terminals).
 */
#ifndef XS_ESCAPE_H
#define XS_ESCAPE_H

#include "compat.h"
#include "strbuf.h"

#define TEXT_ALLOW_TAB		1	/* '\t' is fine */
#define TEXT_ALLOW_NEWLINE	2	/* '\n', and '\r' right before it */

/*
 * Find the first character of s that must not reach a terminal.  Returns
 * 1 with *at (its offset in s) and *code (its code point), 0 if there is
 * none.  Bytes that are not UTF-8 are not reported here.
 */
int text_find_ctrl(const char *s, size_t len, unsigned flags, size_t *at, unsigned *code);

/* "0x1b", "U+202E": a found character named for an error message. */
void text_ctrl_name(unsigned code, char out[16]);

/*
 * Append s with those characters made visible: "\t", "\n", "\r",
 * "\x1b" for other C0 and DEL, "\u009b" and "\u202e" for the others;
 * bytes that are not UTF-8 become U+FFFD.  flags keep tabs or newlines
 * as they are.
 */
void text_escape(struct strbuf *out, const char *s, size_t len, unsigned flags);

/*
 * s escaped for printf("%s") (NULL gives "").  The result stays valid
 * until eight more calls have been made; copy it to keep it longer.
 */
const char *text_safe(const char *s);

/* Write s escaped (flags as above) to f, allocating nothing. */
void text_fput(FILE *f, const char *s, size_t len, unsigned flags);

#endif
