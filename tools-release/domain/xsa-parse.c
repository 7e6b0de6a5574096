/*
 * xsa-parse.c: the advisory text: header, sections, RESOLUTION with its
 * file-to-branch lines and sha256sum block, and the embargo statement.
 */
#include "compat.h"
#include "xsa.h"
#include "date.h"
#include "escape.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <fnmatch.h>

/* A line of the text, right-trimmed (\r and blanks). */
struct pline {
	const char *s;
	size_t n;
	size_t off;		/* offset of the line in the text */
};

struct parser {
	struct xsa_advisory *a;
	const char *text;
	size_t len;
	struct pline *l;
	size_t nr, alloc;
	size_t title_end;	/* index of the first line after the title */
	size_t first_section;	/* index of the first section's title line */
};

/* Line number in the origin of line index i. */
#define LNO(p, i) ((int)(i) + 1 + (p)->a->line_offset)

void xsa_advisory_init(struct xsa_advisory *a)
{
	memset(a, 0, sizeof(*a));
	strvec_init(&a->cves);
	a->version = 1;
}

static void file_release(struct xsa_file *f)
{
	free(f->name);
	free(f->project);
	free(f->range_text);
	free(f->pattern);
	free(f->ranges);
}

void xsa_advisory_release(struct xsa_advisory *a)
{
	size_t i;

	for (i = 0; i < a->nr_sections; i++)
		free(a->sections[i].title);
	free(a->sections);
	for (i = 0; i < a->nr_files; i++)
		file_release(&a->files[i]);
	free(a->files);
	strvec_clear(&a->cves);
	free(a->title);
	free(a->origin);
	xsa_advisory_init(a);
}

const struct xsa_section *xsa_find_section(const struct xsa_advisory *a, const char *title)
{
	size_t i;

	for (i = 0; i < a->nr_sections; i++)
		if (!strcmp(a->sections[i].title, title))
			return &a->sections[i];
	return NULL;
}

/* Append s to out with runs of blanks collapsed to one space, trimmed. */
static void add_collapsed(struct strbuf *out, const char *s, size_t n)
{
	size_t i;
	int space = out->len && out->buf[out->len - 1] != ' ';

	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			space = out->len > 0;
			continue;
		}
		if (space && out->len && out->buf[out->len - 1] != ' ')
			strbuf_addch(out, ' ');
		space = 0;
		strbuf_addch(out, s[i]);
	}
}

static int is_blank(const struct pline *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->s[i]))
			return 0;
	return 1;
}

/* A line of only '=' (at least three), blanks around allowed. */
static int is_underline(const struct pline *l)
{
	size_t i, eq = 0;

	for (i = 0; i < l->n; i++) {
		if (l->s[i] == '=')
			eq++;
		else if (!isspace((unsigned char)l->s[i]))
			return 0;
	}
	return eq >= 3;
}

static int is_heading(const struct parser *p, size_t i)
{
	return i + 1 < p->nr && !is_blank(&p->l[i]) && !is_underline(&p->l[i]) &&
	       is_underline(&p->l[i + 1]);
}

static int strncaseeq(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && !strncasecmp(s, word, k);
}

static const char *strcasestr_n(const char *hay, const char *needle)
{
	return strcasestr(hay, needle);
}

/* --- header ------------------------------------------------------------ */

static int is_cve(const char *s)
{
	const char *p = s;
	size_t d;

	if (strncmp(p, "CVE-", 4))
		return 0;
	p += 4;
	for (d = 0; isdigit((unsigned char)p[d]); d++)
		;
	if (d != 4 || p[d] != '-')
		return 0;
	p += 5;
	for (d = 0; isdigit((unsigned char)p[d]); d++)
		;
	return d >= 4 && d <= 8 && !p[d];
}

static int parse_xsa_id(const char *s, int *number)
{
	size_t d;

	if (strncasecmp(s, "XSA-", 4))
		return -1;
	s += 4;
	for (d = 0; isdigit((unsigned char)s[d]); d++)
		;
	if (!d || d > 5 || s[d])
		return -1;
	*number = atoi(s);
	return *number > 0 ? 0 : -1;
}

/* "Xen Security Advisory CVE-a, CVE-b / XSA-n" (several lines if wrapped). */
static int parse_header(struct parser *p, size_t *i)
{
	struct xsa_advisory *a = p->a;
	struct strbuf h = STRBUF_INIT;
	const char *rest, *slash;
	size_t first;
	int rc = 0;

	while (*i < p->nr && is_blank(&p->l[*i]))
		(*i)++;
	if (*i >= p->nr)
		return error_input("%s: empty advisory", a->origin);
	first = *i;
	add_collapsed(&h, p->l[*i].s, p->l[*i].n);
	if (!skip_prefix(h.buf, "Xen Security Advisory ", &rest)) {
		rc = error_input("%s:%d: expected the heading 'Xen Security Advisory ... XSA-N', "
				 "found '%.60s'", a->origin, LNO(p, *i), h.buf);
		goto out;
	}
	(*i)++;
	/* A long CVE list wraps: keep reading while the XSA id is missing. */
	while (!strstr(h.buf, "XSA-") && *i < p->nr && !is_blank(&p->l[*i]) &&
	       *i - first < 4) {
		add_collapsed(&h, p->l[*i].s, p->l[*i].n);
		(*i)++;
	}
	skip_prefix(h.buf, "Xen Security Advisory ", &rest);
	slash = strchr(rest, '/');
	if (slash) {
		struct strvec cves = STRVEC_INIT;
		char *list = xmemdupz(rest, (size_t)(slash - rest));
		size_t k;

		strvec_split(&cves, list, ", ");
		free(list);
		if (!cves.nr)
			rc = -1;
		for (k = 0; k < cves.nr && !rc; k++) {
			if (!is_cve(cves.v[k]))
				rc = error_input("%s:%d: '%s' is not a CVE id (CVE-YYYY-NNNN)",
						 a->origin, LNO(p, first), cves.v[k]);
			else if (strvec_contains(&a->cves, cves.v[k]))
				rc = error_input("%s:%d: %s is listed twice", a->origin,
						 LNO(p, first), cves.v[k]);
			else
				strvec_push(&a->cves, cves.v[k]);
		}
		strvec_clear(&cves);
		if (rc == -1)
			rc = error_input("%s:%d: empty CVE list before '/'", a->origin, LNO(p, first));
		if (rc)
			goto out;
		rest = slash + 1;
		while (*rest == ' ')
			rest++;
	}
	if (parse_xsa_id(rest, &a->number)) {
		rc = error_input("%s:%d: expected 'XSA-N' at the end of the heading, found '%s'",
				 a->origin, LNO(p, first), rest);
		goto out;
	}
out:
	strbuf_release(&h);
	return rc;
}

/*
 * One advisory, one heading: a second "Xen Security Advisory ..." line in
 * the signed text (for this number or another) would let one signature
 * carry two advisories, and readers disagree on which is meant.  from is
 * the first line after the heading.
 */
static int check_one_heading(struct parser *p, size_t from)
{
	static const char h[] = "Xen Security Advisory";
	struct strbuf line = STRBUF_INIT;
	size_t i, k = sizeof(h) - 1;
	int rc = 0;

	for (i = from; i < p->nr && !rc; i++) {
		strbuf_reset(&line);
		add_collapsed(&line, p->l[i].s, p->l[i].n);
		if (line.len < k || strncasecmp(line.buf, h, k) || (line.len > k && line.buf[k] != ' '))
			continue;
		rc = error_input("%s:%d: a second advisory heading ('%.70s') in the text of XSA-%d: "
				 "one signed text must hold one advisory", p->a->origin, LNO(p, i),
				 line.buf, p->a->number);
	}
	strbuf_release(&line);
	return rc;
}

/* "version N", then the title (up to a blank line or a section). */
static int parse_version_title(struct parser *p, size_t *i)
{
	struct xsa_advisory *a = p->a;
	struct strbuf t = STRBUF_INIT;
	const char *v;

	while (*i < p->nr && is_blank(&p->l[*i]))
		(*i)++;
	if (*i < p->nr) {
		add_collapsed(&t, p->l[*i].s, p->l[*i].n);
		if (strncaseeq(t.buf, t.len, "version ")) {
			char *end;
			long n;

			v = t.buf + 8;
			errno = 0;
			n = strtol(v, &end, 10);
			if (errno || *end || end == v || n < 1 || n > 999) {
				int rc = error_input("%s:%d: bad version line '%s'", a->origin,
						     LNO(p, *i), t.buf);

				strbuf_release(&t);
				return rc;
			}
			a->version = (int)n;
			(*i)++;
			while (*i < p->nr && is_blank(&p->l[*i]))
				(*i)++;
		}
		strbuf_reset(&t);
	}
	while (*i < p->nr && !is_blank(&p->l[*i]) && !is_heading(p, *i)) {
		add_collapsed(&t, p->l[*i].s, p->l[*i].n);
		(*i)++;
	}
	if (!t.len) {
		strbuf_release(&t);
		return error_input("%s:%d: the advisory has no title", a->origin,
				   LNO(p, *i < p->nr ? *i : p->nr - 1));
	}
	a->title = strbuf_detach(&t, NULL);
	return 0;
}

/* --- embargo ------------------------------------------------------------- */

/*
 * A paragraph collapsed to one line, with where each of its lines starts
 * (so that a date found in it can be traced back to its line).
 */
struct para {
	struct strbuf text;
	size_t *off;		/* offset in text where line k begins */
	int *line;		/* its line number in the origin */
	size_t nr, alloc_off, alloc_line;
	int before_sections;	/* it stands between the title and the first section */
};

static int para_line(const struct para *pa, size_t off)
{
	size_t k = 0;

	while (k + 1 < pa->nr && pa->off[k + 1] <= off)
		k++;
	return pa->nr ? pa->line[k] : 0;
}

/* Does a date "YYYY-MM-DD" start at s (not inside a longer number)? */
static int date_starts(const char *base, const char *s)
{
	return (s == base || !isalnum((unsigned char)s[-1])) &&
	       isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-' &&
	       isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]) && s[7] == '-' &&
	       isdigit((unsigned char)s[8]) && isdigit((unsigned char)s[9]);
}

/*
 * The embargo end as stated in a paragraph that speaks of the embargo:
 * "*** EMBARGOED UNTIL 2026-05-12 12:00 UTC ***" (predisclosure versions)
 * or "The embargo was intended to be 2024-01-23 12:00 UTC".  Every date
 * there must carry a time and a zone xenstable can map exactly; an
 * "embargoed until" not followed by one, or an embargo banner above the
 * first section without a date, is refused: an embargo xenstable cannot
 * read must not pass for no embargo.
 */
static int scan_embargo_paragraph(struct parser *p, const struct para *pa)
{
	struct xsa_advisory *a = p->a;
	const char *text = pa->text.buf, *s, *u;
	int found = 0;

	if (!strcasestr_n(text, "embargo"))
		return 0;
	for (u = text; (u = strcasestr(u, "embargoed until")); u++) {
		const char *d = u + 15;

		while (*d == ' ' || *d == ':')
			d++;
		if (!date_starts(text, d))
			return error_input("%s:%d: 'embargoed until' is not followed by a date and "
					   "time (YYYY-MM-DD HH:MM UTC)", a->origin,
					   para_line(pa, (size_t)(u - text)));
	}
	for (s = text; *s; s++) {
		const char *why;
		size_t used;
		int64_t t;
		int line;

		if (!date_starts(text, s))
			continue;
		line = para_line(pa, (size_t)(s - text));
		if (date_parse_zoned(s, &t, &used, &why))
			return error_input("%s:%d: the embargo time '%.*s': %s", a->origin, line,
					   (int)(used < 10 ? 10 : used > 40 ? 40 : used), s, why);
		found++;
		if (a->embargo_until && a->embargo_until != t) {
			char prev[32], now[32];

			date_format_short(a->embargo_until, prev);
			date_format_short(t, now);
			return error_input("%s:%d: embargo time %s UTC ('%.*s') conflicts with %s "
					   "UTC stated on line %d", a->origin, line, now, (int)used, s,
					   prev, a->embargo_line);
		}
		if (!a->embargo_until) {
			a->embargo_until = t;
			a->embargo_line = line;
		}
		s += used - 1;
	}
	if (!found && pa->before_sections)
		return error_input("%s:%d: an embargo statement without a date and time "
				   "(expected e.g. '*** EMBARGOED UNTIL 2026-05-12 12:00 UTC ***')",
				   a->origin, pa->line[0]);
	return 0;
}

static int scan_embargo(struct parser *p)
{
	struct para pa;
	size_t i;
	int rc = 0;

	memset(&pa, 0, sizeof(pa));
	strbuf_init(&pa.text, 0);
	for (i = 0; i <= p->nr && !rc; i++) {
		if (i == p->nr || is_blank(&p->l[i])) {
			if (pa.text.len)
				rc = scan_embargo_paragraph(p, &pa);
			strbuf_reset(&pa.text);
			pa.nr = 0;
			continue;
		}
		if (!pa.nr)
			pa.before_sections = i >= p->title_end && i < p->first_section;
		ALLOC_GROW(pa.off, pa.nr + 1, pa.alloc_off);
		ALLOC_GROW(pa.line, pa.nr + 1, pa.alloc_line);
		pa.off[pa.nr] = pa.text.len;
		pa.line[pa.nr] = LNO(p, i);
		add_collapsed(&pa.text, p->l[i].s, p->l[i].n);
		pa.nr++;
	}
	strbuf_release(&pa.text);
	free(pa.off);
	free(pa.line);
	return rc;
}

/* --- RESOLUTION ---------------------------------------------------------- */

int xsa_name_is_safe(const char *name)
{
	const char *s;

	if (!path_is_safe(name) || strlen(name) > 200)
		return 0;
	for (s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+-/~", *s))
			return 0;
	return 1;
}

/* A glob from a RESOLUTION line: a safe name where * ? [ ] may appear. */
static int pattern_is_safe(const char *pat)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int ok;

	for (s = pat; *s; s++)
		strbuf_addch(&sb, strchr("*?[]", *s) ? 'x' : *s);
	ok = xsa_name_is_safe(sb.buf);
	strbuf_release(&sb);
	return ok;
}

/* Does the first word of a RESOLUTION line look like a file of ours? */
static int looks_like_file(const char *w)
{
	return !strncasecmp(w, "xsa", 3) && isdigit((unsigned char)w[3]) &&
	       strpbrk(w, "./*") != NULL;
}

struct mapping {
	char *pattern;
	char *range;	/* NULL when the line names no range */
	int line;
	int used;
};

static void first_word(const char *s, size_t n, char **word, char **rest)
{
	size_t a = 0, b;

	while (a < n && isspace((unsigned char)s[a]))
		a++;
	b = a;
	while (b < n && !isspace((unsigned char)s[b]))
		b++;
	*word = xmemdupz(s + a, b - a);
	while (b < n && isspace((unsigned char)s[b]))
		b++;
	*rest = b < n ? xmemdupz(s + b, n - b) : NULL;
	if (*rest) {
		size_t k = strlen(*rest);

		while (k && isspace((unsigned char)(*rest)[k - 1]))
			(*rest)[--k] = '\0';
	}
}

static int add_hash_line(struct parser *p, size_t i)
{
	struct xsa_advisory *a = p->a;
	const char *s = p->l[i].s;
	size_t n = p->l[i].n, k = 0, j;
	struct xsa_file *f;
	char *name;

	while (k < n && isspace((unsigned char)s[k]))
		k++;
	if (n - k < 66 || !is_hex_string(s + k, 64) || !isspace((unsigned char)s[k + 64]))
		return error_input("%s:%d: expected '<sha256>  <file>' in the sha256sum block, "
				   "found '%.*s'", a->origin, LNO(p, i),
				   (int)(n > 80 ? 80 : n), s);
	j = k + 64;
	while (j < n && isspace((unsigned char)s[j]))
		j++;
	if (j < n && s[j] == '*')	/* sha256sum's binary-mode marker */
		j++;
	name = xmemdupz(s + j, n - j);
	if (!xsa_name_is_safe(name)) {
		int rc = error_input("%s:%d: unsafe file name '%s' (it must stay inside the "
				     "advisory's directory)", a->origin, LNO(p, i), name);

		free(name);
		return rc;
	}
	for (j = 0; j < a->nr_files; j++) {
		if (!strcmp(a->files[j].name, name)) {
			int rc = error_input("%s:%d: %s is listed twice in the sha256sum block "
					     "(first on line %d)", a->origin, LNO(p, i), name,
					     a->files[j].line);

			free(name);
			return rc;
		}
	}
	ALLOC_GROW(a->files, a->nr_files + 1, a->alloc_files);
	f = &a->files[a->nr_files++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	for (j = 0; j < 64; j++)
		f->sha256[j] = (char)tolower((unsigned char)s[k + j]);
	f->sha256[64] = '\0';
	f->line = LNO(p, i);
	return 0;
}

static int parse_resolution(struct parser *p, const struct xsa_section *sec)
{
	struct xsa_advisory *a = p->a;
	struct mapping *maps = NULL;
	size_t nmaps = 0, amaps = 0, i, k;
	int state = 0, sha_line = 0, rc = 0;	/* 0 mappings, 1 in block, 2 after */

	for (i = 0; i < p->nr && p->l[i].off < sec->start; i++)
		;
	for (; i < p->nr && p->l[i].off < sec->end && !rc; i++) {
		const struct pline *l = &p->l[i];
		char *word, *rest;

		if (is_blank(l))
			continue;
		first_word(l->s, l->n, &word, &rest);
		if (state == 1) {
			if (!strcmp(word, "$") && !rest)
				state = 2;
			else
				rc = add_hash_line(p, i);
		} else if (!strcmp(word, "$") && rest && !strncmp(rest, "sha256sum", 9)) {
			if (state == 2)
				rc = error_input("%s:%d: a second sha256sum block (the first is on "
						 "line %d)", a->origin, LNO(p, i), sha_line);
			state = 1;
			sha_line = LNO(p, i);
		} else if (looks_like_file(word)) {
			if (state == 2) {
				rc = error_input("%s:%d: '%s' follows the sha256sum block; file "
						 "lines come before it", a->origin, LNO(p, i), word);
			} else if (!pattern_is_safe(word)) {
				rc = error_input("%s:%d: unsafe file name '%s' (it must stay inside "
						 "the advisory's directory)", a->origin, LNO(p, i), word);
			} else {
				for (k = 0; k < nmaps; k++)
					if (!strcmp(maps[k].pattern, word))
						rc = error_input("%s:%d: %s is listed twice in RESOLUTION "
								 "(first on line %d)", a->origin,
								 LNO(p, i), word, maps[k].line);
				if (!rc) {
					ALLOC_GROW(maps, nmaps + 1, amaps);
					maps[nmaps].pattern = word;
					maps[nmaps].range = rest;
					maps[nmaps].line = LNO(p, i);
					maps[nmaps].used = 0;
					nmaps++;
					continue;
				}
			}
		}
		free(word);
		free(rest);
	}
	if (!rc && state == 1)
		rc = error_input("%s:%d: the sha256sum block is not closed by a '$' line",
				 a->origin, sha_line);
	if (!rc && nmaps && !sha_line)
		rc = error_input("%s:%d: RESOLUTION lists files but has no '$ sha256sum' block",
				 a->origin, maps[0].line);

	/* Give every file its line; every line must match a file. */
	for (i = 0; i < a->nr_files && !rc; i++) {
		struct xsa_file *f = &a->files[i];
		struct mapping *m = NULL;

		for (k = 0; k < nmaps; k++) {
			if (strcmp(maps[k].pattern, f->name) &&
			    fnmatch(maps[k].pattern, f->name, FNM_PATHNAME))
				continue;
			if (m) {
				rc = error_input("%s:%d: %s is matched by two RESOLUTION lines "
						 "(%d and %d)", a->origin, f->line, f->name,
						 m->line, maps[k].line);
				break;
			}
			m = &maps[k];
		}
		if (rc)
			break;
		if (!m) {
			if (ends_with(f->name, ".meta")) {
				f->project = xstrdup("meta");
				continue;
			}
			rc = error_input("%s:%d: %s is in the sha256sum block but no RESOLUTION "
					 "line says which branches it is for", a->origin,
					 f->line, f->name);
			break;
		}
		m->used = 1;
		f->pattern = xstrdup(m->pattern);
		f->map_line = m->line;
		if (!m->range) {
			if (ends_with(f->name, ".meta")) {
				f->project = xstrdup("meta");
				continue;
			}
			rc = error_input("%s:%d: %s has no branch range", a->origin, m->line,
					 m->pattern);
			break;
		}
		f->range_text = xstrdup(m->range);
		{
			struct strbuf why = STRBUF_INIT;

			if (xsa_parse_range(m->range, f->name, &f->project, &f->ranges,
					    &f->nr_ranges, &why))
				rc = error_input("%s:%d: cannot parse the branch range '%s' of %s: %s",
						 a->origin, m->line, m->range, m->pattern, why.buf);
			strbuf_release(&why);
		}
	}
	for (k = 0; k < nmaps && !rc; k++)
		if (!maps[k].used)
			rc = error_input("%s:%d: %s is not in the sha256sum block", a->origin,
					 maps[k].line, maps[k].pattern);
	for (k = 0; k < nmaps; k++) {
		free(maps[k].pattern);
		free(maps[k].range);
	}
	free(maps);
	return rc;
}

/* --- sections ---------------------------------------------------------- */

static int add_section(struct parser *p, size_t i, size_t body_start, size_t body_end)
{
	struct xsa_advisory *a = p->a;
	struct strbuf t = STRBUF_INIT;
	struct xsa_section *s;
	size_t k;

	add_collapsed(&t, p->l[i].s, p->l[i].n);
	for (k = 0; k < t.len; k++)
		t.buf[k] = (char)toupper((unsigned char)t.buf[k]);
	for (k = 0; k < a->nr_sections; k++) {
		if (!strcmp(a->sections[k].title, t.buf)) {
			int rc = error_input("%s:%d: section %s appears twice (first on line %d)",
					     a->origin, LNO(p, i), t.buf, a->sections[k].line);

			strbuf_release(&t);
			return rc;
		}
	}
	ALLOC_GROW(a->sections, a->nr_sections + 1, a->alloc_sections);
	s = &a->sections[a->nr_sections++];
	s->title = strbuf_detach(&t, NULL);
	s->line = LNO(p, i);
	s->start = body_start;
	s->end = body_end;
	return 0;
}

static int check_sections(struct parser *p)
{
	struct xsa_advisory *a = p->a;
	size_t k;

	for (k = 0; k < a->nr_sections; k++) {
		const struct xsa_section *s = &a->sections[k];
		const char *v;

		if (skip_prefix(s->title, "UPDATES IN VERSION ", &v)) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || end == v)
				return error_input("%s:%d: bad section title '%s'", a->origin,
						   s->line, s->title);
			if (n != a->version)
				return error_input("%s:%d: section '%s' in a version %d advisory",
						   a->origin, s->line, s->title, a->version);
			{
				char *body = xmemdupz(p->text + s->start, s->end - s->start);

				if (strcasestr(body, "public release"))
					a->public_release = 1;
				free(body);
			}
		}
		if (!strcmp(s->title, "NOTE CONCERNING LACK OF EMBARGO") ||
		    !strcmp(s->title, "NOTE REGARDING LACK OF EMBARGO"))
			a->public_release = 1;
	}
	return 0;
}

int xsa_parse_advisory(struct xsa_advisory *a, const char *text, size_t len,
		       const char *origin, int line_offset)
{
	struct parser p;
	const struct xsa_section *res = NULL;
	size_t pos = 0, n, i;
	const char *line;
	long sec_start = -1;
	int rc;

	xsa_advisory_release(a);
	a->origin = xstrdup(origin);
	a->line_offset = line_offset;
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.text = text;
	p.len = len;
	if (memchr(text, '\0', len))
		return error_input("%s: the advisory contains a NUL byte", origin);
	{
		size_t at;
		unsigned code;

		/* Nothing in the text may drive a terminal (escape.h). */
		if (text_find_ctrl(text, len, TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE, &at, &code)) {
			const char *q;
			int lno = 1 + line_offset;
			char name[16];

			for (q = text; q < text + at; q++)
				lno += *q == '\n';
			text_ctrl_name(code, name);
			return error_input("%s:%d: a control character (%s) in the advisory text",
					   origin, lno, name);
		}
	}
	while (next_line(text, len, &pos, &line, &n)) {
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		ALLOC_GROW(p.l, p.nr + 1, p.alloc);
		p.l[p.nr].s = line;
		p.l[p.nr].n = n;
		p.l[p.nr].off = (size_t)(line - text);
		p.nr++;
	}
	i = 0;
	rc = parse_header(&p, &i);
	if (!rc)
		rc = check_one_heading(&p, i);
	if (!rc)
		rc = parse_version_title(&p, &i);
	p.title_end = i;
	/* Between title and first section only an embargo banner may stand
	 * (a paragraph that speaks of the embargo, perhaps wrapped). */
	while (!rc && i < p.nr && !is_heading(&p, i)) {
		size_t start = i;
		int speaks = 0;

		if (is_blank(&p.l[i])) {
			i++;
			continue;
		}
		for (; i < p.nr && !is_blank(&p.l[i]) && !is_heading(&p, i); i++) {
			char *t = xmemdupz(p.l[i].s, p.l[i].n);

			speaks |= strcasestr(t, "embargo") != NULL;
			free(t);
		}
		if (!speaks)
			rc = error_input("%s:%d: unexpected text before the first section: '%.*s'",
					 origin, LNO(&p, start),
					 (int)(p.l[start].n > 60 ? 60 : p.l[start].n), p.l[start].s);
	}
	p.first_section = i;
	for (; !rc && i < p.nr; i++) {
		if (!is_heading(&p, i))
			continue;
		if (sec_start >= 0)
			rc = add_section(&p, (size_t)sec_start, p.l[sec_start + 2].off,
					 p.l[i].off);
		sec_start = (long)i;
		i++;
	}
	if (!rc && sec_start >= 0)
		rc = add_section(&p, (size_t)sec_start,
				 (size_t)sec_start + 2 < p.nr ? p.l[sec_start + 2].off : len, len);
	if (!rc && !(res = xsa_find_section(a, "RESOLUTION")))
		rc = error_input("%s: XSA-%d has no RESOLUTION section", origin, a->number);
	if (!rc)
		rc = check_sections(&p);
	if (!rc)
		rc = parse_resolution(&p, res);
	if (!rc)
		rc = scan_embargo(&p);
	free(p.l);
	return rc;
}
