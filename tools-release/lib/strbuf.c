#include "compat.h"
#include "strbuf.h"
#include "xalloc.h"
#include "usage.h"

#include <ctype.h>

/* Shared empty buffer for STRBUF_INIT; never written past index 0. */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *r;

	strbuf_grow(sb, 0);
	r = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return r;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - sb->len - 1)
		die("strbuf: size overflow");
	need = sb->len + extra + 1;
	if (!sb->alloc) {
		size_t a = need < 64 ? 64 : need;
		char *nb = xmalloc(a);

		memcpy(nb, sb->buf, sb->len);
		nb[sb->len] = '\0';
		sb->buf = nb;
		sb->alloc = a;
		return;
	}
	if (need > sb->alloc) {
		size_t a = sb->alloc;

		while (a < need)
			a = a > SIZE_MAX / 2 ? need : a * 2;
		sb->buf = xrealloc(sb->buf, a);
		sb->alloc = a;
	}
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		BUG("strbuf_setlen beyond end (%zu > %zu)", len, sb->len);
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	strbuf_add(sb, other->buf, other->len);
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("strbuf_vaddf: bad format '%s'", fmt);
	strbuf_grow(sb, (size_t)n);
	if (vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap) != n)
		BUG("strbuf_vaddf: output changed length");
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_rtrim(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && isspace((unsigned char)sb->buf[n - 1]))
		n--;
	strbuf_setlen(sb, n);
}

void strbuf_ltrim(struct strbuf *sb)
{
	size_t i = 0;

	while (i < sb->len && isspace((unsigned char)sb->buf[i]))
		i++;
	if (!i)
		return;
	memmove(sb->buf, sb->buf + i, sb->len - i);
	strbuf_setlen(sb, sb->len - i);
}

void strbuf_trim(struct strbuf *sb)
{
	strbuf_rtrim(sb);
	strbuf_ltrim(sb);
}

void strbuf_chomp(struct strbuf *sb)
{
	if (sb->len && sb->buf[sb->len - 1] == '\n')
		strbuf_setlen(sb, sb->len - 1);
	if (sb->len && sb->buf[sb->len - 1] == '\r')
		strbuf_setlen(sb, sb->len - 1);
}

int strbuf_starts_with(const struct strbuf *sb, const char *prefix)
{
	size_t n = strlen(prefix);

	return sb->len >= n && !memcmp(sb->buf, prefix, n);
}

void strbuf_replace_all(struct strbuf *sb, const char *a, const char *b)
{
	struct strbuf out = STRBUF_INIT;
	size_t alen = strlen(a), i = 0;

	if (!alen)
		return;
	while (i < sb->len) {
		if (sb->len - i >= alen && !memcmp(sb->buf + i, a, alen)) {
			strbuf_addstr(&out, b);
			i += alen;
		} else {
			strbuf_addch(&out, sb->buf[i++]);
		}
	}
	strbuf_release(sb);
	*sb = out;
}

int strbuf_read_fd(struct strbuf *sb, int fd, size_t max)
{
	size_t start = sb->len;

	for (;;) {
		ssize_t n;

		strbuf_grow(sb, 8192);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!n)
			break;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
		if (max && sb->len - start > max) {
			errno = EFBIG;
			return -1;
		}
	}
	return 0;
}

int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

int skip_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return 0;
	*rest = s + n;
	return 1;
}

int is_hex_string(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int next_line(const char *text, size_t size, size_t *pos,
	      const char **line, size_t *len)
{
	const char *nl;

	if (*pos >= size)
		return 0;
	*line = text + *pos;
	nl = memchr(*line, '\n', size - *pos);
	if (nl) {
		*len = (size_t)(nl - *line);
		*pos += *len + 1;
	} else {
		*len = size - *pos;
		*pos = size;
	}
	return 1;
}
