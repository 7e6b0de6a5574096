/*
 * xsa-vuln.c: read an advisory's VULNERABLE SYSTEMS section (xsa-vuln.h).
 *
 * A sentence is cut into lower-case words and matched against a few
 * patterns, word by word; anything else that speaks of Xen versions being
 * vulnerable makes the whole section "not understood".
 */
#include "compat.h"
#include "xsa-vuln.h"
#include "strvec.h"
#include "xalloc.h"

#include <ctype.h>

#define MAX_WORDS 64

void xsa_vuln_init(struct xsa_vuln *x)
{
	memset(x, 0, sizeof(*x));
}

void xsa_vuln_release(struct xsa_vuln *x)
{
	size_t i;

	for (i = 0; i < x->nr; i++)
		free(x->v[i].text);
	free(x->v);
	free(x->why);
	memset(x, 0, sizeof(*x));
}

/* --- words and patterns ---------------------------------------------------- */

struct words {
	char *w[MAX_WORDS];
	size_t nr;
	int too_long;
};

static void words_release(struct words *ws)
{
	size_t i;

	for (i = 0; i < ws->nr; i++)
		free(ws->w[i]);
	ws->nr = 0;
}

/* Lower-case words; punctuation other than '.' and '-' inside a word splits. */
static void split_words(const char *s, struct words *ws)
{
	struct strbuf cur = STRBUF_INIT;

	ws->nr = 0;
	ws->too_long = 0;
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = isalnum(c) || ((c == '.' || c == '-') && cur.len && isalnum((unsigned char)s[1]));

		if (keep) {
			strbuf_addch(&cur, (char)tolower(c));
			continue;
		}
		if (cur.len) {
			if (ws->nr < MAX_WORDS)
				ws->w[ws->nr++] = strbuf_detach(&cur, NULL);
			else
				ws->too_long = 1;
			strbuf_reset(&cur);
		}
		if (!c)
			break;
	}
	strbuf_release(&cur);
}

/* "4.17" or "4.17.x": 1 and the numbers. */
static int version_word(const char *w, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!isdigit((unsigned char)*w))
		return 0;
	a = strtol(w, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return 0;
	b = strtol(end + 1, &end, 10);
	if (*end && strcmp(end, ".x"))
		return 0;
	if (a > 99 || b > 99)
		return 0;
	*major = (int)a;
	*minor = (int)b;
	return 1;
}

/*
 * A pattern is words separated by blanks.  "V" is a version (captured in
 * order), "(a b|c)" one of the phrases, "[a b|c]" one of them or none.
 */
struct match {
	int ver[2][2];
	size_t nver;
	int opt_hit[4];		/* which optional groups matched, in order */
	size_t nopt;
};

static int match_at(const struct words *ws, size_t wi, const char *p, struct match *m);

/* Match one phrase (words up to '|' or the closing bracket) then the rest. */
static int match_phrase(const struct words *ws, size_t wi, const char *ph, size_t phlen,
			const char *rest, struct match *m)
{
	struct strbuf word = STRBUF_INIT;
	size_t i = 0;
	int ok = 1;

	while (ok && i < phlen) {
		size_t start;

		while (i < phlen && ph[i] == ' ')
			i++;
		start = i;
		while (i < phlen && ph[i] != ' ')
			i++;
		if (i == start)
			break;
		strbuf_reset(&word);
		strbuf_add(&word, ph + start, i - start);
		if (wi >= ws->nr || strcmp(ws->w[wi], word.buf))
			ok = 0;
		else
			wi++;
	}
	strbuf_release(&word);
	return ok && match_at(ws, wi, rest, m);
}

static int match_at(const struct words *ws, size_t wi, const char *p, struct match *m)
{
	while (*p == ' ')
		p++;
	if (!*p)
		return wi == ws->nr;
	if (*p == '(' || *p == '[') {
		char close = *p == '(' ? ')' : ']';
		const char *end = strchr(p, close), *alt = p + 1;
		size_t slot = m->nopt;

		if (!end)
			return 0;
		if (close == ']')
			m->nopt++;
		while (alt <= end) {
			const char *bar = memchr(alt, '|', (size_t)(end - alt));
			const char *stop = bar ? bar : end;
			struct match save = *m;

			if (close == ']' && slot < ARRAY_SIZE(m->opt_hit))
				m->opt_hit[slot] = 1;
			if (match_phrase(ws, wi, alt, (size_t)(stop - alt), end + 1, m))
				return 1;
			*m = save;
			alt = stop + 1;
		}
		if (close == ']') {
			if (slot < ARRAY_SIZE(m->opt_hit))
				m->opt_hit[slot] = 0;
			return match_at(ws, wi, end + 1, m);
		}
		return 0;
	}
	{
		size_t n = strcspn(p, " ([");

		if (n == 1 && *p == 'V') {
			int a, b;

			if (wi >= ws->nr || m->nver >= 2 || !version_word(ws->w[wi], &a, &b))
				return 0;
			m->ver[m->nver][0] = a;
			m->ver[m->nver][1] = b;
			m->nver++;
			if (match_at(ws, wi + 1, p + 1, m))
				return 1;
			m->nver--;
			return 0;
		}
		if (wi >= ws->nr || strlen(ws->w[wi]) != n || memcmp(ws->w[wi], p, n))
			return 0;
		return match_at(ws, wi + 1, p + n, m);
	}
}

static int match(const struct words *ws, const char *p, struct match *m)
{
	memset(m, 0, sizeof(*m));
	return match_at(ws, 0, p, m);
}

/* --- sentences ---------------------------------------------------------------- */

#define ARE "(are|is|were|was)"
#define VULN "(vulnerable|affected)"
#define NOT_VULN "(not vulnerable|not affected|unaffected)"
#define LATER "(and later|and newer|and onwards|onwards|or later|or newer|and above)"
#define EARLIER "(and earlier|and older|or earlier|or older|and below)"

enum form { F_ALL, F_FROM, F_GE, F_RANGE, F_ONE, F_NOT_LE, F_NOT_GE, F_NOT_ONE, F_NOT_RANGE };

static const struct {
	enum form form;
	const char *pattern;
} forms[] = {
	{ F_ALL, "all xen " ARE " [potentially] " VULN },
	{ F_FROM, "all xen from [at least] V [" "onwards|and later|and newer|and onwards" "] " ARE " [potentially] " VULN },
	{ F_GE, "[only] xen [from] V " LATER " " ARE " [potentially] " VULN },
	{ F_RANGE, "[only] xen [from] V (through|to|-|until|up to) [xen] V " ARE " [potentially] " VULN },
	{ F_ONE, "[only] xen V " ARE " [potentially] " VULN },
	{ F_NOT_LE, "xen V " EARLIER " " ARE " " NOT_VULN },
	{ F_NOT_GE, "xen V " LATER " " ARE " " NOT_VULN },
	{ F_NOT_ONE, "xen V " ARE " " NOT_VULN },
	{ F_NOT_RANGE, "xen V (through|to|-|until|up to) [xen] V " ARE " " NOT_VULN },
};

/* Rewrite the ways of naming Xen to the one word "xen" ("all xen" for all). */
static void normalise(struct words *ws)
{
	static const char *const subjects[][4] = {
		{ "versions", "of", "xen", NULL },
		{ "xen", "versions", NULL },
		{ "xen", "version", NULL },
		{ "version", "of", "xen", NULL },
		{ "xen", "hypervisor", "versions", NULL },
	};
	size_t i, k, n;

	for (i = 0; i < ws->nr; i++) {
		for (k = 0; k < ARRAY_SIZE(subjects); k++) {
			for (n = 0; subjects[k][n] && i + n < ws->nr &&
				    !strcmp(ws->w[i + n], subjects[k][n]); n++)
				;
			if (subjects[k][n] || n < 2)
				continue;
			free(ws->w[i]);
			ws->w[i] = xstrdup("xen");
			for (k = 1; k < n; k++)
				free(ws->w[i + k]);
			memmove(&ws->w[i + 1], &ws->w[i + n], (ws->nr - i - n) * sizeof(ws->w[0]));
			ws->nr -= n - 1;
			break;
		}
	}
}

static int speaks_of_xen_versions(const struct words *ws)
{
	size_t i;
	int xen = 0, ver = 0, vuln = 0, a, b;

	for (i = 0; i < ws->nr; i++) {
		const char *w = ws->w[i];

		xen |= !strcmp(w, "xen") || starts_with(w, "xen-");
		ver |= version_word(w, &a, &b) || !strcmp(w, "all") || !strcmp(w, "versions") ||
		       !strcmp(w, "version");
		vuln |= !strcmp(w, "vulnerable") || !strcmp(w, "affected") ||
			!strcmp(w, "unaffected");
	}
	return xen && ver && vuln;
}

static void order(int *a0, int *a1, int *b0, int *b1)
{
	if (*a0 > *b0 || (*a0 == *b0 && *a1 > *b1)) {
		int t0 = *a0, t1 = *a1;

		*a0 = *b0;
		*a1 = *b1;
		*b0 = t0;
		*b1 = t1;
	}
}

static void add_stmt(struct xsa_vuln *x, enum form f, const struct match *m, const char *text,
		     int line)
{
	struct xsa_vuln_stmt *s;
	int only = m->nopt && m->opt_hit[0];

	ALLOC_GROW(x->v, x->nr + 1, x->alloc);
	s = &x->v[x->nr++];
	memset(s, 0, sizeof(*s));
	s->lo_major = s->hi_major = -1;
	s->text = xstrdup(text);
	s->line = line;
	switch (f) {
	case F_ALL:
		break;
	case F_FROM:
		s->lo_major = m->ver[0][0];
		s->lo_minor = m->ver[0][1];
		/* "from at least 3.2": older ones were not looked at, not cleared */
		s->bounds = !m->opt_hit[0];
		break;
	case F_GE:
		s->lo_major = m->ver[0][0];
		s->lo_minor = m->ver[0][1];
		s->bounds = 1;
		break;
	case F_RANGE:
	case F_NOT_RANGE:
		s->lo_major = m->ver[0][0];
		s->lo_minor = m->ver[0][1];
		s->hi_major = m->ver[1][0];
		s->hi_minor = m->ver[1][1];
		order(&s->lo_major, &s->lo_minor, &s->hi_major, &s->hi_minor);
		s->bounds = f == F_RANGE;
		s->neg = f == F_NOT_RANGE;
		break;
	case F_ONE:
		s->lo_major = s->hi_major = m->ver[0][0];
		s->lo_minor = s->hi_minor = m->ver[0][1];
		s->bounds = only;
		break;
	case F_NOT_LE:
		s->hi_major = m->ver[0][0];
		s->hi_minor = m->ver[0][1];
		s->neg = 1;
		break;
	case F_NOT_GE:
		s->lo_major = m->ver[0][0];
		s->lo_minor = m->ver[0][1];
		s->neg = 1;
		break;
	case F_NOT_ONE:
		s->lo_major = s->hi_major = m->ver[0][0];
		s->lo_minor = s->hi_minor = m->ver[0][1];
		s->neg = 1;
		break;
	}
}

static void not_understood(struct xsa_vuln *x, const char *text, int line)
{
	if (x->why)
		return;
	x->why = xstrdup(text);
	x->why_line = line;
}

static void sentence(struct xsa_vuln *x, const char *text, int line)
{
	struct words ws;
	struct match m;
	size_t i;

	split_words(text, &ws);
	if (!ws.too_long)
		normalise(&ws);
	if (!speaks_of_xen_versions(&ws)) {
		words_release(&ws);
		return;
	}
	if (ws.too_long) {
		not_understood(x, text, line);
		words_release(&ws);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		if (match(&ws, forms[i].pattern, &m)) {
			add_stmt(x, forms[i].form, &m, text, line);
			break;
		}
	}
	if (i == ARRAY_SIZE(forms))
		not_understood(x, text, line);
	words_release(&ws);
}

void xsa_vuln_parse(struct xsa_vuln *x, const char *text, size_t len, int first_line)
{
	struct strbuf flat = STRBUF_INIT, cur = STRBUF_INIT;
	int *lineof = xcalloc(len + 2, sizeof(int));
	size_t pos = 0, n, i;
	const char *l;
	int line = first_line, cur_line = first_line;

	xsa_vuln_init(x);
	/* Paragraphs joined into one line each, '\n' between them. */
	while (next_line(text, len, &pos, &l, &n)) {
		size_t k, blank = 1;

		for (k = 0; k < n; k++)
			blank &= isspace((unsigned char)l[k]) != 0;
		if (blank) {
			if (flat.len && flat.buf[flat.len - 1] != '\n') {
				lineof[flat.len] = line;
				strbuf_addch(&flat, '\n');
			}
		} else {
			for (k = 0; k < n; k++) {
				unsigned char c = (unsigned char)l[k];

				lineof[flat.len] = line;
				strbuf_addch(&flat, isspace(c) || c < 0x20 || c == 0x7f ? ' ' : (char)c);
			}
			lineof[flat.len] = line;
			strbuf_addch(&flat, ' ');
		}
		line++;
	}
	for (i = 0; i <= flat.len; i++) {
		char c = i < flat.len ? flat.buf[i] : '\n';
		int stop = c == '\n' ||
			   (c == '.' && (i + 1 >= flat.len || flat.buf[i + 1] == ' ' ||
					 flat.buf[i + 1] == '\n'));

		if (!stop) {
			if (c == ' ' && (!cur.len || cur.buf[cur.len - 1] == ' '))
				continue;
			if (!cur.len)
				cur_line = lineof[i];
			strbuf_addch(&cur, c);
			continue;
		}
		if (c == '.')
			strbuf_addch(&cur, '.');
		strbuf_trim(&cur);
		if (cur.len)
			sentence(x, cur.buf, cur_line);
		strbuf_reset(&cur);
	}
	strbuf_release(&cur);
	strbuf_release(&flat);
	free(lineof);
	if (!x->nr && !x->why)
		x->why = xstrdup("no sentence names the vulnerable Xen versions");
	x->understood = x->nr && !x->why;
}

static int cmp_ver(int a0, int a1, int b0, int b1)
{
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return a1 < b1 ? -1 : a1 > b1;
}

static int covers(const struct xsa_vuln_stmt *s, int major, int minor)
{
	if (s->lo_major >= 0 && cmp_ver(major, minor, s->lo_major, s->lo_minor) < 0)
		return 0;
	if (s->hi_major >= 0 && cmp_ver(major, minor, s->hi_major, s->hi_minor) > 0)
		return 0;
	return 1;
}

enum xsa_vuln_answer xsa_vuln_branch(const struct xsa_vuln *x, int major, int minor,
				     const struct xsa_vuln_stmt **because)
{
	const struct xsa_vuln_stmt *inc = NULL, *neg = NULL, *bound = NULL;
	int unbounded = 0;
	size_t i;

	if (because)
		*because = NULL;
	if (!x->understood)
		return XSA_VULN_UNKNOWN;
	for (i = 0; i < x->nr; i++) {
		const struct xsa_vuln_stmt *s = &x->v[i];

		if (s->neg) {
			if (!neg && covers(s, major, minor))
				neg = s;
			continue;
		}
		if (!inc && covers(s, major, minor))
			inc = s;
		if (s->bounds) {
			if (!bound)
				bound = s;
		} else {
			unbounded = 1;
		}
	}
	if (inc && neg)
		return XSA_VULN_UNKNOWN;	/* the text contradicts itself */
	if (inc) {
		if (because)
			*because = inc;
		return XSA_VULN_YES;
	}
	if (neg) {
		if (because)
			*because = neg;
		return XSA_VULN_NO;
	}
	if (bound && !unbounded) {
		if (because)
			*because = bound;
		return XSA_VULN_NO;
	}
	return XSA_VULN_UNKNOWN;
}

/* --- the section in a stored advisory ------------------------------------- */

static int is_rule(const char *l, size_t n)
{
	size_t i, eq = 0;

	for (i = 0; i < n; i++) {
		if (l[i] == '=')
			eq++;
		else if (!isspace((unsigned char)l[i]))
			return 0;
	}
	return eq >= 3;
}

static int trimmed_is(const char *l, size_t n, const char *word)
{
	while (n && isspace((unsigned char)*l)) {
		l++;
		n--;
	}
	while (n && isspace((unsigned char)l[n - 1]))
		n--;
	return n == strlen(word) && !memcmp(l, word, n);
}

int xsa_vuln_section(const char *text, size_t len, struct strbuf *body, int *first_line)
{
	struct strvec lines = STRVEC_INIT;
	struct strvec nums = STRVEC_INIT;
	size_t pos = 0, n, i;
	const char *l;
	int lineno = 0, in_armor = 0, signed_text = 0, rc = 1;

	/* The signed text of a clear-signed file, dash-escapes undone. */
	while (next_line(text, len, &pos, &l, &n)) {
		lineno++;
		if (lineno == 1 && n >= 34 && !memcmp(l, "-----BEGIN PGP SIGNED MESSAGE-----", 34)) {
			in_armor = 1;
			signed_text = 1;
			continue;
		}
		if (in_armor) {
			if (!n || (n == 1 && l[0] == '\r'))
				in_armor = 0;
			continue;
		}
		if (signed_text && n >= 29 && !memcmp(l, "-----BEGIN PGP SIGNATURE-----", 29))
			break;
		if (signed_text && n >= 2 && l[0] == '-' && l[1] == ' ') {
			l += 2;
			n -= 2;
		}
		{
			char *copy = xmemdupz(l, n);

			strvec_push(&lines, copy);
			free(copy);
		}
		strvec_pushf(&nums, "%d", lineno);
	}
	for (i = 0; i + 1 < lines.nr; i++) {
		size_t k;

		if (!trimmed_is(lines.v[i], strlen(lines.v[i]), "VULNERABLE SYSTEMS") ||
		    !is_rule(lines.v[i + 1], strlen(lines.v[i + 1])))
			continue;
		*first_line = i + 2 < lines.nr ? atoi(nums.v[i + 2]) : 0;
		for (k = i + 2; k < lines.nr; k++) {
			if (k + 1 < lines.nr && *lines.v[k] &&
			    is_rule(lines.v[k + 1], strlen(lines.v[k + 1])))
				break;
			strbuf_addstr(body, lines.v[k]);
			strbuf_addch(body, '\n');
		}
		rc = 0;
		break;
	}
	strvec_clear(&lines);
	strvec_clear(&nums);
	return rc;
}
