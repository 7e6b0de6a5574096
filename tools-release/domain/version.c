#include "compat.h"
#include "version.h"
#include "git.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

void xen_version_release(struct xen_version *v)
{
	free(v->extra);
	memset(v, 0, sizeof(*v));
}

/*
 * Match "export NAME <op> value" (export optional); on success set the
 * value span (trimmed) and return 1.
 */
static int match_assign(const char *line, size_t n, const char *name,
			const char *op, const char **val, size_t *vlen)
{
	size_t i = 0, nl = strlen(name), ol = strlen(op);

	while (i < n && isspace((unsigned char)line[i]))
		i++;
	if (n - i > 7 && !memcmp(line + i, "export", 6) && isspace((unsigned char)line[i + 6])) {
		i += 6;
		while (i < n && isspace((unsigned char)line[i]))
			i++;
	}
	if (n - i < nl || memcmp(line + i, name, nl))
		return 0;
	i += nl;
	if (i < n && (isalnum((unsigned char)line[i]) || line[i] == '_'))
		return 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i < ol || memcmp(line + i, op, ol))
		return 0;
	i += ol;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	*val = line + i;
	*vlen = n - i;
	while (*vlen && isspace((unsigned char)(*val)[*vlen - 1]))
		(*vlen)--;
	return 1;
}

static int parse_small_int(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	if (!n || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int version_parse_extra(const char *extra, int *point, int *pre)
{
	const char *p = extra;
	int v = 0, digits = 0;

	*point = -1;
	*pre = 0;
	if (*p != '.')
		return -1;
	for (p++; isdigit((unsigned char)*p) && digits < 4; p++, digits++)
		v = v * 10 + (*p - '0');
	if (!digits)
		return -1;
	if (!strcmp(p, "-pre"))
		*pre = 1;
	else if (*p)
		return -1;
	*point = v;
	return 0;
}

int version_parse_makefile(const char *text, size_t len, const char *origin,
			   struct xen_version *v)
{
	size_t pos = 0, n, vlen;
	const char *line, *val;
	int lineno = 0, have_major = 0, have_minor = 0;

	memset(v, 0, sizeof(*v));
	v->point = -1;
	while (next_line(text, len, &pos, &line, &n)) {
		lineno++;
		if (match_assign(line, n, "XEN_VERSION", "=", &val, &vlen)) {
			if (parse_small_int(val, vlen, &v->major))
				return error_input("%s:%d: XEN_VERSION is not a number", origin, lineno);
			have_major = 1;
		} else if (match_assign(line, n, "XEN_SUBVERSION", "=", &val, &vlen)) {
			if (parse_small_int(val, vlen, &v->minor))
				return error_input("%s:%d: XEN_SUBVERSION is not a number", origin, lineno);
			have_minor = 1;
		} else if (match_assign(line, n, "XEN_EXTRAVERSION", "?=", &val, &vlen)) {
			static const char vendor[] = "$(XEN_VENDORVERSION)";
			size_t vl = sizeof(vendor) - 1;

			if (vlen >= vl && !memcmp(val + vlen - vl, vendor, vl))
				vlen -= vl;
			free(v->extra);
			v->extra = xmemdupz(val, vlen);
			if (strpbrk(v->extra, "$() \t"))
				return error_input("%s:%d: XEN_EXTRAVERSION '%s' is not a plain version suffix",
						   origin, lineno, v->extra);
		}
	}
	if (!have_major || !have_minor || !v->extra) {
		xen_version_release(v);
		return error_input("%s: no XEN_VERSION / XEN_SUBVERSION / XEN_EXTRAVERSION ?= lines",
				   origin);
	}
	version_parse_extra(v->extra, &v->point, &v->pre);
	return 0;
}

int version_set_makefile(struct strbuf *text, const char *origin, int major,
			 int minor, const char *extra)
{
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0, n, vlen;
	const char *line, *val;
	int seen = 0;

	while (next_line(text->buf, text->len, &pos, &line, &n)) {
		size_t keep;

		if (match_assign(line, n, "XEN_VERSION", "=", &val, &vlen)) {
			keep = (size_t)(val - line);
			strbuf_add(&out, line, keep);
			strbuf_addf(&out, "%d", major);
			seen |= 1;
		} else if (match_assign(line, n, "XEN_SUBVERSION", "=", &val, &vlen)) {
			keep = (size_t)(val - line);
			strbuf_add(&out, line, keep);
			strbuf_addf(&out, "%d", minor);
			seen |= 2;
		} else if (match_assign(line, n, "XEN_EXTRAVERSION", "?=", &val, &vlen)) {
			keep = (size_t)(val - line);
			strbuf_add(&out, line, keep);
			strbuf_addf(&out, "%s$(XEN_VENDORVERSION)", extra);
			seen |= 4;
		} else {
			strbuf_add(&out, line, n);
		}
		if (pos <= text->len && (pos < text->len || text->buf[text->len - 1] == '\n'))
			strbuf_addch(&out, '\n');
	}
	if (seen != 7) {
		strbuf_release(&out);
		return error_input("%s: version lines not found", origin);
	}
	strbuf_release(text);
	*text = out;
	return 0;
}

char *xen_version_string(const struct xen_version *v)
{
	return xstrfmt("%d.%d%s", v->major, v->minor, v->extra ? v->extra : "");
}

int tree_layout_detect(const struct git_repo *r, const char *rev, struct tree_layout *l)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	rc = git_read_blob(r, rev, "xen/Makefile", &sb);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		l->kind = TREE_XEN;
		l->hypervisor = "xen";
		l->toolstack = "tools";
		l->makefile = "xen/Makefile";
		goto out;
	}
	strbuf_reset(&sb);
	rc = git_read_blob(r, rev, "hypervisor/Makefile", &sb);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		l->kind = TREE_REFERENCE;
		l->hypervisor = "hypervisor";
		l->toolstack = "toolstack";
		l->makefile = "hypervisor/Makefile";
		goto out;
	}
	rc = error_input("%s: neither xen/Makefile nor hypervisor/Makefile; not a Xen tree", rev);
out:
	strbuf_release(&sb);
	return rc;
}

int tree_read_version(const struct git_repo *r, const char *rev,
		      const struct tree_layout *l, struct xen_version *v)
{
	struct strbuf sb = STRBUF_INIT;
	char *origin = xstrfmt("%s:%s", rev, l->makefile);
	int rc = git_read_blob(r, rev, l->makefile, &sb);

	if (rc == 1)
		rc = error_input("%s: no such file", origin);
	if (!rc)
		rc = version_parse_makefile(sb.buf, sb.len, origin, v);
	free(origin);
	strbuf_release(&sb);
	return rc;
}
