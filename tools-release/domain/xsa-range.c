/*
 * xsa-range.c: branch ranges ("xen-unstable - Xen 4.18.x"), what
 * xen-unstable meant on a date, which branches a patch covers, and the
 * XSA numbers a commit message claims.
 */
#include "compat.h"
#include "xsa.h"
#include "branch.h"
#include "xalloc.h"

#include <ctype.h>

static int parse_xy(const char *s, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!isdigit((unsigned char)*s))
		return -1;
	a = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end && strcmp(end, ".x"))
		return -1;
	if (a < 1 || a > 99 || b < 0 || b > 99)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

int xsa_parse_endpoint(const char *s, struct xsa_endpoint *e)
{
	const char *v;

	while (*s == ' ')
		s++;
	if (!strcasecmp(s, "xen-unstable") || !strcasecmp(s, "unstable") ||
	    !strcasecmp(s, "master")) {
		e->kind = XSA_EP_UNSTABLE;
		e->major = e->minor = 0;
		return 0;
	}
	if (!strncasecmp(s, "Xen ", 4)) {
		v = s + 4;
		while (*v == ' ')
			v++;
		if (!strcasecmp(v, "unstable")) {
			e->kind = XSA_EP_UNSTABLE;
			e->major = e->minor = 0;
			return 0;
		}
	} else {
		v = s;
	}
	e->kind = XSA_EP_VERSION;
	return parse_xy(v, &e->major, &e->minor);
}

void xsa_endpoint_str(const struct xsa_endpoint *e, struct strbuf *out)
{
	if (e->kind == XSA_EP_UNSTABLE)
		strbuf_addstr(out, "xen-unstable");
	else
		strbuf_addf(out, "%d.%d", e->major, e->minor);
}

/* The project a leading word names, or NULL if it is not a word. */
static char *project_word(const char *w)
{
	char *lw;
	size_t i;

	if (!isalpha((unsigned char)*w))
		return NULL;
	if (!strcasecmp(w, "xen-unstable") || !strcasecmp(w, "xen"))
		return xstrdup("xen");
	if (!strncasecmp(w, "qemu", 4))
		return xstrdup("qemu");
	lw = xstrdup(w);
	for (i = 0; lw[i]; i++)
		lw[i] = (char)tolower((unsigned char)lw[i]);
	return lw;
}

/* Project hinted by a file name: xsa441-linux.patch, xsa208-qemuu.patch. */
static const char *project_from_name(const char *name)
{
	static const struct { const char *tag, *project; } tags[] = {
		{ "-linux", "linux" }, { "-xapi", "xapi" }, { "-qemuu", "qemu" },
		{ "-qemut", "qemu" }, { "-qemu", "qemu" }, { "-libvirt", "libvirt" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tags); i++)
		if (strstr(name, tags[i].tag))
			return tags[i].project;
	return "xen";
}

static void trim(char *s)
{
	size_t n = strlen(s), a = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[a]))
		a++;
	memmove(s, s + a, n - a + 1);
}

int xsa_parse_range(const char *text, const char *name, char **project,
		    struct xsa_range **ranges, size_t *nr, struct strbuf *why)
{
	struct strvec items = STRVEC_INIT;
	char *proj = NULL;
	struct xsa_range *r = NULL;
	size_t i, nr_r = 0, alloc_r = 0;
	int rc = 0;

	*project = NULL;
	*ranges = NULL;
	*nr = 0;
	strvec_split(&items, text, ",");
	if (!items.nr) {
		strbuf_addstr(why, "it is empty");
		return -1;
	}
	for (i = 0; i < items.nr && !rc; i++) {
		char *item = xstrdup(items.v[i]), *ends[3] = { NULL, NULL, NULL };
		char *s = item, *dash;
		int ne = 0, k;
		char *iproj = NULL;

		trim(item);
		/* "A - B": a dash with blanks around it ("6.7-rc" is one word). */
		while ((dash = strstr(s, " - ")) && ne < 2) {
			*dash = '\0';
			ends[ne++] = s;
			s = dash + 3;
		}
		ends[ne++] = s;
		if (ne > 2 || strstr(s, " - ")) {
			strbuf_addf(why, "'%s' has more than two ends", items.v[i]);
			rc = -1;
		}
		for (k = 0; k < ne && !rc; k++) {
			char *w, *sp;

			trim(ends[k]);
			if (!*ends[k]) {
				strbuf_addf(why, "an empty end in '%s'", items.v[i]);
				rc = -1;
				break;
			}
			w = xstrdup(ends[k]);
			sp = strchr(w, ' ');
			if (sp)
				*sp = '\0';
			{
				char *pw = project_word(w);

				if (pw && iproj && strcmp(pw, iproj)) {
					strbuf_addf(why, "'%s' mixes %s and %s", items.v[i], iproj, pw);
					rc = -1;
				}
				if (pw && !iproj)
					iproj = pw;
				else
					free(pw);
			}
			free(w);
		}
		if (!rc) {
			if (!iproj)
				iproj = xstrdup(proj ? proj : project_from_name(name));
			if (proj && strcmp(proj, iproj)) {
				strbuf_addf(why, "it mixes %s and %s", proj, iproj);
				rc = -1;
			}
			if (!proj)
				proj = xstrdup(iproj);
		}
		if (!rc && !strcmp(iproj, "xen")) {
			struct xsa_endpoint e[2];

			for (k = 0; k < ne && !rc; k++) {
				if (xsa_parse_endpoint(ends[k], &e[k])) {
					strbuf_addf(why, "'%s' is not a Xen branch (expected "
						    "xen-unstable or Xen X.Y.x)", ends[k]);
					rc = -1;
				}
			}
			if (!rc && ne == 2 && e[0].kind == XSA_EP_UNSTABLE &&
			    e[1].kind == XSA_EP_UNSTABLE) {
				strbuf_addf(why, "'%s' names xen-unstable twice", items.v[i]);
				rc = -1;
			}
			if (!rc) {
				ALLOC_GROW(r, nr_r + 1, alloc_r);
				r[nr_r].a = e[0];
				r[nr_r].b = ne == 2 ? e[1] : e[0];
				nr_r++;
			}
		}
		free(iproj);
		free(item);
	}
	strvec_clear(&items);
	if (rc) {
		free(proj);
		free(r);
		*nr = 0;
		return -1;
	}
	*project = proj;
	*ranges = r;
	*nr = nr_r;
	return 0;
}

static int cmp_ver(int a1, int b1, int a2, int b2)
{
	if (a1 != a2)
		return a1 < a2 ? -1 : 1;
	if (b1 != b2)
		return b1 < b2 ? -1 : 1;
	return 0;
}

int xsa_newest_named(const struct xsa_advisory *a, int *major, int *minor)
{
	size_t i, k;
	int found = 0;

	for (i = 0; i < a->nr_files; i++) {
		const struct xsa_file *f = &a->files[i];

		for (k = 0; k < f->nr_ranges; k++) {
			const struct xsa_endpoint *e[2] = { &f->ranges[k].a, &f->ranges[k].b };
			int j;

			for (j = 0; j < 2; j++) {
				if (e[j]->kind != XSA_EP_VERSION)
					continue;
				if (!found || cmp_ver(e[j]->major, e[j]->minor, *major, *minor) > 0) {
					*major = e[j]->major;
					*minor = e[j]->minor;
					found = 1;
				}
			}
		}
	}
	return found;
}

int xsa_unstable_branch(const struct branch_set *bs, int64_t when, int hint_major,
			int hint_minor, int *major, int *minor)
{
	long day = (long)(when / 86400);
	size_t i;

	if (!bs->nr)
		return 1;
	for (i = 0; i < bs->nr; i++) {
		const struct branch *b = &bs->v[i];

		if (b->initial_release <= day)
			continue;
		if (i == 0) {
			/* Released after the date, but was its predecessor released before? */
			if (hint_major < 0 ||
			    cmp_ver(hint_major, hint_minor + 1, b->major, b->minor) < 0)
				return 1;
		}
		*major = b->major;
		*minor = b->minor;
		return 0;
	}
	/* Every branch we keep was out already: master became the next one. */
	*major = bs->v[bs->nr - 1].major;
	*minor = bs->v[bs->nr - 1].minor + 1;
	return 0;
}

int xsa_file_covers(const struct xsa_range *r, size_t nr, int major, int minor,
		    int u_major, int u_minor, int *inherited)
{
	size_t k;

	*inherited = 0;
	for (k = 0; k < nr; k++) {
		const struct xsa_endpoint *a = &r[k].a, *b = &r[k].b;
		int lo_maj, lo_min, open_top = 0, hi_maj = 0, hi_min = 0;

		if (a->kind == XSA_EP_UNSTABLE && b->kind == XSA_EP_UNSTABLE) {
			/* xen-unstable alone: that branch and every later one. */
			if (u_major < 0)
				continue;
			lo_maj = u_major;
			lo_min = u_minor;
			open_top = 1;
		} else if (a->kind == XSA_EP_UNSTABLE || b->kind == XSA_EP_UNSTABLE) {
			const struct xsa_endpoint *v = a->kind == XSA_EP_VERSION ? a : b;

			lo_maj = v->major;
			lo_min = v->minor;
			open_top = 1;
		} else {
			int c = cmp_ver(a->major, a->minor, b->major, b->minor);
			const struct xsa_endpoint *lo = c <= 0 ? a : b, *hi = c <= 0 ? b : a;

			lo_maj = lo->major;
			lo_min = lo->minor;
			hi_maj = hi->major;
			hi_min = hi->minor;
		}
		if (cmp_ver(major, minor, lo_maj, lo_min) < 0)
			continue;
		if (!open_top && cmp_ver(major, minor, hi_maj, hi_min) > 0)
			continue;
		if (open_top && u_major >= 0 && cmp_ver(major, minor, u_major, u_minor) > 0)
			*inherited = 1;
		return 1;
	}
	return 0;
}

/* --- commit messages --------------------------------------------------- */

void xsa_number_add(int *out, size_t max, size_t *nr, long v)
{
	size_t i, j;

	if (v <= 0 || v > 99999)
		return;
	for (i = 0; i < *nr; i++)
		if (out[i] == v)
			return;
	if (*nr >= max)
		return;
	for (i = 0; i < *nr && out[i] < v; i++)
		;
	for (j = *nr; j > i; j--)
		out[j] = out[j - 1];
	out[i] = (int)v;
	(*nr)++;
}

size_t xsa_mentions(const char *msg, size_t len, int *out, size_t max)
{
	size_t pos = 0, n, nr = 0;
	const char *line;

	while (next_line(msg, len, &pos, &line, &n)) {
		char *l;
		const char *s;

		while (n && isspace((unsigned char)*line)) {
			line++;
			n--;
		}
		if (n < 5)
			continue;
		/* Compare only within the line: msg need not be NUL-terminated. */
		if (n >= 8 && !strncasecmp(line, "This is ", 8)) {
			l = xmemdupz(line, n);
			for (s = l; (s = strcasestr(s, "XSA-")); ) {
				char *end;
				long v;

				s += 4;
				if (!isdigit((unsigned char)*s))
					continue;
				v = strtol(s, &end, 10);
				if (!isalnum((unsigned char)*end))
					xsa_number_add(out, max, &nr, v);
				s = end;
			}
			free(l);
		} else if (!strncasecmp(line, "XSA:", 4)) {
			struct strvec vals = STRVEC_INIT;
			size_t k;

			l = xmemdupz(line + 4, n - 4);
			strvec_split(&vals, l, ", \t");
			for (k = 0; k < vals.nr; k++) {
				const char *v = vals.v[k];
				char *end;
				long num;

				if (!strncasecmp(v, "XSA-", 4))
					v += 4;
				num = strtol(v, &end, 10);
				if (isdigit((unsigned char)*v) && (!*end || *end == '.'))
					xsa_number_add(out, max, &nr, num);
			}
			strvec_clear(&vals);
			free(l);
		}
	}
	return nr;
}
