#include "compat.h"
#include "cfgfile.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

void cfg_init(struct cfg_file *cf)
{
	memset(cf, 0, sizeof(*cf));
}

void cfg_release(struct cfg_file *cf)
{
	size_t i;

	for (i = 0; i < cf->nr; i++) {
		free(cf->e[i].section);
		free(cf->e[i].subsection);
		free(cf->e[i].key);
		free(cf->e[i].value);
	}
	free(cf->e);
	free(cf->path);
	cfg_init(cf);
}

static char *lower(const char *s, size_t n)
{
	char *r = xmemdupz(s, n);
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

struct cfg_parser {
	const char *path;
	const char *p, *end;
	int line;
};

static int peek(struct cfg_parser *ps)
{
	return ps->p < ps->end ? (unsigned char)*ps->p : EOF;
}

static int cfg_err(struct cfg_parser *ps, const char *what)
{
	return error_input("%s:%d: %s", ps->path, ps->line, what);
}

/* "[name]" or "[name "sub"]"; ps->p is just past '['. */
static int parse_section(struct cfg_parser *ps, char **section, char **sub)
{
	const char *start = ps->p;
	struct strbuf sb = STRBUF_INIT;
	int c;

	while ((c = peek(ps)) != EOF && (isalnum(c) || c == '-' || c == '.'))
		ps->p++;
	if (ps->p == start)
		return cfg_err(ps, "empty or invalid section name");
	free(*section);
	free(*sub);
	*section = lower(start, (size_t)(ps->p - start));
	*sub = NULL;
	c = peek(ps);
	if (c == ' ' || c == '\t') {
		while (peek(ps) == ' ' || peek(ps) == '\t')
			ps->p++;
		if (peek(ps) != '"')
			return cfg_err(ps, "expected a quoted subsection name");
		ps->p++;
		for (;;) {
			c = peek(ps);
			if (c == EOF || c == '\n') {
				strbuf_release(&sb);
				return cfg_err(ps, "unterminated subsection name");
			}
			ps->p++;
			if (c == '"')
				break;
			if (c == '\\') {
				c = peek(ps);
				if (c == EOF || c == '\n') {
					strbuf_release(&sb);
					return cfg_err(ps, "bad escape in subsection name");
				}
				ps->p++;
			}
			strbuf_addch(&sb, c);
		}
		*sub = strbuf_detach(&sb, NULL);
	}
	if (peek(ps) != ']')
		return cfg_err(ps, "expected ']' after the section name");
	ps->p++;
	return 0;
}

static int parse_value(struct cfg_parser *ps, char **value)
{
	struct strbuf sb = STRBUF_INIT;
	int quoted = 0, c;
	size_t trim_to = 0;	/* length without trailing blanks outside quotes */

	while (peek(ps) == ' ' || peek(ps) == '\t')
		ps->p++;
	for (;;) {
		c = peek(ps);
		if (c == EOF || c == '\n') {
			if (quoted) {
				strbuf_release(&sb);
				return cfg_err(ps, "unterminated quoted value");
			}
			break;
		}
		ps->p++;
		if (c == '\r' && (peek(ps) == '\n' || peek(ps) == EOF))
			continue;
		if (!quoted && (c == '#' || c == ';')) {
			while (peek(ps) != EOF && peek(ps) != '\n')
				ps->p++;
			break;
		}
		if (c == '"') {
			quoted = !quoted;
			trim_to = sb.len;
			continue;
		}
		if (c == '\\') {
			c = peek(ps);
			if (c == '\n') {	/* continuation */
				ps->p++;
				ps->line++;
				continue;
			}
			if (c == EOF) {
				strbuf_release(&sb);
				return cfg_err(ps, "backslash at end of file");
			}
			ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case '\\': case '"': break;
			default:
				strbuf_release(&sb);
				return cfg_err(ps, "bad escape sequence in value");
			}
			strbuf_addch(&sb, c);
			trim_to = sb.len;
			continue;
		}
		strbuf_addch(&sb, c);
		if (quoted || (c != ' ' && c != '\t'))
			trim_to = sb.len;
	}
	strbuf_setlen(&sb, trim_to);
	*value = strbuf_detach(&sb, NULL);
	return 0;
}

int cfg_parse(struct cfg_file *cf, const char *path, const char *text, size_t len)
{
	struct cfg_parser ps = { path, text, text + len, 1 };
	char *section = NULL, *sub = NULL;
	int rc = 0;

	free(cf->path);
	cf->path = xstrdup(path);
	if (memchr(text, '\0', len))
		return error_input("%s: contains a NUL byte", path);
	while (ps.p < ps.end && !rc) {
		int c;

		while (peek(&ps) == ' ' || peek(&ps) == '\t' || peek(&ps) == '\r')
			ps.p++;
		c = peek(&ps);
		if (c == EOF)
			break;
		if (c == '\n') {
			ps.p++;
			ps.line++;
			continue;
		}
		if (c == '#' || c == ';') {
			while (peek(&ps) != EOF && peek(&ps) != '\n')
				ps.p++;
			continue;
		}
		if (c == '[') {
			ps.p++;
			rc = parse_section(&ps, &section, &sub);
			if (rc)
				break;
			while (peek(&ps) == ' ' || peek(&ps) == '\t' || peek(&ps) == '\r')
				ps.p++;
			c = peek(&ps);
			if (c == '#' || c == ';') {
				while (peek(&ps) != EOF && peek(&ps) != '\n')
					ps.p++;
			} else if (c != '\n' && c != EOF) {
				rc = cfg_err(&ps, "text after the section header");
			}
			continue;
		}
		if (!isalpha(c)) {
			rc = cfg_err(&ps, "expected a key name, a [section] or a comment");
			break;
		}
		if (!section) {
			rc = cfg_err(&ps, "key outside of any [section]");
			break;
		}
		{
			const char *kstart = ps.p;
			struct cfg_entry *e;
			char *value = NULL;
			int kline = ps.line;

			while ((c = peek(&ps)) != EOF && (isalnum(c) || c == '-'))
				ps.p++;
			{
				const char *kend = ps.p;

				while (peek(&ps) == ' ' || peek(&ps) == '\t')
					ps.p++;
				c = peek(&ps);
				if (c == '=') {
					ps.p++;
					rc = parse_value(&ps, &value);
					if (rc)
						break;
				} else if (c == '#' || c == ';') {
					while (peek(&ps) != EOF && peek(&ps) != '\n')
						ps.p++;
				} else if ((c != '\n' && c != EOF && c != '\r') ||
					   (c == '\r' && ps.p + 1 < ps.end && ps.p[1] != '\n')) {
					/* A carriage return ends a line only before its newline. */
					rc = cfg_err(&ps, "invalid character in key name (expected 'key = value')");
					break;
				}
				ALLOC_GROW(cf->e, cf->nr + 1, cf->alloc);
				e = &cf->e[cf->nr++];
				e->section = xstrdup(section);
				e->subsection = sub ? xstrdup(sub) : NULL;
				e->key = lower(kstart, (size_t)(kend - kstart));
				e->value = value;
				e->line = kline;
			}
		}
	}
	free(section);
	free(sub);
	return rc;
}

int cfg_load(struct cfg_file *cf, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = read_file(&sb, path, 1 << 20);

	if (!rc)
		rc = cfg_parse(cf, path, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

const struct cfg_entry *cfg_find(const struct cfg_file *cf, const char *section,
				 const char *subsection, const char *key)
{
	size_t i = cf->nr;

	while (i--) {
		const struct cfg_entry *e = &cf->e[i];

		if (strcasecmp(e->section, section) || strcasecmp(e->key, key))
			continue;
		if (!subsection != !e->subsection)
			continue;
		if (subsection && strcmp(subsection, e->subsection))
			continue;
		return e;
	}
	return NULL;
}

int cfg_bool(const struct cfg_entry *e)
{
	const char *v = e->value;

	if (!v)
		return 1;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
	    !strcmp(v, "0") || !*v)
		return 0;
	return -1;
}

/* Does the trimmed line open [section] (no subsection)? */
static int is_section_line(const char *l, size_t n, const char *section, int *any)
{
	size_t i = 0, sl = strlen(section);

	*any = 0;
	/* Blanks before a line's first item, as cfg_parse() skips them. */
	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
		i++;
	if (i >= n || l[i] != '[')
		return 0;
	*any = 1;
	i++;
	return n - i > sl && !strncasecmp(l + i, section, sl) && l[i + sl] == ']';
}

static int is_key_line(const char *l, size_t n, const char *key)
{
	size_t i = 0, kl = strlen(key);

	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
		i++;
	if (n - i < kl || strncasecmp(l + i, key, kl))
		return 0;
	i += kl;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	/* "key = v", or a bare "key" that cfg_parse() reads as true. */
	return i == n || l[i] == '=' || l[i] == ';' || l[i] == '#' || l[i] == '\r';
}

static void quote_value(struct strbuf *out, const char *v)
{
	int need = !*v || v[0] == ' ' || v[strlen(v) - 1] == ' ' ||
		   strpbrk(v, "#;\"\\\t\n") != NULL;
	const char *p;

	if (!need) {
		strbuf_addstr(out, v);
		return;
	}
	strbuf_addch(out, '"');
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(out, '\\');
		if (*p == '\n')
			strbuf_addstr(out, "\\n");
		else if (*p == '\t')
			strbuf_addstr(out, "\\t");
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

/*
 * Scan value text of one physical line as parse_value() reads it; *quoted
 * carries over.  Does the line end in a backslash that continues the
 * value on the next line?
 */
static int value_continues(const char *v, size_t n, int *quoted)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == '\\') {
			if (i + 1 == n)
				return 1;
			i++;
		} else if (v[i] == '"') {
			*quoted = !*quoted;
		} else if (!*quoted && (v[i] == '#' || v[i] == ';')) {
			return 0;
		}
	}
	return 0;
}

void cfg_text_set(struct strbuf *text, const char *section, const char *key,
		  const char *value)
{
	struct strbuf out = STRBUF_INIT, kv = STRBUF_INIT;
	size_t pos = 0, n, key_start = 0, key_end = 0, section_end = 0;
	const char *line;
	int in_section = 0, found_section = 0, found_key = 0, cont = 0, quoted = 0;
	int this_key = 0;

	strbuf_addf(&kv, "\t%s = ", key);
	quote_value(&kv, value);
	strbuf_addch(&kv, '\n');

	/*
	 * Where is the last line of the key (a value continued with a final
	 * backslash spans several), where does the section end?
	 */
	while (next_line(text->buf, text->len, &pos, &line, &n)) {
		size_t start = (size_t)(line - text->buf);
		int any;

		if (cont) {
			/* The rest of a value begun on an earlier line. */
			cont = value_continues(line, n, &quoted);
			if (this_key)
				key_end = pos;
			if (in_section)
				section_end = pos;
			continue;
		}
		this_key = 0;
		if (is_section_line(line, n, section, &any)) {
			in_section = found_section = 1;
			section_end = pos;
			continue;
		}
		if (any)
			in_section = 0;
		{
			const char *eq = memchr(line, '=', n);
			size_t k = 0;

			while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
				k++;
			quoted = 0;
			if (k < n && isalpha((unsigned char)line[k]) && eq)
				cont = value_continues(eq + 1, n - (size_t)(eq + 1 - line), &quoted);
			if (!in_section)
				continue;
			if (is_key_line(line, n, key)) {
				found_key = this_key = 1;
				key_start = start;
				key_end = pos;
			}
			if (k < n)
				section_end = pos;
		}
	}
	if (found_key) {
		strbuf_add(&out, text->buf, key_start);
		strbuf_addbuf(&out, &kv);
		strbuf_add(&out, text->buf + key_end, text->len - key_end);
	} else {
		size_t at = found_section ? section_end : text->len;

		strbuf_add(&out, text->buf, at);
		if (out.len && out.buf[out.len - 1] != '\n')
			strbuf_addch(&out, '\n');
		/* A value continued at the very end would swallow our line:
		 * an empty line ends it. */
		if (cont && at == text->len)
			strbuf_addch(&out, '\n');
		if (!found_section)
			strbuf_addf(&out, "[%s]\n", section);
		strbuf_addbuf(&out, &kv);
		strbuf_add(&out, text->buf + at, text->len - at);
	}
	strbuf_release(text);
	*text = out;
	strbuf_release(&kv);
}
