#include "compat.h"
#include "maintainers.h"
#include "fs.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

const char *signer_role_name(enum signer_role r)
{
	switch (r) {
	case ROLE_RELEASE: return "release";
	case ROLE_ADVISORY: return "advisory";
	case ROLE_BACKPORT: return "backport";
	}
	return "unknown";
}

static int parse_role(const char *s, enum signer_role *r)
{
	if (!strcmp(s, "release"))
		*r = ROLE_RELEASE;
	else if (!strcmp(s, "advisory"))
		*r = ROLE_ADVISORY;
	else if (!strcmp(s, "backport"))
		*r = ROLE_BACKPORT;
	else
		return -1;
	return 0;
}

/* "G:\t23E3 222C ... release 4.19 4.20" */
static int parse_g_line(struct maintainers *m, const char *path, int lineno,
			const char *rest, const char *person, const char *section)
{
	struct strvec words = STRVEC_INIT;
	struct strbuf hex = STRBUF_INIT;
	struct signer *s;
	size_t i = 0;
	int rc = 0;

	strvec_split(&words, rest, " \t");
	while (i < words.nr && hex.len < GPG_FPR_LEN) {
		const char *w = words.v[i];
		size_t j;

		for (j = 0; w[j]; j++)
			if (!isxdigit((unsigned char)w[j]))
				break;
		if (w[j])
			break;
		strbuf_addstr(&hex, w);
		i++;
	}
	if (hex.len != GPG_FPR_LEN) {
		rc = error_input("%s:%d: G: needs a 40-digit key fingerprint", path, lineno);
		goto out;
	}
	if (i >= words.nr) {
		rc = error_input("%s:%d: G: needs a role after the fingerprint "
				 "(release, advisory or backport)", path, lineno);
		goto out;
	}
	ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	s = &m->v[m->nr];
	memset(s, 0, sizeof(*s));
	if (parse_role(words.v[i], &s->role)) {
		rc = error_input("%s:%d: unknown role '%s' (release, advisory or backport)",
				 path, lineno, words.v[i]);
		goto out;
	}
	if (!person) {
		rc = error_input("%s:%d: G: line before any M: line in its section",
				 path, lineno);
		goto out;
	}
	gpg_normalize_fpr(hex.buf, s->fpr);
	strvec_init(&s->scope);
	for (i++; i < words.nr; i++)
		strvec_push(&s->scope, words.v[i]);
	if (s->role != ROLE_ADVISORY && !s->scope.nr) {
		strvec_clear(&s->scope);
		rc = error_input("%s:%d: a %s key needs a scope (%s)", path, lineno,
				 signer_role_name(s->role),
				 s->role == ROLE_RELEASE ? "branches or *" : "member name");
		goto out;
	}
	s->person = xstrdup(person);
	s->section = xstrdup(section ? section : "");
	s->origin = xstrfmt("%s:%d", path, lineno);
	m->nr++;
out:
	strvec_clear(&words);
	strbuf_release(&hex);
	return rc;
}

int maintainers_parse(struct maintainers *m, const char *path, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *line;
	char *person = NULL, *section = NULL;
	int lineno = 0, rc = 0;

	while (!rc && next_line(text, len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		size_t k = strlen(l);

		lineno++;
		while (k && (l[k - 1] == '\r' || l[k - 1] == ' ' || l[k - 1] == '\t'))
			l[--k] = '\0';
		if (k >= 2 && isupper((unsigned char)l[0]) && l[1] == ':' &&
		    (l[2] == '\t' || l[2] == ' ' || !l[2])) {
			const char *rest = l + 2 + strspn(l + 2, " \t");

			if (l[0] == 'M') {
				free(person);
				person = xstrdup(rest);
			} else if (l[0] == 'G') {
				rc = parse_g_line(m, path, lineno, rest, person, section);
			}
		} else if (k && !isspace((unsigned char)l[0])) {
			/* A new section title resets the person. */
			free(section);
			section = xstrdup(l);
			free(person);
			person = NULL;
		} else if (!k) {
			free(person);
			person = NULL;
		}
		free(l);
	}
	free(person);
	free(section);
	return rc;
}

int maintainers_load(struct maintainers *m, const char *path, int optional)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = optional ? read_file_if_exists(&sb, path, 4 << 20) :
			    read_file(&sb, path, 4 << 20);

	if (rc == 1) {
		strbuf_release(&sb);
		return 0;
	}
	if (!rc)
		rc = maintainers_parse(m, path, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

int maintainers_load_repo(struct maintainers *m, const char *repo_root)
{
	char *main = path_join(repo_root, "MAINTAINERS");
	char *local = path_join(repo_root, ".xenstable/MAINTAINERS.local");
	int rc;

	memset(m, 0, sizeof(*m));
	rc = maintainers_load(m, main, 0);
	if (!rc)
		rc = maintainers_load(m, local, 1);
	free(main);
	free(local);
	return rc;
}

void maintainers_release(struct maintainers *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->v[i].person);
		free(m->v[i].section);
		free(m->v[i].origin);
		strvec_clear(&m->v[i].scope);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int scope_matches(const struct signer *s, const char *scope)
{
	if (!scope || s->role == ROLE_ADVISORY)
		return 1;
	return strvec_contains(&s->scope, scope) || strvec_contains(&s->scope, "*");
}

void maintainers_trusted(const struct maintainers *m, enum signer_role role,
			 const char *scope, struct strvec *fprs)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->v[i].role == role && scope_matches(&m->v[i], scope) &&
		    !strvec_contains(fprs, m->v[i].fpr))
			strvec_push(fprs, m->v[i].fpr);
}

const struct signer *maintainers_find(const struct maintainers *m, const char *fpr,
				      enum signer_role role, const char *scope)
{
	char norm[GPG_FPR_LEN + 1];
	size_t i;

	if (gpg_normalize_fpr(fpr, norm))
		return NULL;
	for (i = 0; i < m->nr; i++)
		if (m->v[i].role == role && !strcmp(m->v[i].fpr, norm) &&
		    scope_matches(&m->v[i], scope))
			return &m->v[i];
	return NULL;
}
