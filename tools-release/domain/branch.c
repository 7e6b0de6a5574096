#include "compat.h"
#include "branch.h"
#include "suggest.h"
#include "date.h"
#include "fs.h"
#include "strbuf.h"
#include "strvec.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

static const char *const known_sections[] = {
	"branch", "build", "abi", "companion", "release", NULL
};

static const char *const branch_keys[] = {
	"version", "ref", "initial-release", "supported-until",
	"security-support-until", "tag-format", "tarball-name", "cadence", NULL
};

int parse_major_minor(const char *s, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!isdigit((unsigned char)*s))
		return -1;
	a = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end || a < 0 || a > 99 || b < 0 || b > 99)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static int need(const struct cfg_file *cf, const char *key, const struct cfg_entry **e)
{
	*e = cfg_find(cf, "branch", NULL, key);
	if (!*e || !(*e)->value || !*(*e)->value)
		return error_input("%s: missing 'branch.%s'", cf->path, key);
	return 0;
}

static int need_day(const struct cfg_file *cf, const char *key, long *day)
{
	const struct cfg_entry *e;
	int rc = need(cf, key, &e);

	if (rc)
		return rc;
	if (date_parse_day(e->value, day))
		return error_input("%s:%d: %s '%s' is not a date (YYYY-MM-DD)",
				   cf->path, e->line, key, e->value);
	return 0;
}

int branch_parse(struct branch *b, const char *path, const char *text, size_t len)
{
	const struct cfg_entry *e;
	const char *base = path_basename(path);
	size_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	cfg_init(&b->cfg);
	b->path = xstrdup(path);
	rc = cfg_parse(&b->cfg, path, text, len);
	if (rc)
		return rc;
	for (i = 0; i < b->cfg.nr; i++) {
		e = &b->cfg.e[i];
		if (!in_list(known_sections, e->section))
			return error_input("%s:%d: unknown section [%s]", path, e->line,
					   e->section);
		if (!strcmp(e->section, "branch") &&
		    (e->subsection || !in_list(branch_keys, e->key)))
			return error_input("%s:%d: unknown key 'branch.%s'", path, e->line,
					   e->key);
	}
	if ((rc = need(&b->cfg, "version", &e)))
		return rc;
	if (parse_major_minor(e->value, &b->major, &b->minor))
		return error_input("%s:%d: version '%s' is not X.Y", path, e->line, e->value);
	b->name = xstrdup(e->value);
	if (ends_with(base, ".conf") &&
	    (strlen(base) != strlen(b->name) + 5 || strncmp(base, b->name, strlen(b->name))))
		return error_input("%s:%d: version %s does not match the file name",
				   path, e->line, b->name);
	if ((rc = need(&b->cfg, "ref", &e)))
		return rc;
	if (strchr(e->value, ' ') || strstr(e->value, ".."))
		return error_input("%s:%d: ref '%s' is not a valid branch name", path,
				   e->line, e->value);
	/*
	 * A maintained branch is a branch: refs/heads/NAME, whichever way the
	 * file writes it.  Never resolved by its short name, which a tag or a
	 * remote-tracking ref of the same name would win (TRUST.md).
	 */
	{
		const char *v = e->value;

		if (starts_with(v, "refs/") && !skip_prefix(v, "refs/heads/", &v))
			return error_input("%s:%d: ref '%s' is not under refs/heads/: a maintained "
					   "branch is a branch", path, e->line, e->value);
		if (!*v || *v == '-' || *v == '/' || ends_with(v, "/") || ends_with(v, ".lock"))
			return error_input("%s:%d: ref '%s' is not a valid branch name", path,
					   e->line, e->value);
		b->ref = xstrdup(v);
		b->full_ref = xstrfmt("refs/heads/%s", v);
	}
	if ((rc = need_day(&b->cfg, "initial-release", &b->initial_release)) ||
	    (rc = need_day(&b->cfg, "supported-until", &b->supported_until)) ||
	    (rc = need_day(&b->cfg, "security-support-until", &b->security_until)))
		return rc;
	if (b->supported_until < b->initial_release ||
	    b->security_until < b->supported_until) {
		e = cfg_find(&b->cfg, "branch", NULL, "security-support-until");
		return error_input("%s:%d: dates out of order (need initial-release <= "
				   "supported-until <= security-support-until)", path,
				   e ? e->line : 0);
	}
	e = cfg_find(&b->cfg, "branch", NULL, "tag-format");
	b->tag_format = xstrdup(e && e->value ? e->value : "RELEASE-%v");
	if (!strstr(b->tag_format, "%v"))
		return error_input("%s:%d: tag-format '%s' lacks %%v", path,
				   e ? e->line : 0, b->tag_format);
	e = cfg_find(&b->cfg, "branch", NULL, "tarball-name");
	b->tarball_name = xstrdup(e && e->value ? e->value : "xen-%v");
	if (!strstr(b->tarball_name, "%v") || strchr(b->tarball_name, '/'))
		return error_input("%s:%d: tarball-name '%s' must contain %%v and no '/'",
				   path, e ? e->line : 0, b->tarball_name);
	e = cfg_find(&b->cfg, "branch", NULL, "cadence");
	b->cadence = xstrdup(e && e->value ? e->value : "monthly");
	if (strcmp(b->cadence, "monthly") && strcmp(b->cadence, "on-xsa"))
		return error_input("%s:%d: cadence '%s' is neither 'monthly' nor 'on-xsa'",
				   path, e ? e->line : 0, b->cadence);
	return 0;
}

void branch_release(struct branch *b)
{
	free(b->name);
	free(b->path);
	free(b->ref);
	free(b->full_ref);
	free(b->tag_format);
	free(b->tarball_name);
	free(b->cadence);
	cfg_release(&b->cfg);
	memset(b, 0, sizeof(*b));
}

static int cmp_branch(const void *a, const void *b)
{
	const struct branch *x = a, *y = b;

	if (x->major != y->major)
		return x->major - y->major;
	return x->minor - y->minor;
}

int branches_load(struct branch_set *bs, const char *repo_root)
{
	struct strvec names = STRVEC_INIT;
	char *dir = path_join(repo_root, "branches");
	size_t i;
	int rc;

	memset(bs, 0, sizeof(*bs));
	if (!is_dir(dir)) {
		rc = error_env("%s: no branches/ directory; is -C the maintenance repository?",
			       repo_root);
		free(dir);
		return rc;
	}
	rc = list_dir(dir, &names);
	for (i = 0; !rc && i < names.nr; i++) {
		struct strbuf text = STRBUF_INIT;
		char *path;
		struct branch b;

		if (!ends_with(names.v[i], ".conf"))
			continue;
		path = xstrfmt("branches/%s", names.v[i]);
		{
			char *full = path_join(repo_root, path);

			rc = read_file(&text, full, 1 << 20);
			free(full);
		}
		if (!rc)
			rc = branch_parse(&b, path, text.buf, text.len);
		if (!rc) {
			if (branch_find(bs, b.name))
				rc = error_input("%s: branch %s is defined twice", path, b.name);
			else {
				ALLOC_GROW(bs->v, bs->nr + 1, bs->alloc);
				bs->v[bs->nr++] = b;
			}
		}
		if (rc)
			branch_release(&b);
		strbuf_release(&text);
		free(path);
	}
	strvec_clear(&names);
	free(dir);
	if (rc) {
		branches_release(bs);
		return rc;
	}
	if (bs->nr > 1)
		qsort(bs->v, bs->nr, sizeof(*bs->v), cmp_branch);
	return 0;
}

void branches_release(struct branch_set *bs)
{
	size_t i;

	for (i = 0; i < bs->nr; i++)
		branch_release(&bs->v[i]);
	free(bs->v);
	memset(bs, 0, sizeof(*bs));
}

struct branch *branch_find(const struct branch_set *bs, const char *name)
{
	const char *v;
	size_t i;

	if (skip_prefix(name, "refs/heads/", &v))
		name = v;
	for (i = 0; i < bs->nr; i++) {
		struct branch *b = &bs->v[i];

		if (!strcmp(b->name, name) || (b->ref && !strcmp(b->ref, name)))
			return b;
	}
	if (skip_prefix(name, "stable-", &v))
		return branch_find(bs, v);
	return NULL;
}

enum branch_state branch_state_on(const struct branch *b, long day)
{
	if (day < b->initial_release)
		return BRANCH_UNRELEASED;
	if (day <= b->supported_until)
		return BRANCH_SUPPORTED;
	if (day <= b->security_until)
		return BRANCH_SECURITY_ONLY;
	return BRANCH_EOL;
}

const char *branch_state_name(enum branch_state s)
{
	switch (s) {
	case BRANCH_UNRELEASED: return "unreleased";
	case BRANCH_SUPPORTED: return "supported";
	case BRANCH_SECURITY_ONLY: return "security-only";
	case BRANCH_EOL: return "eol";
	}
	return "unknown";
}

int branch_security_supported(const struct branch *b, long day)
{
	enum branch_state s = branch_state_on(b, day);

	return s == BRANCH_SUPPORTED || s == BRANCH_SECURITY_ONLY;
}

char *branch_expand(const char *fmt, const char *version)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'v') {
			strbuf_addstr(&sb, version);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			strbuf_addch(&sb, '%');
			p++;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	return strbuf_detach(&sb, NULL);
}

char *branch_tag_name(const struct branch *b, const char *version)
{
	return branch_expand(b->tag_format, version);
}

char *branch_tarball_base(const struct branch *b, const char *version)
{
	return branch_expand(b->tarball_name, version);
}

int branch_tag_point(const struct branch *b, const char *tag, int *point)
{
	char *prefix_fmt = xstrfmt("%d.%d.", b->major, b->minor);
	char *pattern = branch_expand(b->tag_format, prefix_fmt);
	size_t plen = strlen(pattern);
	const char *rest;
	char *end;
	long v;
	int ok = 0;

	/* tag_format must end with %v for point detection: "RELEASE-4.19." */
	if (!strncmp(tag, pattern, plen)) {
		rest = tag + plen;
		if (isdigit((unsigned char)*rest)) {
			v = strtol(rest, &end, 10);
			if (!*end && v >= 0 && v < 1000) {
				*point = (int)v;
				ok = 1;
			}
		}
	}
	free(prefix_fmt);
	free(pattern);
	return ok;
}

int branch_error_unknown(const struct branch_set *bs, const char *name, int cls)
{
	struct strbuf list = STRBUF_INIT, near = STRBUF_INIT;
	const char **names = xcalloc(2 * bs->nr + 1, sizeof(*names));
	const char *hit;
	size_t i;
	int rc;

	for (i = 0; i < bs->nr; i++) {
		strbuf_addf(&list, "%s%s", i ? ", " : "", bs->v[i].name);
		names[2 * i] = bs->v[i].name;
		names[2 * i + 1] = bs->v[i].ref;
	}
	hit = suggest_closest(name, names);
	if (hit) {
		const struct branch *b = branch_find(bs, hit);

		strbuf_addf(&near, "; did you mean '%s'?", b ? b->name : hit);
	}
	if (bs->nr)
		rc = error_class(cls, "no maintained branch '%s'%s (maintained: %s; see "
				 "branches/*.conf)", name, near.buf, list.buf);
	else
		rc = error_class(cls, "no maintained branch '%s': branches/ holds none", name);
	strbuf_release(&list);
	strbuf_release(&near);
	free(names);
	return rc;
}
