#include "compat.h"
#include "changelog.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

void changelog_entry_init(struct changelog_entry *e)
{
	memset(e, 0, sizeof(*e));
	strvec_init(&e->security);
	strvec_init(&e->fixed);
}

void changelog_entry_release(struct changelog_entry *e)
{
	strvec_clear(&e->security);
	strvec_clear(&e->fixed);
	changelog_entry_init(e);
}

static void section(struct strbuf *out, const char *title, const struct strvec *items)
{
	size_t i;

	if (!items->nr)
		return;
	strbuf_addf(out, "\n### %s\n", title);
	for (i = 0; i < items->nr; i++)
		strbuf_addf(out, " - %s\n", items->v[i]);
}

void changelog_format_entry(const struct changelog_entry *e, struct strbuf *out)
{
	strbuf_addf(out, "## [%s](" CHANGELOG_LINK_FMT ") - %s\n", e->version, e->tag, e->date);
	section(out, "Security", &e->security);
	section(out, "Fixed", &e->fixed);
	if (!e->security.nr && !e->fixed.nr)
		strbuf_addstr(out, "\nNo changes besides the version.\n");
	strbuf_addch(out, '\n');
}

/* Up to three numbers "X.Y.Z" at s; returns how many were read. */
static int read_version(const char *s, size_t n, long v[3])
{
	size_t i = 0;
	int k = 0;

	while (k < 3 && i < n && isdigit((unsigned char)s[i])) {
		v[k] = 0;
		while (i < n && isdigit((unsigned char)s[i]))
			v[k] = v[k] * 10 + (s[i++] - '0');
		k++;
		if (i < n && s[i] == '.')
			i++;
		else
			break;
	}
	return k;
}

/*
 * Compare the version in a heading ("4.19.2](...") with ours: <0 when the
 * heading's is older, >0 when newer or not a version ("Unreleased").
 */
static int version_cmp_heading(const char *h, size_t n, const char *ours)
{
	long a[3] = { 0, 0, 0 }, b[3] = { 0, 0, 0 };
	int i;

	if (read_version(h, n, a) < 2 || read_version(ours, strlen(ours), b) < 2)
		return 1;
	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int changelog_insert(struct strbuf *text, const char *origin,
		     const struct changelog_entry *e)
{
	struct strbuf entry = STRBUF_INIT, out = STRBUF_INIT;
	char *mine = xstrfmt("## [%s]", e->version);
	size_t pos = 0, n, start = 0, insert_at = text->len;
	const char *line;
	int found_first = 0;

	changelog_format_entry(e, &entry);
	while (start = pos, next_line(text->buf, text->len, &pos, &line, &n)) {
		if (n >= strlen(mine) && !memcmp(line, mine, strlen(mine))) {
			int same = text->len - start >= entry.len &&
				   !memcmp(text->buf + start, entry.buf, entry.len);

			free(mine);
			strbuf_release(&entry);
			if (same)
				return 1;
			return error_input("%s: there is already an entry for %s, and it differs",
					   origin, e->version);
		}
		if (!found_first && n >= 4 && !memcmp(line, "## [", 4) &&
		    version_cmp_heading(line + 4, n - 4, e->version) < 0) {
			/* The first entry of an older version: ours goes above it. */
			insert_at = start;
			found_first = 1;
		}
	}
	strbuf_add(&out, text->buf, insert_at);
	if (insert_at == text->len && out.len && out.buf[out.len - 1] != '\n')
		strbuf_addch(&out, '\n');
	if (insert_at == text->len && out.len)
		strbuf_addch(&out, '\n');
	strbuf_addbuf(&out, &entry);
	strbuf_add(&out, text->buf + insert_at, text->len - insert_at);
	strbuf_release(text);
	*text = out;
	strbuf_release(&entry);
	free(mine);
	return 0;
}
