#include "compat.h"
#include "escape.h"

/*
 * Decode the UTF-8 sequence at s (left bytes remain): its length and code
 * point, or 0 when it is not valid UTF-8.
 */
static size_t utf8_decode(const unsigned char *s, size_t left, unsigned *cp)
{
	unsigned c = s[0];
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, *cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

static int is_ctrl(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* May cp at s[i] stay as it is under flags? */
static int allowed(unsigned cp, const char *s, size_t i, size_t len, unsigned flags)
{
	if (cp == '\t')
		return flags & TEXT_ALLOW_TAB;
	if (cp == '\n')
		return flags & TEXT_ALLOW_NEWLINE;
	if (cp == '\r')
		return (flags & TEXT_ALLOW_NEWLINE) && i + 1 < len && s[i + 1] == '\n';
	return 0;
}

int text_find_ctrl(const char *s, size_t len, unsigned flags, size_t *at, unsigned *code)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n) {
			i++;
			continue;
		}
		if (is_ctrl(cp) && !allowed(cp, s, i, len, flags)) {
			*at = i;
			*code = cp;
			return 1;
		}
		i += n;
	}
	return 0;
}

void text_ctrl_name(unsigned code, char out[16])
{
	if (code < 0x80)
		snprintf(out, 16, "0x%02x", code);
	else
		snprintf(out, 16, "U+%04X", code);
}

/* The escaped form of one character, or NULL when it stays as it is. */
static const char *escape_one(unsigned cp, const char *s, size_t i, size_t len,
			      unsigned flags, char buf[16])
{
	if (!is_ctrl(cp) || allowed(cp, s, i, len, flags))
		return NULL;
	switch (cp) {
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\r': return "\\r";
	}
	if (cp < 0x80)
		snprintf(buf, 16, "\\x%02x", cp);
	else
		snprintf(buf, 16, "\\u%04x", cp);
	return buf;
}

void text_escape(struct strbuf *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		char buf[16];
		const char *e;
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n) {
			strbuf_addstr(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		e = escape_one(cp, s, i, len, flags, buf);
		if (e)
			strbuf_addstr(out, e);
		else
			strbuf_add(out, s + i, n);
		i += n;
	}
}

const char *text_safe(const char *s)
{
	static struct strbuf ring[8] = {
		STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
		STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
	};
	static size_t next;
	struct strbuf *sb = &ring[next++ % ARRAY_SIZE(ring)];

	strbuf_reset(sb);
	if (s)
		text_escape(sb, s, strlen(s), 0);
	return sb->buf;
}

void text_fput(FILE *f, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		char buf[16];
		const char *e;
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n) {
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		e = escape_one(cp, s, i, len, flags, buf);
		if (e)
			fputs(e, f);
		else
			fwrite(s + i, 1, n, f);
		i += n;
	}
}
