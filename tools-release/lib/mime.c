#include "compat.h"
#include "mime.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

#define MIME_MAX_DEPTH 16

/* Line-by-line view of a buffer that knows its line numbers. */
struct lines {
	const char *text;
	size_t len, pos;
	int lineno;		/* number of the line next_line() returns next */
};

static int lines_next(struct lines *l, const char **line, size_t *n, int *lineno)
{
	*lineno = l->lineno;
	if (!next_line(l->text, l->len, &l->pos, line, n))
		return 0;
	l->lineno++;
	return 1;
}

/* Length without a trailing "\r" (mail transport may add one). */
static size_t strip_cr(const char *line, size_t n)
{
	return n && line[n - 1] == '\r' ? n - 1 : n;
}

static int is_blank_line(const char *line, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

static char *lower_dup(const char *s, size_t n)
{
	char *r = xmemdupz(s, n);
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xmemdupz(s, n);
}

/* --- header fields ---------------------------------------------------- */

struct field_list {
	struct mime_header *v;
	size_t nr, alloc;
};

static void fields_release(struct mime_header *v, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/*
 * Read header fields up to the empty line.  On return l->pos is the start
 * of the body.  Folded lines are joined.
 */
static int read_fields(struct lines *l, const char *origin, struct field_list *fl)
{
	struct strbuf val = STRBUF_INIT;
	const char *line;
	size_t n;
	int lineno, open = 0, rc = 0;

	while (lines_next(l, &line, &n, &lineno)) {
		n = strip_cr(line, n);
		if (!n)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (!open) {
				rc = error_input("%s:%d: a continuation line with no header field above it",
						 origin, lineno);
				break;
			}
			strbuf_add(&val, line, n);
			continue;
		}
		if (open) {
			fl->v[fl->nr - 1].value = trim_dup(val.buf, val.len);
			open = 0;
		}
		{
			const char *colon = memchr(line, ':', n);
			size_t k;

			for (k = 0; colon && line + k < colon; k++)
				if ((unsigned char)line[k] <= ' ' || (unsigned char)line[k] >= 0x7f)
					break;
			if (!colon || colon == line || line + k != colon) {
				rc = error_input("%s:%d: not a mail header field: '%.*s'", origin,
						 lineno, (int)(n > 60 ? 60 : n), line);
				break;
			}
			ALLOC_GROW(fl->v, fl->nr + 1, fl->alloc);
			fl->v[fl->nr].name = xmemdupz(line, (size_t)(colon - line));
			fl->v[fl->nr].value = NULL;
			fl->v[fl->nr].line = lineno;
			fl->nr++;
			strbuf_reset(&val);
			strbuf_add(&val, colon + 1, (size_t)(line + n - colon - 1));
			open = 1;
		}
	}
	if (open)
		fl->v[fl->nr - 1].value = trim_dup(val.buf, val.len);
	strbuf_release(&val);
	return rc;
}

static const struct mime_header *find_field(const struct mime_header *v, size_t nr,
					    const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcasecmp(v[i].name, name))
			return &v[i];
	return NULL;
}

const char *mime_get_header(const struct mime_message *m, const char *name)
{
	const struct mime_header *h = find_field(m->hdr, m->hdr_nr, name);

	return h ? h->value : NULL;
}

/* --- structured values: "type/subtype; name=value; ..." ---------------- */

struct param {
	char *name;	/* lowercase, without "*N*" */
	int section;	/* RFC 2231 continuation number, -1 for none */
	int extended;	/* name*= ... percent-encoded */
	char *value;
};

struct params {
	char *main;	/* lowercase value before the first ';' */
	struct param *v;
	size_t nr, alloc;
};

static void params_release(struct params *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	free(p->main);
	memset(p, 0, sizeof(*p));
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* Parse; returns -1 on an unterminated quote or a parameter without '='. */
static int parse_params(const char *s, struct params *p)
{
	size_t n = strcspn(s, ";");

	memset(p, 0, sizeof(*p));
	p->main = lower_dup(s, n);
	{
		char *t = trim_dup(p->main, strlen(p->main));

		free(p->main);
		p->main = t;
	}
	s += n;
	while (*s == ';') {
		struct strbuf val = STRBUF_INIT;
		const char *name, *star;
		size_t nlen;
		struct param *pa;

		s = skip_ws(s + 1);
		if (!*s)
			break;	/* a trailing ';' is common and harmless */
		name = s;
		while (*s && *s != '=' && *s != ';' && *s != ' ' && *s != '\t')
			s++;
		nlen = (size_t)(s - name);
		s = skip_ws(s);
		if (*s != '=' || !nlen)
			return -1;
		s = skip_ws(s + 1);
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				strbuf_addch(&val, *s);
			}
			if (*s != '"') {
				strbuf_release(&val);
				return -1;
			}
			s++;
		} else {
			const char *v = s;

			while (*s && *s != ';' && *s != ' ' && *s != '\t')
				s++;
			strbuf_add(&val, v, (size_t)(s - v));
		}
		s = skip_ws(s);
		ALLOC_GROW(p->v, p->nr + 1, p->alloc);
		pa = &p->v[p->nr++];
		pa->section = -1;
		pa->extended = 0;
		star = memchr(name, '*', nlen);
		if (star) {
			const char *q = star + 1;

			pa->name = lower_dup(name, (size_t)(star - name));
			if (q < name + nlen && isdigit((unsigned char)*q)) {
				pa->section = atoi(q);
				while (q < name + nlen && isdigit((unsigned char)*q))
					q++;
				pa->extended = q < name + nlen && *q == '*';
			} else {
				pa->extended = 1;
			}
		} else {
			pa->name = lower_dup(name, nlen);
		}
		pa->value = strbuf_detach(&val, NULL);
		if (*s && *s != ';')
			return -1;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Value of a parameter, joining RFC 2231 sections and percent-decoding. */
static char *param_get(const struct params *p, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int sec, found = 0;

	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->v[i].name, name) && p->v[i].section < 0 && !p->v[i].extended)
			return xstrdup(p->v[i].value);
	for (sec = -1; sec < 64; sec++) {
		int got = 0;

		for (i = 0; i < p->nr; i++) {
			const struct param *pa = &p->v[i];
			const char *v = pa->value;

			if (strcmp(pa->name, name) || pa->section != sec ||
			    (sec < 0 && !pa->extended))
				continue;
			got = found = 1;
			if (pa->extended && sec <= 0) {
				/* charset'language'text */
				const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

				if (q2)
					v = q2 + 1;
			}
			for (; *v; v++) {
				if (pa->extended && *v == '%' && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
					strbuf_addch(&sb, hexval(v[1]) * 16 + hexval(v[2]));
					v += 2;
				} else {
					strbuf_addch(&sb, *v);
				}
			}
			break;
		}
		if (!got && sec >= 0)
			break;
	}
	if (!found) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* --- transfer encodings ----------------------------------------------- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(struct strbuf *out, const char *in, size_t len, size_t *bad)
{
	unsigned quad[4];
	size_t i, q = 0, pad = 0;
	int ended = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i], v;

		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (ended) {
			*bad = i;	/* data after the final padded quantum */
			return -1;
		}
		if (c == '=') {
			/* Padding only in the last two places of a quantum. */
			if (q < 2) {
				*bad = i;
				return -1;
			}
			quad[q++] = 0;
			pad++;
		} else {
			v = b64val(c);
			if (v < 0 || pad) {
				*bad = i;
				return -1;
			}
			quad[q++] = (unsigned)v;
		}
		if (q == 4) {
			unsigned w = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3];

			strbuf_addch(out, (int)(w >> 16 & 0xff));
			if (pad < 2)
				strbuf_addch(out, (int)(w >> 8 & 0xff));
			if (pad < 1)
				strbuf_addch(out, (int)(w & 0xff));
			if (pad)
				ended = 1;
			q = 0;
		}
	}
	if (q) {
		*bad = len;	/* truncated */
		return -1;
	}
	return 0;
}

void base64_encode(struct strbuf *out, const void *data, size_t len, size_t line_width)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		unsigned w = (unsigned)p[i] << 16;
		size_t left = len - i;

		if (left > 1)
			w |= (unsigned)p[i + 1] << 8;
		if (left > 2)
			w |= p[i + 2];
		strbuf_addch(out, alpha[w >> 18 & 63]);
		strbuf_addch(out, alpha[w >> 12 & 63]);
		strbuf_addch(out, left > 1 ? alpha[w >> 6 & 63] : '=');
		strbuf_addch(out, left > 2 ? alpha[w & 63] : '=');
		col += 4;
		if (line_width && col >= line_width) {
			strbuf_addch(out, '\n');
			col = 0;
		}
	}
	if (line_width && col)
		strbuf_addch(out, '\n');
}

int qp_decode(struct strbuf *out, const char *in, size_t len, size_t *bad)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c != '=') {
			strbuf_addch(out, c);
			continue;
		}
		/* "=" at the end of a line is a soft line break. */
		{
			size_t j = i + 1;

			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j == len || in[j] == '\n' || (in[j] == '\r' && j + 1 < len && in[j + 1] == '\n')) {
				i = j < len && in[j] == '\r' ? j + 1 : j;
				continue;
			}
		}
		if (i + 2 >= len || hexval(in[i + 1]) < 0 || hexval(in[i + 2]) < 0) {
			*bad = i;
			return -1;
		}
		strbuf_addch(out, hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
		i += 2;
	}
	return 0;
}

/* Line number of offset off in text, counting from first. */
static int line_at(const char *text, size_t off, int first)
{
	size_t i;
	int line = first;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

static void crlf_to_lf(struct strbuf *sb)
{
	size_t i, j = 0;

	for (i = 0; i < sb->len; i++) {
		if (sb->buf[i] == '\r' && i + 1 < sb->len && sb->buf[i + 1] == '\n')
			continue;
		sb->buf[j++] = sb->buf[i];
	}
	strbuf_setlen(sb, j);
}

/* --- entities ---------------------------------------------------------- */

static int parse_entity(struct mime_message *m, const char *text, size_t len, int line0,
			const char *default_type, int depth, int top);

static int parse_multipart(struct mime_message *m, const char *body, size_t blen,
			   int bline, const char *boundary, int depth)
{
	struct lines l = { body, blen, 0, bline };
	size_t blen_b = strlen(boundary);
	const char *line;
	size_t n, start = 0, end;
	int lineno, in_part = 0, part_line = 0, closed = 0, rc = 0;

	while (lines_next(&l, &line, &n, &lineno)) {
		size_t k = strip_cr(line, n);
		int is_delim, is_close;

		/* Transport may add blanks after a delimiter. */
		while (k && (line[k - 1] == ' ' || line[k - 1] == '\t'))
			k--;
		is_delim = k >= 2 + blen_b && line[0] == '-' && line[1] == '-' &&
			   !memcmp(line + 2, boundary, blen_b);
		if (!is_delim)
			continue;
		is_close = k == 4 + blen_b && line[2 + blen_b] == '-' && line[3 + blen_b] == '-';
		if (!is_close && k != 2 + blen_b)
			continue;
		if (in_part) {
			/* The line break before the delimiter belongs to it. */
			end = (size_t)(line - body);
			if (end > start && body[end - 1] == '\n')
				end--;
			if (end > start && body[end - 1] == '\r')
				end--;
			if (end < start)
				end = start;
			rc = parse_entity(m, body + start, end - start, part_line,
					  "text/plain", depth + 1, 0);
			if (rc)
				return rc;
		}
		if (is_close) {
			closed = 1;
			break;
		}
		in_part = 1;
		start = l.pos;
		part_line = lineno + 1;
	}
	if (!closed)
		return error_input("%s:%d: the mail is truncated: the multipart body has no "
				   "closing boundary \"--%s--\"", m->origin,
				   l.lineno > bline ? l.lineno - 1 : bline, boundary);
	return 0;
}

static int parse_entity(struct mime_message *m, const char *text, size_t len, int line0,
			const char *default_type, int depth, int top)
{
	struct lines l = { text, len, 0, line0 };
	struct field_list fl = { NULL, 0, 0 };
	struct params ct, cd;
	const struct mime_header *h;
	const char *body;
	size_t blen;
	int bline, rc;

	memset(&ct, 0, sizeof(ct));
	memset(&cd, 0, sizeof(cd));
	if (depth > MIME_MAX_DEPTH)
		return error_input("%s:%d: MIME parts nested deeper than %d levels",
				   m->origin, line0, MIME_MAX_DEPTH);
	rc = read_fields(&l, m->origin, &fl);
	if (rc)
		goto out;
	body = text + l.pos;
	blen = len - l.pos;
	bline = l.lineno;

	h = find_field(fl.v, fl.nr, "Content-Type");
	if (h) {
		if (parse_params(h->value, &ct) || !strchr(ct.main, '/')) {
			rc = error_input("%s:%d: malformed Content-Type '%s'", m->origin,
					 h->line, h->value);
			goto out;
		}
	} else {
		ct.main = xstrdup(default_type);
	}
	h = find_field(fl.v, fl.nr, "Content-Disposition");
	if (h && parse_params(h->value, &cd)) {
		rc = error_input("%s:%d: malformed Content-Disposition '%s'", m->origin,
				 h->line, h->value);
		goto out;
	}

	if (starts_with(ct.main, "multipart/")) {
		char *boundary = param_get(&ct, "boundary");

		if (!boundary || !*boundary || strlen(boundary) > 200) {
			h = find_field(fl.v, fl.nr, "Content-Type");
			rc = error_input("%s:%d: %s without a usable boundary parameter",
					 m->origin, h->line, ct.main);
			free(boundary);
			goto out;
		}
		rc = parse_multipart(m, body, blen, bline, boundary, depth);
		free(boundary);
	} else {
		struct mime_part p;
		size_t bad = 0;
		const char *enc;

		memset(&p, 0, sizeof(p));
		strbuf_init(&p.body, blen);
		p.line = line0;
		p.body_line = bline;
		p.content_type = xstrdup(ct.main);
		p.charset = param_get(&ct, "charset");
		if (p.charset) {
			char *lc = lower_dup(p.charset, strlen(p.charset));

			free(p.charset);
			p.charset = lc;
		}
		p.disposition = cd.main ? xstrdup(cd.main) : NULL;
		p.filename = param_get(&cd, "filename");
		if (!p.filename)
			p.filename = param_get(&ct, "name");
		h = find_field(fl.v, fl.nr, "Content-Transfer-Encoding");
		p.encoding = h ? lower_dup(h->value, strlen(h->value)) : xstrdup("7bit");
		enc = p.encoding;
		if (!strcmp(enc, "base64")) {
			if (base64_decode(&p.body, body, blen, &bad))
				rc = error_input("%s:%d: the base64 %s does not decode (%s)",
						 m->origin, line_at(body, bad, bline),
						 p.filename ? p.filename : "part",
						 bad >= blen || !blen ? "it is truncated" :
						 "bad character or padding");
		} else if (!strcmp(enc, "quoted-printable")) {
			if (qp_decode(&p.body, body, blen, &bad))
				rc = error_input("%s:%d: bad quoted-printable escape in %s",
						 m->origin, line_at(body, bad, bline),
						 p.filename ? p.filename : "part");
			else
				crlf_to_lf(&p.body);
		} else if (!strcmp(enc, "7bit") || !strcmp(enc, "8bit") ||
			   !strcmp(enc, "binary")) {
			strbuf_add(&p.body, body, blen);
			if (strcmp(enc, "binary"))
				crlf_to_lf(&p.body);
		} else {
			h = find_field(fl.v, fl.nr, "Content-Transfer-Encoding");
			rc = error_input("%s:%d: unknown Content-Transfer-Encoding '%s'",
					 m->origin, h->line, h->value);
		}
		if (rc) {
			strbuf_release(&p.body);
			free(p.content_type);
			free(p.charset);
			free(p.disposition);
			free(p.filename);
			free(p.encoding);
		} else {
			ALLOC_GROW(m->parts, m->nr + 1, m->alloc);
			m->parts[m->nr++] = p;
		}
	}
out:
	params_release(&ct);
	params_release(&cd);
	if (top && !rc) {
		m->hdr = fl.v;
		m->hdr_nr = fl.nr;
		m->hdr_alloc = fl.alloc;
	} else {
		fields_release(fl.v, fl.nr);
	}
	return rc;
}

int mime_parse(struct mime_message *m, const char *text, size_t len,
	       const char *origin, int first_line)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->origin = xstrdup(origin);
	if (!len)
		return error_input("%s: empty mail", origin);
	if (memchr(text, '\0', len))
		return error_input("%s:%d: the mail contains a NUL byte", origin,
				   line_at(text, (size_t)((const char *)memchr(text, '\0', len) - text),
					   first_line));
	rc = parse_entity(m, text, len, first_line, "text/plain", 0, 1);
	if (!rc && !m->hdr_nr)
		rc = error_input("%s:%d: no mail header", origin, first_line);
	return rc;
}

void mime_release(struct mime_message *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		struct mime_part *p = &m->parts[i];

		free(p->content_type);
		free(p->charset);
		free(p->disposition);
		free(p->filename);
		free(p->encoding);
		strbuf_release(&p->body);
	}
	free(m->parts);
	fields_release(m->hdr, m->hdr_nr);
	free(m->origin);
	memset(m, 0, sizeof(*m));
}

/* --- mbox --------------------------------------------------------------- */

static int is_from_line(const char *line, size_t n)
{
	return n > 5 && !memcmp(line, "From ", 5);
}

size_t mbox_split(const char *text, size_t len, struct mbox_msg **msgs)
{
	struct lines l = { text, len, 0, 1 };
	const char *line;
	size_t n, nr = 0, alloc = 0;
	int lineno, prev_blank = 1;
	struct mbox_msg *v = NULL;

	*msgs = NULL;
	while (lines_next(&l, &line, &n, &lineno)) {
		if (is_from_line(line, n) && prev_blank) {
			if (lineno == 1 || nr) {
				if (nr) {
					size_t end = (size_t)(line - text);

					v[nr - 1].len = end - v[nr - 1].off;
				}
				ALLOC_GROW(v, nr + 1, alloc);
				v[nr].off = l.pos;
				v[nr].len = 0;
				v[nr].line = lineno + 1;
				nr++;
			}
		} else if (lineno == 1) {
			return 0;	/* not an mbox */
		}
		prev_blank = is_blank_line(line, n);
	}
	if (nr)
		v[nr - 1].len = len - v[nr - 1].off;
	*msgs = v;
	return nr;
}

void mbox_unquote(struct strbuf *out, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		size_t k = 0;

		while (k < n && line[k] == '>')
			k++;
		if (k && n - k >= 5 && !memcmp(line + k, "From ", 5))
			strbuf_add(out, line + 1, n - 1);
		else
			strbuf_add(out, line, n);
		if (pos <= len && line + n < text + len)
			strbuf_addch(out, '\n');
	}
}
